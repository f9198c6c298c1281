//! The time words of a Chinese text: years, ranges, five-year plans, relative words
//! (今年, 去年底, 目前) and the frames that open a clause (`截至2022年底,`).
//!
//! This is the lexer; which of the words dates a figure is `check`'s policy
//! (`check::dating`). Input is in normal form ([`super::normalize`]).

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::{numbers, punct};

/// A time word of a text, with its byte offset there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ref {
    /// A year the text is about (`2022年`, `到2025年`, `截至2022年底`), or a range's ends.
    Year(i32),
    /// `2022年以来`: that year and every one after it.
    Since(i32),
    /// A five-year plan (`十四五`, `“十四五”期间`): every year of it.
    Span(i32, i32),
    /// A year it is compared with (`较2021年`, `比2020年增长`): the figure is later.
    Compared(i32),
    /// A year a change starts from (`由2014年的500亿元`): the period of that value, not
    /// of the one it grows to.
    Start(i32),
    /// A year a plan builds on (`在2022年的基础上`): not the period of anything.
    Base(i32),
    /// 今年 (0), 去年 (-1), 明年 (+1)…: relative to the document's year. `true` for
    /// 全年, 年底 and the like, which an article dated early in a year uses of the year
    /// just ended.
    Relative(i32, bool),
    /// 目前, 截至目前, 至今: the state now, which a report written early in a year
    /// gives as the last year-end's: the frames around it, or the date, decide.
    Now,
    /// 比去年, 较上年, 去年同期: compared with a year relative to the document's.
    RelativeCompared(i32),
}

/// Relative time words and their offsets from the document's year (compounds
/// before their parts: `去年底` is not `年底`).
const RELATIVE: &[(&str, i32)] = &[
    ("截至目前", NOW),
    ("今年以来", 0),
    ("本年度", 0),
    ("前三季度", 0),
    ("去年底", -1),
    ("去年末", -1),
    ("上年底", -1),
    ("上年末", -1),
    ("明年底", 1),
    ("上半年", 0),
    ("下半年", 0),
    ("一季度", 0),
    ("二季度", 0),
    ("三季度", 0),
    ("四季度", 0),
    ("过去一年", -1),
    ("过去的一年", -1),
    ("上一年", -1),
    ("下一年", 1),
    ("今年", 0),
    ("本年", 0),
    ("当年", 0),
    ("全年", 0),
    ("年内", 0),
    ("年底", 0),
    ("年末", 0),
    ("目前", NOW),
    ("当前", NOW),
    ("至今", NOW),
    ("去年", -1),
    ("上年", -1),
    ("前年", -2),
    ("明年", 1),
    ("来年", 1),
];

/// Relative words an article dated early in a year may use of the year just ended.
const LOOSE: &[&str] = &["全年", "年底", "年末", "本年度", "年内", "当年"];

/// China's five-year plans: `十四五末` is 2025, `十四五期间` 2021–2025.
const PLANS: &[(&str, i32)] = &[
    ("十一五", 2006),
    ("十二五", 2011),
    ("十三五", 2016),
    ("十四五", 2021),
    ("十五五", 2026),
];

/// The offset that stands for [`Ref::Now`] in [`RELATIVE`].
const NOW: i32 = i32::MIN;

/// Words before a year that make it a comparison.
const COMPARED: &[&str] = &["较", "比", "相比", "对比", "与", "同比", "高于", "低于"];

/// The time words of `text` (normal form), in order.
pub fn refs(text: &str) -> Vec<(usize, Ref)> {
    let mut out = Vec::new();
    let mentions = numbers::mentions(text);
    for m in &mentions {
        let Some(y) = m.year() else { continue };
        let before = &text[..m.span.start];
        let after = &m.rest;
        // The rest of the year's segment, up to the next comma or stop.
        let segment_end = text[m.span.end..]
            .find(punct::CLAUSE_SPLITS)
            .map_or(text.len(), |i| m.span.end + i);
        let segment = &text[m.span.end..segment_end];
        let r = if COMPARED.iter().any(|w| before.ends_with(w))
            || after.starts_with("年相比")
            || after.starts_with("年同期")
            // "是2012年的5倍": compared with 2012.
            || (before.ends_with('是') && after.starts_with("年的"))
        {
            Ref::Compared(y)
        } else if ["由", "从"].iter().any(|w| before.ends_with(w)) {
            // "由2014年的500亿元增长到…": the value that follows is 2014's, the one the
            // sentence grows to is not.
            Ref::Start(y)
        } else if after.starts_with("年的基础") {
            Ref::Base(y)
        } else if segment.contains("以来") || after.starts_with("年起") {
            Ref::Since(y)
        } else {
            Ref::Year(y)
        };
        out.push((m.span.start, r));
        if let (Ref::Year(_), Some(hi)) = (r, m.hi) {
            out.push((m.span.start, Ref::Year(hi as i32)));
        }
    }
    // Months with no year of their own (`1-2月,`, `截至5月底`) are of the document's.
    for m in &mentions {
        let is_month = m.rest.starts_with('月')
            && m.magnitude == 1.0
            && m.value.fract() == 0.0
            && (1.0..=12.0).contains(&m.value);
        let before = &text[..m.span.start];
        // `2月1日` is the day of an event, not a period.
        let day = m
            .rest
            .strip_prefix('月')
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
        if is_month
            && !day
            && !before.ends_with('年')
            && !before.ends_with(|c: char| c.is_ascii_digit())
        {
            out.push((m.span.start, Ref::Relative(0, false)));
        }
    }
    for (plan, first) in PLANS {
        for (at, _) in text.match_indices(plan) {
            let rest = text[at + plan.len()..].trim_start_matches(['”', '"', '’', '\'']);
            if rest.starts_with('末') || rest.starts_with("期末") {
                out.push((at, Ref::Year(first + 4)));
            } else {
                out.push((at, Ref::Span(*first, first + 4)));
            }
        }
    }
    // Relative words, but not those that belong to a stated year (`2022年底`,
    // `2023年上半年`, `2022年全年`).
    let mut taken: Vec<Range<usize>> = Vec::new();
    // Where each word occurs, found in one pass (a searcher per word per call was a
    // quarter of `check`), as `match_indices` would: left to right, not overlapping
    // itself. The words are then taken in the list's order, as before.
    static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new(RELATIVE.iter().map(|(w, _)| *w)).expect("relative words")
    });
    let mut at_of: Vec<Vec<usize>> = vec![Vec::new(); RELATIVE.len()];
    for m in WORDS.find_overlapping_iter(text) {
        let seen = &mut at_of[m.pattern().as_usize()];
        if seen
            .last()
            .is_none_or(|&last| m.start() >= last + RELATIVE[m.pattern().as_usize()].0.len())
        {
            seen.push(m.start());
        }
    }
    for ((word, offset), ats) in RELATIVE.iter().zip(&at_of) {
        for &at in ats {
            let end = at + word.len();
            if taken.iter().any(|t| t.start < end && at < t.end) {
                continue;
            }
            taken.push(at..end);
            let before = &text[..at];
            let digit_before = |b: &str| b.ends_with(|c: char| c.is_ascii_digit());
            // `年底` inside `2022年底` starts at the year's 年; `上半年` follows one.
            if digit_before(before) || before.strip_suffix('年').is_some_and(digit_before) {
                continue;
            }
            let compared =
                COMPARED.iter().any(|w| before.ends_with(w)) || text[end..].starts_with("同期");
            out.push((
                at,
                match (*offset, compared) {
                    (NOW, _) => Ref::Now,
                    (o, true) => Ref::RelativeCompared(o),
                    (o, false) => Ref::Relative(o, LOOSE.contains(word)),
                },
            ));
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out
}

/// Words that may stand beside time words in a frame: `目标到2023年,`, `截至去年底,`.
const FRAME_WORDS: &[&str] = &[
    "目标", "力争", "争取", "预计", "计划", "确保", "到", "至", "截至", "截止", "在", "自", "于",
    "从", "其中", "同时", "期间", "底", "末", "前", "以来", "来", "为止", "内",
];

/// The frames of a paragraph: segments (between commas, colons and stops) made of
/// time words alone, such as `2022年`, `今年以来`, `截至2022年底`, `目标到2023年`,
/// `上半年`, each with where it ends. A frame dates what follows it in the paragraph
/// until the next frame.
pub fn frames(text: &str) -> Vec<(usize, Vec<Ref>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), '。')))
    {
        if !is_frame_end(c) {
            continue;
        }
        let segment = &text[start..i];
        start = i + c.len_utf8();
        if let Some(found) = frame_of(segment) {
            out.push((i, found));
        }
    }
    out
}

fn is_frame_end(c: char) -> bool {
    punct::CLAUSE_SPLITS.contains(&c)
}

/// The last frame of `text[..end]`, as `frames(&text[..end]).last()` gives it, from
/// the frames of the whole paragraph (`all`): each segment is read alone, so only the
/// one `end` cuts short is read again. (Reading every prefix anew was most of `check`:
/// a paragraph stating twenty figures was read twenty times.)
pub fn last_frame_before(text: &str, all: &[(usize, Vec<Ref>)], end: usize) -> Option<Vec<Ref>> {
    let cut = text[..end]
        .char_indices()
        .rev()
        .find(|(_, c)| is_frame_end(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    if let Some(found) = frame_of(&text[cut..end]) {
        return Some(found);
    }
    all.iter()
        .take_while(|(i, _)| *i < cut)
        .last()
        .map(|(_, f)| f.clone())
}

/// The time words of a segment, if it is made of time words alone.
fn frame_of(segment: &str) -> Option<Vec<Ref>> {
    if segment.is_empty() || segment.chars().count() > 16 {
        return None;
    }
    let found = refs(segment);
    if found.is_empty() {
        return None;
    }
    // Only time words (and the few words frames are written with).
    let mentions = numbers::mentions(segment);
    let counts = mentions
        .iter()
        .any(|m| m.year().is_none() && !m.rest.starts_with('月') && !m.rest.starts_with('日'));
    if counts {
        return None;
    }
    let mut rest = segment.to_string();
    for m in mentions.iter().rev() {
        rest.replace_range(m.span.clone(), "");
    }
    // A word whose first character is not there is not there either: a character
    // search instead of a substring searcher per word (there are a hundred words).
    let remove = |rest: &mut String, w: &str| {
        if w.chars().next().is_some_and(|c| rest.contains(c)) {
            *rest = rest.replace(w, "");
        }
    };
    for (w, _) in RELATIVE.iter().chain(PLANS) {
        remove(&mut rest, w);
    }
    for w in ["年", "月", "日", "“", "”", "\""] {
        remove(&mut rest, w);
    }
    for w in FRAME_WORDS {
        remove(&mut rest, w);
    }
    (rest.chars().count() <= 1).then(|| found.into_iter().map(|(_, r)| r).collect())
}
