//! The history's state as `.indicity-cache/` holds it between builds, and where.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Correction, PlaceState, State};
use crate::cache::tool_id;
use crate::content::{Bound, Period, Status};

/// [`State`] as the cache holds it.
#[derive(Serialize, Deserialize)]
pub(super) struct Saved {
    head: Option<String>,
    tree: Option<String>,
    started: bool,
    files: BTreeMap<String, String>,
    /// slug → name and figures (indicator, period, status, value, bound).
    places: BTreeMap<String, (String, SavedFigures)>,
    corrections: Vec<Correction>,
    #[serde(default)]
    last_time: Option<(String, String)>,
}

type SavedFigures = Vec<(String, Period, Status, f64, Option<Bound>)>;

impl From<&State> for Saved {
    fn from(s: &State) -> Saved {
        Saved {
            head: s.head.map(|h| h.to_string()),
            tree: s.tree.map(|t| t.to_string()),
            started: s.started,
            files: s
                .files
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            places: s
                .places
                .iter()
                .map(|(slug, p)| {
                    let figures = p
                        .figures
                        .iter()
                        .map(|((i, period, status), (v, b))| (i.clone(), *period, *status, *v, *b))
                        .collect();
                    (slug.clone(), (p.name.clone(), figures))
                })
                .collect(),
            corrections: s.corrections.clone(),
            last_time: s.last_time.clone(),
        }
    }
}

impl From<Saved> for State {
    fn from(s: Saved) -> State {
        let id = |h: &str| gix::ObjectId::from_hex(h.as_bytes()).ok();
        State {
            head: s.head.as_deref().and_then(id),
            tree: s.tree.as_deref().and_then(id),
            started: s.started,
            files: s
                .files
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), id(v)?)))
                .collect(),
            places: s
                .places
                .into_iter()
                .map(|(slug, (name, figures))| {
                    let figures = figures
                        .into_iter()
                        .map(|(i, period, status, v, b)| ((i, period, status), (v, b)))
                        .collect();
                    (slug, PlaceState { name, figures })
                })
                .collect(),
            corrections: s.corrections,
            last_time: s.last_time,
        }
    }
}

/// Where the history's state is cached, when caching is on: one file per site and
/// build of indicity, holding the commit it was read up to.
pub(super) fn cache_path(root: &Path, cities: &Path, shallow: &[gix::ObjectId]) -> Option<PathBuf> {
    let tool = tool_id()?;
    let dir = crate::cache::dir(root, "")?;
    let mut key = format!("{tool}\n{}", cities.display());
    for id in shallow {
        key.push_str(&format!("\n{id}"));
    }
    let key = xxhash_rust::xxh3::xxh3_128(key.as_bytes());
    Some(dir.join(format!("history-{key:032x}.json")))
}
