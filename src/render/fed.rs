//! What each output is fed by: a fingerprint of every input an output shows, so that
//! `build` and `serve` render again exactly the outputs whose fingerprint changed.
//!
//! Each page module declares its own inputs next to the code that renders it (the
//! `fed_*` functions of `index`, `place`, `indicator`, `article`, `sitewide` and `data`);
//! this module computes once what several of them read: a digest of the site-wide
//! settings, of each place's own fields, of each figure as pages show it (with the
//! mark it links to and the title of its source), and of each article as other pages
//! list it. A fingerprint may change when the output does not (that only costs a
//! render); it must never stay the same when the output changes, which
//! `tests/it/incremental.rs` holds by comparing incremental outputs with full builds.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, Xxh3Builder};

use super::{Renderer, STATIC_DIR, is_published, urls};
use crate::check::FigureRef;
use crate::content::Site;

/// One output of the site. Each writes the files [`Output::files`] names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Output {
    Index,
    NotFound,
    /// `sitemap.xml`, with its parts when the site has more URLs than one sitemap
    /// may list (then `sitemap.xml` is the index of `sitemap-1.xml`…).
    Sitemap(u32),
    Feed,
    /// `/corrections/` and its feed.
    Corrections,
    FiguresCsv,
    Datapackage,
    IndicatorCsv(String),
    /// `/cities/`: every province and its places.
    PlaceList,
    /// A province's page, by its slug.
    Province(String),
    /// `/indicators/`: the catalogue by theme.
    IndicatorList,
    /// A page of `/articles/`, from 1.
    ArticleList(u32),
    /// A place's page and its CSV, by slug.
    Place(String),
    Indicator(String),
    Article(String),
    /// A file copied from `static/`, by its path there.
    Static(String),
}

impl Output {
    /// The files it writes, relative to the output directory.
    pub fn files(&self) -> Vec<String> {
        match self {
            Output::Index => vec!["index.html".into()],
            Output::NotFound => vec!["404.html".into()],
            Output::Sitemap(parts) => std::iter::once("sitemap.xml".to_string())
                .chain((1..=*parts).map(|k| format!("sitemap-{k}.xml")))
                .collect(),
            Output::Feed => vec!["atom.xml".into()],
            Output::Corrections => vec![
                urls::file_of(super::corrections::PAGE),
                super::corrections::FEED.into(),
            ],
            Output::FiguresCsv => vec![urls::FIGURES_CSV.into(), urls::FIGURES_JSON.into()],
            Output::Datapackage => vec![urls::DATAPACKAGE.into()],
            Output::IndicatorCsv(id) => {
                let csv = urls::indicator_csv(id);
                vec![urls::json_of(&csv), csv]
            }
            Output::PlaceList => vec![urls::file_of(urls::PLACES)],
            Output::Province(slug) => vec![urls::file_of(&urls::province(slug))],
            Output::IndicatorList => vec![urls::file_of(urls::INDICATORS)],
            Output::ArticleList(n) => vec![urls::file_of(&urls::article_list(*n))],
            Output::Place(slug) => {
                let csv = urls::place_csv(slug);
                vec![urls::file_of(&urls::place(slug)), urls::json_of(&csv), csv]
            }
            Output::Indicator(id) => vec![urls::file_of(&urls::indicator(id))],
            Output::Article(id) => vec![urls::file_of(&urls::article(id))],
            Output::Static(rel) => vec![rel.clone()],
        }
    }

    /// Whether it is one of the site-wide data files, which `serve` writes after the
    /// pages.
    pub fn is_data(&self) -> bool {
        self.kind()
            .is_some_and(|k| matches!(k.render, super::kinds::Render::Data))
    }

    /// Its kind in the registry; a static file is not generated and has none.
    pub fn kind(&self) -> Option<&'static super::kinds::Kind> {
        let name = match self {
            Output::Index => "index",
            Output::NotFound => "not found",
            Output::Sitemap(_) => "sitemap",
            Output::Feed => "feed",
            Output::Corrections => "corrections",
            Output::FiguresCsv => "figures data",
            Output::Datapackage => "data package",
            Output::IndicatorCsv(_) => "indicator data",
            Output::PlaceList => "places",
            Output::Province(_) => "province",
            Output::IndicatorList => "indicators",
            Output::ArticleList(_) => "articles",
            Output::Place(_) => "place",
            Output::Indicator(_) => "indicator",
            Output::Article(_) => "article",
            Output::Static(_) => return None,
        };
        super::kinds::KINDS.iter().find(|k| k.name == name)
    }
}

/// Every output of a site with its fingerprint.
pub type Fingerprints = BTreeMap<Output, u128>;

/// A fingerprint being made: an xxh3-128 of everything added, in order.
pub(super) struct Print(Xxh3);

impl Print {
    /// Each kind of output starts from its own name, so two kinds fed by the same
    /// inputs differ.
    pub(super) fn new(kind: &str) -> Print {
        let mut p = Print(Xxh3::new());
        p.add(kind);
        p
    }

    pub(super) fn add<T: Hash + ?Sized>(&mut self, t: &T) -> &mut Print {
        t.hash(&mut self.0);
        self
    }

    /// A value hashed by its JSON form (for types that are not `Hash`).
    pub(super) fn json<T: Serialize>(&mut self, t: &T) -> &mut Print {
        let bytes = serde_json::to_vec(t).unwrap_or_default();
        self.add(&bytes)
    }

    pub(super) fn done(&self) -> u128 {
        self.0.digest128()
    }
}

/// A `Hasher` that keeps the bytes it is given, to hash them at once.
struct Bytes(Vec<u8>);

impl std::hash::Hasher for Bytes {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.0)
    }
}

thread_local! {
    static BUFFER: std::cell::RefCell<Bytes> = const { std::cell::RefCell::new(Bytes(Vec::new())) };
}

/// What several outputs read, computed once per render; `serve` keeps it between
/// saves and computes again only what a change reaches ([`Renderer::refresh_fed`]).
pub struct Fed {
    /// The settings, the catalogue and the address every output is made with.
    pub site: u128,
    /// Page template (`place.html`) → its sources and every template it is made of.
    pub templates: BTreeMap<String, u128>,
    /// Per place: what other pages show of it (slug, name, parent, province, level,
    /// code; not its English name, which only its own page shows).
    pub heads: Vec<u128>,
    /// Per place, per figure: the figure as shown, the mark it links to, and the
    /// title, date and publisher of its source.
    pub figures: Vec<Vec<u128>>,
    /// Per place: indicator id → its figures' digests, in file order.
    pub by_indicator: Vec<BTreeMap<String, u128>>,
    /// Article id → what other pages show of it (title, date, publisher, place, and
    /// its original address with the script it was in, for text-fragment links).
    pub article_refs: HashMap<String, u128, Xxh3Builder>,
    /// Article id → its front matter and text: what its page and the feed read of it.
    pub articles: HashMap<String, u128, Xxh3Builder>,
}

impl<'a> Renderer<'a> {
    /// The fingerprint of every output of the site but the static files (see
    /// [`static_fingerprints`]), with the templates' `digests` (read before the
    /// templates were loaded, so that a template saved in between is seen as changed
    /// by the next build).
    pub fn fingerprints(&self, templates: &BTreeMap<String, u128>) -> Fingerprints {
        self.fingerprints_from(&self.fed(templates))
    }

    /// The fingerprint of every output but the static files, from `fed`.
    pub fn fingerprints_from(&self, fed: &Fed) -> Fingerprints {
        let outputs: Vec<(&super::kinds::Kind, Output)> = super::kinds::KINDS
            .iter()
            .flat_map(|k| (k.outputs)(self.site).into_iter().map(move |o| (k, o)))
            .collect();
        outputs
            .into_par_iter()
            .map(|(k, o)| {
                let print = (k.fed_by)(self, fed, &o);
                (o, print)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    }

    /// The outputs whose fingerprint from `fed` is not the one in `old`, looking
    /// only at the article pages in `articles` (and every other output): what
    /// `serve` does on a save, where the tens of thousands of article pages a change
    /// cannot reach keep the fingerprints they had.
    pub fn changed_fingerprints(
        &self,
        fed: &Fed,
        old: &Fingerprints,
        articles: &std::collections::HashSet<&str>,
    ) -> Fingerprints {
        let outputs: Vec<(&super::kinds::Kind, Output)> = super::kinds::KINDS
            .iter()
            .flat_map(|k| {
                let outputs = if k.name == "article" {
                    articles
                        .iter()
                        .filter(|id| self.site.articles.contains_key(**id))
                        .map(|id| Output::Article(id.to_string()))
                        .collect()
                } else {
                    (k.outputs)(self.site)
                };
                outputs.into_iter().map(move |o| (k, o))
            })
            .collect();
        outputs
            .into_par_iter()
            .filter_map(|(k, o)| {
                let print = (k.fed_by)(self, fed, &o);
                (old.get(&o) != Some(&print)).then_some((o, print))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    }

    /// What several outputs read, of the whole site.
    pub fn fed(&self, templates: &BTreeMap<String, u128>) -> Fed {
        let site: &'a Site = self.site;
        let digests: Vec<(String, u128, u128)> = site
            .articles
            .par_iter()
            .map(|(id, a)| {
                let (r, w) = article_digests(a);
                (id.clone(), r, w)
            })
            .collect();
        let mut article_refs = HashMap::with_capacity_and_hasher(digests.len(), Xxh3Builder::new());
        let mut articles = HashMap::with_capacity_and_hasher(digests.len(), Xxh3Builder::new());
        for (id, r, w) in digests {
            article_refs.insert(id.clone(), r);
            articles.insert(id, w);
        }
        let mut fed = Fed {
            site: self.site_digest(),
            templates: templates.clone(),
            heads: site.places.iter().map(place_head).collect(),
            figures: Vec::new(),
            by_indicator: Vec::new(),
            article_refs,
            articles,
        };
        fed.figures = site
            .places
            .par_iter()
            .enumerate()
            .map(|(pi, pl)| {
                (0..pl.figures.len())
                    .map(|fi| self.figure_digest(&fed, pi, fi))
                    .collect()
            })
            .collect();
        fed.by_indicator = (0..site.places.len())
            .into_par_iter()
            .map(|pi| self.by_indicator(&fed, pi))
            .collect();
        fed
    }

    /// Brings `fed`, made for the site before a change, up to date with the site now:
    /// the settings and templates, the `articles` that changed, every figure of the
    /// `places` that changed (whose figures may have been added, removed or moved)
    /// and the `figures` whose marks or sources may have (those citing a re-scanned
    /// article). What `serve` does on a save instead of [`Renderer::fed`]: the
    /// hundreds of thousands of other figures keep their digests.
    pub fn refresh_fed(
        &self,
        fed: &mut Fed,
        templates: &BTreeMap<String, u128>,
        places: &std::collections::BTreeSet<usize>,
        figures: &[FigureRef],
        articles: &std::collections::BTreeSet<String>,
    ) {
        let site = self.site;
        fed.site = self.site_digest();
        fed.templates = templates.clone();
        for id in articles {
            match site.articles.get(id) {
                Some(a) => {
                    let (r, w) = article_digests(a);
                    fed.article_refs.insert(id.clone(), r);
                    fed.articles.insert(id.clone(), w);
                }
                None => {
                    fed.article_refs.remove(id);
                    fed.articles.remove(id);
                }
            }
        }
        fed.heads = site.places.iter().map(place_head).collect();
        fed.figures.resize_with(site.places.len(), Vec::new);
        fed.by_indicator
            .resize_with(site.places.len(), BTreeMap::new);
        let mut touched = places.clone();
        for &pi in places {
            fed.figures[pi] = (0..site.places[pi].figures.len())
                .map(|fi| self.figure_digest(fed, pi, fi))
                .collect();
        }
        for r in figures {
            if r.place < site.places.len() && r.figure < site.places[r.place].figures.len() {
                let d = self.figure_digest(fed, r.place, r.figure);
                if let Some(slot) = fed.figures[r.place].get_mut(r.figure) {
                    *slot = d;
                    touched.insert(r.place);
                }
            }
        }
        for pi in touched {
            fed.by_indicator[pi] = self.by_indicator(fed, pi);
        }
    }

    /// The settings, the catalogue and the address.
    fn site_digest(&self) -> u128 {
        let mut p = Print::new("site");
        p.json(&self.site.config).add(&self.base_url);
        for ind in self.site.indicators.values() {
            p.json(ind);
        }
        p.done()
    }

    /// Figure `fi` of place `pi` as pages show it, with `fed`'s article digests.
    fn figure_digest(&self, fed: &Fed, pi: usize, fi: usize) -> u128 {
        let pl = &self.site.places[pi];
        let f = &pl.figures[fi];
        // Gathered and hashed at once: there are hundreds of thousands of figures,
        // and a streaming hasher per figure was most of the fingerprints' time.
        BUFFER.with_borrow_mut(|buf| {
            buf.0.clear();
            f.shown().hash(buf);
            f.alternative.hash(buf);
            if let Some(h) = self.history {
                for c in h.of_figure(&pl.slug, &f.indicator, f.period, f.status) {
                    c.commit.hash(buf);
                    c.date.hash(buf);
                    c.message.hash(buf);
                    serde_json::to_string(&c.change)
                        .unwrap_or_default()
                        .hash(buf);
                }
            }
            let r = FigureRef {
                place: pi,
                figure: fi,
            };
            for (view, source) in f.sources().enumerate() {
                self.prov.cite_mark_of(r, view as u32).hash(buf);
                fed.article_refs.get(source).hash(buf);
            }
            xxhash_rust::xxh3::xxh3_128(&buf.0)
        })
    }

    /// Place `pi`'s figure digests by indicator.
    fn by_indicator(&self, fed: &Fed, pi: usize) -> BTreeMap<String, u128> {
        let mut prints: BTreeMap<&str, Print> = BTreeMap::new();
        for (f, d) in self.site.places[pi].figures.iter().zip(&fed.figures[pi]) {
            prints
                .entry(f.indicator.as_str())
                .or_insert_with(|| Print::new("place-indicator"))
                .add(d);
        }
        prints
            .into_iter()
            .map(|(id, p)| (id.to_string(), p.done()))
            .collect()
    }

    /// The index of `slug` in `site.places` (sorted by slug).
    pub(super) fn place_index(&self, slug: &str) -> Option<usize> {
        self.site
            .places
            .binary_search_by(|p| p.slug.as_str().cmp(slug))
            .ok()
    }
}

/// What other pages show of an article, and the article as its page and the feed
/// read it.
fn article_digests(a: &crate::content::Article) -> (u128, u128) {
    let mut r = Print::new("article-ref");
    r.add(&a.meta.title)
        .add(&a.meta.date)
        .add(&a.meta.publisher)
        .add(&a.meta.city)
        .add(&a.meta.url)
        .add(&a.meta.script);
    let mut whole = Print::new("article");
    whole.json(&a.meta).add(a.body());
    (r.done(), whole.done())
}

/// What other pages show of a place.
fn place_head(pl: &crate::content::Place) -> u128 {
    let mut p = Print::new("place-head");
    p.add(&pl.slug)
        .add(&pl.name)
        .add(&pl.province)
        .add(&pl.level)
        .add(&pl.parent)
        .add(&pl.code);
    p.done()
}

impl Fed {
    /// A fingerprint of `kind` made with the page template `template`.
    pub(super) fn page(&self, kind: &str, template: &str) -> Print {
        let mut p = Print::new(kind);
        p.add(&self.site).add(&self.templates.get(template));
        p
    }
}

/// How many URLs one sitemap file may list (the sitemaps.org protocol's limit).
pub const SITEMAP_MAX: usize = 50_000;

/// The number of part files the sitemap needs: none when one file holds every URL.
pub fn sitemap_parts(site: &Site) -> u32 {
    let urls = super::kinds::sitemap_entries(site).len();
    if urls <= SITEMAP_MAX {
        0
    } else {
        urls.div_ceil(SITEMAP_MAX) as u32
    }
}

/// The fingerprint of every file under `static/` that is published, but those where
/// the site generates a file (`generated`: the generated one wins).
pub fn static_fingerprints(
    root: &Path,
    generated: &std::collections::HashSet<String>,
) -> std::io::Result<Fingerprints> {
    let dir = root.join(STATIC_DIR);
    let mut out = Fingerprints::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .map_err(std::io::Error::other)?;
        if !entry.file_type().is_file() || !is_published(rel) {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        if generated.contains(&rel) {
            continue;
        }
        let mut p = Print::new("static");
        p.add(&std::fs::read(entry.path())?);
        out.insert(Output::Static(rel), p.done());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_part_of_its_fingerprint() {
        assert_ne!(Print::new("a").done(), Print::new("b").done());
        let (mut a, mut b) = (Print::new("k"), Print::new("k"));
        a.add("ab").add("c");
        b.add("a").add("bc");
        assert_ne!(a.done(), b.done(), "strings are framed, not concatenated");
        let (mut c, mut d) = (Print::new("k"), Print::new("k"));
        c.add(&1u8);
        d.add(&1u8);
        assert_eq!(c.done(), d.done());
    }
}
