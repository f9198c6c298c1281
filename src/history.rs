//! History: the public record of corrections, read from git.
//!
//! A correction replaces a value in a place file; without this record nobody reading
//! the site could tell a figure ever said something else. When the site is in a git
//! repository, every commit on the first-parent line to `HEAD` that changed a file of
//! `content/cities/` is compared with the one before it, figure by figure (a figure is
//! its place, indicator, period and status): a value or bound that changed, a figure
//! moved to another period (the same value leaving one period and arriving at another
//! in one commit), a figure deleted. A place file renamed (same `name:`, or the same
//! figures) keeps its history. Commits only: uncommitted edits are not history yet.
//!
//! Output depends only on the commits (their dates and messages, never the clock), so
//! two builds of one `HEAD` are identical. What was read is cached with the id of the
//! commit it was read up to, so a build reads only the commits made since the last
//! one; a site that is not in a repository has no history and builds as before.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::content::cache::{CACHE_DIR, store, tool_id};
use crate::content::{Bound, Period, Status};

/// Every correction of the site, newest first.
#[derive(Debug, Default, Clone)]
pub struct History {
    pub corrections: Vec<Correction>,
    /// Per place slug at `HEAD`: its corrections, oldest first, as indices into
    /// `corrections`. By place, so that a lookup for each of the hundreds of
    /// thousands of figures allocates nothing.
    by_place: HashMap<String, Vec<usize>>,
}

/// One change of one figure, in one commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    pub commit: String,
    /// `YYYY-MM-DD`, in the committer's time zone.
    pub date: String,
    /// RFC 3339, for the feed.
    pub time: String,
    /// The first line of the commit message.
    pub message: String,
    /// The place's slug at `HEAD` (after renames), and its name in the commit.
    pub place: String,
    pub place_name: String,
    pub indicator: String,
    /// Where the figure is after the commit (for a deletion: where it was).
    pub period: Period,
    pub status: Status,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Change {
    /// The value or its bound changed.
    Value {
        from: f64,
        from_bound: Option<Bound>,
        to: f64,
        to_bound: Option<Bound>,
    },
    /// The figure left `from` (period and status) for where it is now.
    Moved {
        from: Period,
        from_status: Status,
        value: f64,
    },
    Deleted {
        value: f64,
    },
}

impl History {
    /// The corrections of one figure, oldest first (deletions are not shown under a
    /// figure: there is none).
    pub fn of_figure(
        &self,
        place: &str,
        indicator: &str,
        period: Period,
        status: Status,
    ) -> impl Iterator<Item = &Correction> {
        self.by_place
            .get(place)
            .into_iter()
            .flatten()
            .map(|&i| &self.corrections[i])
            .filter(move |c| {
                c.indicator == indicator
                    && c.period == period
                    && c.status == status
                    && !matches!(c.change, Change::Deleted { .. })
            })
    }

    fn indexed(mut self) -> History {
        self.by_place.clear();
        for (i, c) in self.corrections.iter().enumerate().rev() {
            self.by_place.entry(c.place.clone()).or_default().push(i);
        }
        self
    }
}

/// The history of the site at `root`: empty when it is not in a git repository (or
/// the repository cannot be read: the site still builds, without the record).
pub fn read(root: &Path) -> History {
    read_repo(root).unwrap_or_default().indexed()
}

fn read_repo(root: &Path) -> Option<History> {
    let repo = gix::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let prefix = root.canonicalize().ok()?;
    let cities: PathBuf = prefix
        .strip_prefix(&workdir)
        .ok()?
        .join(crate::content::PLACES_DIR);
    let head = repo.head_commit().ok()?;
    let head_id = head.id().detach();
    let cache = cache_path(root, &cities);
    let mut state: State = cache
        .as_ref()
        .and_then(|p| serde_json::from_slice::<Saved>(&std::fs::read(p).ok()?).ok())
        .map(State::from)
        .unwrap_or_default();
    // The first-parent line from HEAD back to where the cached state is (or to the
    // first commit), newest first, with the tree of content/cities/ at each commit
    // (`None`: there was none). A shallow clone ends where its commits end.
    let mut line = Vec::new();
    let mut commit = Some(head);
    let mut resumed = false;
    while let Some(c) = commit {
        if state.head == Some(c.id().detach()) {
            resumed = true;
            break;
        }
        let tree = c
            .tree()
            .ok()
            .and_then(|t| t.lookup_entry_by_path(&cities).ok().flatten())
            .filter(|e| e.mode().is_tree())
            .map(|e| e.object_id());
        let time = c.time().ok();
        let message = String::from_utf8_lossy(c.message_raw_sloppy())
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        line.push((c.id().detach(), tree, time, message));
        commit = c
            .parent_ids()
            .next()
            .and_then(|p| repo.find_commit(p.detach()).ok());
    }
    if !resumed {
        // Not a descendant of the cached commit (a rewritten branch): read it all.
        state = State::default();
    }
    line.reverse();
    if !line.is_empty() {
        state.advance(&repo, &line);
        state.head = Some(head_id);
        if let Some(p) = &cache {
            store(p, &Saved::from(&state));
        }
    }
    let mut corrections = state.corrections;
    corrections.reverse();
    Some(History {
        corrections,
        by_place: HashMap::new(),
    })
}

/// Where the history is read up to: the state of every place file at `head`, and the
/// corrections so far, oldest first. Saved between builds, so that a build after a
/// new commit reads only that commit.
#[derive(Default)]
struct State {
    head: Option<gix::ObjectId>,
    tree: Option<gix::ObjectId>,
    /// Whether a `content/cities/` was seen yet: where the record starts, figures are
    /// written, not corrected.
    started: bool,
    files: BTreeMap<String, gix::ObjectId>,
    places: HashMap<String, PlaceState>,
    corrections: Vec<Correction>,
}

type Commit = (
    gix::ObjectId,
    Option<gix::ObjectId>,
    Option<gix::date::Time>,
    String,
);

impl State {
    /// Takes in `line`, the commits after `self.head`, oldest first.
    fn advance(&mut self, repo: &gix::Repository, line: &[Commit]) {
        let mut parsed: HashMap<gix::ObjectId, Option<PlaceState>> = HashMap::new();
        for (id, tree, time, message) in line {
            if *tree == self.tree {
                continue;
            }
            self.tree = *tree;
            let now: BTreeMap<String, gix::ObjectId> = match tree {
                Some(t) => list(repo, *t),
                None => BTreeMap::new(),
            };
            // Parse every blob this commit brings, in parallel.
            let fresh: Vec<(gix::ObjectId, Vec<u8>)> = now
                .iter()
                .filter(|(slug, b)| self.files.get(*slug) != Some(*b) && !parsed.contains_key(*b))
                .filter_map(|(_, b)| Some((*b, repo.find_blob(*b).ok()?.detach().data)))
                .collect();
            let states: Vec<(gix::ObjectId, Option<PlaceState>)> = fresh
                .into_par_iter()
                .map(|(b, data)| (b, PlaceState::parse(&data)))
                .collect();
            parsed.extend(states);
            if !self.started {
                self.started = tree.is_some();
                for (slug, blob) in &now {
                    if let Some(Some(s)) = parsed.get(blob) {
                        self.places.insert(slug.clone(), s.clone());
                    }
                }
                self.files = now;
                continue;
            }
            let stamp = Stamp {
                commit: id.to_string(),
                date: time
                    .and_then(|t| t.format(gix::date::time::format::SHORT).ok())
                    .unwrap_or_default(),
                time: time
                    .and_then(|t| t.format(gix::date::time::format::ISO8601_STRICT).ok())
                    .unwrap_or_default(),
                message: message.clone(),
            };
            self.commit(&stamp, now, &parsed);
        }
    }

    /// The corrections of one commit, whose tree of `content/cities/` lists `now`.
    fn commit(
        &mut self,
        stamp: &Stamp,
        now: BTreeMap<String, gix::ObjectId>,
        parsed: &HashMap<gix::ObjectId, Option<PlaceState>>,
    ) {
        let out = &mut self.corrections;
        let deleted: Vec<String> = self
            .files
            .keys()
            .filter(|s| !now.contains_key(*s))
            .cloned()
            .collect();
        let added: Vec<String> = now
            .keys()
            .filter(|s| !self.files.contains_key(*s))
            .cloned()
            .collect();
        let state = |slug: &str| -> Option<PlaceState> { parsed.get(now.get(slug)?)?.clone() };
        // Renames first: a deleted file and an added one that are the same place.
        let mut unpaired = Vec::new();
        let mut taken: Vec<&String> = Vec::new();
        for old in &deleted {
            let Some(before) = self.places.get(old).cloned() else {
                continue;
            };
            let pair = added.iter().filter(|a| !taken.contains(a)).find(|a| {
                state(a).is_some_and(|s| {
                    (!s.name.is_empty() && s.name == before.name) || s.figures == before.figures
                })
            });
            match pair {
                Some(new) => {
                    taken.push(new);
                    for c in out.iter_mut().filter(|c| &c.place == old) {
                        c.place = new.clone();
                    }
                    let after = state(new).unwrap_or_default();
                    diff(stamp, new, &before, &after, out);
                    self.places.remove(old);
                    self.places.insert(new.clone(), after);
                }
                None => unpaired.push(old.clone()),
            }
        }
        for old in unpaired {
            if let Some(before) = self.places.remove(&old) {
                diff(stamp, &old, &before, &PlaceState::default(), out);
            }
        }
        for new in added.iter().filter(|a| !taken.contains(a)) {
            if let Some(s) = state(new) {
                self.places.insert(new.clone(), s);
            }
        }
        for (slug, blob) in &now {
            if self.files.get(slug).is_some_and(|b| b != blob) {
                // A file that no longer parses keeps its last readable state.
                let Some(Some(after)) = parsed.get(blob).cloned() else {
                    continue;
                };
                if let Some(before) = self.places.get(slug) {
                    diff(stamp, slug, before, &after, out);
                }
                self.places.insert(slug.clone(), after);
            }
        }
        self.files = now;
    }
}

/// [`State`] as the cache holds it.
#[derive(Serialize, Deserialize)]
struct Saved {
    head: Option<String>,
    tree: Option<String>,
    started: bool,
    files: BTreeMap<String, String>,
    /// slug → name and figures (indicator, period, status, value, bound).
    places: BTreeMap<String, (String, SavedFigures)>,
    corrections: Vec<Correction>,
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
        }
    }
}

/// Where the history's state is cached, when caching is on: one file per site and
/// build of indicity, holding the commit it was read up to.
fn cache_path(root: &Path, cities: &Path) -> Option<PathBuf> {
    let tool = tool_id()?;
    let dir = root.join(CACHE_DIR);
    if !root.join(crate::content::CONTENT_DIR).is_dir() || std::fs::create_dir_all(&dir).is_err() {
        return None;
    }
    let key = xxhash_rust::xxh3::xxh3_128(format!("{tool}\n{}", cities.display()).as_bytes());
    Some(dir.join(format!("history-{key:032x}.json")))
}

/// The place files of a tree of `content/cities/`: slug → blob.
fn list(repo: &gix::Repository, tree: gix::ObjectId) -> BTreeMap<String, gix::ObjectId> {
    let Ok(tree) = repo.find_tree(tree) else {
        return BTreeMap::new();
    };
    let Ok(decoded) = tree.decode() else {
        return BTreeMap::new();
    };
    decoded
        .entries
        .iter()
        .filter(|e| e.mode.is_blob())
        .filter_map(|e| {
            let name = std::str::from_utf8(e.filename).ok()?;
            let slug = name.strip_suffix(".yaml")?;
            Some((slug.to_string(), e.oid.to_owned()))
        })
        .collect()
}

struct Stamp {
    commit: String,
    date: String,
    time: String,
    message: String,
}

/// What history compares of a place file: its name, and each figure's value and
/// bound (of figures that disagree, the one pages show).
#[derive(Debug, Clone, Default, PartialEq)]
struct PlaceState {
    name: String,
    figures: BTreeMap<(String, Period, Status), (f64, Option<Bound>)>,
}

#[derive(Deserialize)]
struct LoosePlaceOf<F> {
    #[serde(default)]
    name: String,
    #[serde(default = "IndexMap::new")]
    figures: IndexMap<String, Vec<F>>,
}

/// Older files may predate today's fields; only these are read, and a figure that
/// does not read is left out rather than failing the history.
#[derive(Deserialize)]
struct LooseFigure {
    period: Period,
    value: f64,
    #[serde(default)]
    status: Status,
    #[serde(default)]
    bound: Option<Bound>,
    #[serde(default)]
    preferred: bool,
}

impl PlaceState {
    fn parse(yaml: &[u8]) -> Option<PlaceState> {
        let text = std::str::from_utf8(yaml).ok()?;
        if crate::content::yaml::too_deep(text).is_some() {
            return None;
        }
        // In one pass when every figure reads; figure by figure when one does not.
        let (name, lists): (String, Vec<(String, Vec<LooseFigure>)>) =
            match serde_yaml::from_str::<LoosePlaceOf<LooseFigure>>(text) {
                Ok(p) => (p.name, p.figures.into_iter().collect()),
                Err(_) => {
                    let p: LoosePlaceOf<serde_yaml::Value> = serde_yaml::from_str(text).ok()?;
                    let lists = p
                        .figures
                        .into_iter()
                        .map(|(i, list)| {
                            let figs = list
                                .into_iter()
                                .filter_map(|v| serde_yaml::from_value(v).ok())
                                .collect();
                            (i, figs)
                        })
                        .collect();
                    (p.name, lists)
                }
            };
        let mut figures = BTreeMap::new();
        for (indicator, list) in lists {
            for f in list {
                if !f.value.is_finite() {
                    continue;
                }
                let key = (indicator.clone(), f.period, f.status);
                if f.preferred || !figures.contains_key(&key) {
                    figures.insert(key, (f.value, f.bound));
                }
            }
        }
        Some(PlaceState { name, figures })
    }
}

/// The corrections between two states of the place `slug`, appended to `out`.
fn diff(
    stamp: &Stamp,
    slug: &str,
    before: &PlaceState,
    after: &PlaceState,
    out: &mut Vec<Correction>,
) {
    let name = if after.name.is_empty() {
        &before.name
    } else {
        &after.name
    };
    let record = |key: &(String, Period, Status), change: Change| Correction {
        commit: stamp.commit.clone(),
        date: stamp.date.clone(),
        time: stamp.time.clone(),
        message: stamp.message.clone(),
        place: slug.to_string(),
        place_name: name.clone(),
        indicator: key.0.clone(),
        period: key.1,
        status: key.2,
        change,
    };
    let mut arrived: Vec<&(String, Period, Status)> = after
        .figures
        .keys()
        .filter(|k| !before.figures.contains_key(*k))
        .collect();
    for (key, &(value, bound)) in &before.figures {
        match after.figures.get(key) {
            Some(&(to, to_bound)) if to != value || to_bound != bound => out.push(record(
                key,
                Change::Value {
                    from: value,
                    from_bound: bound,
                    to,
                    to_bound,
                },
            )),
            Some(_) => {}
            None => {
                // The same value arriving elsewhere for the same indicator is a move.
                let moved = arrived
                    .iter()
                    .position(|k| k.0 == key.0 && after.figures[*k].0 == value);
                match moved {
                    Some(at) => {
                        let to = arrived.remove(at);
                        // Its earlier corrections follow it.
                        for c in out.iter_mut().filter(|c| {
                            c.place == slug
                                && c.indicator == key.0
                                && c.period == key.1
                                && c.status == key.2
                                && !matches!(c.change, Change::Deleted { .. })
                        }) {
                            c.period = to.1;
                            c.status = to.2;
                        }
                        out.push(record(
                            to,
                            Change::Moved {
                                from: key.1,
                                from_status: key.2,
                                value,
                            },
                        ));
                    }
                    None => out.push(record(key, Change::Deleted { value })),
                }
            }
        }
    }
}
