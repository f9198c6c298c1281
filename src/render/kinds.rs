//! Every kind of output the site generates, declared once: its name, where it is
//! published, the templates it renders, which of the output's top-level names it
//! claims, whether the sitemap lists it, its outputs in a site and what each is fed by.
//!
//! The set of generated files, the fingerprints of an incremental build or `serve`,
//! which static files a generated one shadows, and the test that the manual's URL and
//! template tables list every kind (`docs/site.md`, `docs/templates.md`) all read
//! [`KINDS`], the way ripgrep declares a flag once.

use rayon::prelude::*;

use super::fed::{Fed, Output, sitemap_parts};
use super::{Renderer, urls};
use crate::content::Site;

/// A page as the sitemap lists it: its path and its last change.
pub type SitemapEntry = (String, Option<String>);

pub struct Kind {
    pub name: &'static str,
    /// Where it is published, as the manual writes it (`/cities/<slug>/`).
    pub url: &'static str,
    /// The templates it renders; none for data files.
    pub templates: &'static [&'static str],
    /// The top-level names of the output it writes: a file of `static/` there is
    /// shadowed by the generated one.
    pub claims: &'static [&'static str],
    /// The pages of it the sitemap lists, in the sitemap's order: each one's path
    /// (relative to the output; empty for the home page) and its last change.
    pub sitemap: Option<fn(&Site) -> Vec<SitemapEntry>>,
    /// Its outputs in a site.
    pub outputs: fn(&Site) -> Vec<Output>,
    /// The fingerprint of each of its outputs: what it is fed by ([`super::fed`]).
    pub(super) fed_by: for<'r, 'f> fn(&'r Renderer<'f>, &'r Fed<'f>) -> Vec<(Output, u128)>,
}

fn one(o: Output) -> Vec<Output> {
    vec![o]
}

/// Every generated kind. The sitemap lists pages in this order.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "index",
        url: "/",
        templates: &["index.html"],
        claims: &["index.html"],
        sitemap: Some(|_| vec![(String::new(), None)]),
        outputs: |_| one(Output::Index),
        fed_by: |r, f| vec![(Output::Index, r.fed_index(f))],
    },
    Kind {
        name: "not found",
        url: "/404.html",
        templates: &["404.html"],
        claims: &["404.html"],
        sitemap: None,
        outputs: |_| one(Output::NotFound),
        fed_by: |r, f| vec![(Output::NotFound, r.fed_not_found(f))],
    },
    Kind {
        name: "sitemap",
        url: "/sitemap.xml",
        templates: &["sitemap.xml"],
        claims: &["sitemap.xml"],
        sitemap: None,
        outputs: |site| one(Output::Sitemap(sitemap_parts(site))),
        fed_by: |r, f| vec![(Output::Sitemap(sitemap_parts(r.site)), r.fed_sitemap(f))],
    },
    Kind {
        name: "feed",
        url: "/atom.xml",
        templates: &["atom.xml"],
        claims: &["atom.xml"],
        sitemap: None,
        outputs: |_| one(Output::Feed),
        fed_by: |r, f| vec![(Output::Feed, r.fed_feed(f))],
    },
    Kind {
        name: "corrections",
        url: "/corrections/",
        templates: &["corrections.html", "corrections.xml"],
        claims: &["corrections"],
        sitemap: Some(|_| vec![(super::corrections::PAGE.to_string(), None)]),
        outputs: |_| one(Output::Corrections),
        fed_by: |r, f| vec![(Output::Corrections, r.fed_corrections(f))],
    },
    Kind {
        name: "figures data",
        url: "/data/figures.csv",
        templates: &[],
        claims: &["data"],
        sitemap: None,
        outputs: |_| one(Output::FiguresCsv),
        fed_by: |r, f| vec![(Output::FiguresCsv, r.fed_figures_csv(f))],
    },
    Kind {
        name: "data package",
        url: "/data/datapackage.json",
        templates: &[],
        claims: &["data"],
        sitemap: None,
        outputs: |_| one(Output::Datapackage),
        fed_by: |r, f| vec![(Output::Datapackage, r.fed_datapackage(f))],
    },
    Kind {
        name: "indicator data",
        url: "/data/indicators/<id>.csv",
        templates: &[],
        claims: &["data"],
        sitemap: None,
        outputs: |site| {
            site.indicators
                .keys()
                .map(|id| Output::IndicatorCsv(id.clone()))
                .collect()
        },
        fed_by: |r, f| {
            let ids: Vec<&String> = r.site.indicators.keys().collect();
            ids.into_par_iter()
                .map(|id| (Output::IndicatorCsv(id.clone()), r.fed_indicator_csv(f, id)))
                .collect()
        },
    },
    Kind {
        name: "place",
        url: "/cities/<slug>/",
        templates: &["place.html"],
        claims: &["cities"],
        sitemap: Some(|site| {
            site.places
                .iter()
                .map(|p| (urls::place(&p.slug), None))
                .collect()
        }),
        outputs: |site| {
            site.places
                .iter()
                .map(|p| Output::Place(p.slug.clone()))
                .collect()
        },
        fed_by: |r, f| {
            r.site
                .places
                .par_iter()
                .enumerate()
                .map(|(i, p)| (Output::Place(p.slug.clone()), r.fed_place(f, i)))
                .collect()
        },
    },
    Kind {
        name: "indicator",
        url: "/indicators/<id>/",
        templates: &["indicator.html"],
        claims: &["indicators"],
        sitemap: Some(|site| {
            site.indicators
                .keys()
                .map(|id| (urls::indicator(id), None))
                .collect()
        }),
        outputs: |site| {
            site.indicators
                .keys()
                .map(|id| Output::Indicator(id.clone()))
                .collect()
        },
        fed_by: |r, f| {
            let ids: Vec<&String> = r.site.indicators.keys().collect();
            ids.into_par_iter()
                .map(|id| (Output::Indicator(id.clone()), r.fed_indicator(f, id)))
                .collect()
        },
    },
    Kind {
        name: "article",
        url: "/articles/<place>/<file>/",
        templates: &["article.html"],
        claims: &["articles"],
        sitemap: Some(|site| {
            site.articles
                .values()
                .map(|a| (urls::article(&a.id), a.meta.date.clone()))
                .collect()
        }),
        outputs: |site| {
            site.articles
                .keys()
                .map(|id| Output::Article(id.clone()))
                .collect()
        },
        fed_by: |r, f| {
            let articles: Vec<&crate::content::Article> = r.site.articles.values().collect();
            articles
                .into_par_iter()
                .map(|a| (Output::Article(a.id.clone()), r.fed_article(f, a)))
                .collect()
        },
    },
];

/// The sitemap's entries: every page of every kind it lists, in order.
pub fn sitemap_entries(site: &Site) -> Vec<SitemapEntry> {
    KINDS
        .iter()
        .filter_map(|k| k.sitemap)
        .flat_map(|entries| entries(site))
        .collect()
}

/// Every file the site generates (static files aside).
pub fn generated_files(site: &Site) -> std::collections::HashSet<String> {
    KINDS
        .iter()
        .flat_map(|k| (k.outputs)(site))
        .flat_map(|o| o.files())
        .collect()
}

/// Whether a static file (relative to `static/`) sits where the site generates files;
/// the generated one wins.
pub fn shadowed_by_generated(rel: &std::path::Path) -> bool {
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .unwrap_or_default();
    KINDS.iter().any(|k| k.claims.contains(&first.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The manual lists every kind's address and every template, as the error-code
    /// test does for codes: a kind added without its line in `docs/` fails here.
    #[test]
    fn the_manual_lists_every_kind_and_every_template() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = std::fs::read_to_string(root.join("docs/site.md")).expect("docs/site.md");
        let templates =
            std::fs::read_to_string(root.join("docs/templates.md")).expect("docs/templates.md");
        let listed =
            |doc: &str, cell: &str| doc.lines().any(|l| l.starts_with(&format!("| `{cell}`")));
        for k in KINDS {
            assert!(
                listed(&site, k.url),
                "docs/site.md's URL table lacks `{}` ({})",
                k.url,
                k.name
            );
            for t in k.templates {
                assert!(
                    listed(&templates, t),
                    "docs/templates.md's table lacks `{t}`"
                );
            }
        }
        // Every template file, whichever kind renders it (partials and the layout too).
        for entry in walkdir::WalkDir::new(root.join("templates")) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(root.join("templates")).unwrap();
                let rel = rel.to_string_lossy();
                assert!(
                    listed(&templates, &rel),
                    "docs/templates.md's table lacks `{rel}`"
                );
            }
        }
        // And every template a kind names exists.
        for k in KINDS {
            for t in k.templates {
                assert!(root.join("templates").join(t).is_file(), "{t}");
            }
        }
    }

    #[test]
    fn a_static_file_where_a_kind_writes_is_shadowed() {
        use std::path::Path;
        assert!(shadowed_by_generated(Path::new("cities/x/index.html")));
        assert!(shadowed_by_generated(Path::new("data/figures.csv")));
        assert!(shadowed_by_generated(Path::new("index.html")));
        assert!(!shadowed_by_generated(Path::new("css/site.css")));
        assert!(!shadowed_by_generated(Path::new("images/index.html")));
    }
}
