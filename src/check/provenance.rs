//! A figure must say what its quote says: the value, its bound, and its period.
//!
//! This is the check that makes a correction safe: change 3759 to 3795 and the build
//! stops, names the line, and says "the quote says 3759家". It reads the numbers of the
//! quote in the unit of the figure's indicator ([`numbers`]), and the years the quote
//! (or, when the quote states none, its sentence, paragraph, the article's title or
//! date) refers to.

use std::ops::Range;

use super::numbers::{self, Mention, Unit, same};
use crate::content::{Article, Figure, Indicator, Period, Status};
use crate::diagnostics::Diagnostic;
use crate::format;
use crate::text::Normalized;

/// Where a quote was found: its normal form, and its range in run `run` (normal form).
#[derive(Debug, Clone)]
pub struct QuoteHit {
    pub text: String,
    pub run: usize,
    pub range: Range<usize>,
    /// Every place the quote occurs in the article: (run, range).
    pub occurrences: Vec<(usize, Range<usize>)>,
}

/// Every way `fig` disagrees with its quotes.
pub fn verify(
    fig: &Figure,
    indicator: &Indicator,
    article: &Article,
    quotes: &[QuoteHit],
    runs: &[Normalized],
) -> Vec<Diagnostic> {
    let unit = Unit::parse(&indicator.unit);
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
        None => out.extend(check_value(fig, indicator, &unit, quotes, &mentions)),
    }
    out.extend(check_period(fig, article, quotes, &mentions, runs));
    out
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

fn check_value(
    fig: &Figure,
    indicator: &Indicator,
    unit: &Unit,
    quotes: &[QuoteHit],
    mentions: &[(usize, Mention)],
) -> Vec<Diagnostic> {
    let mut in_unit: Vec<(usize, &Mention, f64, Option<f64>)> = mentions
        .iter()
        .filter_map(|(i, m)| m.in_unit(unit).map(|(lo, hi)| (*i, m, lo, hi)))
        .collect();
    // Digits win over Chinese numerals, which can be part of a name ("三元区").
    if in_unit.iter().any(|(_, m, _, _)| m.arabic) {
        in_unit.retain(|(_, m, _, _)| m.arabic);
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
    if distinct.len() > 1 {
        let listed: Vec<String> = distinct
            .iter()
            .map(|(i, m)| stated(&quotes[*i], m))
            .collect();
        let mut d = Diagnostic::error(
            "E036",
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
        let help = if let Some(&(qi, m, lo, hi)) = in_unit.first() {
            let wanted = match hi {
                Some(h) => format!("{} or {}", format::plain(lo), format::plain(h)),
                None => format::plain(lo),
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
                "E031",
                format!(
                    "the quote does not state {} {}",
                    format::plain(fig.value),
                    indicator.unit
                ),
            )
            .at(fig.origin.locate(Some("value")))
            .label("not what the quote says")
            .help(help),
        ];
    };
    // A range "80—120项" recorded as one number is a bound: ≥ its low end, ≤ its high end.
    let range_end = hi.map(|_| {
        if same(lo, fig.value) {
            RangeEnd::Low
        } else {
            RangeEnd::High
        }
    });
    check_bound(fig, m, &quotes[qi], range_end)
        .into_iter()
        .collect()
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
        Diagnostic::error("E033", "the bound of the figure does not match its quote")
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
    let (result, operands) = match numbers::evaluate(expr) {
        Ok(r) => r,
        Err(e) => {
            return vec![
                Diagnostic::error("E035", format!("`derived` is not an arithmetic expression: {e}"))
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
                Diagnostic::error("E035", format!("{} in `derived` is not stated in the quotes", format::plain(op)))
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
                "E031",
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

/// The period must be one the text refers to: a year stated in the quote, or (when the
/// quote states none) in its sentence, the article's title or its opening paragraph;
/// failing all of those, a year next to the article's date. (A paragraph is not a
/// level: a year stated in one of its sentences belongs to that sentence.) A year the text compares with
/// ("较2021年净增964家") supports that year (a derived base) or the next one.
fn check_period(
    fig: &Figure,
    article: &Article,
    quotes: &[QuoteHit],
    mentions: &[(usize, Mention)],
    runs: &[Normalized],
) -> Option<Diagnostic> {
    let year = fig.period.year();
    let date_year: Option<i32> = article
        .meta
        .date
        .as_deref()
        .and_then(|d| d.get(..4)?.parse().ok());

    if matches!(fig.period, Period::Month(..) | Period::Half(..)) {
        let joined: String = quotes
            .iter()
            .map(|q| q.text.as_str())
            .collect::<Vec<_>>()
            .join("|");
        if let Some(d) = check_part_of_year(fig, &joined) {
            return Some(d);
        }
    }

    // The years the quotes state, from the numbers already found in them.
    let (mut stated, mut compared) = (Vec::new(), Vec::new());
    for (i, m) in mentions {
        if let Some((comparison, ys)) = numbers::year_mention(&quotes[*i].text, m) {
            if comparison {
                compared.extend(ys);
            } else {
                stated.extend(ys);
            }
        }
    }
    // Why the period must be one of `allowed`: put in words only for an error.
    let (allowed, evidence): (Vec<i32>, Evidence) = if !stated.is_empty() {
        (stated.clone(), Evidence::Stated(stated))
    } else if !compared.is_empty() {
        // "较2021年净增964家": the increase is 2022's; a figure derived from it
        // (3759 - 964) is the 2021 base.
        let offset = if fig.derived.is_some() { 0 } else { 1 };
        let allowed: Vec<i32> = compared.iter().map(|&y| y + offset).collect();
        (allowed, Evidence::Compared(compared))
    } else {
        // Every occurrence of each quote is context.
        let sentences = || -> String {
            quotes
                .iter()
                .flat_map(|q| q.occurrences.iter())
                .map(|(run, range)| sentence(&runs[*run].text, range))
                .collect::<Vec<_>>()
                .join("|")
        };
        let title = || crate::text::normalize(&article.meta.title);
        // News articles set their time frame in the opening paragraph.
        let opening = || {
            runs.iter()
                .find(|r| r.text.chars().count() > 40)
                .map_or(String::new(), |r| r.text.clone())
        };
        // (where, text, whether it frames a whole document)
        let levels: [(&'static str, &dyn Fn() -> String, bool); 3] = [
            ("its sentence", &sentences, false),
            ("the article's title", &title, true),
            ("the article's opening paragraph", &opening, true),
        ];
        match levels.iter().find_map(|(name, text, frame)| {
            context_years(&text(), date_year).map(|ys| (*name, ys, *frame))
        }) {
            // A document about several years ("2022年工作总结及2023年工作思路")
            // recounts the earlier ones and plans the later ones.
            Some((name, ys, true)) if ys.len() > 1 => {
                let allowed = match fig.status {
                    Status::Actual => ys[..ys.len() - 1].to_vec(),
                    Status::Target => ys[1..].to_vec(),
                };
                (allowed, Evidence::Context(name, ys))
            }
            Some((name, ys, _)) => (ys.clone(), Evidence::Context(name, ys)),
            None => match date_year {
                // A report states current figures (this year's or last year's) and
                // targets for this year or the next.
                Some(y) => {
                    let allowed = match fig.status {
                        Status::Actual => vec![y - 1, y],
                        Status::Target => vec![y, y + 1],
                    };
                    (
                        allowed,
                        Evidence::Dated(article.meta.date.as_deref().unwrap_or_default()),
                    )
                }
                None => return None,
            },
        }
    };
    if allowed.contains(&year) {
        return None;
    }
    Some(period_error(
        fig,
        &evidence.describe(),
        "period not supported by the source",
        format!(
            "use a period in {}, or quote the sentence that states {}年",
            years_list(&allowed),
            year
        ),
    ))
}

/// Where the years a figure's period must be among come from.
enum Evidence<'a> {
    Stated(Vec<i32>),
    Compared(Vec<i32>),
    Context(&'static str, Vec<i32>),
    Dated(&'a str),
}

impl Evidence<'_> {
    fn describe(&self) -> String {
        match self {
            Evidence::Stated(ys) => format!("the quote states {}", years_list(ys)),
            Evidence::Compared(ys) => format!("the quote compares with {}", years_list(ys)),
            Evidence::Context(name, ys) => format!("{name} refers to {}", years_list(ys)),
            Evidence::Dated(date) => format!("the article is dated {date}"),
        }
    }
}

/// Years a stretch of article text is about: stated years (not those it compares
/// with) and 今年/去年/明年 relative to the article's date.
fn context_years(text: &str, date_year: Option<i32>) -> Option<Vec<i32>> {
    let (mut ys, _compared) = numbers::years(text);
    if let Some(y) = date_year {
        for (word, offset) in [
            ("今年", 0),
            ("本年", 0),
            ("去年", -1),
            ("上年", -1),
            ("明年", 1),
            ("过去一年", -1),
        ] {
            if text.contains(word) {
                ys.push(y + offset);
            }
        }
    }
    ys.sort_unstable();
    ys.dedup();
    (!ys.is_empty()).then_some(ys)
}

/// Months and half-years: "从2月的…提升至5月的…" supports 2023-02 and 2023-05 only;
/// "上半年" supports H1.
fn check_part_of_year(fig: &Figure, quotes: &str) -> Option<Diagnostic> {
    let (ok, evidence) = match fig.period {
        Period::Month(_, m) => {
            let months = numbers::months(quotes);
            if months.is_empty() || months.contains(&m) {
                return None;
            }
            (
                false,
                format!(
                    "the quote states {}",
                    months
                        .iter()
                        .map(|m| format!("{m}月"))
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            )
        }
        Period::Half(_, h) => {
            let first = quotes.contains("上半年");
            let second = quotes.contains("下半年");
            if (!first && !second) || (h == 1 && first) || (h == 2 && second) {
                return None;
            }
            (
                false,
                format!("the quote says {}", if first { "上半年" } else { "下半年" }),
            )
        }
        _ => return None,
    };
    (!ok).then(|| {
        period_error(
            fig,
            &evidence,
            "period not supported by the quote",
            "use the month or half-year the quote states".to_string(),
        )
    })
}

fn period_error(fig: &Figure, evidence: &str, label: &str, help: String) -> Diagnostic {
    Diagnostic::error(
        "E032",
        format!(
            "the period {} contradicts the source: {evidence}",
            fig.period
        ),
    )
    .at(fig.origin.locate(Some("period")))
    .label(label)
    .help(help)
}

fn years_list(ys: &[i32]) -> String {
    let mut ys = ys.to_vec();
    ys.sort_unstable();
    ys.dedup();
    ys.iter()
        .map(|y| format!("{y}年"))
        .collect::<Vec<_>>()
        .join("、")
}

/// The shortest faithful fragment for one number of a quote: from the previous
/// punctuation mark (or the end of the previous number in the same unit) to the end
/// of this number's unit.
fn fragment(text: &str, m: &Mention, others: &[&Mention]) -> String {
    let marks = ['，', ',', '。', ';', '；', '：', ':', '(', '（', ')', '）'];
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

/// The sentence of `text` that contains `range`.
fn sentence<'a>(text: &'a str, range: &Range<usize>) -> &'a str {
    // A semicolon continues the sentence's time frame ("2021年,…;R&D投入强度2.27%").
    let ends = ['。', '！', '？', '!', '?'];
    let start = text[..range.start].rfind(ends).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let end = text[range.end..]
        .find(ends)
        .map_or(text.len(), |i| range.end + i);
    &text[start..end]
}
