//! Choosing: for a number read as a figure, the shortest quote `check` proves and
//! the period its sentence supports.

use super::Proposal;
use crate::check::dating::{self, Document};
use crate::check::values::{self, QuoteHit};
use crate::content::{Article, Bound, Figure, Origin, Period, PeriodFrom, Status};
use crate::text::Normalized;
use crate::text::goal::NOW_WORDS;
use crate::text::numbers::{self, Mention};
use crate::text::punct::{self, Sentence};

/// A figure read from a mention, before its quote and period are chosen.
pub(super) struct Draft<'a> {
    /// Where the quote ends: after the unit, or after a noun that follows it.
    pub(super) end: usize,
    pub(super) indicator: &'a str,
    pub(super) value: f64,
    pub(super) status: Status,
    pub(super) bound: Option<Bound>,
    pub(super) m: &'a Mention,
}

/// The shortest fragment of the sentence that `check` passes for the figure, and the
/// period it supports.
#[allow(clippy::too_many_arguments)]
pub(super) fn choose_quote(
    article: &Article,
    indicator: &crate::content::Indicator,
    runs: &[Normalized],
    texts: &[String],
    run: usize,
    s: &Sentence<'_>,
    d: &Draft<'_>,
    previous_in_unit: Option<usize>,
    doc: &Document,
    origin: &Origin,
    vocab: &crate::vocab::Vocabulary,
    words: &crate::check::status::Context,
) -> Option<Proposal> {
    let source = values::Source {
        article,
        doc,
        words,
        runs,
        vocab,
    };
    let end = d.end;
    let clause = s.text[..d.m.span.start]
        .rfind([',', ';', ':', '，', '；', '：'])
        .map_or(0, |i| {
            i + s.text[i..].chars().next().map_or(1, char::len_utf8)
        });
    // Bound words before the number (`突破`, `近`) belong in the quote.
    let mut starts = vec![clause];
    if let Some(p) = previous_in_unit
        && p > clause
    {
        starts.insert(0, p);
    }
    starts.push(0);
    starts.dedup();
    for start in starts {
        let start = trim_start(s.text, start);
        if start >= d.m.span.start {
            continue;
        }
        let normal = &s.text[start..end];
        let at = s.start + start..s.start + end;
        let occurrences: Vec<(usize, std::ops::Range<usize>)> = runs
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.find_all(normal).map(move |m| (i, m)))
            .collect();
        if occurrences.is_empty() {
            continue;
        }
        let hit = QuoteHit {
            text: normal.to_string(),
            run,
            range: at.clone(),
            occurrences,
        };
        let original = texts[run][runs[run].original_range(at.clone())].to_string();
        let mut fig = Figure {
            indicator: d.indicator.to_string(),
            period: Period::Year(0),
            period_from: None,
            value: d.value,
            status: d.status,
            bound: d.bound,
            source: article.id.clone(),
            quotes: vec![original.clone()],
            also: Vec::new(),
            preferred: false,
            alternative: false,
            overridden: None,
            derived: None,
            note: None,
            origin: origin.clone(),
        };
        let Some(period) = choose_period(&fig, &hit, runs, s, d.m, doc) else {
            continue;
        };
        fig.period = period;
        // A period that starts after the document was written can only be a goal.
        if fig.status == Status::Actual && doc.date().0.is_some_and(|y| period.year() > y) {
            fig.status = Status::Target;
        }
        // Where only the article's date dates it, the proposal says which of the two
        // years it read (the one `choose_period` chose), so check holds it to that.
        if let (Some(y), true) = (
            doc.date().0,
            dating::rests_on_date(&fig, &located(&hit, runs), doc),
        ) {
            fig.period_from = Some(if period.year() == y {
                PeriodFrom::Date
            } else {
                PeriodFrom::PreviousYear
            });
        }
        let found = values::verify(&fig, indicator, &source, std::slice::from_ref(&hit));
        if found.iter().all(|d| !d.is_error()) {
            return Some(Proposal {
                figure: fig,
                doubt: None,
                at: Some((run, s.start + d.m.span.start)),
                named_by: String::new(),
            });
        }
    }
    None
}

/// Where `hit` occurs, as [`dating`] reads it.
fn located<'r>(
    hit: &QuoteHit,
    runs: &'r [Normalized],
) -> Vec<(String, Vec<dating::Occurrence<'r>>)> {
    vec![(
        hit.text.clone(),
        hit.occurrences
            .iter()
            .map(|(run, range)| dating::Occurrence {
                run: *run,
                paragraph: &runs[*run].text,
                range: range.clone(),
            })
            .collect(),
    )]
}

/// The period of a figure quoted by `hit`: the part of the year its sentence names
/// before the number, in the year `check` supports.
pub(super) fn choose_period(
    fig: &Figure,
    hit: &QuoteHit,
    runs: &[Normalized],
    s: &Sentence<'_>,
    m: &Mention,
    doc: &Document,
) -> Option<Period> {
    let (years, _) = dating::supported(fig, &located(hit, runs), doc);
    let mut years = years?;
    years.sort_unstable();
    years.dedup();
    let (date_year, date_month) = doc.date();
    let year = match years.as_slice() {
        [] => return None,
        [y] => *y,
        many => {
            // A report dated early in a year recounts the year before; a plan's span
            // is reached at its end.
            let early = date_month.is_some_and(|mo| mo <= 3);
            match (fig.status, date_year) {
                (Status::Actual, Some(dy)) if early && many.contains(&(dy - 1)) => dy - 1,
                (Status::Actual, Some(dy)) if many.contains(&dy) => dy,
                (Status::Target, Some(dy)) if many.contains(&dy) && !many.contains(&(dy + 1)) => dy,
                _ => *many.last()?,
            }
        }
    };
    let before = &s.text[..m.span.start];
    // A paragraph's opening frame (`上半年,…`) dates what follows it; a month named in
    // one of its other sentences (`10月底达到…`) does not.
    let paragraph = &runs[hit.run].text[..s.start];
    let paragraph = paragraph
        .find(punct::CLAUSE_MARKS)
        .map_or("", |i| &paragraph[..i]);
    let paragraph = if paragraph.chars().count() <= 12 {
        paragraph
    } else {
        ""
    };
    let title = &runs[runs.len() - 1].text;
    // The nearest level that names a period wins: a sentence stating its own year or
    // `全年` after any part of a year is about the whole of that year, whatever its
    // paragraph or title names (`完成全年任务的61.8%` measures against the year's goal
    // and names no period).
    let whole_year = before
        .match_indices("全年")
        .filter(|(i, w)| {
            let rest = &before[i + w.len()..];
            !["任务", "目标", "计划"].iter().any(|g| rest.starts_with(g))
        })
        .map(|(i, w)| i + w.len())
        .last();
    let stated_year = numbers::mentions(before)
        .iter()
        .rev()
        .find(|m| m.year().is_some())
        .map(|m| m.span.end);
    let cut = whole_year.max(stated_year);
    let part = match cut {
        Some(cut) => part_of_year_at(before, fig.status)
            .filter(|(at, _)| *at >= cut)
            .map(|(_, p)| p),
        None => part_of_year(before, fig.status)
            .or_else(|| part_of_year(paragraph, fig.status))
            .or_else(|| part_of_year(title, fig.status)),
    };
    let period = match part {
        Some(p) => p.with_year(year),
        // `目前`, `截至目前`: the state on the article's date, when no year is stated.
        None if NOW_WORDS
            .iter()
            .any(|w| before.contains(w) || paragraph.contains(w))
            && !numbers::mentions(before).iter().any(|m| m.year().is_some())
            && date_year == Some(year)
            && date_month.is_some_and(|mo| mo < 12) =>
        {
            Period::Month(year, date_month.unwrap_or(12))
        }
        None => Period::Year(year),
    };
    Some(period)
}

/// The part of a year the words before a number name, nearest first: `上半年` → H1,
/// `一季度` → Q1, `1—5月` or `截至5月` → May.
pub(super) fn part_of_year(before: &str, status: Status) -> Option<Period> {
    part_of_year_at(before, status).map(|(_, p)| p)
}

/// [`part_of_year`], and where in `before` the words naming it start.
fn part_of_year_at(before: &str, status: Status) -> Option<(usize, Period)> {
    // `上半年工作总结和下半年工作计划`: results are of the first half, plans of the second.
    if let (Some(a), Some(b)) = (before.rfind("上半年"), before.rfind("下半年")) {
        return Some((
            a.max(b),
            match status {
                Status::Actual => Period::Half(0, 1),
                Status::Target => Period::Half(0, 2),
            },
        ));
    }
    let mut found: Vec<(usize, Period)> = Vec::new();
    for (w, p) in [
        ("上半年", Period::Half(0, 1)),
        ("下半年", Period::Half(0, 2)),
        ("一季度", Period::Quarter(0, 1)),
        ("二季度", Period::Quarter(0, 2)),
        ("三季度", Period::Quarter(0, 3)),
        ("四季度", Period::Quarter(0, 4)),
    ] {
        if let Some(i) = before.rfind(w) {
            // `前三季度` is nine months, not the third quarter.
            let p = if w == "三季度" && before[..i].ends_with('前') {
                Period::Month(0, 9)
            } else {
                p
            };
            found.push((i, p));
        }
    }
    for mention in numbers::mentions(before) {
        if mention.rest.starts_with('月')
            && !mention.rest.starts_with("月份")
            && mention.value.fract() == 0.0
            && (1.0..=12.0).contains(&mention.value)
            // A day (`3月15日`) dates an event, not the figure, unless the figure is
            // as of that day (`截至2018年4月10日`).
            && (!before[mention.span.end..].chars().skip(1).take(3).any(|c| c == '日' || c == '号')
                || {
                    let lead: String = before[..mention.span.start].chars().rev().take(8).collect();
                    lead.contains("至截") || lead.contains("止截")
                })
        {
            let m = mention.hi.unwrap_or(mention.value) as u8;
            found.push((mention.span.start, Period::Month(0, m)));
        }
    }
    found.into_iter().max_by_key(|(i, _)| *i)
}

/// Where a quote ending at mention `m` ends: after the number, its unit, and a bound
/// word that follows the unit (`1500家以上`).
pub(super) fn quote_end(text: &str, m: &Mention) -> usize {
    let after = &text[m.span.end..];
    let unit_len: usize = after
        .chars()
        .take_while(|c| numbers::is_unit_char(*c))
        .map(char::len_utf8)
        .sum();
    let mut end = m.span.end + unit_len;
    for w in ["平方米", "平方公里", "以上", "以下", "以内", "左右"] {
        let rest = &text[end..];
        if rest.starts_with(w) {
            end += w.len();
            break;
        }
        // `万平方米`: the magnitude was taken as part of the unit run.
        if m.span.end + unit_len < text.len() && text[m.span.end..].starts_with(w) {
            end = m.span.end + w.len();
            break;
        }
    }
    end
}

/// A quote starts at a word, not on punctuation or a list marker.
pub(super) fn trim_start(text: &str, mut start: usize) -> usize {
    while let Some(c) = text[start..].chars().next() {
        if c.is_alphanumeric() && !matches!(c, '一' | '二' | '三' | '四' | '五') || c == '“'
        {
            break;
        }
        if matches!(c, '一' | '二' | '三' | '四' | '五')
            && !text[start + c.len_utf8()..].starts_with(['是', '、', '.'])
        {
            break;
        }
        start += c.len_utf8();
        // `一是` / `二、`: the marker and its word.
        if text[start..].starts_with(['是', '、', '.']) {
            start += text[start..].chars().next().map_or(0, char::len_utf8);
        }
    }
    start.min(text.len())
}
