//! Locating quotes: where each figure's quote sits in its article (as written, or
//! in Simplified script), and the closest passage when it is not there.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use crate::content::{Article, Figure, Site};
use crate::diagnostics::{Code, Diagnostic};
use crate::text::script::to_simplified;
use crate::text::{Normalized, normalize, punct};

use super::*;

/// A quote of a figure that must be found in `article`.
pub(super) struct Wanted {
    pub(super) fig: FigureRef,
    /// Which of the figure's citations ([`Figure::views`]) the quote is of.
    pub(super) view: usize,
    pub(super) quote_index: usize,
    pub(super) normalized: String,
}

/// An article's marks, the mark each figure links to, and the quotes not found.
pub(super) type ArticleQuotes = (
    Vec<QuoteMark>,
    Vec<(FigureRef, u32, String)>,
    Vec<Diagnostic>,
);

pub(super) fn locate_in_article(
    site: &Site,
    article: &Article,
    wanted: &[Wanted],
    runs: &[Normalized],
    vocab: &crate::vocab::Vocabulary,
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
    type Hits = Vec<Option<values::QuoteHit>>;
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
                slot[w.quote_index] = Some(values::QuoteHit {
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
    let words = super::status::Context::of(article, runs);
    let source = values::Source {
        article,
        doc: &doc,
        words: &words,
        runs,
        vocab,
    };
    for (fig, quotes) in hits.values() {
        if let Some(quotes) = quotes.iter().cloned().collect::<Option<Vec<_>>>() {
            let indicator = &site.indicators[&fig.indicator];
            diags.extend(values::verify(fig, indicator, &source, &quotes));
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

pub(super) fn quote_not_found(
    fig: &Figure,
    w: &Wanted,
    runs: &[Normalized],
    article: &Article,
) -> Diagnostic {
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
pub(super) fn closest_passage(quote: &str, runs: &[Normalized]) -> Option<String> {
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
