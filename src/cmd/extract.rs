//! `indicity extract`: the figures cleaned articles state, proposed as checked YAML.

use std::io::Write as _;
use std::path::PathBuf;

use crate::Error;
use crate::extract::{self, write};

#[derive(clap::Args)]
pub struct Args {
    /// Articles: ids (`fuzhou/2023-02-21-gaoqi`) or paths of files under content/articles/.
    #[arg(required = true)]
    articles: Vec<String>,
    /// The site root, holding content/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The place the figures are for (its slug); the article's `city` by default.
    #[arg(long)]
    place: Option<String>,
    /// Add the proposals to the place file, leaving every existing line as it is.
    #[arg(long)]
    write: bool,
    /// Also show, commented out, the numbers whose reading is unsure.
    #[arg(long)]
    all: bool,
}

pub fn run(args: Args) -> Result<(), Error> {
    let (site, diags) = crate::content::load_uncached(&args.root);
    if !args.root.join("content").is_dir() {
        return Err(Error::Usage(format!(
            "{} holds no content/ directory: give the site root with --root",
            args.root.display()
        )));
    }
    let ids = extract::article_ids(&site, &args.root, &args.articles).map_err(|m| {
        let errors: Vec<_> = diags.0.iter().filter(|d| d.is_error()).cloned().collect();
        if errors.is_empty() {
            Error::Usage(m)
        } else {
            Error::Content(crate::diagnostics::Diagnostics(errors))
        }
    })?;
    let mut stdout = std::io::stdout().lock();
    // Proposals so far, by place: a later article's are checked with them.
    let mut made: std::collections::BTreeMap<String, Vec<extract::Proposal>> = Default::default();
    for id in ids {
        let slug = args
            .place
            .clone()
            .unwrap_or_else(|| site.articles[&id].meta.city.clone());
        let earlier = made.get(&slug).cloned().unwrap_or_default();
        let ex = extract::extract(&site, &id, Some(&slug), &earlier).map_err(Error::Usage)?;
        made.entry(slug)
            .or_default()
            .extend(ex.proposals.iter().cloned());
        if !args.write {
            let _ = stdout.write_all(write::print(&ex, args.all).as_bytes());
            continue;
        }
        let place = site.place(&ex.place).expect("extract found it");
        let path = args.root.join(&place.origin.file.path);
        let on_disk = std::fs::read_to_string(&path)
            .map_err(|e| Error::Output(format!("{}: {e}", path.display())))?;
        let expected = write::merge(&place.origin.file.text, &earlier)
            .map(|(t, _)| t)
            .unwrap_or_default();
        if on_disk.trim_start_matches('\u{feff}') != expected {
            return Err(Error::Usage(format!(
                "{} changed while extract read it: run it again",
                path.display()
            )));
        }
        let (merged, _) = write::merge(&on_disk, &ex.proposals)
            .map_err(|m| Error::Usage(format!("{}: {m}", path.display())))?;
        if ex.proposals.is_empty() {
            eprintln!("{id}: nothing to add to {}", path.display());
        } else {
            let dir = path.parent().unwrap_or(&args.root);
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .map_err(|e| Error::Output(format!("{}: {e}", dir.display())))?;
            tmp.write_all(merged.as_bytes())
                .and_then(|_| tmp.as_file().sync_all())
                .map_err(|e| Error::Output(format!("{}: {e}", path.display())))?;
            tmp.persist(&path)
                .map_err(|e| Error::Output(format!("{}: {e}", path.display())))?;
            eprintln!(
                "{id}: added {} figure{} to {}:",
                ex.proposals.len(),
                if ex.proposals.len() == 1 { "" } else { "s" },
                path.display()
            );
            for p in &ex.proposals {
                eprintln!(
                    "  {} {} {} ({})",
                    p.indicator,
                    p.period,
                    crate::format::plain(p.value),
                    p.quote
                );
            }
        }
        // What was not added is still worth the curator's eye.
        let rest = extract::Extraction {
            proposals: Vec::new(),
            ..ex
        };
        let notes = write::print(&rest, args.all);
        let notes: String = notes
            .lines()
            .filter(|l| !l.starts_with("# no figure") && !l.starts_with("# extract:"))
            .map(|l| format!("{l}\n"))
            .collect();
        let _ = stdout.write_all(notes.as_bytes());
    }
    Ok(())
}
