//! Load: `content/` on disk → [`Site`] in memory.
//!
//! Loading never stops at the first bad file: every file that parses contributes to
//! the site and every one that does not contributes a diagnostic, so the curator sees
//! all problems of a run at once. Directory walks are sorted so the site, and so the
//! output, never depends on the order the file system lists entries in.

mod articles;
pub mod cache;
mod duplicates;
mod figure;
pub mod model;
pub mod period;
mod places;
mod positions;
pub mod yaml;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::cache::Caching;
pub use articles::is_date;
use articles::*;
use cache::PlaceCache;
use figure::RawFigure;
pub use model::*;
pub use period::Period;
use places::*;
use yaml::{SourceFile, YamlPath};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};

/// Where each kind of content lives under the site root.
pub const CONTENT_DIR: &str = "content";
pub const SITE_FILE: &str = "content/site.yaml";
pub const INDICATORS_FILE: &str = "content/indicators.yaml";
pub const PLACES_DIR: &str = "content/cities";
pub const ARTICLES_DIR: &str = "content/articles";

/// Reads and parses everything under `root/content`.
///
/// Returns the site made of every file that could be read, and the diagnostics of
/// those that could not; the caller decides whether errors are fatal.
pub fn load(root: &Path) -> (Site, Diagnostics) {
    load_with(root, Caching::On)
}

/// [`load`] without reading or writing `.indicity-cache/`: for commands that only
/// look at the content (`clean` reading the place names), which must not leave files
/// behind.
pub fn load_uncached(root: &Path) -> (Site, Diagnostics) {
    load_with(root, Caching::Off)
}

/// [`load`], using the caches as `caching` says (`build --full` reads none).
pub fn load_with(root: &Path, caching: Caching) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::default();

    let mut site_file = read(root, Path::new(SITE_FILE), &mut diags);
    if let Some(file) = &mut site_file {
        diags.extend(SourceFile::take_escapes(file));
    }
    let (config, config_file) = match site_file {
        Some(file) => match file.parse::<SiteConfig>() {
            Ok(c) => (c, Some(file)),
            Err(d) => {
                diags.push(d);
                (fallback_config(), Some(file))
            }
        },
        None => (fallback_config(), None),
    };

    let errors_before = diags.errors().count();
    let (indicators, indicators_file) = match read(root, Path::new(INDICATORS_FILE), &mut diags) {
        Some(mut file) => {
            diags.extend(SourceFile::take_escapes(&mut file));
            (load_indicators(&file, &mut diags), Some(file))
        }
        None => (IndexMap::new(), None),
    };
    let catalogue_failed = indicators.is_empty() && diags.errors().count() > errors_before;

    let place_paths = list(root, PLACES_DIR, "yaml", &mut diags);
    let cache = PlaceCache::open(root, caching);
    let mut site_places = load_all(
        root,
        &place_paths,
        |f, d| load_place(f, &cache, d),
        &mut diags,
    );
    cache.prune();
    site_places.sort_by(|a, b| a.slug.cmp(&b.slug));
    for pair in site_places.windows(2) {
        if pair[0].slug == pair[1].slug {
            let (first, second) = (&pair[0].origin.file, &pair[1].origin.file);
            diags.push(
                Diagnostic::error(
                    Code::E011,
                    format!("two place files are named `{}`", pair[1].slug),
                )
                .at(Some(second.start()))
                .label("same name as another place file")
                .help(format!(
                    "the file name is the place's URL, so it must be unique under content/cities/; rename {} or {}",
                    first.path.display(),
                    second.path.display()
                )),
            );
        }
    }

    let article_paths = list(root, ARTICLES_DIR, "md", &mut diags);
    let site_articles: BTreeMap<String, Article> =
        load_all(root, &article_paths, load_article, &mut diags)
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();

    let place_files = place_paths
        .iter()
        .filter_map(|p| p.file_stem())
        .map(|s| s.to_string_lossy().to_string())
        .collect();
    let article_files = article_paths.iter().map(|p| article_id(p)).collect();
    let site = Site {
        config,
        config_file,
        indicators,
        indicators_file,
        catalogue_failed,
        places: site_places,
        articles: site_articles,
        place_files,
        article_files,
    };
    (site, diags)
}

/// What a file under the site root feeds, for `serve` to know what a change affects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContentFile {
    Config,
    Indicators,
    /// A place file, by slug.
    Place(String),
    /// An article, by id.
    Article(String),
}

impl ContentFile {
    /// Classifies `rel` (relative to the site root) the way [`load`] would read it;
    /// `None` for files the site is not built from (raw pages, hidden editor files).
    pub fn of(rel: &Path) -> Option<ContentFile> {
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if hidden {
            return None;
        }
        if rel == Path::new(SITE_FILE) {
            Some(ContentFile::Config)
        } else if rel == Path::new(INDICATORS_FILE) {
            Some(ContentFile::Indicators)
        } else if rel.starts_with(PLACES_DIR) && rel.extension().is_some_and(|x| x == "yaml") {
            Some(ContentFile::Place(
                rel.file_stem()?.to_string_lossy().to_string(),
            ))
        } else if rel.starts_with(ARTICLES_DIR) && rel.extension().is_some_and(|x| x == "md") {
            Some(ContentFile::Article(article_id(rel)))
        } else {
            None
        }
    }
}

/// Reads one place file again, as [`load`] does (for `serve`, after it changed).
pub fn load_place_file(root: &Path, rel: &Path) -> (Option<Place>, Diagnostics) {
    let mut d = Diagnostics::default();
    let place =
        read(root, rel, &mut d).and_then(|f| load_place(f, &PlaceCache::disabled(), &mut d));
    (place, d)
}

/// Loads a place file that is not on disk (yet) as [`load`] would read it at `rel`:
/// `extract` checks the file it is about to print or write.
pub fn place_from_text(rel: &Path, text: &str) -> (Option<Place>, Diagnostics) {
    let mut d = Diagnostics::default();
    let file = Arc::new(SourceFile::new(rel, Arc::from(text)));
    let place = load_place(file, &PlaceCache::disabled(), &mut d);
    (place, d)
}

/// The catalogue `content/indicators.yaml` would hold with `text`, and what is wrong
/// with it (for `serve`, before it appends an indicator).
pub fn indicators_from_text(text: &str) -> (IndexMap<String, Indicator>, Diagnostics) {
    let mut d = Diagnostics::default();
    let file = Arc::new(SourceFile::new(Path::new(INDICATORS_FILE), Arc::from(text)));
    let found = load_indicators(&file, &mut d);
    (found, d)
}

/// An article from its text, as [`load`] reads `content/articles/{id}.md` (for tests
/// and for what `serve` checks before it writes).
pub fn article_from_text(id: &str, text: &str) -> Option<Article> {
    let rel = PathBuf::from(format!("{ARTICLES_DIR}/{id}.md"));
    let file = Arc::new(SourceFile::new(&rel, Arc::from(text)));
    load_article(file, &mut Diagnostics::default())
}

/// Reads one article again, as [`load`] does (for `serve`, after it changed).
pub fn load_article_file(root: &Path, rel: &Path) -> (Option<Article>, Diagnostics) {
    let mut d = Diagnostics::default();
    let article = read(root, rel, &mut d).and_then(|f| load_article(f, &mut d));
    (article, d)
}

/// Reads and loads `paths` on every core; diagnostics come back in path order.
fn load_all<T: Send>(
    root: &Path,
    paths: &[PathBuf],
    loader: impl Fn(Arc<SourceFile>, &mut Diagnostics) -> Option<T> + Sync,
    diags: &mut Diagnostics,
) -> Vec<T> {
    let loaded: Vec<(Option<T>, Diagnostics)> = paths
        .par_iter()
        .map(|rel| {
            let mut d = Diagnostics::default();
            let item = read(root, rel, &mut d).and_then(|f| loader(f, &mut d));
            (item, d)
        })
        .collect();
    let mut out = Vec::with_capacity(loaded.len());
    for (item, d) in loaded {
        diags.extend(d.0);
        out.extend(item);
    }
    out
}

/// The configuration used when `site.yaml` is missing or broken (its errors are reported).
pub fn fallback_config() -> SiteConfig {
    SiteConfig {
        title: "indicity".to_string(),
        title_en: None,
        description: String::new(),
        base_url: "http://localhost/".to_string(),
        language: "zh-CN".to_string(),
        headline: Vec::new(),
        footer: None,
        recent_articles: 10,
        articles_per_page: 50,
        license: None,
    }
}

/// A content file's text as every reader sees it: without a byte-order mark, and
/// with `\n` for every line break (CRLF and old Mac files alike).
pub fn source_text(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.remove(0);
    }
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    text
}

fn read(root: &Path, rel: &Path, diags: &mut Diagnostics) -> Option<Arc<SourceFile>> {
    match fs::read(root.join(rel)) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(Arc::new(SourceFile::new(rel, Arc::from(source_text(text))))),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                // Shown as far as it is text, so the line and column are the editor's.
                let shown: Arc<str> =
                    Arc::from(String::from_utf8_lossy(&bytes[..at]).to_string() + "\u{FFFD}");
                diags.push(
                    Diagnostic::error(
                        Code::E013,
                        format!("{} is not UTF-8 (byte {} is not)", rel.display(), at + 1),
                    )
                    .at(Some(crate::diagnostics::Location::from_span(
                        rel,
                        &shown,
                        at..shown.len(),
                    )))
                    .label("not UTF-8 from here")
                    .help("save the file as UTF-8; `indicity clean` converts GBK and Big5 pages"),
                );
                None
            }
        },
        Err(e) => {
            diags.push(
                Diagnostic::error(Code::E013, format!("cannot read {}: {e}", rel.display())).help(
                    format!(
                        "create {} (see docs/content.md for its format)",
                        rel.display()
                    ),
                ),
            );
            None
        }
    }
}

/// Files with extension `ext` under `root/dir`, as paths relative to `root`, sorted.
fn list(root: &Path, dir: &str, ext: &str, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in WalkDir::new(&base).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let p = e.path();
                let hidden = p
                    .strip_prefix(&base)
                    .map(|r| {
                        r.components()
                            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                    })
                    .unwrap_or(false);
                if !hidden && p.extension().is_some_and(|x| x == ext) {
                    out.push(p.strip_prefix(root).unwrap_or(p).to_path_buf());
                }
            }
            Ok(e) if e.file_type().is_symlink() => {
                let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                diags.push(
                    Diagnostic::warning(
                        Code::W004,
                        format!("{} is a symbolic link; it is not read", rel.display()),
                    )
                    .help("content is read from real files only (a link could lead out of the site); copy the file in instead"),
                );
            }
            Ok(_) => {}
            Err(e) => diags.push(Diagnostic::error(
                Code::E013,
                format!("cannot list {dir}: {e}"),
            )),
        }
    }
    out
}

fn load_indicators(file: &Arc<SourceFile>, diags: &mut Diagnostics) -> IndexMap<String, Indicator> {
    let raw: IndexMap<String, serde_yaml::Value> = match file.parse::<yaml::UniqueMap<_>>() {
        Ok(m) => m.0,
        Err(d) => {
            diags.push(d);
            return IndexMap::new();
        }
    };
    let mut out = IndexMap::new();
    for (id, value) in raw {
        let path = YamlPath::default().key(&id);
        if !is_slug(&id, '_') {
            diags.push(
                Diagnostic::error(Code::E011, format!("indicator id `{id}` is not a valid id"))
                    .at(file.locate(&YamlPath::default(), Some(&id)))
                    .label("invalid id")
                    .help(
                        "use lowercase ASCII letters, digits and `_`, e.g. `high_tech_enterprises`",
                    ),
            );
            continue;
        }
        match file.parse_value::<Indicator>(value, &path) {
            Ok(mut ind) => {
                ind.id = id.clone();
                out.insert(id, ind);
            }
            Err(d) => diags.push(d),
        }
    }
    out
}

/// Lowercase ASCII letters and digits, joined by `sep`: safe in URLs and file names.
pub fn is_slug(s: &str, sep: char) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == sep)
        && !s.starts_with(sep)
        && !s.ends_with(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_splits_at_the_closing_fence() {
        let t = "---\ntitle: a\ncity: b\n---\n\nbody\n";
        let (y, b) = split_front_matter(t).unwrap();
        assert_eq!(&t[y], "title: a\ncity: b\n");
        assert_eq!(&t[b], "\nbody\n");
        assert!(split_front_matter("title: a\n").is_none());
        assert!(split_front_matter("---\ntitle: a\n").is_none());
    }

    #[test]
    fn dates_are_checked_for_real() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-2-1"));
        assert!(!is_date("2023-13-01"));
    }

    #[test]
    fn slugs() {
        assert!(is_slug("fuzhou", '-'));
        assert!(is_slug("2023-02-13-gaoqi", '-'));
        assert!(!is_slug("福州", '-'));
        assert!(!is_slug("Fuzhou", '-'));
        assert!(!is_slug("-x", '-'));
    }
}
