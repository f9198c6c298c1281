//! Warnings for figures an article states that nobody recorded.
//!
//! A curator reading a long work report misses numbers. Where an indicator's name (or
//! one of its `aliases`) is followed, in the same clause, by a number in the
//! indicator's unit, and no figure of the article's place records that value, the
//! curator is told where. It is a warning, not an error: the number
//! may belong to a part of the city, or to another kind of count.

use std::collections::BTreeSet;

use aho_corasick::AhoCorasick;

use crate::content::{Article, Site};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::format;
use crate::text::numbers::{self, Unit};
use crate::text::{Normalized, normalize, punct};

/// A clause of a paragraph ends at a clause mark, an enumeration comma or an opening
/// bracket: `研发投入(R&D)`, `高新技术企业、…`.
fn clause_end(c: char) -> bool {
    punct::CLAUSE_SPLITS.contains(&c) || c == punct::ENUMERATION || c == '(' || c == '（'
}
const CLAUSE_MAX: usize = 16;

/// The names and aliases of every indicator, as one automaton: one pass per paragraph.
pub struct Matcher<'a> {
    automaton: Option<AhoCorasick>,
    words: Vec<String>,
    owner: Vec<(&'a str, Unit)>,
}

impl<'a> Matcher<'a> {
    pub fn new(site: &'a Site) -> Self {
        let mut words: Vec<String> = Vec::new();
        let mut owner: Vec<(&str, Unit)> = Vec::new();
        for i in site.indicators.values() {
            for w in std::iter::once(&i.name).chain(&i.aliases) {
                let w = normalize(w);
                if !w.is_empty() {
                    words.push(w);
                    owner.push((i.id.as_str(), Unit::with_words(&i.unit, &i.unit_words)));
                }
            }
        }
        Matcher {
            automaton: AhoCorasick::new(&words).ok(),
            words,
            owner,
        }
    }

    /// The warnings of one article whose paragraphs, normalised, are `runs`.
    pub fn article(&self, site: &Site, article: &Article, runs: &[Normalized]) -> Vec<Diagnostic> {
        match &self.automaton {
            Some(ac) => article_warnings(site, article, ac, &self.words, &self.owner, runs),
            None => Vec::new(),
        }
    }
}

fn article_warnings(
    site: &Site,
    article: &Article,
    automaton: &AhoCorasick,
    words: &[String],
    owner: &[(&str, Unit)],
    runs: &[Normalized],
) -> Vec<Diagnostic> {
    let Some(place) = site.place(&article.meta.city) else {
        return Vec::new();
    };
    // Recorded from this article or another, under this indicator or another (a
    // park's count filed as the park's indicator): either way the curator has seen it.
    // Sorted, so that each number is looked up, not compared with every figure.
    let mut recorded: Vec<f64> = place
        .figures
        .iter()
        .map(|f| f.value)
        .filter(|v| v.is_finite())
        .collect();
    recorded.sort_by(f64::total_cmp);
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out = Vec::new();
    let mut file_text: Option<Normalized> = None;
    // Where the last phrase was found in the file: the next is searched from a
    // little before it (runs come in the file's order), so a long paragraph of
    // numbers is read once, not once per number.
    let mut cursor = 0usize;
    let back = words.iter().map(String::len).max().unwrap_or(0) * 2 + 64;
    for run in runs {
        let run = &run.text;
        for hit in automaton.find_overlapping_iter(run) {
            let (id, unit) = &owner[hit.pattern().as_usize()];
            let word = &words[hit.pattern().as_usize()];
            let after = &run[hit.end()..];
            let end = after
                .char_indices()
                .take(CLAUSE_MAX)
                .find(|(_, c)| clause_end(*c))
                .map_or_else(
                    || {
                        after
                            .char_indices()
                            .nth(CLAUSE_MAX)
                            .map_or(after.len(), |(i, _)| i)
                    },
                    |(i, _)| i,
                );
            let clause = &after[..end];
            let Some((m, value)) = numbers::mentions(clause).into_iter().find_map(|m| {
                m.in_unit(unit)
                    .filter(|_| !m.rest.is_empty())
                    .map(|v| (m, v.0))
            }) else {
                continue;
            };
            // `same` is a relative tolerance of 1e-9: only the neighbours of where
            // `value` would sort can be the same number.
            let at = recorded.partition_point(|v| *v < value);
            if recorded[at.saturating_sub(1)..(at + 1).min(recorded.len())]
                .iter()
                .any(|v| numbers::same(*v, value))
            {
                continue;
            }
            if !seen.insert((id.to_string(), format::plain(value))) {
                continue;
            }
            let phrase = format!("{word}{}", &clause[..m.span.end]);
            let ft = file_text.get_or_insert_with(|| Normalized::new(&article.file.text));
            let found = ft
                .find_from(&phrase, cursor.saturating_sub(back))
                .or_else(|| ft.find_from(&phrase, 0));
            let location = found.map(|(norm, span)| {
                cursor = norm.start;
                Location::from_span(&article.file.path, &article.file.text, span)
            });
            out.push(
                Diagnostic::warning(
                    Code::W001,
                    format!("the article states {phrase}, which no figure of {} records", place.name),
                )
                .at(location)
                .label(format!("{} {} not recorded", format::plain(value), site.indicators[*id].unit))
                .help(format!(
                    "record it under `{id}` in content/cities/{}.yaml with this sentence as its quote, or leave it if it is not {}'s figure (a district, a park, another kind of count)",
                    place.slug, place.name
                )),
            );
        }
    }
    out
}
