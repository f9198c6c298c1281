//! A figure must say what its quote says: the value, its bound, and its period.
//!
//! This is the check that makes a correction safe: change 3759 to 3795 and the build
//! stops, names the line, and says "the quote says 3759家". It reads the numbers of the
//! quote in the unit of the figure's indicator ([`numbers`]), and the years the quote
//! (or, when the quote states none, its sentence, paragraph, the article's title or
//! date) refers to.

use std::ops::Range;

use super::dating;
use super::derived;
use super::{naming, status};
use crate::content::{Article, Figure, Indicator};
use crate::diagnostics::{Code, Diagnostic};
use crate::format;
use crate::text::numbers::{self, Mention, Unit, same};
use crate::text::words::declines;
use crate::text::{Normalized, punct};
use crate::vocab::Vocabulary;

/// Where a quote was found: its normal form, and its range in run `run` (normal form).
#[derive(Debug, Clone)]
pub struct QuoteHit {
    pub text: String,
    pub run: usize,
    pub range: Range<usize>,
    /// Every place the quote occurs in the article: (run, range).
    pub occurrences: Vec<(usize, Range<usize>)>,
}

/// What a figure's quotes are checked against: its article, read once.
pub struct Source<'a> {
    pub article: &'a Article,
    pub doc: &'a dating::Document,
    /// What the status of every figure of the article reads alike.
    pub words: &'a status::Context,
    pub runs: &'a [Normalized],
    pub vocab: &'a Vocabulary,
}

/// Every way `fig` disagrees with its quotes.
pub fn verify(
    fig: &Figure,
    indicator: &Indicator,
    src: &Source<'_>,
    quotes: &[QuoteHit],
) -> Vec<Diagnostic> {
    let Source {
        article: _,
        doc,
        words,
        runs,
        vocab,
    } = *src;
    let unit = Unit::with_words(&indicator.unit, &indicator.unit_words);
    let mentions: Vec<(usize, Mention)> = quotes
        .iter()
        .enumerate()
        .flat_map(|(i, q)| numbers::mentions(&q.text).into_iter().map(move |m| (i, m)))
        .collect();
    let mut out = Vec::new();
    match &fig.derived {
        Some(expr) => out.extend(check_derived(
            fig, indicator, &unit, expr, quotes, &mentions,
        )),
        None => out.extend(check_value(fig, indicator, &unit, quotes, &mentions, runs)),
    }
    let located: Vec<(String, Vec<dating::Occurrence<'_>>)> = quotes
        .iter()
        .map(|q| {
            let occurrences = q
                .occurrences
                .iter()
                .map(|(run, range)| dating::Occurrence {
                    run: *run,
                    paragraph: &runs[*run].text,
                    range: range.clone(),
                })
                .collect();
            (q.text.clone(), occurrences)
        })
        .collect();
    // The status and the indicator are read from the words around the number the
    // figure states, once its value is proven (a period error says nothing of them).
    let value_proven = out.iter().all(|d| !d.is_error());
    out.extend(dating::check(fig, &located, doc));
    if value_proven
        && fig.derived.is_none()
        && let Some(at) = number_at(fig, &unit, quotes, &mentions, runs)
    {
        out.extend(status::check(fig, words, runs, &at, doc.date().0));
        out.extend(naming::check(
            fig,
            indicator,
            vocab,
            &runs[at.run].text,
            &at,
        ));
    }
    out
}

/// Where the number the figure states sits in its first quote's paragraph.
fn number_at(
    fig: &Figure,
    unit: &Unit,
    quotes: &[QuoteHit],
    mentions: &[(usize, Mention)],
    runs: &[Normalized],
) -> Option<status::At> {
    let value = fig.overridden.as_ref().map_or(fig.value, |o| o.original);
    let hit = quotes.first()?;
    let m = mentions
        .iter()
        .filter(|(i, _)| *i == 0)
        .map(|(_, m)| m)
        .find(|m| {
            m.in_unit(unit).is_some_and(|(lo, hi)| {
                same(lo, value) || same(-lo, value) || hi.is_some_and(|h| same(h, value))
            })
        })?;
    let text = &runs.get(hit.run)?.text;
    let number = hit.range.start + m.span.start;
    let sentence = punct::sentences(text)
        .into_iter()
        .find(|s| s.start <= number && number < s.start + s.text.len())?
        .start;
    Some(status::At {
        run: hit.run,
        sentence,
        number,
    })
}

/// How the quote writes a mention, bound words and unit included: "突破4000家".
fn stated(q: &QuoteHit, m: &Mention) -> String {
    let bound_start = match m.bound {
        Some(w) if q.text[..m.span.start].ends_with(w) => m.span.start - w.len(),
        _ => m.span.start,
    };
    let mut unit: String = m
        .rest
        .chars()
        .take_while(|c| numbers::is_unit_char(*c))
        .collect();
    let after = &m.rest[unit.len()..];
    for word in ["平方米", "平方公里", "以上", "以下", "以内", "左右"] {
        if after.starts_with(word) {
            unit.push_str(word);
            break;
        }
    }
    format!("{}{unit}", &q.text[bound_start..m.span.end])
}

/// Whether several numbers of a quote are one list whose last member is the figure:
/// `孵化器、众创空间分别达14个、41个` quoted for the 41 of makerspaces. The list's
/// order tells which number is the figure, so it is not ambiguous: the quote ends at
/// the figure's number, the numbers are joined only by list words, and the words before
/// them name a list (`分别`, or nouns joined by `、` or `和`). Any other value is still
/// refused, since only the last number can be the figure.
fn list_tail(
    quotes: &[QuoteHit],
    distinct: &[(usize, &Mention)],
    matched: Option<(usize, &Mention)>,
) -> bool {
    let Some((qi, last)) = matched else {
        return false;
    };
    if distinct.iter().any(|(i, _)| *i != qi) {
        return false;
    }
    let text = &quotes[qi].text;
    let mut spans: Vec<&Mention> = distinct.iter().map(|(_, m)| *m).collect();
    spans.sort_by_key(|m| m.span.start);
    if spans.last().map(|m| m.span.clone()) != Some(last.span.clone()) {
        return false;
    }
    if text[numbers::unit_end(text, last)..]
        .chars()
        .any(|c| c.is_ascii_digit())
    {
        return false;
    }
    let joined = spans.windows(2).all(|w| {
        let gap = text[numbers::unit_end(text, w[0])..w[1].span.start]
            .trim_start_matches(['以', '上', '左', '右', '多', '余']);
        ["、", "和", "及", "与"].contains(&gap)
    });
    let before = &text[..spans[0].span.start];
    joined && (before.contains("分别") || before.contains('、') || before.contains('和'))
}

fn check_value(
    fig: &Figure,
    indicator: &Indicator,
    unit: &Unit,
    quotes: &[QuoteHit],
    mentions: &[(usize, Mention)],
    runs: &[Normalized],
) -> Vec<Diagnostic> {
    let mut in_unit: Vec<(usize, &Mention, f64, Option<f64>)> = mentions
        .iter()
        .filter_map(|(i, m)| m.in_unit(unit).map(|(lo, hi)| (*i, m, lo, hi)))
        .map(|(i, m, lo, hi)| {
            // "利润下降8.2%" states a growth of -8.2% (a rate that fell is negative; a
            // count that fell may be recorded either way: "减少3家").
            let fell = declines(&quotes[i].text[..m.span.start]);
            if fell && (unit.base == "%" || same(-lo, fig.value)) {
                (i, m, -lo, hi.map(|h| -h))
            } else {
                (i, m, lo, hi)
            }
        })
        .collect();
    // Digits win over Chinese numerals, which can be part of a name ("三元区").
    if in_unit.iter().any(|(_, m, _, _)| m.arabic) {
        in_unit.retain(|(_, m, _, _)| m.arabic);
    }
    // The unit's own word wins over the rest of its family: in "招引运营机构2家,新增在孵
    // 企业258个" a figure in 个 is the 258.
    let exact = |m: &Mention| m.rest.starts_with(unit.base.as_str());
    if in_unit.iter().any(|(_, m, _, _)| exact(m)) {
        in_unit.retain(|(_, m, _, _)| exact(m) || !numbers::starts_with_unit(&m.rest));
    }
    let matched = in_unit
        .iter()
        .find(|(_, _, lo, hi)| same(*lo, fig.value) || hi.is_some_and(|h| same(h, fig.value)));
    // One number per quote: a quote that states several numbers in the unit cannot
    // tell which one the figure is, so a wrong value could hide behind another.
    let mut distinct: Vec<(usize, &Mention)> = Vec::new();
    for &(i, m, lo, _) in &in_unit {
        if !distinct
            .iter()
            .any(|(_, d)| d.in_unit(unit).is_some_and(|(v, _)| same(v, lo)))
        {
            distinct.push((i, m));
        }
    }
    if distinct.len() > 1 && !list_tail(quotes, &distinct, matched.map(|&(i, m, _, _)| (i, m))) {
        let listed: Vec<String> = distinct
            .iter()
            .map(|(i, m)| stated(&quotes[*i], m))
            .collect();
        let mut d = Diagnostic::error(
            Code::E036,
            format!(
                "the quote states {} numbers in {}: {}",
                listed.len(),
                indicator.unit,
                listed.join(", ")
            ),
        )
        .at(fig.origin.locate(Some("quote")))
        .label("which one is the figure?");
        if let Some(&(qi, m, _, _)) = matched {
            let others: Vec<&Mention> = in_unit
                .iter()
                .filter(|(i, o, _, _)| *i == qi && o.span != m.span)
                .map(|(_, o, _, _)| *o)
                .collect();
            d = d.help(format!(
                "shorten the quote to the fragment that states this figure, e.g. `{}`",
                fragment(&quotes[qi].text, m, &others)
            ));
        } else {
            d = d.help("shorten the quote to the fragment that states this figure");
        }
        return vec![d];
    }
    let Some(&(qi, m, lo, hi)) = matched else {
        // The value the help proposes, when it is one number the quote states.
        let suggested = match in_unit.first() {
            Some(&(_, _, lo, None)) => Some(format::stated(lo)),
            _ => None,
        };
        let help = if let Some(&(qi, m, lo, hi)) = in_unit.first() {
            let wanted = match hi {
                Some(h) => format!("{} or {}", format::stated(lo), format::stated(h)),
                None => format::stated(lo),
            };
            format!(
                "the quote says {} — did you mean {wanted}?",
                stated(&quotes[qi], m)
            )
        } else if let Some((qi, m)) = mentions
            .iter()
            .find(|(_, m)| !m.ordinal && m.year().is_none())
        {
            format!(
                "the quote says {}, which is not in {} (the unit of `{}`); quote the fragment that states the value in {}",
                stated(&quotes[*qi], m),
                indicator.unit,
                indicator.id,
                indicator.unit
            )
        } else {
            "the quote states no number; quote the fragment of the sentence that states the value"
                .to_string()
        };
        return vec![
            Diagnostic::error(
                Code::E031,
                format!(
                    "the quote does not state {} {}",
                    format::plain(fig.value),
                    indicator.unit
                ),
            )
            .at(fig.origin.locate(Some("value")))
            .label("not what the quote says")
            .help(help),
        ]
        .into_iter()
        .map(|d| match &suggested {
            Some(v) => d.suggest("value", v.clone()),
            None => d,
        })
        .collect();
    };
    // A range "80—120项" recorded as one number is a bound: ≥ its low end, ≤ its high end.
    let range_end = hi.map(|_| {
        if same(lo, fig.value) {
            RangeEnd::Low
        } else {
            RangeEnd::High
        }
    });
    // A bound word over a list bounds every number of it: "分别超过90家和870家".
    let q = &quotes[qi];
    let listed = m
        .bound
        .is_none()
        .then(|| list_bound(&runs[q.run].text, q.range.clone(), m))
        .flatten();
    let m = &Mention {
        bound: m.bound.or(listed),
        ..m.clone()
    };
    check_bound(fig, m, q, range_end).into_iter().collect()
}

/// The bound word of a list that the number `m` of a quote (at `range` of its
/// paragraph `text`) is an item of: before the list (`分别超过90家和870家`) or after it
/// (`90家、870家以上`).
fn list_bound(text: &str, range: Range<usize>, m: &Mention) -> Option<&'static str> {
    let stops = punct::CLAUSE_SPLITS;
    let start = text[..range.start].rfind(stops).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let end = text[range.end..]
        .find(stops)
        .map_or(text.len(), |i| range.end + i);
    let clause = &text[start..end];
    let at = range.start - start + m.span.start;
    let found = numbers::mentions(clause);
    let me = found.iter().position(|o| o.span.start == at)?;
    // Items are numbers joined by a separator and nothing else but their units.
    let joined = |a: &Mention, b: &Mention| {
        let between = &clause[a.span.end..b.span.start];
        let between = between.trim_start_matches(|c: char| numbers::is_unit_char(c));
        ["和", "、", "及", "与", "以及", "和以"].contains(&between) || between.is_empty()
    };
    let mut first = me;
    while first > 0 && joined(&found[first - 1], &found[first]) {
        first -= 1;
    }
    let mut last = me;
    while last + 1 < found.len() && joined(&found[last], &found[last + 1]) {
        last += 1;
    }
    if first == last {
        return None;
    }
    let before_list = &clause[..found[first].span.start];
    let words = ["分别", "均", "都", "各"];
    match (found[first].bound, found[last].bound) {
        (Some(w), _)
            if first < me
                && words.iter().any(|d| {
                    before_list.trim_end_matches(w).ends_with(d) || before_list.ends_with(d)
                }) =>
        {
            Some(w)
        }
        (_, Some(w)) if last > me && ["以上", "以下", "左右", "以内"].contains(&w) => {
            Some(w)
        }
        _ => None,
    }
}

enum RangeEnd {
    Low,
    High,
}

fn check_bound(
    fig: &Figure,
    m: &Mention,
    q: &QuoteHit,
    range_end: Option<RangeEnd>,
) -> Option<Diagnostic> {
    // Formatted only when there is a problem to report: this runs for every figure.
    let said = || stated(q, m);
    let allowed = match range_end {
        Some(RangeEnd::Low) => &[">="][..],
        Some(RangeEnd::High) => &["<="][..],
        None => m.bound.map(numbers::bounds_for).unwrap_or_default(),
    };
    let problem = match (fig.bound, allowed.is_empty()) {
        (None, false) => format!(
            "the quote says {}, a bound, but the figure is exact; add `bound: \"{}\"`",
            said(),
            allowed[0]
        ),
        (Some(b), false) if !allowed.contains(&b.as_str()) => format!(
            "the quote says {}; `bound: \"{}\"` does not fit, use `bound: \"{}\"`",
            said(),
            b.as_str(),
            allowed[0]
        ),
        (Some(b), true) => format!(
            "the quote says exactly {}; remove `bound: \"{}\"`",
            said(),
            b.as_str()
        ),
        _ => return None,
    };
    // At the value: a changed value is the likelier mistake, and the help names the bound.
    Some(
        Diagnostic::error(
            Code::E033,
            "the bound of the figure does not match its quote",
        )
        .at(fig.origin.locate(Some("value")))
        .label("bound differs from the quote")
        .help(problem),
    )
}

fn check_derived(
    fig: &Figure,
    indicator: &Indicator,
    unit: &Unit,
    expr: &str,
    quotes: &[QuoteHit],
    mentions: &[(usize, Mention)],
) -> Vec<Diagnostic> {
    let at = fig.origin.locate(Some("derived"));
    let (result, operands) = match derived::evaluate(expr) {
        Ok(r) => r,
        Err(e) => {
            return vec![
                Diagnostic::error(Code::E035, format!("`derived` is not an arithmetic expression: {e}"))
                    .at(at)
                    .label("cannot evaluate")
                    .help("write numbers from the quotes joined by + - * / and parentheses, e.g. `3759 - 964`"),
            ];
        }
    };
    let mut out = Vec::new();
    let has_percent = mentions.iter().any(|(_, m)| m.rest.starts_with('%'));
    for op in operands {
        // 100 converts a quoted percentage ("完成全年任务的70%").
        if has_percent && same(op, 100.0) {
            continue;
        }
        let stated = mentions.iter().any(|(_, m)| {
            m.in_unit(unit)
                .is_some_and(|(lo, hi)| same(lo, op) || hi.is_some_and(|h| same(h, op)))
                || (!m.ordinal && m.year().is_none() && same(m.value, op))
        });
        if !stated {
            out.push(
                Diagnostic::error(Code::E035, format!("{} in `derived` is not stated in the quotes", format::plain(op)))
                    .at(at.clone())
                    .label("operand not quoted")
                    .help(format!(
                        "every number of a derived figure must appear in one of its quotes; they state: {}",
                        list_mentions(quotes, mentions)
                    )),
            );
        }
    }
    let decimals = format::plain(fig.value)
        .split_once('.')
        .map_or(0, |(_, f)| f.len());
    let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9 * result.abs();
    if (result - fig.value).abs() > tolerance {
        out.push(
            Diagnostic::error(
                Code::E031,
                format!(
                    "`{expr}` is {}, not {} {}",
                    format::plain((result * 1e6).round() / 1e6),
                    format::plain(fig.value),
                    indicator.unit
                ),
            )
            .at(fig.origin.locate(Some("value")))
            .label("differs from the derived value")
            .help(format!(
                "write `value: {}` or correct `derived`",
                format::plain((result * 1e6).round() / 1e6)
            )),
        );
    }
    out
}

fn list_mentions(quotes: &[QuoteHit], mentions: &[(usize, Mention)]) -> String {
    let list: Vec<String> = mentions
        .iter()
        .filter(|(_, m)| !m.ordinal && m.year().is_none())
        .map(|(i, m)| stated(&quotes[*i], m))
        .collect();
    if list.is_empty() {
        "no numbers".to_string()
    } else {
        list.join(", ")
    }
}

/// The shortest faithful fragment for one number of a quote: from the previous
/// punctuation mark (or the end of the previous number in the same unit) to the end
/// of this number's unit.
fn fragment(text: &str, m: &Mention, others: &[&Mention]) -> String {
    let marks = |c: char| punct::CLAUSE_SPLITS.contains(&c) || "(（)）".contains(c);
    let mut start = text[..m.span.start].rfind(marks).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    for o in others {
        if o.span.end <= m.span.start && o.span.end > start {
            let unit: usize = o
                .rest
                .chars()
                .take_while(|c| numbers::is_unit_char(*c))
                .map(char::len_utf8)
                .sum();
            start = (o.span.end + unit).min(m.span.start);
            // Skip the list separator after the previous number ("3家、").
            while let Some(c) = text[start..]
                .chars()
                .next()
                .filter(|c| "、和及与".contains(*c))
            {
                start += c.len_utf8();
            }
        }
    }
    let unit: usize = m
        .rest
        .chars()
        .take_while(|c| numbers::is_unit_char(*c))
        .map(char::len_utf8)
        .sum();
    let mut end = (m.span.end + unit).min(text.len());
    for word in ["以上", "以下", "以内", "左右"] {
        if text[end..].starts_with(word) {
            end += word.len();
        }
    }
    text[start..end].to_string()
}
