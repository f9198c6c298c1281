//! The pipeline, written once: load → check → render → write.
//!
//! `build` runs it top to bottom ([`build`]). `serve` runs the same stages: a full
//! rebuild exactly as `build` does, and a change by narrowing the load and the check
//! to what it touched, then rendering and writing through the same [`write()`] (see
//! [`crate::serve::rebuild`]). So the setup is in one place: [`prepare`] loads,
//! checks and reads the templates and the correction record; [`stage`] opens the
//! output in one of the three staging modes of [`crate::output`]; [`write()`] renders
//! into it and publishes. Every cache a run touches is reached through [`Caches`],
//! and every failure to write the output becomes one [`Error::Output`], through
//! [`Error::io`] or, for a render, [`render_failed`].

mod caches;

pub use caches::Caches;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tera::Tera;

use crate::Error;
use crate::cache::Caching;
use crate::check::Provenance;
use crate::content::Site;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::history::History;
use crate::output::{self, Mode, Writer};
use crate::render::fed::Output;
use crate::render::{self, Pages, Renderer};
use crate::{incremental, safe_url};

/// Time per stage, in the order they ran, for `build --timings`.
pub type Timings = Vec<(&'static str, Duration)>;

/// A site that passed every check, with the warnings found on the way.
pub struct Checked {
    pub site: Site,
    pub provenance: Provenance,
    pub warnings: Diagnostics,
    pub timings: Timings,
}

/// Load and check: everything `build` validates, nothing written.
pub fn check(root: &Path) -> Result<Checked, Error> {
    check_with(root, Caching::On)
}

/// [`check`], using the caches as `caching` says.
pub fn check_with(root: &Path, caching: Caching) -> Result<Checked, Error> {
    checked(&Caches::new(root, caching))
}

fn checked(caches: &Caches) -> Result<Checked, Error> {
    let t = Instant::now();
    let (site, mut diags) = caches.load();
    let load = t.elapsed();
    let t = Instant::now();
    let provenance = caches.check(&site, &mut diags);
    let checking = t.elapsed();
    diags.sort();
    if diags.has_errors() {
        return Err(Error::Content(diags));
    }
    Ok(Checked {
        site,
        provenance,
        warnings: diags,
        timings: vec![("load", load), ("check", checking)],
    })
}

/// A checked site with everything its render reads: what `build` renders once, and
/// what `serve` keeps in memory and updates change by change.
pub struct Prepared {
    pub site: Site,
    pub provenance: Provenance,
    pub tera: Tera,
    /// The templates' digests (see [`render::template_digests`]).
    pub templates: BTreeMap<String, u128>,
    /// The correction record.
    pub history: History,
    /// The address the site is published at.
    pub base_url: String,
}

impl Prepared {
    /// The renderer of this site.
    pub fn renderer(&self) -> Renderer<'_> {
        Renderer::new(&self.site, &self.provenance, &self.tera, &self.base_url)
            .with_history(&self.history)
    }
}

/// Load → check, then the templates and the correction record: everything a render
/// needs. `base_url` overrides the site's. Returns the warnings and the timings of
/// the stages with it.
pub fn prepare(
    caches: &Caches,
    base_url: Option<&str>,
) -> Result<(Prepared, Diagnostics, Timings), Error> {
    let Checked {
        site,
        provenance,
        mut warnings,
        mut timings,
    } = checked(caches)?;
    // Read before the templates are loaded: a template saved in between is then
    // seen as changed by the next build, never as unchanged.
    let templates = render::template_digests(caches.root());
    let tera =
        render::load_templates(caches.root()).map_err(|d| Error::Content(Diagnostics(vec![d])))?;
    let base_url = base_url.map_or_else(|| site.config.base_url.clone(), str::to_string);
    let t = Instant::now();
    let history = caches.history(&site);
    warnings.extend(history.warnings());
    timings.push(("history", t.elapsed()));
    let prepared = Prepared {
        site,
        provenance,
        tera,
        templates,
        history,
        base_url,
    };
    Ok((prepared, warnings, timings))
}

/// Opens the output `target` for writing as `mode` says.
pub fn stage(mode: Mode, target: &Path) -> Result<Box<dyn Writer>, Error> {
    output::open(mode, target).map_err(|e| match mode {
        Mode::Full => Error::io("create the staging directory next to", target, e),
        Mode::Incremental | Mode::Live => Error::io("write into", target, e),
    })
}

/// What [`write()`] wrote.
pub struct Written {
    pub files: usize,
    pub bytes: u64,
    /// Files the output already held byte for byte.
    pub unchanged: usize,
    /// Time spent writing, summed over threads.
    pub writing: Duration,
    /// Time the publishing took.
    pub swap: Duration,
}

/// Render → write: renders `pages` into `out`, then publishes them in `target`. On
/// any error nothing is published: `out` is dropped, which leaves `target` as it was.
pub fn write(
    renderer: &Renderer,
    pages: &Pages,
    root: &Path,
    out: Box<dyn Writer>,
    target: &Path,
) -> Result<Written, Error> {
    renderer
        .render(pages, root, &*out)
        .map_err(|d| render_failed(d, out.dir()))?;
    let tally = out.tally();
    let (files, bytes, unchanged) = (tally.files(), tally.bytes(), tally.unchanged());
    let writing = tally.write_time();
    let t = Instant::now();
    out.commit()
        .map_err(|e| Error::io("move the new site into", target, e))?;
    Ok(Written {
        files,
        bytes,
        unchanged,
        writing,
        swap: t.elapsed(),
    })
}

/// A render's errors: a template's are content errors; when every error is one of
/// writing into `dir` (a full disk fails every file alike), one output error naming
/// the first.
pub fn render_failed(d: Diagnostics, dir: &Path) -> Error {
    let writes: Vec<&Diagnostic> = d.0.iter().filter(|d| d.code == Code::E013).collect();
    match writes.first() {
        Some(first) if writes.len() == d.0.len() => {
            let more = match writes.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more files)"),
            };
            Error::Output(format!("{}{more} in {}", first.message, dir.display()))
        }
        _ => Error::Content(d),
    }
}

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `ROOT/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of `content/site.yaml`.
    pub base_url: Option<String>,
    /// Replace an output that is not a previous indicity output (a file, or a
    /// directory with other things in it).
    pub force: bool,
    /// Render every page, whatever the last build into this output recorded.
    pub full: bool,
}

/// What a successful build wrote.
pub struct BuildReport {
    pub output: PathBuf,
    pub files: usize,
    pub bytes: u64,
    /// Files that the recycled previous output already held byte for byte.
    pub unchanged: usize,
    /// Whether only the outputs whose inputs changed were rendered.
    pub incremental: bool,
    /// Outputs (pages, data and static files) rendered, and files removed.
    pub rendered: usize,
    pub removed: usize,
    /// Places whose rows of `figures.csv` were copied from the published one.
    pub spliced: usize,
    pub warnings: Diagnostics,
    pub timings: Timings,
}

/// Load → check → render → write. The output directory is replaced only when every
/// stage succeeded; on any error it is left exactly as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let output = build_target(opts)?;
    let caches = Caches::for_build(&opts.root, opts.full);
    let (prepared, warnings, mut timings) = prepare(&caches, opts.base_url.as_deref())?;

    let t = Instant::now();
    let mut renderer = prepared.renderer();
    let mut fingerprints = renderer.fingerprints(&prepared.templates);
    let generated = render::kinds::generated_files(&prepared.site);
    let statics = render::fed::static_fingerprints(&opts.root, &generated)
        .map_err(|e| Error::Output(format!("cannot read {}/: {e}", render::STATIC_DIR)))?;
    fingerprints.extend(statics);
    timings.push(("fingerprints", t.elapsed()));

    let t = Instant::now();
    let mut before = caches.recall(&output);
    // From here on the output may change: until it is complete, nothing says what it
    // holds, and a build killed on the way is followed by a full one.
    if !caches.forget(&output) {
        before = None;
    }
    let plan = before
        .as_ref()
        .map(|before| incremental::plan(&before.fingerprints, &fingerprints, &output));
    let mode = match plan {
        Some(_) => Mode::Incremental,
        None => Mode::Full,
    };
    if let Some(before) = &before {
        renderer = renderer.with_previous_rows(previous_rows(before, &fingerprints, &output));
    }
    let out = stage(mode, &output)?;
    let (pages, rendered, removed) = match &plan {
        Some((outputs, remove)) => {
            for f in remove {
                out.remove(f)
                    .map_err(|e| Error::io(format_args!("remove {f} from"), &output, e))?;
            }
            let pages = Pages::of(&prepared.site, outputs);
            (pages, outputs.len(), remove.len())
        }
        None => (Pages::all(&prepared.site), fingerprints.len(), 0),
    };
    let written = write(&renderer, &pages, &opts.root, out, &output)?;
    timings.push(("render+write", t.elapsed().saturating_sub(written.swap)));
    // Thread-time totals inside render+write (they overlap with it, and with each
    // other on several cores).
    timings.push(("  charts (thread time)", renderer.chart_time()));
    timings.push(("  writing (thread time)", written.writing));

    let t = Instant::now();
    // The rows of the `figures.csv` now published: written now, or as they were.
    let rows = match renderer.rows_written() {
        Some(rows) => Some(rows),
        None if pages.has(&Output::FiguresCsv) => None,
        None => before.and_then(|b| b.rows),
    };
    caches.remember(&output, &fingerprints, rows);
    timings.push(("swap", written.swap + t.elapsed()));
    Ok(BuildReport {
        output,
        files: written.files,
        bytes: written.bytes,
        unchanged: written.unchanged,
        incremental: plan.is_some(),
        rendered,
        removed,
        spliced: renderer.spliced(),
        warnings,
        timings,
    })
}

/// What an incremental build may splice `figures.csv` from: the rows of the places
/// whose own output (page and CSV, the same rows) kept its fingerprint.
fn previous_rows(
    before: &incremental::Recalled,
    now: &render::fed::Fingerprints,
    output: &Path,
) -> Option<render::splice::Previous> {
    let rows = before.rows.clone()?;
    let unchanged = now
        .iter()
        .filter_map(|(o, d)| match o {
            Output::Place(slug) if before.fingerprints.get(o) == Some(d) => Some(slug.clone()),
            _ => None,
        })
        .collect();
    Some(render::splice::Previous {
        dir: output.to_path_buf(),
        rows,
        unchanged,
    })
}

/// The directory a build publishes in, or why it must not (see
/// [`output::published_path`]), after checking the options it is given.
fn build_target(opts: &BuildOptions) -> Result<PathBuf, Error> {
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| opts.root.join("public"));
    guard_output(&opts.root, &output)?;
    let output = output::published_path(&output, opts.force).map_err(Error::Usage)?;
    // Through a symbolic link, the directory it leads to must not hold sources either.
    guard_output(&opts.root, &output)?;
    if let Some(url) = &opts.base_url
        && !safe_url::is_base_url(url)
    {
        return Err(Error::Usage(format!(
            "--base-url {url} is not an absolute web address written as one (no space, control or non-ASCII character, `?` or `#`); give one such as https://indicity.example.org/"
        )));
    }
    Ok(output)
}

/// Refuses an output directory whose replacement would destroy the site's sources.
fn guard_output(root: &Path, output: &Path) -> Result<(), Error> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Canonicalise the deepest existing ancestor, so `public/../content` is caught.
        let mut existing = p.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut out = existing
            .canonicalize()
            .unwrap_or_else(|_| existing.to_path_buf());
        for name in rest.into_iter().rev() {
            out.push(name);
        }
        out
    };
    let root = abs(root);
    let out = abs(output);
    let protected = [
        "content",
        render::TEMPLATES_DIR,
        render::STATIC_DIR,
        "src",
        ".git",
    ];
    let bad = root.starts_with(&out) || protected.iter().any(|d| out.starts_with(root.join(d)));
    if bad {
        return Err(Error::Usage(format!(
            "refusing to write the site to {}: the build replaces that directory, which holds the site's sources; choose an output such as {}",
            output.display(),
            root.join("public").display()
        )));
    }
    Ok(())
}
