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
    /// Propose catalogue entries for the numbers no indicator explains (printed; with
    /// `--write`, appended to content/indicators.yaml), so the next run assigns them.
    #[arg(long)]
    new_indicators: bool,
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
    if args.new_indicators {
        return new_indicators(&args, &site, &ids);
    }
    let rejected = extract::rejections::load(&args.root).map_err(Error::Usage)?;
    let mut stdout = std::io::stdout().lock();
    // Proposals so far, by place: a later article's are checked with them.
    let mut made: std::collections::BTreeMap<String, Vec<extract::Proposal>> = Default::default();
    for id in ids {
        let slug = args
            .place
            .clone()
            .unwrap_or_else(|| site.articles[&id].meta.city.clone());
        let earlier = made.get(&slug).cloned().unwrap_or_default();
        let ex = extract::extract_rejecting(&site, &id, Some(&slug), &earlier, &rejected)
            .map_err(Error::Usage)?;
        made.entry(slug)
            .or_default()
            .extend(ex.proposals.iter().cloned());
        if !args.write {
            let _ = stdout.write_all(write::print(&ex, args.all).as_bytes());
            continue;
        }
        let place = site.place(&ex.place).expect("extract found it");
        let path = args.root.join(&place.origin.file.path);
        if ex.proposals.is_empty() {
            crate::sayln!("{id}: nothing to add to {}", path.display());
        } else {
            write_place(&path, place, &earlier, &ex.proposals)?;
            crate::sayln!(
                "{id}: added {} figure{} to {}:",
                ex.proposals.len(),
                if ex.proposals.len() == 1 { "" } else { "s" },
                path.display()
            );
            for p in &ex.proposals {
                crate::sayln!(
                    "  {} {} {} ({})",
                    p.indicator,
                    p.period,
                    crate::format::plain(p.value),
                    p.quote()
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

/// `--new-indicators`: entries for the unassigned numbers of the articles, printed or
/// appended to the catalogue.
fn new_indicators(args: &Args, site: &crate::content::Site, ids: &[String]) -> Result<(), Error> {
    let mut entries: Vec<(String, extract::catalogue::NewIndicator)> = Vec::new();
    for id in ids {
        let slug = args
            .place
            .clone()
            .unwrap_or_else(|| site.articles[id].meta.city.clone());
        let ex = extract::extract(site, id, Some(&slug), &[]).map_err(Error::Usage)?;
        for e in extract::catalogue::propose(&site.indicators, &ex.unassigned) {
            if !entries
                .iter()
                .any(|(_, k)| k.name == e.name || k.id == e.id)
            {
                entries.push((id.clone(), e));
            }
        }
    }
    if entries.is_empty() {
        crate::sayln!(
            "every number with a unit in these articles is explained by an indicator: nothing to add"
        );
        return Ok(());
    }
    let text: String = entries
        .iter()
        .map(|(id, e)| extract::catalogue::yaml(std::slice::from_ref(e), id))
        .collect();
    if !args.write {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return Ok(());
    }
    let path = args.root.join("content/indicators.yaml");
    let shown = path.display();
    let snapshot = crate::safe_fs::Snapshot::take(&path)
        .map_err(|e| Error::Output(format!("{shown}: {e}")))?;
    let mut merged = snapshot.bytes.clone();
    if !merged.is_empty() && !merged.ends_with(b"\n") {
        merged.push(b'\n');
    }
    merged.extend_from_slice(text.as_bytes());
    snapshot.replace(&merged).map_err(|e| match e {
        crate::safe_fs::ReplaceError::Changed => Error::Usage(format!(
            "{shown} changed while extract wrote to it: your edit is kept and nothing was added; run extract again"
        )),
        crate::safe_fs::ReplaceError::ReadOnly => Error::Usage(format!(
            "{shown} is read-only: nothing was written"
        )),
        crate::safe_fs::ReplaceError::Io(m) => Error::Output(m),
    })?;
    crate::sayln!(
        "added {} indicator{} to {shown}: check each name, group and unit and write its name_en, then run extract again to assign the numbers",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" }
    );
    for (_, e) in &entries {
        crate::sayln!("  {} {} ({}, {})", e.id, e.name, e.unit, e.example);
    }
    Ok(())
}

/// Merges `proposals` into the place file at `path`, which must still be what this
/// run read (with `earlier`, this run's own additions); the file is replaced in one
/// step, keeping its permissions, and an edit made meanwhile is never overwritten.
fn write_place(
    path: &std::path::Path,
    place: &crate::content::Place,
    earlier: &[extract::Proposal],
    proposals: &[extract::Proposal],
) -> Result<(), Error> {
    let shown = path.display();
    let snapshot =
        crate::safe_fs::Snapshot::take(path).map_err(|e| Error::Output(format!("{shown}: {e}")))?;
    let Ok(on_disk) = std::str::from_utf8(&snapshot.bytes) else {
        return Err(Error::Usage(format!(
            "{shown} is not UTF-8 text any more: it changed while extract read it; run it again"
        )));
    };
    // What this run loaded (with the escapes `load` takes out), plus its own additions.
    let loaded = {
        let mut f = std::sync::Arc::new(crate::content::yaml::SourceFile::new(
            &place.origin.file.path,
            std::sync::Arc::from(crate::content::source_text(on_disk.to_string())),
        ));
        let _ = crate::content::yaml::SourceFile::take_escapes(&mut f);
        f.text.to_string()
    };
    let expected = write::merge(&place.origin.file.text, earlier)
        .map(|(t, _)| t)
        .map_err(|m| Error::Usage(format!("{shown}: {m}")))?;
    if loaded != expected {
        return Err(Error::Usage(format!(
            "{shown} changed while extract read it (it is not what `extract` read a moment ago): nothing was written; run it again"
        )));
    }
    let (merged, _) =
        write::merge(on_disk, proposals).map_err(|m| Error::Usage(format!("{shown}: {m}")))?;
    snapshot.replace(merged.as_bytes()).map_err(|e| match e {
        crate::safe_fs::ReplaceError::Changed => Error::Usage(format!(
            "{shown} changed while extract wrote to it: your edit is kept and nothing was added; run extract again"
        )),
        crate::safe_fs::ReplaceError::ReadOnly => Error::Usage(format!(
            "{shown} is read-only: nothing was written (make it writable, e.g. `chmod u+w {shown}`, to let extract add to it)"
        )),
        crate::safe_fs::ReplaceError::Io(m) => Error::Output(m),
    })
}
