//! Place files: `content/cities/<slug>.yaml` read into a [`Place`], each figure
//! typed on its own so one bad figure does not hide the others.

use super::*;

/// A place file. `F` is `RawFigure` on the fast path (the whole file at once) and
/// `serde_yaml::Value` on the slow path (figures parsed one by one for diagnostics).
/// The fast path's form is what [`PlaceCache`] stores.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PlaceFile<F> {
    pub(super) name: String,
    pub(super) name_en: String,
    pub(super) province: String,
    pub(super) level: Level,
    #[serde(default)]
    pub(super) parent: Option<String>,
    #[serde(default)]
    pub(super) code: Option<String>,
    #[serde(default = "yaml::UniqueMap::new")]
    pub(super) figures: yaml::UniqueMap<Vec<F>>,
}

pub(super) type RawPlace = PlaceFile<serde_yaml::Value>;

/// A place file that is entirely valid, read in one pass.
pub(super) type TypedPlace = PlaceFile<RawFigure>;

/// Whether the fast path's place holds no figure that needs the slow path's
/// diagnostics.
pub(super) fn usable(t: &TypedPlace) -> bool {
    t.figures
        .0
        .values()
        .flatten()
        .all(|f| f.problems().is_empty())
}

/// The fast path's place, or `None` when a figure needs the slow path's diagnostics.
pub(super) fn typed_place(slug: &str, t: TypedPlace, file: &Arc<SourceFile>) -> Option<Place> {
    let mut figures = Vec::new();
    for (indicator, list) in t.figures.0 {
        let ind_arc: Arc<str> = Arc::from(indicator.as_str());
        for (i, f) in list.into_iter().enumerate() {
            if !f.problems().is_empty() {
                return None;
            }
            figures.push(f.into_figure(&indicator, &ind_arc, i, file));
        }
    }
    mark_alternatives(&mut figures);
    Some(Place {
        slug: slug.to_string(),
        name: t.name,
        name_en: t.name_en,
        province: t.province,
        level: t.level,
        parent: t.parent,
        code: t.code,
        figures,
        origin: Origin {
            file: file.clone(),
            at: OriginPath::Root,
        },
    })
}

pub(super) fn load_place(
    mut file: Arc<SourceFile>,
    cache: &PlaceCache,
    diags: &mut Diagnostics,
) -> Option<Place> {
    let slug = file.path.file_stem()?.to_string_lossy().to_string();
    diags.extend(SourceFile::take_escapes(&mut file));
    if !is_slug(&slug, '-') {
        diags.push(
            Diagnostic::error(Code::E011, format!("`{slug}` is not a valid place file name"))
                .at(Some(file.start()))
                .help("name place files with lowercase pinyin and `-`, e.g. `content/cities/fuzhou.yaml`; the name becomes the page URL"),
        );
        return None;
    }
    // Fast path: a file without errors deserializes in one go, straight into typed
    // figures. Only a file with an error takes the slow path below, which goes figure
    // by figure so that it can report every error of the file with its position.
    // A file that took the fast path before is read from the cache.
    let key = PlaceCache::key(file.yaml_text());
    let typed = cache.get::<TypedPlace>(&key).filter(usable).or_else(|| {
        // Too deep for the fast path: the slow path reports it.
        if yaml::too_deep(file.yaml_text()).is_some() {
            return None;
        }
        let t = serde_yaml::from_str::<TypedPlace>(file.yaml_text()).ok()?;
        usable(&t).then(|| {
            cache.put(&key, &t);
            t
        })
    });
    if let Some(place) = typed.and_then(|t| typed_place(&slug, t, &file)) {
        return Some(place);
    }
    let raw: RawPlace = match file.parse() {
        Ok(r) => r,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut figures = Vec::new();
    for (indicator, list) in raw.figures.0 {
        let ind_arc: Arc<str> = Arc::from(indicator.as_str());
        for (i, value) in list.into_iter().enumerate() {
            let path = YamlPath::default().key("figures").key(&indicator).index(i);
            match file.parse_value::<RawFigure>(value, &path) {
                Ok(f) => {
                    let problems = f.problems();
                    if problems.is_empty() {
                        figures.push(f.into_figure(&indicator, &ind_arc, i, &file));
                    }
                    diags.extend(problems.into_iter().map(|p| p.diagnostic(&file, &path)));
                }
                Err(d) => diags.push(d),
            }
        }
    }
    mark_alternatives(&mut figures);
    Some(Place {
        slug,
        name: raw.name,
        name_en: raw.name_en,
        province: raw.province,
        level: raw.level,
        parent: raw.parent,
        code: raw.code,
        figures,
        origin: Origin {
            file,
            at: OriginPath::Root,
        },
    })
}
