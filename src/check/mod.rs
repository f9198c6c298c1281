//! Check: the loaded site is consistent, and every figure is traceable to its sentence.
//!
//! Runs before anything is rendered, so `build` and `check` refuse the same content.
//! Its by-product, [`Provenance`], is where each quote sits in its article: the
//! renderer needs exactly that to put `<mark>`s in articles and link figures to them,
//! so finding quotes is done once, here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use rayon::prelude::*;

use crate::content::{Article, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::text::{Normalized, normalize};

pub mod cache;
mod conflicts;
pub mod dating;
pub mod derived;
mod lints;
mod locate;
mod naming;
mod site;
pub mod status;
mod unrecorded;
pub mod values;

use cache::ArticleCache;
use lints::{character_warnings, link_warnings};
use locate::{ArticleQuotes, Wanted, locate_in_article};
use site::{check_articles, check_config, check_figures, check_parents, check_place};

/// A figure, by position: `site.places[place].figures[figure]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FigureRef {
    pub place: usize,
    pub figure: usize,
}

/// The `run` of a mark in the article's title rather than its text: a headline can
/// be the only sentence that states a number (`我市9家高新区…`).
pub const TITLE_RUN: usize = usize::MAX;

/// A highlighted passage of an article and the figures that cite it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteMark {
    /// The text run it is in ([`markdown::runs`]), or [`TITLE_RUN`].
    pub run: usize,
    pub range: Range<usize>,
    pub id: String,
    pub citing: Vec<FigureRef>,
}

/// Where every quote was found.
#[derive(Debug, Default)]
pub struct Provenance {
    /// Article id → its marks, sorted by position, not overlapping.
    pub marks: BTreeMap<String, Vec<QuoteMark>>,
    /// `figure_mark[place][figure]`: the id of the mark holding the figure's (first)
    /// quote. Vectors, not a map: one entry per figure, hundreds of thousands of them.
    pub figure_mark: Vec<Vec<Option<String>>>,
    /// The marks of the further citations of the few figures that have them:
    /// (figure, index into [`Figure::views`] ≥ 1) → mark id.
    pub cite_marks: BTreeMap<(FigureRef, u32), String>,
}

impl Provenance {
    pub fn mark_of(&self, r: FigureRef) -> Option<&String> {
        self.figure_mark.get(r.place)?.get(r.figure)?.as_ref()
    }

    /// The mark of citation `view` of a figure (0: its first source).
    pub fn cite_mark_of(&self, r: FigureRef, view: u32) -> Option<&String> {
        if view == 0 {
            self.mark_of(r)
        } else {
            self.cite_marks.get(&(r, view))
        }
    }

    fn set_mark(&mut self, r: FigureRef, view: u32, mark: String) {
        if view == 0 {
            self.figure_mark[r.place][r.figure] = Some(mark);
        } else {
            self.cite_marks.insert((r, view), mark);
        }
    }
}

/// Runs every check and returns where the quotes are; errors go to `diags`. With a
/// `cache`, articles whose inputs are unchanged since a check that found nothing to
/// report in them are not scanned again (see [`cache`]).
pub fn check(site: &Site, cache: Option<&ArticleCache>, diags: &mut Diagnostics) -> Provenance {
    check_config(site, diags);
    check_articles(site, diags);
    check_parents(site, diags);
    check_figures(site, diags);
    scan_articles(site, cache, diags)
}

/// One pass over every article: its text is parsed and normalised once, then its
/// figures' quotes are located and checked and its unrecorded numbers found.
fn scan_articles(site: &Site, cache: Option<&ArticleCache>, diags: &mut Diagnostics) -> Provenance {
    let rescan = scan(site, None, cache, diags);
    let mut prov = Provenance {
        marks: rescan.marks,
        figure_mark: site
            .places
            .iter()
            .map(|p| vec![None; p.figures.len()])
            .collect(),
        cite_marks: BTreeMap::new(),
    };
    for (r, view, m) in rescan.figure_marks {
        prov.set_mark(r, view, m);
    }
    prov
}

/// The provenance of some articles, found again after they or their citing figures
/// changed (see [`recheck`]).
#[derive(Debug, Default)]
pub struct Rescan {
    /// Article id → its marks, for every rescanned article (empty when none).
    pub marks: BTreeMap<String, Vec<QuoteMark>>,
    /// The mark of every citation (figure, index into [`Figure::views`]) of a
    /// rescanned article.
    pub figure_marks: Vec<(FigureRef, u32, String)>,
}

impl Provenance {
    /// Takes in a [`Rescan`] made after the places in `changed_places` were replaced
    /// (their figures may have been added, removed or reordered).
    pub fn apply(&mut self, site: &Site, changed_places: &[usize], rescan: Rescan) {
        for &p in changed_places {
            self.figure_mark[p] = vec![None; site.places[p].figures.len()];
            self.cite_marks.retain(|(r, _), _| r.place != p);
        }
        for (id, marks) in rescan.marks {
            if marks.is_empty() {
                self.marks.remove(&id);
            } else {
                self.marks.insert(id, marks);
            }
        }
        for (r, view, m) in rescan.figure_marks {
            self.set_mark(r, view, m);
        }
    }
}

/// Checks again what a change to some places and articles can have broken, for
/// `serve`: the site-wide rules (cheap), the figures of `places`, and the quotes of
/// `citing`, which must be every figure citing one of `articles`, in order. The
/// caller passes every article cited by the changed places, before and after the
/// change, so that the result, applied to the provenance of the last checked state,
/// equals a full [`check`].
pub fn recheck(
    site: &Site,
    places: &BTreeSet<usize>,
    articles: &BTreeSet<String>,
    citing: &[FigureRef],
    diags: &mut Diagnostics,
) -> Rescan {
    check_config(site, diags);
    check_articles(site, diags);
    check_parents(site, diags);
    for &p in places {
        check_place(site, &site.places[p], diags);
    }
    scan(site, Some((articles, citing)), None, diags)
}

/// Locates the quotes of the articles in `only` (all when `None`).
fn scan(
    site: &Site,
    only: Option<(&BTreeSet<String>, &[FigureRef])>,
    cache: Option<&ArticleCache>,
    diags: &mut Diagnostics,
) -> Rescan {
    let all: Vec<FigureRef>;
    let figures = match only {
        Some((_, citing)) => citing,
        None => {
            all = site
                .places
                .iter()
                .enumerate()
                .flat_map(|(pi, p)| {
                    (0..p.figures.len()).map(move |fi| FigureRef {
                        place: pi,
                        figure: fi,
                    })
                })
                .collect();
            &all
        }
    };
    // The quotes each article must hold, in figure order.
    // A quote is wanted as its slot among all the figure's citations' quotes.
    let quotes: Vec<(&str, (FigureRef, usize))> = figures
        .par_iter()
        .flat_map_iter(|&r| {
            let fig = &site.places[r.place].figures[r.figure];
            let usable = site.indicators.contains_key(&fig.indicator);
            let mut slot = 0;
            fig.citations()
                .filter(move |_| usable)
                .flat_map(move |(source, quotes)| {
                    let first = slot;
                    slot += quotes.len();
                    (first..slot)
                        .filter(move |_| site.articles.contains_key(source))
                        .map(move |s| (source, (r, s)))
                })
        })
        .collect();
    let mut wanted: HashMap<&str, Vec<(FigureRef, usize)>> = HashMap::new();
    for (source, w) in quotes {
        wanted.entry(source).or_default().push(w);
    }
    let unrecorded = unrecorded::Matcher::new(site);
    let vocab = crate::vocab::Vocabulary::new(site);
    let articles: Vec<(&String, &Article)> = match only {
        None => site.articles.iter().collect(),
        Some((ids, _)) => ids
            .iter()
            .filter_map(|id| site.articles.get_key_value(id))
            .collect(),
    };
    let results: Vec<(&String, ArticleQuotes, Vec<Diagnostic>)> = articles
        .into_par_iter()
        .map(|(id, article)| {
            let want = wanted.get(id.as_str()).map_or(&[][..], Vec::as_slice);
            let cached = cache.map(|c| {
                let mut figures: Vec<FigureRef> = Vec::new();
                let mut seen: std::collections::HashSet<FigureRef> = Default::default();
                for (f, _) in want {
                    if seen.insert(*f) {
                        figures.push(*f);
                    }
                }
                (c, c.key(site, article, want), figures)
            });
            if let Some((c, key, figures)) = &cached
                && let Some((marks, figure_marks)) = c.get(key, figures)
            {
                return (id, (marks, figure_marks, Vec::new()), Vec::new());
            }
            let runs: Vec<Normalized> =
                article.texts().iter().map(|r| Normalized::new(r)).collect();
            let quotes = if want.is_empty() {
                Default::default()
            } else {
                let w: Vec<Wanted> = want
                    .iter()
                    .filter_map(|&(fig, slot)| {
                        let (view, qi, quote) =
                            site.places[fig.place].figures[fig.figure].quote_slot(slot)?;
                        Some(Wanted {
                            fig,
                            view,
                            quote_index: qi,
                            normalized: normalize(quote),
                        })
                    })
                    .collect();
                locate_in_article(site, article, &w, &runs, &vocab)
            };
            let mut warnings = unrecorded.article(site, article, &runs);
            warnings.extend(link_warnings(article));
            warnings.extend(character_warnings(article));
            if let Some((c, key, figures)) = cached
                && quotes.2.is_empty()
                && warnings.is_empty()
            {
                c.put(key, &figures, &quotes.0, &quotes.1);
            }
            (id, quotes, warnings)
        })
        .collect();

    let mut rescan = Rescan::default();
    for (id, (marks, figure_marks, d), warnings) in results {
        diags.extend(d);
        diags.extend(warnings);
        rescan.figure_marks.extend(figure_marks);
        if !marks.is_empty() || only.is_some() {
            rescan.marks.insert(id.clone(), marks);
        }
    }
    rescan
}

#[cfg(test)]
mod tests {
    use super::locate::closest_passage;
    use super::site::{edit_distance, similar};
    use super::*;

    #[test]
    fn similarity_for_suggestions() {
        assert!(similar("high_tech_enterprises", "high_tech_enterprise"));
        assert!(similar(
            "fuzhou/2023-02-13-gaoqi",
            "fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu"
        ));
        assert!(!similar("rd_spending", "tech_smes"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn closest_passage_finds_the_sentence_with_the_typo() {
        let runs = vec![Normalized::new(
            "全市备案科技型中小企业2437家,占全省39%。国家高新技术企业数达3759家,首次实现赶超厦门。",
        )];
        let p = closest_passage(&normalize("国家高新技术企业数达3795家"), &runs).unwrap();
        assert!(p.starts_with("国家高新技术企业数达3759家"), "{p}");
    }
}
