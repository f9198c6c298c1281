//! A cache of each article's provenance: where its figures' quotes are, for articles
//! whose check found nothing to report.
//!
//! Locating and verifying quotes and looking for unrecorded numbers is most of
//! `check` (2.5 s of 3,000 places' 30,000 articles), and a save changes one file. The
//! result for an article is a function of the article's text, the place files of the
//! figures citing it and of its own place, the indicators and the site settings, and
//! this build of indicity: the key hashes all of those, so an entry is only ever read
//! for exactly the inputs it was computed from. Only results without any diagnostic
//! are stored (an article with an error or a warning is checked every time, and its
//! messages are always fresh). Figures are stored by their rank among the article's
//! citing figures, which does not change when other places are added or removed.
//!
//! Kept in one file, `.indicity-cache/articles.json`, rewritten after a check that
//! computed or dropped entries.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::{FigureRef, QuoteMark};
use crate::cache::{store, tool_id};
use crate::content::{Article, Site};

/// An article's marks and the mark each citing figure links to, with figures as
/// ranks into the article's citing figures (in the order they were wanted).
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    /// (run, start, end, id, citing figures)
    marks: Vec<(usize, usize, usize, String, Vec<u32>)>,
    /// (figure rank, citation, mark id)
    figure_marks: Vec<(u32, u32, String)>,
}

/// An article's marks, and the mark each citing figure links to.
pub type Found = (Vec<QuoteMark>, Vec<(FigureRef, u32, String)>);

pub struct ArticleCache {
    path: PathBuf,
    /// What the last check stored, each entry still as JSON text (parsed only when
    /// used, then dropped: the provenance holds it from there).
    old: Mutex<HashMap<String, Box<RawValue>>>,
    /// How many entries the last check stored.
    stored: usize,
    /// Keys of the old entries this check used.
    hits: Mutex<HashSet<String>>,
    /// Results computed by this check, as JSON text.
    new: Mutex<Vec<(String, Box<RawValue>)>>,
    /// Hash of what every article's result depends on besides its own inputs.
    shared: u64,
    /// Hash of each place file's text, by index into `site.places`.
    places: Vec<u64>,
}

impl ArticleCache {
    /// The cache of the site at `root`; with `reads` false, nothing stored is used
    /// (`build --full`), but this check's results are stored.
    pub fn open(root: &Path, site: &Site, reads: bool) -> Option<ArticleCache> {
        use rayon::prelude::*;
        let tool = tool_id()?;
        let path = crate::cache::dir(root, "")?.join("articles.json");
        let old: HashMap<String, Box<RawValue>> = if reads { read(&path) } else { HashMap::new() };
        let mut h = Xxh3::new();
        h.update(b"articles/1/");
        h.update(tool.as_bytes());
        for file in [&site.config_file, &site.indicators_file] {
            h.update(&[0]);
            h.update(file.as_ref().map_or("", |f| &*f.text).as_bytes());
        }
        Some(ArticleCache {
            path,
            stored: old.len(),
            old: Mutex::new(old),
            hits: Mutex::default(),
            new: Mutex::default(),
            shared: h.digest(),
            places: site
                .places
                .par_iter()
                .map(|p| xxh3_64(p.origin.file.text.as_bytes()))
                .collect(),
        })
    }

    /// The key of `article` checked against the quotes `wanted` (figure and quote
    /// index, in order).
    pub fn key(&self, site: &Site, article: &Article, wanted: &[(FigureRef, usize)]) -> String {
        let mut h = Xxh3::new();
        h.update(&self.shared.to_le_bytes());
        h.update(article.id.as_bytes());
        h.update(&[0]);
        h.update(article.file.text.as_bytes());
        let own = site
            .places
            .binary_search_by(|p| p.slug.as_str().cmp(&article.meta.city))
            .map_or(0, |i| self.places[i]);
        h.update(&own.to_le_bytes());
        for (fig, quote) in wanted {
            h.update(&self.places[fig.place].to_le_bytes());
            h.update(&(fig.figure as u64).to_le_bytes());
            h.update(&(*quote as u64).to_le_bytes());
        }
        format!("{:032x}", h.digest128())
    }

    /// The cached result for `key`, with figures mapped back through `figures` (the
    /// article's citing figures, distinct, in wanted order).
    pub fn get(&self, key: &str, figures: &[FigureRef]) -> Option<Found> {
        let raw = self
            .old
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key)?;
        let entry: Entry = serde_json::from_str(raw.get()).ok()?;
        // Sealed, so only ever this build's output; checked again all the same
        // before anything of it reaches a page.
        if !entry.marks.iter().all(|m| m.1 <= m.2 && is_mark_id(&m.3))
            || !entry.figure_marks.iter().all(|m| is_mark_id(&m.2))
        {
            return None;
        }
        let fig = |rank: &u32| figures.get(*rank as usize).copied();
        let marks = entry
            .marks
            .into_iter()
            .map(|(run, start, end, id, citing)| {
                let mut citing = citing.iter().map(fig).collect::<Option<Vec<_>>>()?;
                citing.sort();
                Some(QuoteMark {
                    run,
                    range: start..end,
                    id,
                    citing,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let figure_marks = entry
            .figure_marks
            .into_iter()
            .map(|(rank, view, id)| Some((fig(&rank)?, view, id)))
            .collect::<Option<Vec<_>>>()?;
        self.hits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string());
        Some((marks, figure_marks))
    }

    /// Stores a result that had no diagnostic.
    pub fn put(
        &self,
        key: String,
        figures: &[FigureRef],
        marks: &[QuoteMark],
        figure_marks: &[(FigureRef, u32, String)],
    ) {
        let rank: HashMap<FigureRef, u32> = figures
            .iter()
            .enumerate()
            .map(|(i, f)| (*f, i as u32))
            .collect();
        let Some(entry) = (|| -> Option<Box<RawValue>> {
            let entry = Entry {
                marks: marks
                    .iter()
                    .map(|m| {
                        let citing: Option<Vec<u32>> =
                            m.citing.iter().map(|f| rank.get(f).copied()).collect();
                        Some((m.run, m.range.start, m.range.end, m.id.clone(), citing?))
                    })
                    .collect::<Option<_>>()?,
                figure_marks: figure_marks
                    .iter()
                    .map(|(f, view, id)| Some((*rank.get(f)?, *view, id.clone())))
                    .collect::<Option<_>>()?,
            };
            serde_json::value::to_raw_value(&entry).ok()
        })() else {
            return;
        };
        self.new
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((key, entry));
    }

    /// Writes the entries this check used or computed, if they differ from the last
    /// check's (sorted by key, so the file does not depend on thread timing).
    pub fn save(self) {
        let hits = self.hits.into_inner().unwrap_or_else(|e| e.into_inner());
        let new = self.new.into_inner().unwrap_or_else(|e| e.into_inner());
        if new.is_empty() && hits.len() == self.stored {
            return;
        }
        // The entries used were moved out to the provenance: read them again.
        let entries: BTreeMap<String, Box<RawValue>> =
            read::<HashMap<String, Box<RawValue>>>(&self.path)
                .into_iter()
                .filter(|(k, _)| hits.contains(k))
                .chain(new)
                .collect();
        store(&self.path, &entries);
    }
}

fn read<T: serde::de::DeserializeOwned + Default>(path: &Path) -> T {
    crate::cache::load(path).unwrap_or_default()
}

/// The id of the mark on a quote: `q-` and 8 hex digits of its normalised text.
pub fn mark_id(normalized: &str) -> String {
    format!("q-{:08x}", xxh3_64(normalized.as_bytes()) as u32)
}

/// Whether `id` has the shape [`mark_id`] gives.
pub fn is_mark_id(id: &str) -> bool {
    id.strip_prefix("q-")
        .is_some_and(|h| h.len() == 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}
