//! From a cleaned article to the figures it states, proposed in the project's own
//! format.
//!
//! Each number of the article is read the way `check` reads a quote: its value and
//! unit ([`numbers`]), the indicator the words before it name ([`vocab`]), its
//! status and bound from the wording, its period by the very levels `check` applies
//! ([`dating::supported`]). A proposal is kept only when `check` would pass it as
//! printed: each one is verified as it is made, and the whole place file with the
//! proposals merged in is checked again before anything is printed or written.

pub mod catalogue;
mod choose;
pub mod mentions;
mod read;
mod refuse;
pub use refuse::objections;
pub mod rejections;
mod words;
pub mod write;

use std::collections::BTreeSet;

use crate::content::{Figure, Period, Site, Status};
use crate::format;
use crate::text::normalize;
use crate::text::numbers;

use crate::vocab::Vocabulary;
use read::read_article;
use refuse::refused;

/// One figure the article states: the very [`Figure`] `check` proved, with one
/// quote, and why it is only a guess when it is one.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub figure: Figure,
    /// Why it is only a guess (printed commented out, with `--all`).
    pub doubt: Option<String>,
    /// Where its number is: the text run and the byte where the number starts in the
    /// run's normal form (what `serve`'s workbench marks).
    pub at: Option<(usize, usize)>,
    /// The words that named its indicator, as read (what the workbench shows as
    /// the reason for the reading).
    pub named_by: String,
}

impl Proposal {
    /// The sentence it is proposed from, as the article writes it.
    pub fn quote(&self) -> &str {
        self.figure.quotes.first().map_or("", String::as_str)
    }
}

impl std::ops::Deref for Proposal {
    type Target = Figure;
    fn deref(&self) -> &Figure {
        &self.figure
    }
}

/// A number stated in an indicator-like unit that no indicator's name explains.
#[derive(Debug, Clone, PartialEq)]
pub struct Unassigned {
    /// The words before the number, in its sentence.
    pub before: String,
    /// The number as stated, with its unit.
    pub stated: String,
    /// The words after it, to the end of its clause (`家省级企业技术中心`'s noun when the
    /// number comes first).
    pub after: String,
    /// The sentence it is in, as normalized.
    pub sentence: String,
}

/// What `extract` found in one article.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub article: String,
    pub place: String,
    /// Sure and checked: printed, and written by `--write`.
    pub proposals: Vec<Proposal>,
    /// Checked, but the reading may be wrong: printed commented out with `--all`.
    pub unsure: Vec<Proposal>,
    /// Already in the place file with the same value.
    pub recorded: Vec<Proposal>,
    /// The place file records another value for the same indicator, period and
    /// status: (proposal, the recorded value and where).
    pub contradicted: Vec<(Proposal, String)>,
    /// Read, but `check` refuses them as printed: (proposal, why).
    pub dropped: Vec<(Proposal, String)>,
    pub unassigned: Vec<Unassigned>,
    /// Read, but the curator rejected them ([`rejections`]): never proposed again.
    pub rejected: Vec<Proposal>,
}

/// Extracts the figures `article` states for the place `slug` (the article's own
/// place when `None`).
///
/// `earlier` are proposals already made for the place from other articles in the same
/// run (`extract a.md b.md --write`): they count as recorded.
pub fn extract(
    site: &Site,
    article_id: &str,
    slug: Option<&str>,
    earlier: &[Proposal],
) -> Result<Extraction, String> {
    extract_rejecting(site, article_id, slug, earlier, &[])
}

/// [`extract`], leaving out what the curator rejected.
pub fn extract_rejecting(
    site: &Site,
    article_id: &str,
    slug: Option<&str>,
    earlier: &[Proposal],
    rejected: &[rejections::Rejection],
) -> Result<Extraction, String> {
    let article = site
        .articles
        .get(article_id)
        .ok_or_else(|| format!("no article `{article_id}` under content/articles/"))?;
    let slug = slug.unwrap_or(&article.meta.city);
    let place = site.place(slug).ok_or_else(|| {
        format!(
            "no place `{slug}`: content/cities/{slug}.yaml is missing or does not load (create it with `indicity new place NAME`)"
        )
    })?;
    let vocab = Vocabulary::new(site);
    let read = read_article(site, article, &vocab);
    let mut out = Extraction {
        article: article_id.to_string(),
        place: slug.to_string(),
        unassigned: read.unassigned,
        ..Extraction::default()
    };
    // One proposal per indicator, period and status: a second value is a doubt.
    let mut keys: Vec<(String, Period, Status, f64)> = Vec::new();
    for p in read.proposals {
        if keys.iter().any(|k| {
            k.0 == p.indicator && k.1 == p.period && k.2 == p.status && numbers::same(k.3, p.value)
        }) {
            continue;
        }
        if rejected.iter().any(|r| r.rejects(article_id, &p)) {
            out.rejected.push(p);
            continue;
        }
        let recorded: Vec<&Figure> = place
            .figures
            .iter()
            .filter(|f| f.indicator == p.indicator && f.period == p.period && f.status == p.status)
            .collect();
        if recorded.iter().any(|f| numbers::same(f.value, p.value))
            || earlier.iter().any(|e| {
                e.indicator == p.indicator
                    && e.period == p.period
                    && e.status == p.status
                    && numbers::same(e.value, p.value)
            })
        {
            keys.push((p.indicator.clone(), p.period, p.status, p.value));
            out.recorded.push(p);
            continue;
        }
        if let Some(f) = recorded.first() {
            let at = f
                .origin
                .locate(Some("value"))
                .map(|l| {
                    let (line, _) = l.line_col();
                    format!(" at {}:{line}", l.file.display())
                })
                .unwrap_or_default();
            let what = format!("{}{at} (from {})", format::plain(f.value), f.source);
            keys.push((p.indicator.clone(), p.period, p.status, p.value));
            out.contradicted.push((p, what));
            continue;
        }
        let clash = keys
            .iter()
            .map(|k| (k.0.as_str(), k.1, k.2, k.3))
            .chain(
                earlier
                    .iter()
                    .map(|e| (e.indicator.as_str(), e.period, e.status, e.value)),
            )
            .find(|k| k.0 == p.indicator && k.1 == p.period && k.2 == p.status)
            .map(|k| k.3);
        keys.push((p.indicator.clone(), p.period, p.status, p.value));
        match clash {
            Some(v) => out.unsure.push(Proposal {
                doubt: Some(format!(
                    "the article also states {} for this indicator and period",
                    format::plain(v)
                )),
                ..p
            }),
            None if p.doubt.is_some() => out.unsure.push(p),
            None => out.proposals.push(p),
        }
    }
    // What `check` says of the place file with the proposals in it, exactly as
    // `--write` would leave it; a proposal it objects to is dropped, and the rest
    // checked again (dropping one can resolve another's conflict).
    for list in [0, 1] {
        loop {
            let refused = refused(site, place, article, earlier, &out, list);
            if refused.is_empty() {
                break;
            }
            let from = if list == 0 {
                &mut out.proposals
            } else {
                &mut out.unsure
            };
            let mut keep = Vec::new();
            for (i, p) in from.drain(..).enumerate() {
                match refused.iter().find(|(k, _)| *k == i) {
                    Some((_, why)) => out.dropped.push((p, why.clone())),
                    None => keep.push(p),
                }
            }
            *from = keep;
        }
    }
    Ok(out)
}

/// The article ids `args` name: ids, or paths of files under `content/articles/`.
pub fn article_ids(
    site: &Site,
    root: &std::path::Path,
    args: &[String],
) -> Result<Vec<String>, String> {
    let mut out = BTreeSet::new();
    for a in args {
        if site.articles.contains_key(a.trim_end_matches(".md")) {
            out.insert(a.trim_end_matches(".md").to_string());
            continue;
        }
        let path = std::path::Path::new(a);
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        };
        let base = std::fs::canonicalize(root.join("content/articles")).ok();
        let abs = std::fs::canonicalize(&abs).ok();
        let id = match (base, abs) {
            (Some(b), Some(a)) => a
                .strip_prefix(&b)
                .ok()
                .map(|rel| rel.with_extension("").to_string_lossy().replace('\\', "/")),
            _ => None,
        };
        match id.filter(|id| site.articles.contains_key(id)) {
            Some(id) => {
                out.insert(id);
            }
            None => {
                return Err(format!(
                    "`{a}` is not an article of this site: give an id such as `fuzhou/2023-02-21-gaoqi` or the path of a file under content/articles/ (it must load: run `indicity check`)"
                ));
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// The normal form of a quote, for tests and the scorer.
pub fn normal(s: &str) -> String {
    normalize(s)
}
