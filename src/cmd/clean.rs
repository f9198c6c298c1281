//! `indicity clean`: raw pages in, articles out.

use std::path::{Path, PathBuf};

use crate::{Error, clean, content};

#[derive(clap::Args)]
pub struct Args {
    /// The site root: articles go to ROOT/content/articles/<city>/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The place slug (a file name under content/cities/), instead of inferring it.
    #[arg(long)]
    city: Option<String>,
    /// Write the articles here instead of ROOT/content/articles/<city>/.
    #[arg(long)]
    output_dir: Option<PathBuf>,
    /// List every line that was dropped or changed, and the rule that did it.
    #[arg(long)]
    explain: bool,
    /// Print the articles instead of writing them.
    #[arg(long)]
    dry_run: bool,
    /// Overwrite an existing article file.
    #[arg(long)]
    force: bool,
    /// The page's original address, recorded as `url:` (a saved page often does not
    /// state it); one raw page at a time.
    #[arg(long)]
    url: Option<String>,
    /// The raw pages.
    #[arg(required = true)]
    raw: Vec<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Error> {
    let Args {
        root,
        city,
        output_dir,
        explain,
        dry_run,
        force,
        url,
        raw,
    } = args;

    if url.is_some() && raw.len() > 1 {
        return Err(Error::Usage(format!(
            "--url is the address of one page, and {} raw pages were given: clean them one at a time with their own --url",
            raw.len()
        )));
    }
    let opts = CleanOptions {
        root,
        city,
        output_dir,
        dry_run,
        force,
        url,
    };
    let mut failed = false;
    check_clean_options(&opts)?;
    for path in &raw {
        match clean_file(path, &opts) {
            Ok(report) => {
                if explain {
                    crate::say!("{}", report.explain());
                }
                crate::say!("{}", report.summary());
                // Not written for want of a place: shown, so the curator can read it
                // before choosing `--city`.
                let held = report.target.is_none();
                if dry_run || held {
                    crate::put!("{}", report.cleaned.to_markdown());
                }
                if held {
                    let why = report
                        .cleaned
                        .unplaced
                        .as_deref()
                        .unwrap_or("place unknown");
                    crate::sayln!(
                        "error: {}: {why}; the article is printed above and nothing was written: read it and pass --city SLUG (or --output-dir DIR to write it with `city:` left open)",
                        path.display()
                    );
                    failed = true;
                }
            }
            Err(e) => {
                crate::sayln!("error: {}: {e}", path.display());
                failed = true;
            }
        }
    }
    if failed {
        Err(Error::Content(Default::default()))
    } else {
        Ok(())
    }
}

/// What `indicity clean` is asked to do.
#[derive(Debug, Clone)]
pub struct CleanOptions {
    pub root: PathBuf,
    pub city: Option<String>,
    pub output_dir: Option<PathBuf>,
    pub dry_run: bool,
    pub force: bool,
    /// The page's original address (`--url`), recorded instead of any the page states.
    pub url: Option<String>,
}

/// One cleaned page and where it went.
pub struct CleanReport {
    pub source: PathBuf,
    pub cleaned: clean::Cleaned,
    /// The page states no date and `date:` was read from its `--url`.
    pub date_from_address: bool,
    /// The article file written (or that would be written with `--dry-run`); `None`
    /// when the place is unknown and nowhere was given to write it.
    pub target: Option<PathBuf>,
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
        let mut out = match &self.target {
            Some(t) => format!("{} → {}", self.source.display(), t.display()),
            None => format!("{} → (not written)", self.source.display()),
        };
        if let Some(g) = &c.place {
            out.push_str(&format!(
                " (place inferred: {} {}, {} mentions)",
                g.name, g.code, g.mentions
            ));
        }
        out.push('\n');
        if let Some(why) = &c.unplaced {
            out.push_str(&format!(
                "  warning: {why}; `city:` is left open: pass --city SLUG (a file name under content/cities/)\n"
            ));
        }
        if c.meta.title.trim().is_empty() {
            out.push_str("  warning: the page states no title; `title:` is left empty for you to fill in (check refuses an article without one)\n");
        }
        if c.meta.date.is_none() {
            out.push_str("  warning: the page states no date; `date:` is left out (add it by hand if you know it, or give the page's address with --url if it carries one)\n");
        }
        if self.date_from_address
            && let Some(d) = &c.meta.date
        {
            out.push_str(&format!(
                "  note: the page states no date; `date: {d}` is read from its address (--url): check it\n"
            ));
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

/// Refuses a `--city` that is not a place slug (it becomes a directory name) and a
/// `--url` that is not a web address (it becomes a link on the article's page).
pub fn check_clean_options(opts: &CleanOptions) -> Result<(), Error> {
    if let Some(c) = &opts.city
        && !content::is_slug(c, '-')
    {
        return Err(Error::Usage(format!(
            "--city {c:?} is not a place slug: use the file name of a place under content/cities/ (lowercase letters, digits and `-`), e.g. --city fuzhou"
        )));
    }
    if let Some(u) = &opts.url
        && !crate::safe_url::is_absolute_web(u)
    {
        return Err(Error::Usage(format!(
            "--url {u:?} is not a web address: give the page's address as it is in the browser, starting with http:// or https://"
        )));
    }
    Ok(())
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
    let mut cleaned = clean::clean(
        &bytes,
        &clean::Options {
            city: opts.city.clone(),
            raw,
            places,
        },
    )
    .map_err(|e| e.to_string())?;
    let mut date_from_address = false;
    if let Some(u) = &opts.url {
        cleaned.meta.url = Some(u.clone());
        // A page that states no date often sits at an address that does.
        if cleaned.meta.date.is_none()
            && let Some(d) = clean::date_in_address(u)
        {
            cleaned.meta.date = Some(d);
            date_from_address = true;
        }
    }
    let unplaced = cleaned.unplaced.is_some();
    if !unplaced && !content::is_slug(&cleaned.meta.city, '-') {
        return Err(format!(
            "the inferred place `{}` is not a place slug; pass --city SLUG",
            cleaned.meta.city
        ));
    }
    // Written below the base the user gave (the site root, or --output-dir), never
    // through a symbolic link below it. Without a place there is no directory under
    // content/articles/ to write to: the article is only shown.
    let (base, dir_rel) = match &opts.output_dir {
        Some(d) => (d.clone(), PathBuf::new()),
        None => (
            opts.root.clone(),
            Path::new(content::ARTICLES_DIR).join(if unplaced {
                "<city>"
            } else {
                cleaned.meta.city.as_str()
            }),
        ),
    };
    let held = unplaced && opts.output_dir.is_none();
    let date = cleaned
        .meta
        .date
        .clone()
        .unwrap_or_else(|| "undated".to_string());
    let rel = dir_rel.join(format!(
        "{date}-{}.md",
        crate::gazetteer::title_slug(&cleaned.meta.title)
    ));
    let target = (!held || opts.dry_run).then(|| base.join(&rel));
    if !opts.dry_run && !held {
        write_new(&base, &rel, cleaned.to_markdown().as_bytes(), opts.force)?;
    }
    Ok(CleanReport {
        source: path.to_path_buf(),
        cleaned,
        date_from_address,
        target,
    })
}

/// Writes a new file at `base/rel`, never through a symbolic link below `base`:
/// without `force` an existing entry (a dangling link included) is refused; with
/// it, the entry itself is replaced, and a link's target is left alone.
fn write_new(base: &Path, rel: &Path, bytes: &[u8], force: bool) -> Result<(), String> {
    let target = base.join(rel);
    // The base itself is the user's to give (`--output-dir` may not exist yet).
    std::fs::create_dir_all(base).map_err(|e| format!("cannot create {}: {e}", base.display()))?;
    crate::safe_fs::write_new_below(base, rel, bytes, force).map_err(|e| {
        let blocked = std::fs::symlink_metadata(&target).is_ok();
        if e.kind() == std::io::ErrorKind::AlreadyExists && !force && blocked && !target.is_dir() {
            format!("{} exists; pass --force to overwrite it", target.display())
        } else {
            format!("cannot write {}: {e}", target.display())
        }
    })
}
