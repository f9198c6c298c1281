//! Which outputs a render writes: a full build all of them, an incremental build or
//! `serve` those whose fingerprint changed ([`super::fed`]). Kinds with one output
//! are selected by name ([`super::kinds::KINDS`]); kinds with a page per key by key.

use std::collections::BTreeSet;

use super::fed::Output;
use super::kinds::{KINDS, Render};
use crate::content::Site;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pages {
    /// Copy the whole `static/` tree.
    pub static_files: bool,
    /// Copy these files of `static/` (by their path there).
    pub statics: BTreeSet<String>,
    /// The kinds with one output (the home page, the sitemap, `/data/figures.csv`…)
    /// that are selected, by their name in the registry.
    pub singles: BTreeSet<&'static str>,
    /// The per-indicator CSVs, by id.
    pub indicator_csvs: BTreeSet<String>,
    /// Place pages, with their charts and CSVs, by index into `site.places`.
    pub places: BTreeSet<usize>,
    /// Indicator pages and their charts, by id.
    pub indicators: BTreeSet<String>,
    /// Article pages, by id.
    pub articles: BTreeSet<String>,
    /// Province pages, by slug.
    pub provinces: BTreeSet<String>,
    /// Pages of `/articles/`, from 1.
    pub article_lists: BTreeSet<u32>,
}

impl Pages {
    pub fn all(site: &Site) -> Pages {
        Pages {
            static_files: true,
            statics: BTreeSet::new(),
            singles: KINDS.iter().filter(|k| !k.keyed).map(|k| k.name).collect(),
            indicator_csvs: site.indicators.keys().cloned().collect(),
            places: (0..site.places.len()).collect(),
            indicators: site.indicators.keys().cloned().collect(),
            articles: site.articles.keys().cloned().collect(),
            provinces: super::lists::provinces(site)
                .into_iter()
                .map(|p| p.slug)
                .collect(),
            article_lists: (1..=super::lists::article_pages(site)).collect(),
        }
    }

    /// The pages that write `outputs`.
    pub fn of<'o>(site: &Site, outputs: impl IntoIterator<Item = &'o Output>) -> Pages {
        let mut pages = Pages::default();
        for o in outputs {
            match o {
                Output::IndicatorCsv(id) => {
                    pages.indicator_csvs.insert(id.clone());
                }
                Output::Place(slug) => {
                    if let Ok(i) = site.places.binary_search_by(|p| p.slug.cmp(slug)) {
                        pages.places.insert(i);
                    }
                }
                Output::Indicator(id) => {
                    pages.indicators.insert(id.clone());
                }
                Output::Article(id) => {
                    pages.articles.insert(id.clone());
                }
                Output::Province(slug) => {
                    pages.provinces.insert(slug.clone());
                }
                Output::ArticleList(n) => {
                    pages.article_lists.insert(*n);
                }
                Output::Static(rel) => {
                    pages.statics.insert(rel.clone());
                }
                single => {
                    if let Some(k) = single.kind() {
                        pages.singles.insert(k.name);
                    }
                }
            }
        }
        pages
    }

    /// Whether the one output of a kind without keys is selected.
    pub fn has(&self, single: &Output) -> bool {
        single.kind().is_some_and(|k| self.singles.contains(k.name))
    }

    fn is_data(name: &str) -> bool {
        KINDS
            .iter()
            .any(|k| k.name == name && matches!(k.render, Render::Data))
    }

    /// Whether any site-wide data file is selected.
    pub fn has_data(&self) -> bool {
        self.singles.iter().any(|n| Pages::is_data(n)) || !self.indicator_csvs.is_empty()
    }

    /// Takes the site-wide data files out of the selection, into a selection of
    /// their own.
    pub fn take_data(&mut self) -> Pages {
        let (data, pages): (BTreeSet<_>, BTreeSet<_>) = std::mem::take(&mut self.singles)
            .into_iter()
            .partition(|n| Pages::is_data(n));
        self.singles = pages;
        Pages {
            singles: data,
            indicator_csvs: std::mem::take(&mut self.indicator_csvs),
            ..Pages::default()
        }
    }

    /// How many pages (not data files) are selected.
    pub fn count(&self) -> usize {
        self.singles.iter().filter(|n| !Pages::is_data(n)).count()
            + self.places.len()
            + self.indicators.len()
            + self.articles.len()
            + self.provinces.len()
            + self.article_lists.len()
    }
}
