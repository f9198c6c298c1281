//! Reading the repository: the first-parent line of commits to `HEAD` that touched
//! `content/cities/`, each read into the state of every place file (with gix).

use super::*;

pub(super) fn read_repo(
    root: &Path,
    caching: Caching,
    places: &[Place],
) -> Result<Option<History>, Broken> {
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
        .and_then(|p| crate::cache::load::<Saved>(p))
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
        state.advance(&repo, &line, places, &mut problems)?;
        state.head = Some(head_id);
        if let Some(p) = &cache {
            crate::cache::store(p, &Saved::from(&state));
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
pub(super) fn first_line(message: &[u8], encoding: Option<&[u8]>) -> String {
    let enc = encoding
        .and_then(encoding_rs::Encoding::for_label)
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = enc.decode(message);
    let line = text.lines().next().unwrap_or_default();
    clean_text(line)
}

/// `s` without the characters no page or feed may hold, spaces folded and trimmed.
pub(super) fn clean_text(s: &str) -> String {
    let kept: String = s
        .chars()
        .map(|c| if crate::chars::allowed(c) { c } else { ' ' })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A commit's date and time as the record shows them (`YYYY-MM-DD`, RFC 3339), or
/// `None` when they cannot be (a year before 1970 or after 9999).
pub(super) fn stamp_time(t: gix::date::Time) -> Option<(String, String)> {
    let date = t.format(gix::date::time::format::SHORT).ok()?;
    let time = t.format(gix::date::time::format::ISO8601_STRICT).ok()?;
    let year: i32 = date.get(..4)?.parse().ok()?;
    (date.len() == 10 && (1970..=9999).contains(&year)).then_some((date, time))
}

/// Where the history is read up to: the state of every place file at `head`, and the
/// corrections so far, oldest first. Saved between builds, so that a build after a
/// new commit reads only that commit.
#[derive(Default)]
pub(super) struct State {
    pub(super) head: Option<gix::ObjectId>,
    pub(super) tree: Option<gix::ObjectId>,
    /// Whether a `content/cities/` was seen yet: where the record starts, figures are
    /// written, not corrected.
    pub(super) started: bool,
    pub(super) files: BTreeMap<String, gix::ObjectId>,
    pub(super) places: HashMap<String, PlaceState>,
    pub(super) corrections: Vec<Correction>,
    /// The date and time of the last commit read whose date can be shown.
    pub(super) last_time: Option<(String, String)>,
}

pub(super) type Commit = (
    gix::ObjectId,
    Option<gix::ObjectId>,
    Option<gix::date::Time>,
    String,
);

impl State {
    /// Takes in `line`, the commits after `self.head`, oldest first. An object that
    /// cannot be read stops it: a record read past a hole would be false.
    ///
    /// A version of a place file that is the file `load` read (`places`, sorted by
    /// slug) is not read from the repository nor parsed again: its state is taken
    /// from the parsed place. On a first read, most files of the first commit are
    /// still as they are in the working tree, and parsing all of them again was most
    /// of the time (1.5 s of 3.9 at 3,000 places).
    fn advance(
        &mut self,
        repo: &gix::Repository,
        line: &[Commit],
        places: &[Place],
        problems: &mut Vec<String>,
    ) -> Result<(), Broken> {
        let mut parsed: HashMap<gix::ObjectId, Option<PlaceState>> = HashMap::new();
        // A chunk of commits at a time: their trees listed, then every blob they
        // bring read at once (in parallel), then the commits taken in order. A commit
        // of a long history brings one or two files; parsed one commit at a time,
        // they kept one core busy.
        for chunk in line.chunks(PREFETCH) {
            let mut lists: Vec<Option<BTreeMap<String, gix::ObjectId>>> = Vec::new();
            let mut wanted: Vec<(String, gix::ObjectId, gix::ObjectId)> = Vec::new();
            let mut seen: std::collections::HashSet<gix::ObjectId> = Default::default();
            let mut tree_before = self.tree;
            let mut last: Option<usize> = None;
            for (id, tree, _, _) in chunk {
                if *tree == tree_before {
                    lists.push(None);
                    continue;
                }
                tree_before = *tree;
                let now = match tree {
                    Some(t) => list(repo, *t)?,
                    None => BTreeMap::new(),
                };
                {
                    let before = last.and_then(|i| lists[i].as_ref()).unwrap_or(&self.files);
                    let ch = changes(before, &now);
                    for (slug, b) in ch.added.iter().chain(&ch.changed) {
                        if !parsed.contains_key(*b) && seen.insert(**b) {
                            wanted.push(((*slug).clone(), **b, *id));
                        }
                    }
                }
                lists.push(Some(now));
                last = Some(lists.len() - 1);
            }
            prefetch(repo, places, &wanted, &mut parsed)?;
            for ((id, tree, time, message), now) in chunk.iter().zip(lists) {
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
                // `None`: the same tree as the commit before.
                let Some(now) = now else {
                    continue;
                };
                self.tree = *tree;
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
        let ch = changes(&self.files, &now);
        let deleted: Vec<String> = ch.deleted.into_iter().cloned().collect();
        let added: Vec<String> = ch.added.iter().map(|(s, _)| (*s).clone()).collect();
        let changed = ch.changed;
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
        for (slug, blob) in changed {
            // A file that no longer parses keeps its last readable state.
            let Some(Some(after)) = parsed.get(blob).cloned() else {
                continue;
            };
            if let Some(before) = self.places.get(slug) {
                diff(stamp, slug, before, &after, out, &undoable);
            }
            self.places.insert(slug.clone(), after);
        }
        self.files = now;
    }
}

/// How many commits' blobs are read at once.
const PREFETCH: usize = 64;

/// The place files deleted, added and changed between two lists, found in one walk
/// of both (sorted) lists: a commit of a long history changes a few of thousands.
struct Changes<'a> {
    deleted: Vec<&'a String>,
    added: Vec<(&'a String, &'a gix::ObjectId)>,
    changed: Vec<(&'a String, &'a gix::ObjectId)>,
}

fn changes<'a>(
    before: &'a BTreeMap<String, gix::ObjectId>,
    now: &'a BTreeMap<String, gix::ObjectId>,
) -> Changes<'a> {
    let mut out = Changes {
        deleted: Vec::new(),
        added: Vec::new(),
        changed: Vec::new(),
    };
    let mut old = before.iter().peekable();
    let mut new = now.iter().peekable();
    loop {
        match (old.peek(), new.peek()) {
            (Some((o, ob)), Some((n, nb))) => match o.cmp(n) {
                std::cmp::Ordering::Less => {
                    out.deleted.push(o);
                    old.next();
                }
                std::cmp::Ordering::Greater => {
                    out.added.push((n, nb));
                    new.next();
                }
                std::cmp::Ordering::Equal => {
                    if ob != nb {
                        out.changed.push((n, nb));
                    }
                    old.next();
                    new.next();
                }
            },
            (Some((o, _)), None) => {
                out.deleted.push(o);
                old.next();
            }
            (None, Some((n, nb))) => {
                out.added.push((n, nb));
                new.next();
            }
            (None, None) => return out,
        }
    }
}

/// The states of the `wanted` blobs (slug, blob, the commit that brings it): taken
/// from `load` where the blob is the file in the working tree, read and parsed (in
/// parallel) where it is not.
fn prefetch(
    repo: &gix::Repository,
    places: &[Place],
    wanted: &[(String, gix::ObjectId, gix::ObjectId)],
    parsed: &mut HashMap<gix::ObjectId, Option<PlaceState>>,
) -> Result<(), Broken> {
    let hash = repo.object_hash();
    let loaded: Vec<Option<PlaceState>> = wanted
        .par_iter()
        .map(|(slug, b, _)| loaded_state(places, slug, *b, hash))
        .collect();
    let mut fresh = Vec::new();
    for ((_, b, id), state) in wanted.iter().zip(loaded) {
        match state {
            Some(s) => {
                parsed.insert(*b, Some(s));
            }
            None => {
                let blob = repo
                    .find_blob(*b)
                    .map_err(|e| format!("the place file {b} of commit {id}: {e}"))?;
                fresh.push((*b, blob.detach().data));
            }
        }
    }
    let states: Vec<(gix::ObjectId, Option<PlaceState>)> = fresh
        .into_par_iter()
        .map(|(b, data)| (b, PlaceState::parse(&data)))
        .collect();
    parsed.extend(states);
    Ok(())
}

/// The state of blob `blob` of the place file `slug`, when it is the file `load`
/// parsed: its bytes hash to the blob's id.
fn loaded_state(
    places: &[Place],
    slug: &str,
    blob: gix::ObjectId,
    hash: gix::hash::Kind,
) -> Option<PlaceState> {
    let i = places
        .binary_search_by(|p| p.slug.as_str().cmp(slug))
        .ok()?;
    let place = &places[i];
    let text = place.origin.file.text.as_bytes();
    let id = gix::objs::compute_hash(hash, gix::objs::Kind::Blob, text).ok()?;
    (id == blob).then(|| PlaceState::of(place))
}

/// The place files of a tree of `content/cities/`: slug → blob. Only the names a
/// build reads as place files (`<slug>.yaml`, a valid slug) are places.
pub(super) fn list(
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

pub(super) struct Stamp {
    pub(super) commit: String,
    pub(super) date: String,
    pub(super) time: String,
    pub(super) message: String,
}
