//! indicity: sourced science-and-technology indicators of Chinese cities, as a static site.
//!
//! One pipeline, in the order the modules are listed: [`content`] loads `content/`,
//! [`check`] proves every figure against its source, [`render`] turns the checked site
//! into pages, charts and data, and [`output`] swaps the result in atomically. `build`
//! and `check` share the first two stages, so they refuse exactly the same content.

/// `eprint!` that never panics: a closed or full standard error (`2>&1 | head`)
/// must not turn a run that succeeded, or already published, into a crash.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `eprintln!` that never panics (see [`say!`]).
#[macro_export]
macro_rules! sayln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `print!` that never panics on a closed pipe (`clean --dry-run | head`).
#[macro_export]
macro_rules! put {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub mod chars;
pub mod chart;
pub mod check;
pub mod clean;
pub mod cmd;
pub mod content;
pub mod diagnostics;
pub mod extract;
pub mod format;
pub mod gazetteer;
pub mod history;
pub mod incremental;
pub mod markdown;
pub mod output;
pub mod render;
pub mod safe_fs;
pub mod safe_url;
pub mod serve;
pub mod text;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use check::Provenance;
use content::Site;
use diagnostics::{Code, Diagnostic, Diagnostics};

/// Why a run did not produce a site.
#[derive(Debug)]
pub enum Error {
    /// The content (or templates) have errors; every one of them is listed.
    Content(Diagnostics),
    /// The command was asked to do something it must not, e.g. write over `content/`.
    Usage(String),
    /// The content is fine but the output could not be written (a full disk, a
    /// read-only file system, another build holding the output): nothing was
    /// published.
    Output(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Content(d) => write!(f, "{d}"),
            Error::Usage(m) | Error::Output(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for Error {}

/// A site that passed every check, with the warnings found on the way.
pub struct Checked {
    pub site: Site,
    pub provenance: Provenance,
    pub warnings: Diagnostics,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Load and check: everything `build` validates, nothing written.
pub fn check(root: &Path) -> Result<Checked, Error> {
    check_with(root, content::cache::Caching::On)
}

/// [`check`], using the caches as `caching` says.
pub fn check_with(root: &Path, caching: content::cache::Caching) -> Result<Checked, Error> {
    let t = Instant::now();
    let (site, mut diags) = content::load_with(root, caching);
    let load = t.elapsed();
    let t = Instant::now();
    let cache = (caching != content::cache::Caching::Off)
        .then(|| check::cache::ArticleCache::open(root, &site, caching.reads()))
        .flatten();
    let provenance = check::check(&site, cache.as_ref(), &mut diags);
    if let Some(cache) = cache {
        cache.save();
    }
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
    pub warnings: Diagnostics,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Load → check → render → write. The output directory is replaced only when every
/// stage succeeded; on any error it is left exactly as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
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
    // `--full` trusts nothing it did not compute in this run.
    let caching = if opts.full {
        content::cache::Caching::Fresh
    } else {
        content::cache::Caching::On
    };
    let mut checked = check_with(&opts.root, caching)?;

    let t = Instant::now();
    // Read before the templates are loaded: a template saved in between is then
    // seen as changed by the next build, never as unchanged.
    let templates = render::template_digests(&opts.root);
    let tera =
        render::load_templates(&opts.root).map_err(|d| Error::Content(Diagnostics(vec![d])))?;
    let base_url = opts
        .base_url
        .clone()
        .unwrap_or_else(|| checked.site.config.base_url.clone());
    let read = Instant::now();
    let history = history::read(&opts.root, caching);
    checked.warnings.extend(history.warnings());
    checked.timings.push(("history", read.elapsed()));
    let renderer = render::Renderer::new(&checked.site, &checked.provenance, &tera, &base_url)
        .with_history(&history);
    let mut fingerprints = renderer.fingerprints(&templates);
    let generated = render::fed::generated_files(&checked.site);
    let statics = render::fed::static_fingerprints(&opts.root, &generated)
        .map_err(|e| Error::Output(format!("cannot read {}/: {e}", render::STATIC_DIR)))?;
    fingerprints.extend(statics);
    checked.timings.push(("fingerprints", t.elapsed()));

    let t = Instant::now();
    let mut before = if opts.full {
        None
    } else {
        incremental::recall(&opts.root, &output)
    };
    // From here on the output may change: until it is complete, nothing says what it
    // holds, and a build killed on the way is followed by a full one.
    if !incremental::forget(&opts.root, &output) {
        before = None;
    }
    let (staging, rendered, removed) = match &before {
        Some(before) => {
            let (outputs, remove) = incremental::plan(before, &fingerprints, &output);
            let staging = output::open(output::Mode::Incremental, &output).map_err(|e| {
                Error::Output(format!("cannot write into {}: {e}", output.display()))
            })?;
            for f in &remove {
                staging.remove(f).map_err(|e| {
                    Error::Output(format!("cannot remove {f} from {}: {e}", output.display()))
                })?;
            }
            let pages = render::Pages::of(&checked.site, &outputs);
            renderer
                .render(&pages, &opts.root, &*staging)
                .map_err(|d| output_or_content(d, &*staging))?;
            (staging, outputs.len(), remove.len())
        }
        None => {
            let staging = output::open(output::Mode::Full, &output).map_err(|e| {
                Error::Output(format!(
                    "cannot create the staging directory next to {}: {e}",
                    output.display()
                ))
            })?;
            renderer
                .render_all(&opts.root, &*staging)
                .map_err(|d| output_or_content(d, &*staging))?;
            (staging, fingerprints.len(), 0)
        }
    };
    let tally = staging.tally();
    let (files, bytes, unchanged) = (tally.files(), tally.bytes(), tally.unchanged());
    checked.timings.push(("render+write", t.elapsed()));
    // Thread-time totals inside render+write (they overlap with it, and with each
    // other on several cores).
    checked
        .timings
        .push(("  charts (thread time)", renderer.chart_time()));
    checked
        .timings
        .push(("  writing (thread time)", tally.write_time()));

    let t = Instant::now();
    staging.commit().map_err(|e| {
        Error::Output(format!(
            "cannot move the new site into {}: {e}",
            output.display()
        ))
    })?;
    incremental::remember(&opts.root, &output, &fingerprints);
    checked.timings.push(("swap", t.elapsed()));
    Ok(BuildReport {
        output,
        files,
        bytes,
        unchanged,
        incremental: before.is_some(),
        rendered,
        removed,
        warnings: checked.warnings,
        timings: checked.timings,
    })
}

/// A render's errors: a template's are content errors; when every error is one of
/// writing (a full disk fails every file alike), one output error naming the first.
fn output_or_content(d: Diagnostics, staging: &dyn output::Writer) -> Error {
    let writes: Vec<&Diagnostic> = d.0.iter().filter(|d| d.code == Code::E013).collect();
    match writes.first() {
        Some(first) if writes.len() == d.0.len() => {
            let more = match writes.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more files)"),
            };
            Error::Output(format!(
                "{}{more} in {}",
                first.message,
                staging.dir().display()
            ))
        }
        _ => Error::Content(d),
    }
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

pub use cmd::clean::{CleanOptions, CleanReport, check_clean_options, clean_file};
