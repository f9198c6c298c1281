//! Comparing two states of a place file, figure by figure: values and bounds that
//! changed, figures moved to another period, figures deleted, and what a later
//! commit restored.

use super::*;

/// What history compares of a place file: its name, and each figure's value and
/// bound (of figures that disagree, the one pages show).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct PlaceState {
    pub(super) name: String,
    pub(super) figures: BTreeMap<(String, Period, Status), (f64, Option<Bound>)>,
}

#[derive(Deserialize)]
pub(super) struct LoosePlaceOf<F> {
    #[serde(default)]
    pub(super) name: String,
    #[serde(default = "IndexMap::new")]
    pub(super) figures: IndexMap<String, Vec<F>>,
}

/// Older files may predate today's fields; only these are read, and a figure that
/// does not read is left out rather than failing the history.
#[derive(Deserialize)]
pub(super) struct LooseFigure {
    pub(super) period: Period,
    pub(super) value: f64,
    #[serde(default)]
    pub(super) status: Status,
    #[serde(default)]
    pub(super) bound: Option<Bound>,
    #[serde(default)]
    pub(super) preferred: bool,
}

impl PlaceState {
    /// The state of a place as `load` parsed it: what [`PlaceState::parse`] makes of
    /// the same file (names and figures in file order, of figures that disagree the
    /// last preferred or else the first), without parsing it again.
    pub(super) fn of(place: &Place) -> PlaceState {
        let mut figures = BTreeMap::new();
        for f in &place.figures {
            if !crate::content::is_slug(&f.indicator, '_') || !f.value.is_finite() {
                continue;
            }
            let key = (f.indicator.clone(), f.period, f.status);
            if f.preferred || !figures.contains_key(&key) {
                figures.insert(key, (f.value, f.bound));
            }
        }
        PlaceState {
            name: clean_text(&place.name),
            figures,
        }
    }

    pub(super) fn parse(yaml: &[u8]) -> Option<PlaceState> {
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
pub(super) fn diff(
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
pub(super) fn restore(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A state taken from `load` is the state parsed from the same file, so the record
    /// does not depend on whether a version was parsed or taken from the working tree.
    #[test]
    fn a_loaded_place_has_the_state_its_file_parses_to() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR"));
        for entry in walkdir::WalkDir::new(bundled.join("content")) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(bundled).unwrap();
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(root.join(rel)).unwrap();
            } else {
                std::fs::copy(entry.path(), root.join(rel)).unwrap();
            }
        }
        // Two figures that disagree, the second preferred; a name with spaces to fold.
        std::fs::write(
            root.join("content/cities/testtown.yaml"),
            "name: \" 试验  县 \"\nname_en: Test\nprovince: 福建省\nlevel: county\nfigures:\n  tech_smes_new:\n    - period: 2023\n      value: 10\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 甲\n    - period: 2023\n      value: 12\n      preferred: true\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 乙\n",
        )
        .unwrap();
        let (site, diags) = crate::content::load_with(root, Caching::Off);
        assert!(!diags.has_errors(), "{diags:?}");
        assert!(site.places.len() > 4, "the bundled places and the test one");
        for place in &site.places {
            let parsed = PlaceState::parse(place.origin.file.text.as_bytes()).unwrap();
            assert_eq!(PlaceState::of(place), parsed, "{}", place.slug);
            assert!(!parsed.figures.is_empty(), "{}", place.slug);
        }
        let town = site.place("testtown").unwrap();
        let state = PlaceState::of(town);
        assert_eq!(state.name, "试验 县");
        assert_eq!(state.figures.values().next().unwrap().0, 12.0);
    }
}
