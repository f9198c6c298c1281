//! Check: the loaded site is consistent, and every figure is traceable to its sentence.
//!
//! Runs before anything is rendered, so `build` and `check` refuse the same content.
//! Its by-product, [`Provenance`], is where each quote sits in its article: the
//! renderer needs exactly that to put `<mark>`s in articles and link figures to them,
//! so finding quotes is done once, here.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use rayon::prelude::*;

use crate::content::yaml::YamlPath;
use crate::content::{Article, Figure, Place, Site};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::markdown;
use crate::text::script::to_simplified;
use crate::text::{Normalized, normalize, punct};

pub mod cache;
mod conflicts;
pub mod dating;
pub mod derived;
pub mod provenance;
mod unrecorded;

use cache::ArticleCache;

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

fn check_config(site: &Site, diags: &mut Diagnostics) {
    let Some(file) = &site.config_file else {
        return;
    };
    if !crate::safe_url::is_base_url(&site.config.base_url) {
        diags.push(
            Diagnostic::error(Code::E011, "`base_url` is not an absolute web address")
                .at(file.locate(&YamlPath::default().key("base_url"), None))
                .label("expected http://… or https://…, with no space or control character")
                .help("write the address the site is published at, e.g. `https://indicity.example.org/`, percent-encoding any space or non-ASCII character (`%20`) and with no `?` or `#`; the sitemap and the feed link to it"),
        );
    }
    for (i, id) in site.config.headline.iter().enumerate() {
        if !site.catalogue_failed && !site.indicators.contains_key(id) {
            diags.push(
                Diagnostic::error(
                    Code::E020,
                    format!("unknown indicator `{id}` in `headline`"),
                )
                .at(file.locate(&YamlPath::default().key("headline").index(i), None))
                .label("not in content/indicators.yaml")
                .help(known_ids_help(site, id)),
            );
        }
    }
}

fn check_articles(site: &Site, diags: &mut Diagnostics) {
    for article in site.articles.values() {
        if !site.place_files.contains(&article.meta.city) {
            diags.push(
                Diagnostic::error(Code::E023, format!("unknown place `{}`", article.meta.city))
                    .at(article.file.locate(&YamlPath::default().key("city"), None))
                    .label("no content/cities/<this>.yaml")
                    .help(format!(
                        "use the file name of a place under content/cities/ ({}), or add that place",
                        site.places.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>().join(", ")
                    )),
            );
        }
    }
}

/// A place's `parent` must lead up to a place that has none: not to itself, and not
/// round a cycle (pages follow parents to build full names and breadcrumbs).
fn check_parents(site: &Site, diags: &mut Diagnostics) {
    let by_name: HashMap<&str, usize> = site
        .places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    for (i, place) in site.places.iter().enumerate() {
        let Some(first) = &place.parent else {
            continue;
        };
        let mut chain = vec![place.name.as_str()];
        let mut at = by_name.get(first.as_str()).copied();
        while let Some(j) = at {
            chain.push(site.places[j].name.as_str());
            if j == i {
                let why = if chain.len() == 2 {
                    format!("{} is its own parent", place.name)
                } else {
                    format!(
                        "the parents of {} form a cycle: {}",
                        place.name,
                        chain.join(" → ")
                    )
                };
                diags.push(
                    Diagnostic::error(Code::E011, why)
                        .at(place.origin.file.locate(&YamlPath::default().key("parent"), None))
                        .label("leads back to this place")
                        .help("`parent` is the city a district or county belongs to; remove it from the city, or correct it"),
                );
                break;
            }
            if chain.len() > site.places.len() {
                break;
            }
            at = site.places[j]
                .parent
                .as_deref()
                .and_then(|n| by_name.get(n).copied());
        }
    }
}

/// Every place's figures, on every core (the diagnostics are sorted afterwards).
fn check_figures(site: &Site, diags: &mut Diagnostics) {
    let found: Vec<Vec<Diagnostic>> = site
        .places
        .par_iter()
        .map(|place| {
            let mut d = Diagnostics::default();
            check_place(site, place, &mut d);
            d.0
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// The figures of one place: known indicator, existing sources about this place, and
/// one figure per indicator, period and status unless they disagree and one of them
/// is `preferred`.
fn check_place(site: &Site, place: &Place, diags: &mut Diagnostics) {
    let mut unknown_reported = Vec::new();
    let mut groups: Vec<Vec<&Figure>> = Vec::new();
    let mut group_of: HashMap<(&str, _, _), usize> = HashMap::new();
    for fig in &place.figures {
        if !site.indicators.contains_key(&fig.indicator) {
            if !site.catalogue_failed && !unknown_reported.contains(&fig.indicator) {
                unknown_reported.push(fig.indicator.clone());
                diags.push(
                    Diagnostic::error(Code::E020, format!("unknown indicator `{}`", fig.indicator))
                        .at(place
                            .origin
                            .file
                            .locate(&YamlPath::default().key("figures"), Some(&fig.indicator)))
                        .label("not in content/indicators.yaml")
                        .help(known_ids_help(site, &fig.indicator)),
                );
            }
            continue;
        }
        let views = fig.views();
        for (i, view) in views.iter().enumerate().skip(1).take(fig.also.len()) {
            // The count of sources readers see is of independent articles.
            if views[..i].iter().any(|v| v.source == view.source) {
                diags.push(
                    Diagnostic::error(Code::E011, format!("article `{}` is cited twice by one figure", view.source))
                        .at(view.origin.locate(Some("source")))
                        .label("already a source of this figure")
                        .help("list each article once; to quote two fragments of one article, give its `quote:` a list"),
                );
            }
        }
        for view in &views {
            match site.articles.get(&view.source) {
                // The article exists but did not load; that is already reported.
                None if site.article_files.contains(&view.source) => {}
                None => diags.push(
                    Diagnostic::error(Code::E021, format!("no article `{}`", view.source))
                        .at(view.origin.locate(Some("source")))
                        .label("no such file under content/articles/")
                        .help(article_help(site, place, &view.source)),
                ),
                Some(article) => check_article_place(place, view, article, diags),
            }
        }
        let key = (fig.indicator.as_str(), fig.period, fig.status);
        let g = *group_of.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(fig);
    }
    for group in &groups {
        conflicts::check(site, place, group, diags);
    }
}

/// An article is a valid source for a place if it is filed under that place or names it.
fn check_article_place(place: &Place, fig: &Figure, article: &Article, diags: &mut Diagnostics) {
    if article.meta.city == place.slug {
        return;
    }
    let short = place
        .name
        .trim_end_matches(['市', '区', '县', '省'])
        .to_string();
    let names_it = article.body().contains(&place.name)
        || (short.chars().count() >= 2 && article.body().contains(&short));
    if !names_it {
        diags.push(
            Diagnostic::error(
                Code::E024,
                format!(
                    "article `{}` is about `{}` and never names {}",
                    fig.source, article.meta.city, place.name
                ),
            )
            .at(fig.origin.locate(Some("source")))
            .label("source about another place")
            .help("cite an article about this place, or move the figure to the place the article is about"),
        );
    }
}

fn known_ids_help(site: &Site, id: &str) -> String {
    let close: Vec<&str> = site
        .indicators
        .keys()
        .filter(|k| similar(k, id))
        .map(String::as_str)
        .collect();
    if close.is_empty() {
        format!(
            "add `{id}` to content/indicators.yaml, or use one of: {}",
            site.indicators
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!("did you mean `{}`?", close.join("` or `"))
    }
}

fn article_help(site: &Site, place: &Place, source: &str) -> String {
    let prefix = format!("{}/", place.slug);
    let candidates: Vec<&str> = site
        .articles
        .keys()
        .filter(|k| k.starts_with(&prefix) || similar(k, source))
        .map(String::as_str)
        .take(8)
        .collect();
    let mut help = format!(
        "`source` is the article's path under content/articles/ without `.md`; there is no content/articles/{source}.md"
    );
    if !candidates.is_empty() {
        help.push_str(&format!(
            "; articles for {}: {}",
            place.name,
            candidates.join(", ")
        ));
    }
    help
}

/// Loose similarity for "did you mean": a shared prefix or a small edit distance.
fn similar(a: &str, b: &str) -> bool {
    let d = edit_distance(a, b);
    d <= 2.max(b.len() / 4) || (a.len() >= 4 && b.len() >= 4 && a[..4] == b[..4])
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A quote of a figure that must be found in `article`.
struct Wanted {
    fig: FigureRef,
    /// Which of the figure's citations ([`Figure::views`]) the quote is of.
    view: usize,
    quote_index: usize,
    normalized: String,
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
                locate_in_article(site, article, &w, &runs)
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

/// A warning for each link or image of the article that is shown as text because its
/// URL's scheme is not allowed (see [`crate::safe_url`]).
fn link_warnings(article: &Article) -> Vec<Diagnostic> {
    let start = article.body_range.start;
    markdown::disallowed_links(article.body())
        .into_iter()
        .map(|(range, url)| {
            let at = crate::diagnostics::Location::from_span(
                &article.file.path,
                &article.file.text,
                start + range.start..start + range.end,
            );
            Diagnostic::warning(
                Code::W002,
                format!("a link to `{}` is shown as text", ellipsis(&url, 60)),
            )
            .at(Some(at))
            .label("not a web, mail or relative link")
            .help("only http:, https:, mailto: and relative links are published as links; remove the link or correct its address")
        })
        .collect()
}

/// Warnings for the characters of an article's text that no page may hold (they are
/// left out of its page): the first few, and how many there are. Here rather than at
/// load: an article the cache holds had none.
fn character_warnings(article: &Article) -> Vec<Diagnostic> {
    let (file, body) = (&article.file, article.body_range.clone());
    let found: Vec<(usize, char)> = crate::chars::disallowed(&file.text[body.clone()]).collect();
    let shown = 5;
    found
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, &(at, c))| {
            let start = body.start + at;
            let mut d = Diagnostic::warning(
                Code::W003,
                format!(
                    "the article holds the control character {}; it is left out of the page",
                    crate::chars::code_point(c)
                ),
            )
            .at(Some(crate::diagnostics::Location::from_span(
                &file.path,
                &file.text,
                start..start + c.len_utf8(),
            )))
            .label("not a character a page can hold")
            .help("delete it (`indicity clean` removes such characters from raw pages)");
            if i + 1 == shown && found.len() > shown {
                d = d.help(format!("{} more in this file", found.len() - shown));
            }
            d
        })
        .collect()
}

/// `s` cut to `max` characters, with an ellipsis when cut.
fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// An article's marks, the mark each figure links to, and the quotes not found.
type ArticleQuotes = (
    Vec<QuoteMark>,
    Vec<(FigureRef, u32, String)>,
    Vec<Diagnostic>,
);

fn locate_in_article(
    site: &Site,
    article: &Article,
    wanted: &[Wanted],
    runs: &[Normalized],
) -> ArticleQuotes {
    // Every occurrence of every quote: the paragraphs joined by a separator no quote
    // contains, searched once per distinct quote.
    let mut joined = String::new();
    let mut starts = Vec::with_capacity(runs.len());
    for r in runs {
        starts.push(joined.len());
        joined.push_str(&r.text);
        joined.push('\u{1}');
    }
    // Every quote of the article found in one pass over its text when there are
    // many: searched one by one, a thousand figures citing one long article read it
    // a thousand times.
    let mut needles: Vec<&str> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for w in wanted {
        let needle = w.normalized.as_str();
        if !needle.is_empty() && !needle.contains('\u{1}') && seen.insert(needle) {
            needles.push(needle);
        }
    }
    let mut occurrences: HashMap<&str, Vec<(usize, Range<usize>)>> = HashMap::new();
    let place = |at: usize, len: usize| {
        let run = starts.partition_point(|&s| s <= at) - 1;
        (run, at - starts[run]..at - starts[run] + len)
    };
    // Building an automaton costs more than a few searches: one search per quote
    // for the usual handful, one pass for many.
    let automaton = (needles.len() > 64)
        .then(|| {
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(&needles)
                .ok()
        })
        .flatten();
    match automaton {
        Some(ac) => {
            // Each quote's occurrences as a search for it alone finds them: left
            // to right, none overlapping the one before.
            let mut last_end: Vec<usize> = vec![0; needles.len()];
            for m in ac.find_overlapping_iter(joined.as_bytes()) {
                let k = m.pattern().as_usize();
                if m.start() < last_end[k] {
                    continue;
                }
                last_end[k] = m.end();
                occurrences
                    .entry(needles[k])
                    .or_default()
                    .push(place(m.start(), m.len()));
            }
        }
        None => {
            for needle in &needles {
                let found: Vec<_> = memchr::memmem::find_iter(joined.as_bytes(), needle.as_bytes())
                    .map(|at| place(at, needle.len()))
                    .collect();
                if !found.is_empty() {
                    occurrences.insert(needle, found);
                }
            }
        }
    }
    let mut diags = Vec::new();
    // (run, normalized range, quote id, figure, citation, is first quote of the citation)
    let mut found: Vec<(usize, Range<usize>, String, FigureRef, usize, bool)> = Vec::new();
    type Hits = Vec<Option<provenance::QuoteHit>>;
    let mut hits: BTreeMap<(FigureRef, usize), (Cow<'_, Figure>, Hits)> = BTreeMap::new();
    for w in wanted {
        let whole = &site.places[w.fig.place].figures[w.fig.figure];
        let (fig, slot) = &mut *hits.entry((w.fig, w.view)).or_insert_with(|| {
            let view = whole.views().swap_remove(w.view);
            let n = view.quotes.len();
            (view, vec![None; n])
        });
        let fig: &Figure = fig;
        // A quote typed in Traditional characters matches an article that the cleaner
        // converted to Simplified.
        let (all, needle): (Vec<(usize, Range<usize>)>, String) =
            match occurrences.get(w.normalized.as_str()) {
                Some(o) => (o.clone(), w.normalized.clone()),
                None => {
                    let simplified = normalize(&to_simplified(&w.normalized));
                    let found = runs
                        .iter()
                        .enumerate()
                        .flat_map(|(i, r)| r.find_all(&simplified).map(move |m| (i, m)))
                        .collect();
                    (found, simplified)
                }
            };
        // Where a quote occurs more than once (a subtitle repeating a sentence), the
        // mark goes on the occurrence in the longest paragraph: the one with context.
        let hit = all
            .iter()
            .max_by_key(|(i, _)| (runs[*i].text.len(), std::cmp::Reverse(*i)))
            .cloned();
        match hit {
            Some((run, range)) => {
                slot[w.quote_index] = Some(provenance::QuoteHit {
                    text: needle.clone(),
                    run,
                    range: range.clone(),
                    occurrences: all.clone(),
                });
                found.push((
                    run,
                    range,
                    cache::mark_id(&needle),
                    w.fig,
                    w.view,
                    w.quote_index == 0,
                ))
            }
            None => diags.push(quote_not_found(fig, w, runs, article)),
        }
    }
    // A figure whose quotes were all found must also agree with them.
    let doc = dating::Document::of(article, runs);
    for (fig, quotes) in hits.values() {
        if let Some(quotes) = quotes.iter().cloned().collect::<Option<Vec<_>>>() {
            let indicator = &site.indicators[&fig.indicator];
            diags.extend(provenance::verify(fig, indicator, &doc, &quotes, runs));
        }
    }
    found.sort_by_key(|a| (a.0, a.1.start, a.1.end));

    // Overlapping quotes share one mark, so the passage is highlighted once and lists
    // every figure that cites any part of it.
    let mut marks: Vec<(usize, Range<usize>, String, Vec<FigureRef>)> = Vec::new();
    let mut quote_to_mark: Vec<(FigureRef, usize, bool, usize)> = Vec::new();
    for (run, range, id, fig, view, first) in found {
        match marks.last_mut() {
            Some(last) if last.0 == run && range.start < last.1.end => {
                last.1.end = last.1.end.max(range.end);
                if !last.3.contains(&fig) {
                    last.3.push(fig);
                }
            }
            _ => marks.push((run, range, id, vec![fig])),
        }
        quote_to_mark.push((fig, view, first, marks.len() - 1));
    }
    let mut used = std::collections::HashSet::new();
    let marks: Vec<QuoteMark> = marks
        .into_iter()
        .map(|(run, range, mut id, mut citing)| {
            let base = id.clone();
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            citing.sort();
            QuoteMark {
                range: runs[run].original_range(range),
                run: if run + 1 == runs.len() {
                    TITLE_RUN
                } else {
                    run
                },
                id,
                citing,
            }
        })
        .collect();
    let figure_marks = quote_to_mark
        .into_iter()
        .filter(|(_, _, first, _)| *first)
        .map(|(fig, view, _, m)| (fig, view as u32, marks[m].id.clone()))
        .collect();
    (marks, figure_marks, diags)
}

fn quote_not_found(fig: &Figure, w: &Wanted, runs: &[Normalized], article: &Article) -> Diagnostic {
    let location = if fig.quotes.len() > 1 {
        fig.origin.locate_index("quote", w.quote_index)
    } else {
        fig.origin.locate(Some("quote"))
    };
    let mut d = Diagnostic::error(
        Code::E030,
        format!("the quote is not in article `{}`", article.id),
    )
    .at(location)
    .label("not found in the article");
    if let Some(passage) = closest_passage(&w.normalized, runs) {
        d = d.help(format!("the closest passage of the article is: {passage}"));
    }
    d.help("copy the sentence fragment exactly as the article has it (full-width and ASCII digits and punctuation count as the same, spaces are ignored)")
}

/// The sentence of the article sharing the most character pairs with the quote.
fn closest_passage(quote: &str, runs: &[Normalized]) -> Option<String> {
    let pairs = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let q = pairs(quote);
    if q.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for run in runs {
        for sentence in run.text.split_inclusive(punct::SENTENCE_SPLITS) {
            let s = pairs(sentence);
            let score = q.iter().filter(|p| s.contains(p)).count();
            if score > 0 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, sentence));
            }
        }
    }
    best.map(|(_, s)| s.to_string())
}

#[cfg(test)]
mod tests {
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
