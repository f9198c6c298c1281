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

mod saved;

use saved::{Saved, cache_path};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::content::cache::Caching;
use crate::content::{Bound, Period, Status};

/// Every correction of the site, newest first.
#[derive(Debug, Default, Clone)]
pub struct History {
    pub corrections: Vec<Correction>,
    /// Per place slug at `HEAD`: its corrections, oldest first, as indices into
    /// `corrections`. By place, so that a lookup for each of the hundreds of
    /// thousands of figures allocates nothing.
    by_place: HashMap<String, Vec<usize>>,
    /// What is wrong with the record (a shallow clone, a repository that cannot be
    /// read, a commit's date that cannot be shown): warnings for the curator.
    pub problems: Vec<String>,
    /// What the `/corrections/` page tells readers about the record's gaps.
    pub note: Option<String>,
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

    /// What is wrong with the record, as warnings for the curator (W006).
    pub fn warnings(&self) -> Vec<crate::diagnostics::Diagnostic> {
        self.problems
            .iter()
            .map(|p| {
                crate::diagnostics::Diagnostic::warning(crate::diagnostics::Code::W006, p.clone())
                    .help("the site is built and published; the record shows what could be read")
            })
            .collect()
    }

    fn indexed(mut self) -> History {
        self.by_place.clear();
        for (i, c) in self.corrections.iter().enumerate().rev() {
            self.by_place.entry(c.place.clone()).or_default().push(i);
        }
        self
    }
}

/// The history of the site at `root`: empty when it is not in a git repository.
/// A repository that cannot be read whole gives no record (never a false one) and
/// says why in `problems`; a shallow clone gives the record of the commits it has,
/// and says so. With `caching` other than [`Caching::On`], the cached state is not
/// read.
pub fn read(root: &Path, caching: Caching) -> History {
    match read_repo(root, caching) {
        Ok(h) => h.unwrap_or_default().indexed(),
        Err(why) => History {
            problems: vec![format!(
                "the git repository of the site cannot be read ({why}), so no correction record is published; {}",
                if partial_clone(root) {
                    "it is a partial clone (`--filter`), which lacks the old versions of the place files: clone it whole, or run `git fetch --refetch` without a filter"
                } else {
                    "run `git fsck` to see what is damaged"
                }
            )],
            note: Some(
                "本站的 git 仓库无法完整读取，更正记录暂不发布；修复仓库后重新构建即可恢复。"
                    .to_string(),
            ),
            ..History::default()
        },
    }
}

/// Whether the repository of `root` is a partial clone, whose missing objects are
/// no damage.
fn partial_clone(root: &Path) -> bool {
    gix::discover(root).is_ok_and(|repo| {
        repo.config_snapshot()
            .string("extensions.partialClone")
            .is_some()
    })
}

/// A repository object that should be there and is not, or does not decode.
type Broken = String;

fn read_repo(root: &Path, caching: Caching) -> Result<Option<History>, Broken> {
    let Ok(repo) = gix::discover(root) else {
        return Ok(None);
    };
    let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return Ok(None);
    };
    let Some(prefix) = root.canonicalize().ok() else {
        return Ok(None);
    };
    let Ok(rel) = prefix.strip_prefix(&workdir) else {
        return Ok(None);
    };
    let cities: PathBuf = rel.join(crate::content::PLACES_DIR);
    let head = match repo.head() {
        Ok(h) if h.is_unborn() => return Ok(None),
        Ok(_) => repo.head_commit().map_err(|e| format!("HEAD: {e}"))?,
        Err(e) => return Err(format!("HEAD: {e}")),
    };
    let head_id = head.id().detach();
    // Where a shallow clone's history ends: part of the cache key, so that the
    // record is read again once the clone is deepened.
    let shallow: Vec<gix::ObjectId> = repo
        .shallow_commits()
        .map_err(|e| format!("the list of shallow commits: {e}"))?
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    let cache = cache_path(root, &cities, &shallow);
    let mut state: State = cache
        .as_ref()
        .filter(|_| caching.reads())
        .and_then(|p| crate::content::cache::load::<Saved>(p))
        .map(State::from)
        .unwrap_or_default();
    // The first-parent line from HEAD back to where the cached state is (or to the
    // first commit), newest first, with the tree of content/cities/ at each commit
    // (`None`: there was none). A shallow clone ends where its commits end.
    let mut line = Vec::new();
    let mut commit = Some(head);
    let mut resumed = false;
    let mut cut_at = None;
    while let Some(c) = commit {
        let id = c.id().detach();
        if state.head == Some(id) {
            resumed = true;
            break;
        }
        let tree = c
            .tree()
            .map_err(|e| format!("the tree of commit {id}: {e}"))?;
        let tree = tree
            .lookup_entry_by_path(&cities)
            .map_err(|e| format!("the tree of commit {id}: {e}"))?
            .filter(|e| e.mode().is_tree())
            .map(|e| e.object_id());
        let decoded = c.decode().map_err(|e| format!("commit {id}: {e}"))?;
        let message = first_line(
            decoded.message,
            decoded.encoding.map(|e| -> &[u8] { e.as_ref() }),
        );
        let time = c.time().ok();
        let parent = decoded.parents().next();
        line.push((id, tree, time, message));
        commit = match parent {
            Some(p) if shallow.contains(&id) => {
                let _ = p;
                cut_at = Some(id);
                None
            }
            Some(p) => Some(
                repo.find_commit(p)
                    .map_err(|e| format!("commit {p}, the parent of {id}: {e}"))?,
            ),
            None => None,
        };
    }
    if !resumed {
        // Not a descendant of the cached commit (a rewritten branch): read it all.
        state = State::default();
    }
    line.reverse();
    let mut problems = Vec::new();
    let mut note = None;
    if !line.is_empty() {
        state.advance(&repo, &line, &mut problems)?;
        state.head = Some(head_id);
        if let Some(p) = &cache {
            crate::content::cache::store(p, &Saved::from(&state));
        }
    }
    if let Some(cut) = cut_at.or_else(|| shallow.first().copied()) {
        problems.push(format!(
            "the repository is a shallow clone (its history stops at commit {}), so corrections made before it are not in the record; run `git fetch --unshallow` for the whole record",
            &cut.to_string()[..10]
        ));
        note =
            Some("本站的这份 git 副本只有部分历史（浅克隆），更早的更正未列在这里。".to_string());
    }
    let mut corrections = state.corrections;
    corrections.reverse();
    Ok(Some(History {
        corrections,
        by_place: HashMap::new(),
        problems,
        note,
    }))
}

/// The first line of a commit message, decoded as the commit says it is encoded
/// (`encoding GBK`), with no character a page cannot hold.
fn first_line(message: &[u8], encoding: Option<&[u8]>) -> String {
    let enc = encoding
        .and_then(encoding_rs::Encoding::for_label)
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = enc.decode(message);
    let line = text.lines().next().unwrap_or_default();
    clean_text(line)
}

/// `s` without the characters no page or feed may hold, spaces folded and trimmed.
fn clean_text(s: &str) -> String {
    let kept: String = s
        .chars()
        .map(|c| if crate::chars::allowed(c) { c } else { ' ' })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A commit's date and time as the record shows them (`YYYY-MM-DD`, RFC 3339), or
/// `None` when they cannot be (a year before 1970 or after 9999).
fn stamp_time(t: gix::date::Time) -> Option<(String, String)> {
    let date = t.format(gix::date::time::format::SHORT).ok()?;
    let time = t.format(gix::date::time::format::ISO8601_STRICT).ok()?;
    let year: i32 = date.get(..4)?.parse().ok()?;
    (date.len() == 10 && (1970..=9999).contains(&year)).then_some((date, time))
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
    /// The date and time of the last commit read whose date can be shown.
    last_time: Option<(String, String)>,
}

type Commit = (
    gix::ObjectId,
    Option<gix::ObjectId>,
    Option<gix::date::Time>,
    String,
);

impl State {
    /// Takes in `line`, the commits after `self.head`, oldest first. An object that
    /// cannot be read stops it: a record read past a hole would be false.
    fn advance(
        &mut self,
        repo: &gix::Repository,
        line: &[Commit],
        problems: &mut Vec<String>,
    ) -> Result<(), Broken> {
        let mut parsed: HashMap<gix::ObjectId, Option<PlaceState>> = HashMap::new();
        for (id, tree, time, message) in line {
            // A date that cannot be shown takes the one before it, so the record
            // stays in order; the curator is told.
            let shown = time.and_then(stamp_time);
            if time.is_some() && shown.is_none() && tree != &self.tree {
                problems.push(format!(
                    "commit {} has a date outside the years 1970–9999 ({} seconds since 1970); the record shows its corrections with the date of the commit before it",
                    &id.to_string()[..10],
                    time.map_or(0, |t| t.seconds)
                ));
            }
            if let Some(s) = shown {
                self.last_time = Some(s);
            }
            if *tree == self.tree {
                continue;
            }
            self.tree = *tree;
            let now: BTreeMap<String, gix::ObjectId> = match tree {
                Some(t) => list(repo, *t)?,
                None => BTreeMap::new(),
            };
            // Parse every blob this commit brings, in parallel.
            let fresh: Vec<(gix::ObjectId, Vec<u8>)> = now
                .iter()
                .filter(|(slug, b)| self.files.get(*slug) != Some(*b) && !parsed.contains_key(*b))
                .map(|(_, b)| {
                    repo.find_blob(*b)
                        .map(|blob| (*b, blob.detach().data))
                        .map_err(|e| format!("the place file {b} of commit {id}: {e}"))
                })
                .collect::<Result<_, _>>()?;
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
            let (date, time) = self.last_time.clone().unwrap_or_else(|| {
                (
                    "1970-01-01".to_string(),
                    "1970-01-01T00:00:00+00:00".to_string(),
                )
            });
            let stamp = Stamp {
                commit: id.to_string(),
                date,
                time,
                message: message.clone(),
            };
            self.commit(&stamp, now, &parsed);
        }
        Ok(())
    }

    /// The corrections of one commit, whose tree of `content/cities/` lists `now`.
    fn commit(
        &mut self,
        stamp: &Stamp,
        now: BTreeMap<String, gix::ObjectId>,
        parsed: &HashMap<gix::ObjectId, Option<PlaceState>>,
    ) {
        let out = &mut self.corrections;
        // The places the record lists a deletion for: only their arriving figures
        // can be deletions undone (one pass per commit, not one per file).
        let mut undoable: std::collections::HashSet<String> = out
            .iter()
            .filter(|c| matches!(c.change, Change::Deleted { .. }))
            .map(|c| c.place.clone())
            .collect();
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
                    if undoable.contains(old) {
                        undoable.insert(new.clone());
                    }
                    diff(stamp, new, &before, &after, out, &undoable);
                    self.places.remove(old);
                    self.places.insert(new.clone(), after);
                }
                None => unpaired.push(old.clone()),
            }
        }
        for old in unpaired {
            if let Some(before) = self.places.remove(&old) {
                diff(stamp, &old, &before, &PlaceState::default(), out, &undoable);
            }
        }
        for new in added.iter().filter(|a| !taken.contains(a)) {
            if let Some(s) = state(new) {
                // A file deleted before and now back: its figures are not deleted.
                let keys: Vec<&(String, Period, Status)> = s.figures.keys().collect();
                if undoable.contains(new) {
                    restore(stamp, new, &s, &keys, out);
                }
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
                    diff(stamp, slug, before, &after, out, &undoable);
                }
                self.places.insert(slug.clone(), after);
            }
        }
        self.files = now;
    }
}

/// The place files of a tree of `content/cities/`: slug → blob. Only the names a
/// build reads as place files (`<slug>.yaml`, a valid slug) are places.
fn list(
    repo: &gix::Repository,
    tree: gix::ObjectId,
) -> Result<BTreeMap<String, gix::ObjectId>, Broken> {
    let broken = |e: &dyn std::fmt::Display| format!("the tree {tree} of content/cities/: {e}");
    let tree = repo.find_tree(tree).map_err(|e| broken(&e))?;
    let decoded = tree.decode().map_err(|e| broken(&e))?;
    Ok(decoded
        .entries
        .iter()
        .filter(|e| e.mode.is_blob())
        .filter_map(|e| {
            let name = std::str::from_utf8(e.filename).ok()?;
            let slug = name.strip_suffix(".yaml")?;
            crate::content::is_slug(slug, '-').then(|| (slug.to_string(), e.oid.to_owned()))
        })
        .collect())
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
        // What no build would publish is not history either: indicator ids that are
        // not ids, characters no page can hold.
        let name = clean_text(&name);
        for (indicator, list) in lists {
            if !crate::content::is_slug(&indicator, '_') {
                continue;
            }
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
    undoable: &std::collections::HashSet<String>,
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
    if undoable.contains(slug) {
        restore(stamp, slug, after, &arrived, out);
    }
}

/// Figures of `slug` that arrive at a key where the record says one was deleted:
/// the deletion was undone (a `git revert`, a file renamed away and back), so the
/// deletion leaves the record, and a different value than the deleted one is a
/// correction of it.
fn restore(
    stamp: &Stamp,
    slug: &str,
    after: &PlaceState,
    arrived: &[&(String, Period, Status)],
    out: &mut Vec<Correction>,
) {
    if arrived.is_empty() {
        return;
    }
    let deleted: HashMap<(&str, Period, Status), usize> = out
        .iter()
        .enumerate()
        .filter(|(_, c)| c.place == slug && matches!(c.change, Change::Deleted { .. }))
        .map(|(i, c)| ((c.indicator.as_str(), c.period, c.status), i))
        .collect();
    if deleted.is_empty() {
        return;
    }
    let mut undone: Vec<(usize, &(String, Period, Status))> = arrived
        .iter()
        .filter_map(|k| Some((*deleted.get(&(k.0.as_str(), k.1, k.2))?, *k)))
        .collect();
    // Removed from the end, so the indices still hold.
    undone.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
    let mut changed = Vec::new();
    for (i, key) in undone {
        let was = out.remove(i);
        let Change::Deleted { value: from } = was.change else {
            continue;
        };
        let (to, to_bound) = after.figures[key];
        if to != from {
            changed.push(Correction {
                commit: stamp.commit.clone(),
                date: stamp.date.clone(),
                time: stamp.time.clone(),
                message: stamp.message.clone(),
                change: Change::Value {
                    from,
                    from_bound: None,
                    to,
                    to_bound,
                },
                ..was
            });
        }
    }
    changed.reverse();
    out.extend(changed);
}
