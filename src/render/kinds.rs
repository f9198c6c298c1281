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
use super::{Pages, Renderer, urls};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::output::Writer;

/// What rendering one output gives.
pub type Written = Result<(), Diagnostic>;

/// How a kind is rendered.
pub enum Render {
    /// Its one output, when selected.
    Single(for<'r, 'f> fn(&'r Renderer<'f>, &dyn Writer) -> Written),
    /// A page per selected key, rendered in parallel.
    Each(for<'r, 'f> fn(&'r Renderer<'f>, &Pages, &dyn Writer) -> Vec<Written>),
    /// A data file, written by the one sequential pass over every figure
    /// ([`Renderer::data`]), on one core while the pages render on the others.
    Data,
}

/// A page as the sitemap lists it: its path and its last change.
pub type SitemapEntry = (String, Option<String>);

pub struct Kind {
    pub name: &'static str,
    /// Whether it has an output per key (a place, an indicator, an article) rather
    /// than one.
    pub keyed: bool,
    /// Where it is published, as the manual writes it (`/cities/<slug>/`).
    pub url: &'static str,
    /// The templates it renders; none for data files.
    pub templates: &'static [&'static str],
    /// The top-level names of the output it writes (a trailing `*` for a prefix): a
    /// file of `static/` there is shadowed by the generated one.
    pub claims: &'static [&'static str],
    /// The pages of it the sitemap lists, in the sitemap's order: each one's path
    /// (relative to the output; empty for the home page) and its last change.
    pub sitemap: Option<fn(&Site) -> Vec<SitemapEntry>>,
    pub render: Render,
    /// Its outputs in a site.
    pub outputs: fn(&Site) -> Vec<Output>,
    /// The fingerprint of one of its outputs: what it is fed by ([`super::fed`]).
    /// Asked for every output [`Kind::outputs`] gives, so the two cannot drift apart.
    pub(super) fed_by: for<'r, 'f> fn(&'r Renderer<'f>, &'r Fed, &Output) -> u128,
}

/// What `fed_by` gives for an output that is not its kind's, or a key the site lacks.
/// Neither happens: the fingerprints ask each kind only about the outputs its own
/// `outputs` gave for the same site. It is a value rather than a panic all the same.
const UNFED: u128 = 0;

fn one(o: Output) -> Vec<Output> {
    vec![o]
}

/// Every generated kind. The sitemap lists pages in this order.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "index",
        keyed: false,
        url: "/",
        templates: &["index.html"],
        claims: &["index.html"],
        render: Render::Single(|r, out| r.index(out)),
        sitemap: Some(|_| vec![(String::new(), None)]),
        outputs: |_| one(Output::Index),
        fed_by: |r, f, _| r.fed_index(f),
    },
    Kind {
        name: "places",
        keyed: false,
        url: "/cities/",
        templates: &["places.html"],
        claims: &["cities"],
        render: Render::Single(|r, out| r.place_list(out)),
        sitemap: Some(|_| vec![(urls::PLACES.to_string(), None)]),
        outputs: |_| one(Output::PlaceList),
        fed_by: |r, f, _| r.fed_place_list(f),
    },
    Kind {
        name: "province",
        keyed: true,
        url: "/provinces/<slug>/",
        templates: &["province.html"],
        claims: &["provinces"],
        render: Render::Each(|r, pages, out| {
            let selected: Vec<&super::lists::Province> = r
                .provinces()
                .iter()
                .filter(|p| pages.provinces.contains(&p.slug))
                .collect();
            selected
                .into_par_iter()
                .map(|p| r.province(p, out))
                .collect()
        }),
        sitemap: Some(|site| {
            super::lists::provinces(site)
                .into_iter()
                .map(|p| (urls::province(&p.slug), None))
                .collect()
        }),
        outputs: |site| {
            super::lists::provinces(site)
                .into_iter()
                .map(|p| Output::Province(p.slug))
                .collect()
        },
        fed_by: |r, f, o| match o {
            Output::Province(slug) => r.fed_province(f, slug),
            _ => UNFED,
        },
    },
    Kind {
        name: "indicators",
        keyed: false,
        url: "/indicators/",
        templates: &["indicators.html"],
        claims: &["indicators"],
        render: Render::Single(|r, out| r.indicator_list(out)),
        sitemap: Some(|_| vec![(urls::INDICATORS.to_string(), None)]),
        outputs: |_| one(Output::IndicatorList),
        fed_by: |r, f, _| r.fed_indicator_list(f),
    },
    Kind {
        name: "articles",
        keyed: true,
        url: "/articles/",
        templates: &["articles.html"],
        claims: &["articles"],
        render: Render::Each(|r, pages, out| {
            let selected: Vec<u32> = pages
                .article_lists
                .iter()
                .copied()
                .filter(|&n| n <= super::lists::article_pages(r.site))
                .collect();
            selected
                .into_par_iter()
                .map(|n| r.article_list(n, out))
                .collect()
        }),
        sitemap: Some(|site| {
            (1..=super::lists::article_pages(site))
                .map(|n| (urls::article_list(n), None))
                .collect()
        }),
        outputs: |site| {
            (1..=super::lists::article_pages(site))
                .map(Output::ArticleList)
                .collect()
        },
        fed_by: |r, f, o| match o {
            Output::ArticleList(n) => r.fed_article_list(f, *n),
            _ => UNFED,
        },
    },
    Kind {
        name: "not found",
        keyed: false,
        url: "/404.html",
        templates: &["404.html"],
        claims: &["404.html"],
        render: Render::Single(|r, out| r.not_found(out)),
        sitemap: None,
        outputs: |_| one(Output::NotFound),
        fed_by: |r, f, _| r.fed_not_found(f),
    },
    Kind {
        name: "sitemap",
        keyed: false,
        url: "/sitemap.xml",
        templates: &["sitemap.xml"],
        claims: &["sitemap.xml", "sitemap-*"],
        render: Render::Single(|r, out| r.sitemap(out)),
        sitemap: None,
        outputs: |site| one(Output::Sitemap(sitemap_parts(site))),
        fed_by: |r, f, _| r.fed_sitemap(f),
    },
    Kind {
        name: "feed",
        keyed: false,
        url: "/atom.xml",
        templates: &["atom.xml"],
        claims: &["atom.xml"],
        render: Render::Single(|r, out| r.feed(out)),
        sitemap: None,
        outputs: |_| one(Output::Feed),
        fed_by: |r, f, _| r.fed_feed(f),
    },
    Kind {
        name: "corrections",
        keyed: false,
        url: "/corrections/",
        templates: &["corrections.html", "corrections.xml"],
        claims: &["corrections"],
        render: Render::Single(|r, out| r.corrections(out)),
        sitemap: Some(|_| vec![(super::corrections::PAGE.to_string(), None)]),
        outputs: |_| one(Output::Corrections),
        fed_by: |r, f, _| r.fed_corrections(f),
    },
    Kind {
        name: "figures data",
        keyed: false,
        url: "/data/figures.csv",
        templates: &[],
        claims: &["data"],
        render: Render::Data,
        sitemap: None,
        outputs: |_| one(Output::FiguresCsv),
        fed_by: |r, f, _| r.fed_figures_csv(f),
    },
    Kind {
        name: "data package",
        keyed: false,
        url: "/data/datapackage.json",
        templates: &[],
        claims: &["data"],
        render: Render::Data,
        sitemap: None,
        outputs: |_| one(Output::Datapackage),
        fed_by: |r, f, _| r.fed_datapackage(f),
    },
    Kind {
        name: "indicator data",
        keyed: true,
        url: "/data/indicators/<id>.csv",
        templates: &[],
        claims: &["data"],
        render: Render::Data,
        sitemap: None,
        outputs: |site| {
            site.indicators
                .keys()
                .map(|id| Output::IndicatorCsv(id.clone()))
                .collect()
        },
        fed_by: |r, f, o| match o {
            Output::IndicatorCsv(id) => r.fed_indicator_csv(f, id),
            _ => UNFED,
        },
    },
    Kind {
        name: "place",
        keyed: true,
        url: "/cities/<slug>/",
        templates: &["place.html"],
        claims: &["cities", "data"],
        render: Render::Each(|r, pages, out| {
            let selected: Vec<usize> = pages
                .places
                .iter()
                .copied()
                .filter(|&i| i < r.site.places.len())
                .collect();
            selected
                .into_par_iter()
                .map(|i| r.place(i, &r.site.places[i], out))
                .collect()
        }),
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
        fed_by: |r, f, o| match o {
            Output::Place(slug) => r
                .site
                .places
                .binary_search_by(|p| p.slug.cmp(slug))
                .map_or(UNFED, |i| r.fed_place(f, i)),
            _ => UNFED,
        },
    },
    Kind {
        name: "indicator",
        keyed: true,
        url: "/indicators/<id>/",
        templates: &["indicator.html"],
        claims: &["indicators"],
        render: Render::Each(|r, pages, out| {
            let selected: Vec<&crate::content::Indicator> = pages
                .indicators
                .iter()
                .filter_map(|id| r.site.indicators.get(id))
                .collect();
            selected
                .into_par_iter()
                .map(|ind| r.indicator(ind, out))
                .collect()
        }),
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
        fed_by: |r, f, o| match o {
            Output::Indicator(id) => r.fed_indicator(f, id),
            _ => UNFED,
        },
    },
    Kind {
        name: "article",
        keyed: true,
        url: "/articles/<place>/<file>/",
        templates: &["article.html"],
        claims: &["articles"],
        render: Render::Each(|r, pages, out| {
            let selected: Vec<&crate::content::Article> = pages
                .articles
                .iter()
                .filter_map(|id| r.site.articles.get(id))
                .collect();
            selected
                .into_par_iter()
                .map(|a| r.article(a, out))
                .collect()
        }),
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
        fed_by: |r, f, o| match o {
            Output::Article(id) => r
                .site
                .articles
                .get(id)
                .map_or(UNFED, |a| r.fed_article(f, a)),
            _ => UNFED,
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

/// Whether the top-level name `first` is one that `claim` names.
fn claimed(claim: &str, first: &str) -> bool {
    match claim.strip_suffix('*') {
        Some(prefix) => first.starts_with(prefix),
        None => first == claim,
    }
}

/// Whether a static file (relative to `static/`) sits where the site generates files;
/// the generated one wins.
pub fn shadowed_by_generated(rel: &std::path::Path) -> bool {
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .unwrap_or_default();
    KINDS
        .iter()
        .any(|k| k.claims.iter().any(|c| claimed(c, &first)))
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

    /// The one match still written per kind, `Output::kind`, must agree with the
    /// registry; and selecting every output of the site selects what a full build does.
    #[test]
    fn every_output_belongs_to_its_kind_and_selects_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, _) = crate::content::load_uncached(root);
        assert!(!site.places.is_empty());
        let mut all = Vec::new();
        for k in KINDS {
            let outputs = (k.outputs)(&site);
            assert!(!outputs.is_empty(), "{}", k.name);
            // A kind without keys has one output; the bundled site has several places,
            // provinces, indicators and articles (but one page of articles).
            assert_eq!(
                k.keyed,
                outputs.len() > 1 || k.name == "articles",
                "{}",
                k.name
            );
            for o in &outputs {
                assert_eq!(o.kind().map(|k| k.name), Some(k.name), "{o:?}");
            }
            all.extend(outputs);
        }
        let mut full = Pages::all(&site);
        full.static_files = false;
        assert_eq!(Pages::of(&site, &all), full);
        let names: std::collections::BTreeSet<_> = KINDS.iter().map(|k| k.name).collect();
        assert_eq!(names.len(), KINDS.len(), "two kinds share a name");
    }

    /// A kind claims every top-level name it writes, so no static file is copied over
    /// a generated one (the sitemap's parts included).
    #[test]
    fn every_file_of_every_output_is_under_a_claim_of_its_kind() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, _) = crate::content::load_uncached(root);
        for k in KINDS {
            let mut outputs = (k.outputs)(&site);
            if k.name == "sitemap" {
                outputs.push(Output::Sitemap(3));
            }
            for o in outputs {
                for file in o.files() {
                    let first = file.split('/').next().unwrap();
                    assert!(
                        k.claims.iter().any(|c| claimed(c, first)),
                        "{} writes {file}, under no claim of its own",
                        k.name
                    );
                    assert!(shadowed_by_generated(std::path::Path::new(&file)), "{file}");
                }
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
        assert!(shadowed_by_generated(Path::new("sitemap-2.xml")));
        assert!(!shadowed_by_generated(Path::new("sitemaps.txt")));
    }
}
