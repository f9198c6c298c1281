//! indicity: sourced science-and-technology indicators of Chinese cities, as a static site.
//!
//! One pipeline, in the order the modules are listed: [`content`] loads `content/`,
//! [`check`] proves every figure against its source, [`render`] turns the checked site
//! into pages, charts and data, and [`output`] swaps the result in atomically. `build`
//! and `check` share the first two stages, so they refuse exactly the same content.

pub mod chart;
pub mod check;
pub mod content;
pub mod diagnostics;
pub mod format;
pub mod markdown;
pub mod output;
pub mod render;
pub mod text;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use check::Provenance;
use content::Site;
use diagnostics::{Diagnostic, Diagnostics};

/// Why a run did not produce a site.
#[derive(Debug)]
pub enum Error {
    /// The content (or templates) have errors; every one of them is listed.
    Content(Diagnostics),
    /// The command was asked to do something it must not, e.g. write over `content/`.
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Content(d) => write!(f, "{d}"),
            Error::Usage(m) => write!(f, "{m}"),
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
    let provenance = check::check(&site, &mut diags);
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
}

/// What a successful build wrote.
pub struct BuildReport {
    pub output: PathBuf,
    pub files: usize,
    pub bytes: u64,
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
    let mut checked = check(&opts.root)?;

    let t = Instant::now();
    let tera =
        render::load_templates(&opts.root).map_err(|d| Error::Content(Diagnostics(vec![d])))?;
    let base_url = opts
        .base_url
        .clone()
        .unwrap_or_else(|| checked.site.config.base_url.clone());
    let staging = output::Staging::create(&output).map_err(|e| {
        Error::Content(Diagnostics(vec![Diagnostic::error(
            "E013",
            format!(
                "cannot create the staging directory next to {}: {e}",
                output.display()
            ),
        )]))
    })?;
    let renderer = render::Renderer::new(&checked.site, &checked.provenance, &tera, &base_url);
    renderer
        .render_all(&opts.root, &staging)
        .map_err(Error::Content)?;
    let (files, bytes) = (staging.files(), staging.bytes());
    checked.timings.push(("render+write", t.elapsed()));

    let t = Instant::now();
    staging.commit().map_err(|e| {
        Error::Content(Diagnostics(vec![Diagnostic::error(
            "E013",
            format!("cannot move the new site into {}: {e}", output.display()),
        )]))
    })?;
    checked.timings.push(("swap", t.elapsed()));
    Ok(BuildReport {
        output,
        files,
        bytes,
        warnings: checked.warnings,
        timings: checked.timings,
    })
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
