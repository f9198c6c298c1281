//! indicity: sourced science-and-technology indicators of Chinese cities, as a static site.
//!
//! One pipeline, in the order the modules are listed: [`content`] loads `content/`,
//! [`check`] proves every figure against its source, [`render`] turns the checked site
//! into pages, charts and data, and [`output`] swaps the result in atomically. `build`
//! and `check` share the first two stages, so they refuse exactly the same content.

pub mod chars;
pub mod chart;
pub mod check;
pub mod clean;
pub mod content;
pub mod diagnostics;
pub mod format;
pub mod incremental;
pub mod markdown;
pub mod output;
pub mod render;
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
    let t = Instant::now();
    let (site, mut diags) = content::load(root);
    let load = t.elapsed();
    let t = Instant::now();
    let cache = check::cache::ArticleCache::open(root, &site);
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
        && !safe_url::is_absolute_web(url)
    {
        return Err(Error::Usage(format!(
            "--base-url {url} is not an absolute web address; give one such as https://indicity.example.org/"
        )));
    }
    let mut checked = check(&opts.root)?;

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
    let renderer = render::Renderer::new(&checked.site, &checked.provenance, &tera, &base_url);
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
            let staging = output::Staging::in_place(&output).map_err(|e| {
                Error::Output(format!("cannot write into {}: {e}", output.display()))
            })?;
            for f in &remove {
                staging.remove(f).map_err(|e| {
                    Error::Output(format!("cannot remove {f} from {}: {e}", output.display()))
                })?;
            }
            let pages = render::Pages::of(&checked.site, &outputs);
            renderer
                .render(&pages, &opts.root, &staging)
                .map_err(|d| output_or_content(d, &staging))?;
            (staging, outputs.len(), remove.len())
        }
        None => {
            let staging = output::Staging::create(&output).map_err(|e| {
                Error::Output(format!(
                    "cannot create the staging directory next to {}: {e}",
                    output.display()
                ))
            })?;
            renderer
                .render_all(&opts.root, &staging)
                .map_err(|d| output_or_content(d, &staging))?;
            (staging, fingerprints.len(), 0)
        }
    };
    let (files, bytes, unchanged) = (staging.files(), staging.bytes(), staging.unchanged());
    checked.timings.push(("render+write", t.elapsed()));
    // Thread-time totals inside render+write (they overlap with it, and with each
    // other on several cores).
    checked
        .timings
        .push(("  charts (thread time)", renderer.chart_time()));
    checked
        .timings
        .push(("  writing (thread time)", staging.write_time()));

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
fn output_or_content(d: Diagnostics, staging: &output::Staging) -> Error {
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

/// What `indicity clean` is asked to do.
#[derive(Debug, Clone)]
pub struct CleanOptions {
    pub root: PathBuf,
    pub city: Option<String>,
    pub output_dir: Option<PathBuf>,
    pub dry_run: bool,
    pub force: bool,
}

/// One cleaned page and where it went.
pub struct CleanReport {
    pub source: PathBuf,
    pub cleaned: clean::Cleaned,
    /// The article file written (or that would be written with `--dry-run`).
    pub target: PathBuf,
}

impl CleanReport {
    /// Every dropped, changed or moved line with its rule: `--explain`. (Flags are
    /// in the summary, which is always printed.)
    pub fn explain(&self) -> String {
        use clean::Action;
        let mut out = format!("{} ({}):\n", self.source.display(), self.cleaned.encoding);
        for s in &self.cleaned.steps {
            let at = if s.raw == 0 {
                "title".to_string()
            } else {
                format!("line {}", s.raw)
            };
            let what = match &s.action {
                Action::Dropped => format!("dropped: {}", s.text),
                Action::Changed { after } => format!("changed: {}\n      → {after}", s.text),
                Action::Moved { field, value } => format!("{field} = {value}   (from: {})", s.text),
                Action::Joined => format!("joined to the line before: {}", s.text),
                Action::Read { field, value } => {
                    format!("{field} = {value}   (read from: {}, kept)", s.text)
                }
            };
            out.push_str(&format!("  {at:>9} [{}] {what}\n", s.rule));
        }
        out
    }

    /// What was written, what is missing, what needs a person's eye.
    pub fn summary(&self) -> String {
        let c = &self.cleaned;
        let mut out = format!("{} → {}", self.source.display(), self.target.display());
        if let Some(g) = &c.place {
            out.push_str(&format!(
                " (place inferred: {} {}, {} mentions)",
                g.name, g.code, g.mentions
            ));
        }
        out.push('\n');
        if c.meta.title.trim().is_empty() {
            out.push_str("  warning: the page states no title; `title:` is left empty for you to fill in (check refuses an article without one)\n");
        }
        if c.meta.date.is_none() {
            out.push_str("  warning: the page states no date; `date:` is left out (add it by hand if you know it)\n");
        }
        for f in &c.flags {
            out.push_str(&format!(
                "  warning: {}:{}:{}: {}\n",
                self.source.display(),
                f.raw,
                f.col,
                f.message
            ));
        }
        out
    }
}

/// Refuses a `--city` that is not a place slug: it becomes a directory name.
pub fn check_clean_options(opts: &CleanOptions) -> Result<(), Error> {
    match &opts.city {
        Some(c) if !content::is_slug(c, '-') => Err(Error::Usage(format!(
            "--city {c:?} is not a place slug: use the file name of a place under content/cities/ (lowercase letters, digits and `-`), e.g. --city fuzhou"
        ))),
        _ => Ok(()),
    }
}

/// Cleans one raw file and writes the article (unless `dry_run`).
pub fn clean_file(path: &Path, opts: &CleanOptions) -> Result<CleanReport, String> {
    check_clean_options(opts).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let content = opts.root.join(content::CONTENT_DIR);
    let raw = path
        .canonicalize()
        .ok()
        .and_then(|p| {
            content
                .canonicalize()
                .ok()
                .and_then(|c| p.strip_prefix(c).ok().map(Path::to_path_buf))
        })
        .map(|p| p.to_string_lossy().replace('\\', "/"));
    let (site, _) = content::load_uncached(&opts.root);
    let places = site
        .places
        .iter()
        .map(|p| (p.slug.clone(), p.full_name(), p.code.clone()))
        .chain(
            site.places
                .iter()
                .map(|p| (p.slug.clone(), p.name.clone(), p.code.clone())),
        )
        .collect();
    let cleaned = clean::clean(
        &bytes,
        &clean::Options {
            city: opts.city.clone(),
            raw,
            places,
        },
    )
    .map_err(|e| e.to_string())?;
    if !content::is_slug(&cleaned.meta.city, '-') {
        return Err(format!(
            "the inferred place `{}` is not a place slug; pass --city SLUG",
            cleaned.meta.city
        ));
    }
    let dir = opts.output_dir.clone().unwrap_or_else(|| {
        opts.root
            .join(content::ARTICLES_DIR)
            .join(&cleaned.meta.city)
    });
    let date = cleaned
        .meta
        .date
        .clone()
        .unwrap_or_else(|| "undated".to_string());
    let target = dir.join(format!(
        "{date}-{}.md",
        clean::place::title_slug(&cleaned.meta.title)
    ));
    if !opts.dry_run {
        write_new(&target, cleaned.to_markdown().as_bytes(), opts.force)?;
    }
    Ok(CleanReport {
        source: path.to_path_buf(),
        cleaned,
        target,
    })
}

/// Writes a new file at `target`, never through a symbolic link: without `force` an
/// existing entry (a dangling link included) is refused; with it, the entry itself
/// is replaced, and a link's target is left alone.
fn write_new(target: &Path, bytes: &[u8], force: bool) -> Result<(), String> {
    use std::io::Write as _;
    let existing = std::fs::symlink_metadata(target);
    if existing.is_ok() && !force {
        return Err(format!(
            "{} exists; pass --force to overwrite it",
            target.display()
        ));
    }
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    if let Ok(m) = existing {
        if m.is_dir() {
            return Err(format!("{} is a directory", target.display()));
        }
        std::fs::remove_file(target)
            .map_err(|e| format!("cannot replace {}: {e}", target.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
        .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    file.write_all(bytes)
        .map_err(|e| format!("cannot write {}: {e}", target.display()))
}
