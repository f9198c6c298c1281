//! Rebuild: the last good site stays in memory; a change redoes only what it feeds.
//!
//! The same stages as `build` (load → check → render → write, [`crate::pipeline`]),
//! each narrowed to the changed files: the changed places and articles are read
//! again, the checks that can see them are run again ([`check::recheck`]), and only
//! the pages that show them are rendered again, into the served directory, where
//! they replace the old ones only once all of them rendered. Anything that changes
//! the shape of the site (a place or article added or removed, `site.yaml`,
//! `indicators.yaml`) rebuilds everything, through the pipeline as `build` runs it.
//!
//! Every change since the last good state is kept until a rebuild succeeds, so fixing
//! one of two broken files and then the other ends in the same state as a full build;
//! `tests/it/serve.rs` and `tests/it/serve_edits.rs` compare the two after every edit.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tera::Tera;

use crate::Error;
use crate::cache::Caching;
use crate::check::{self, FigureRef, Provenance};
use crate::content::{self, ContentFile, Figure, Site};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::history::History;
use crate::output::{Mode, Writer};
use crate::pipeline::{self, Caches, Prepared};
use crate::render::fed::{Fed, Fingerprints};
use crate::render::{self, Pages, STATIC_DIR, TEMPLATES_DIR};

/// The served site: what was last built without errors, and what changed since.
pub struct Live {
    root: PathBuf,
    out: PathBuf,
    /// The site as last built without errors, with its templates, correction
    /// record (read at each full rebuild: commits made while serving show after the
    /// next one) and address.
    state: Prepared,
    /// Files (relative to the root) changed since the last good state.
    dirty: BTreeSet<PathBuf>,
    /// Nothing built yet, or the last full rebuild failed: the next one is full too.
    stale: bool,
    /// Article id → the figures citing it, in order: which figures a change to an
    /// article reaches, without going through the hundreds of thousands of figures.
    cites: HashMap<String, Vec<FigureRef>>,
    /// The fingerprint of every output as it is in the served directory: a change
    /// renders again exactly those whose fingerprint it changes. An output whose
    /// render failed keeps its old fingerprint, so the next change writes it too.
    fingerprints: Fingerprints,
    /// What the fingerprints are made from, kept between saves so that a save
    /// digests only the figures and articles it reaches (`None` before the first
    /// build).
    fed: Option<Fed>,
    /// Data outputs rendered after the pages, by [`Live::write_data`], with their
    /// new fingerprints.
    data_todo: Fingerprints,
    /// Static files a change already taken in still has to write.
    pending_statics: BTreeSet<String>,
}

/// What a rebuild did.
pub enum Outcome {
    /// Nothing the site is built from changed (an editor's temporary file, say).
    Nothing,
    Rebuilt(Rebuilt),
    /// The site has errors; the last good pages are still served.
    Failed(Diagnostics),
}

pub struct Rebuilt {
    /// Pages (HTML, sitemap, feed) written.
    pub pages: usize,
    /// Every file written, pages, charts and data.
    pub files: usize,
    /// Whether the whole site was rebuilt.
    pub full: bool,
    /// The site-wide data files still to be written ([`Live::write_data`]).
    pub data_pending: bool,
    pub warnings: Diagnostics,
    pub took: Duration,
    /// Time per stage, for the terminal.
    pub stages: Vec<(&'static str, Duration)>,
    pub changed: Vec<PathBuf>,
}

impl Live {
    /// A site not built yet: the first [`Live::rebuild_all`] builds it into `out`.
    pub fn new(root: &Path, out: &Path, base_url: &str) -> Live {
        Live {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            state: Prepared {
                site: empty_site(),
                provenance: Provenance::default(),
                tera: Tera::new(),
                templates: BTreeMap::new(),
                history: History::default(),
                base_url: base_url.to_string(),
            },
            dirty: BTreeSet::new(),
            stale: true,
            cites: HashMap::new(),
            fingerprints: Fingerprints::new(),
            fed: None,
            data_todo: Fingerprints::new(),
            pending_statics: BTreeSet::new(),
        }
    }

    /// The site as last built without errors.
    pub fn prepared(&self) -> &Prepared {
        &self.state
    }

    /// Builds everything, as `build` does, into `out` (replaced atomically).
    pub fn rebuild_all(&mut self) -> Outcome {
        self.stale = true;
        self.rebuild()
    }

    /// Takes in changed files (absolute, or relative to the root) and rebuilds.
    pub fn update(&mut self, changed: impl IntoIterator<Item = PathBuf>) -> Outcome {
        let mut relevant = false;
        for path in changed {
            let rel = path
                .strip_prefix(&self.root)
                .map(Path::to_path_buf)
                .unwrap_or(path);
            if feeds_site(&rel) {
                self.dirty.insert(rel);
                relevant = true;
            }
        }
        if !relevant {
            return Outcome::Nothing;
        }
        self.rebuild()
    }

    fn rebuild(&mut self) -> Outcome {
        let started = Instant::now();
        let changed: Vec<PathBuf> = self.dirty.iter().cloned().collect();
        let result = if self.stale || self.is_structural() {
            self.full()
        } else {
            self.incremental()
        };
        match result {
            Ok(mut r) => {
                self.dirty.clear();
                self.stale = false;
                r.took = started.elapsed();
                r.changed = changed;
                Outcome::Rebuilt(r)
            }
            Err(e) => Outcome::Failed(diagnostics(e)),
        }
    }

    /// Writes the site-wide data files a change feeds: after the pages, so that the
    /// reload does not wait for them.
    pub fn write_data(&mut self) -> Result<usize, Diagnostics> {
        if self.data_todo.is_empty() {
            return Ok(0);
        }
        let pages = Pages::of(&self.state.site, self.data_todo.keys());
        let written = pipeline::stage(Mode::Live, &self.out)
            .and_then(|out| {
                pipeline::write(&self.state.renderer(), &pages, &self.root, out, &self.out)
            })
            .map_err(diagnostics)?;
        self.fingerprints
            .extend(std::mem::take(&mut self.data_todo));
        Ok(written.files)
    }

    /// A change that `incremental` cannot narrow: a file added or removed, or one that
    /// every page depends on.
    /// A directory of places or articles moved in or out (the watcher reports the
    /// directory, not the files in it), and a static file where the site has a
    /// generated one (the generated file wins, as in `build`), are too.
    fn is_structural(&self) -> bool {
        self.dirty.iter().any(|rel| {
            let path = self.root.join(rel);
            match ContentFile::of(rel) {
                Some(ContentFile::Config | ContentFile::Indicators) => true,
                // A second file with the same name in another directory, too.
                Some(ContentFile::Place(slug)) => {
                    !path.is_file()
                        || self
                            .state
                            .site
                            .place(&slug)
                            .is_none_or(|p| p.origin.file.path != *rel)
                }
                Some(ContentFile::Article(id)) => {
                    !path.is_file() || !self.state.site.articles.contains_key(&id)
                }
                None if rel.starts_with(content::PLACES_DIR)
                    || rel.starts_with(content::ARTICLES_DIR) =>
                {
                    path.is_dir() || (!path.exists() && rel.extension().is_none())
                }
                None => rel
                    .strip_prefix(STATIC_DIR)
                    .is_ok_and(render::shadowed_by_generated),
            }
        })
    }

    /// Everything, as `build` does it, swapped in atomically.
    fn full(&mut self) -> Result<Rebuilt, Error> {
        let started = Instant::now();
        let caches = Caches::new(&self.root, Caching::On);
        let (state, warnings, _) = pipeline::prepare(&caches, Some(&self.state.base_url))?;
        let out = pipeline::stage(Mode::Full, &self.out)?;
        let pages = Pages::all(&state.site);
        let renderer = state.renderer();
        let written = pipeline::write(&renderer, &pages, &self.root, out, &self.out)?;
        let fed = renderer.fed(&state.templates);
        self.fingerprints = renderer.fingerprints_from(&fed);
        self.fed = Some(fed);
        self.state = state;
        self.data_todo.clear();
        self.pending_statics.clear();
        self.cites.clear();
        for i in 0..self.state.site.places.len() {
            self.index_citations(i);
        }
        Ok(Rebuilt {
            pages: pages.count(),
            files: written.files,
            full: true,
            data_pending: false,
            warnings,
            took: started.elapsed(),
            stages: Vec::new(),
            changed: Vec::new(),
        })
    }

    /// The changed places, articles, templates and static files, and only the pages
    /// they feed.
    fn incremental(&mut self) -> Result<Rebuilt, Error> {
        let mut stages = Vec::new();
        let mut t = Instant::now();
        let mut lap = |name: &'static str, stages: &mut Vec<(&'static str, Duration)>| {
            stages.push((name, t.elapsed()));
            t = Instant::now();
        };
        let mut diags = Diagnostics::default();
        let mut places = Vec::new();
        let mut articles = Vec::new();
        let mut templates = BTreeSet::new();
        let mut statics = BTreeSet::new();
        for rel in &self.dirty {
            match ContentFile::of(rel) {
                Some(ContentFile::Place(_)) => {
                    let (p, d) = content::load_place_file(&self.root, rel);
                    diags.extend(d.0);
                    places.extend(p);
                }
                Some(ContentFile::Article(_)) => {
                    let (a, d) = content::load_article_file(&self.root, rel);
                    diags.extend(d.0);
                    articles.extend(a);
                }
                Some(_) => unreachable!("structural changes are rebuilt in full"),
                None => {
                    if let Ok(t) = rel.strip_prefix(TEMPLATES_DIR) {
                        templates.insert(t.to_string_lossy().replace('\\', "/"));
                    } else if let Ok(s) = rel.strip_prefix(STATIC_DIR) {
                        statics.insert(s.to_string_lossy().replace('\\', "/"));
                    }
                }
            }
        }
        let digests = (!templates.is_empty()).then(|| render::template_digests(&self.root));
        let tera = if templates.is_empty() {
            None
        } else {
            match render::load_templates(&self.root) {
                Ok(t) => Some(t),
                Err(d) => {
                    diags.push(d);
                    None
                }
            }
        };
        if diags.has_errors() {
            diags.sort();
            return Err(Error::Content(diags));
        }

        // Swap the new versions in, keeping the old ones to restore if a check fails.
        let mut old_places = Vec::new();
        for p in places {
            let i = self
                .state
                .site
                .places
                .binary_search_by(|q| q.slug.cmp(&p.slug))
                .expect("a place that is not in the site is a structural change");
            old_places.push((i, std::mem::replace(&mut self.state.site.places[i], p)));
        }
        let mut old_articles = Vec::new();
        for a in articles {
            let id = a.id.clone();
            let old = self
                .state
                .site
                .articles
                .insert(id.clone(), a)
                .expect("an article that is not in the site is a structural change");
            old_articles.push((id, old));
        }

        lap("load", &mut stages);
        let changed_places: BTreeSet<usize> = old_places.iter().map(|(i, _)| *i).collect();
        let changed_articles: BTreeSet<String> =
            old_articles.iter().map(|(id, _)| id.clone()).collect();
        // Articles whose marks can move: the changed ones, and every one a changed
        // place cites, before or after.
        let mut rescanned = changed_articles.clone();
        for (i, old) in &old_places {
            for f in old
                .figures
                .iter()
                .chain(&self.state.site.places[*i].figures)
            {
                rescanned.extend(f.sources().map(str::to_string));
            }
        }
        let citing = self.citing(&rescanned, &changed_places);
        // Places whose figures can see a changed article (E024 reads its text).
        let mut checked_places = changed_places.clone();
        for r in &citing {
            if self.state.site.places[r.place].figures[r.figure]
                .sources()
                .any(|s| changed_articles.contains(s))
            {
                checked_places.insert(r.place);
            }
        }
        let rescan = check::recheck(
            &self.state.site,
            &checked_places,
            &rescanned,
            &citing,
            &mut diags,
        );
        diags.sort();
        if diags.has_errors() {
            for (i, p) in old_places {
                self.state.site.places[i] = p;
            }
            for (id, a) in old_articles {
                self.state.site.articles.insert(id, a);
            }
            return Err(Error::Content(diags));
        }
        let changed_list: Vec<usize> = changed_places.iter().copied().collect();
        self.state
            .provenance
            .apply(&self.state.site, &changed_list, rescan);
        for (i, old) in &old_places {
            for source in old.figures.iter().flat_map(Figure::sources) {
                if let Some(refs) = self.cites.get_mut(source) {
                    refs.retain(|r| r.place != *i);
                }
            }
            self.index_citations(*i);
        }
        if let Some(t) = tera {
            self.state.tera = t;
        }
        if let Some(d) = digests {
            self.state.templates = d;
        }
        // The change is in memory now; from here on, what it feeds is found by the
        // fingerprints until it is written.
        self.dirty.clear();

        lap("check", &mut stages);
        let renderer = self.state.renderer();
        // Made in full by the first build: a save brings it up to date.
        let fed = self
            .fed
            .get_or_insert_with(|| renderer.fed(&self.state.templates));
        let (site, templates) = (fed.site, fed.templates.clone());
        renderer.refresh_fed(
            fed,
            &self.state.templates,
            &changed_places,
            &citing,
            &changed_articles,
        );
        // The article pages a change can reach: those whose marks were found
        // again, those cited by a figure digested again, and those of a
        // changed place; every one when the settings or templates changed.
        let mut reached: HashSet<&str> = if fed.site != site || fed.templates != templates {
            self.state
                .site
                .articles
                .keys()
                .map(String::as_str)
                .collect()
        } else {
            rescanned.iter().map(String::as_str).collect()
        };
        for r in &citing {
            reached.extend(self.state.site.places[r.place].figures[r.figure].sources());
        }
        let slugs: HashSet<&str> = changed_places
            .iter()
            .map(|&i| self.state.site.places[i].slug.as_str())
            .collect();
        for (id, a) in &self.state.site.articles {
            if slugs.contains(a.meta.city.as_str()) {
                reached.insert(id);
            }
        }
        let changed = renderer.changed_fingerprints(fed, &self.fingerprints, &reached);
        let mut pages = Pages::of(&self.state.site, changed.keys());
        statics.extend(std::mem::take(&mut self.pending_statics));
        lap("select", &mut stages);

        // The site-wide data files are written later, by `write_data`.
        let data = pages.take_data();
        let written = pipeline::stage(Mode::Live, &self.out).and_then(|out| {
            self.write_statics(&statics, &*out)?;
            pipeline::write(&renderer, &pages, &self.root, out, &self.out)
        });
        let files = match written {
            Ok(written) => written.files,
            Err(e) => {
                // Nothing was written, and the fingerprints still say so: the next
                // change writes it.
                self.pending_statics = statics;
                return Err(e);
            }
        };
        let data_pending = data.has_data();
        for (o, d) in changed {
            if o.is_data() {
                self.data_todo.insert(o, d);
            } else {
                self.fingerprints.insert(o, d);
            }
        }
        lap("render", &mut stages);
        diags.0.retain(|d| !d.is_error());
        Ok(Rebuilt {
            pages: pages.count(),
            files,
            full: false,
            data_pending,
            warnings: diags,
            took: Duration::ZERO,
            stages,
            changed: Vec::new(),
        })
    }

    /// Copies changed static files (or directories) into `out`, and removes the ones
    /// that are gone, by the rule `build` copies them with.
    fn write_statics(&self, statics: &BTreeSet<String>, out: &dyn Writer) -> Result<(), Error> {
        let base = self.root.join(STATIC_DIR);
        for rel in statics {
            let src = base.join(rel);
            let kind = std::fs::symlink_metadata(&src).map(|m| m.file_type());
            let result = match kind {
                Ok(k) if k.is_dir() => out.copy_tree_into(&src, rel, &render::is_published),
                Ok(k) if k.is_file() && render::is_published(Path::new(rel)) => {
                    std::fs::read(&src).and_then(|bytes| out.write(rel, &bytes))
                }
                // Gone, a symbolic link, or an editor's scratch file: not published.
                _ => out.remove(rel),
            };
            result.map_err(|e| Error::io("write", &src, e))?;
        }
        Ok(())
    }
}

impl Live {
    /// Adds the figures of place `i` to the citation index (keeping each list in
    /// order).
    fn index_citations(&mut self, i: usize) {
        for (fi, f) in self.state.site.places[i].figures.iter().enumerate() {
            let r = FigureRef {
                place: i,
                figure: fi,
            };
            let mut seen: Vec<&str> = Vec::new();
            for source in f.sources() {
                if seen.contains(&source) {
                    continue;
                }
                seen.push(source);
                let refs = self.cites.entry(source.to_string()).or_default();
                let at = refs.partition_point(|x| *x < r);
                refs.insert(at, r);
            }
        }
    }

    /// Every figure citing one of `articles`, in order, with the places in
    /// `changed` already replaced in the site but not yet in the index.
    fn citing(&self, articles: &BTreeSet<String>, changed: &BTreeSet<usize>) -> Vec<FigureRef> {
        let mut out: Vec<FigureRef> = articles
            .iter()
            .filter_map(|a| self.cites.get(a))
            .flatten()
            .filter(|r| !changed.contains(&r.place))
            .copied()
            .collect();
        for &i in changed {
            for (fi, f) in self.state.site.places[i].figures.iter().enumerate() {
                if f.sources().any(|s| articles.contains(s)) {
                    out.push(FigureRef {
                        place: i,
                        figure: fi,
                    });
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Whether a path under the root can feed the site: a content file, a directory of
/// places or articles (moved in or out as a whole), or a template or static file that
/// is not an editor's scratch file.
fn feeds_site(rel: &Path) -> bool {
    // Hidden files are an editor's, or the temporary file a write replaces a file
    // with (`extract --write`, the workbench): the file they become is reported too.
    if rel
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
    {
        return false;
    }
    if ContentFile::of(rel).is_some() {
        return true;
    }
    if rel.starts_with(content::PLACES_DIR) || rel.starts_with(content::ARTICLES_DIR) {
        return rel.extension().is_none();
    }
    if let Ok(t) = rel.strip_prefix(TEMPLATES_DIR) {
        return render::is_template(t);
    }
    rel.strip_prefix(STATIC_DIR).is_ok_and(render::is_published)
}

/// A failed rebuild as `serve` shows it: the content's errors, or the one error of
/// writing the output.
fn diagnostics(e: Error) -> Diagnostics {
    match e {
        Error::Content(d) => d,
        Error::Usage(m) | Error::Output(m) => Diagnostics(vec![Diagnostic::error(Code::E013, m)]),
    }
}

fn empty_site() -> Site {
    Site {
        config: content::fallback_config(),
        config_file: None,
        indicators: Default::default(),
        indicators_file: None,
        catalogue_failed: false,
        places: Vec::new(),
        articles: Default::default(),
        place_files: Default::default(),
        article_files: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writes_temporary_file_feeds_nothing_but_the_file_and_a_directory_do() {
        let feeds = |p: &str| feeds_site(Path::new(p));
        assert!(feeds("content/cities/fuzhou.yaml"));
        // A directory of places moved in has no extension either.
        assert!(feeds("content/cities/fujian"));
        assert!(feeds("content/articles/fuzhou"));
        assert!(!feeds("content/cities/.indicity-tmpAb12cd"));
        assert!(!feeds("content/articles/fuzhou/.2023-02-13-a.md.swp"));
        assert!(!feeds("content/rejected.yaml"));
    }
}
