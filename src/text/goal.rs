//! Whether a number is a goal or a result: the words and frames that make it one.
//!
//! `extract` files a figure as `target` or `actual` by these words, and `check` proves
//! a recorded status by the same ones, so what `extract` proposes passes `check`.

use super::Normalized;
use super::numbers::{self, Mention};
use super::punct;

/// Words that make a figure a goal rather than an achievement.
pub const TARGET_WORDS: &[&str] = &[
    "力争",
    "力促",
    "目标",
    "预计",
    "确保",
    "争取",
    "预期",
    "计划到",
    "计划在",
    "计划年",
    "拟",
    "将达",
    "将突破",
    "将超过",
    "将实现",
    "要达到",
    "有望",
    "达到…以上",
];

/// Words for "now": the article's date is the figure's.
pub const NOW_WORDS: &[&str] = &[
    "截至目前",
    "目前",
    "至今",
    "现有",
    "当前",
    "今年以来",
    "年初以来",
];

/// Goal words that may also name what was obtained or proposed: `拟认定名单` is a
/// list's name, `争取各类科技项目59项` obtained them. A hint of a goal, no proof.
pub const WEAK_GOAL_WORDS: &[&str] = &["拟", "争取"];

/// The word that makes a number a goal beyond doubt, for `check`: the
/// [`TARGET_WORDS`] less those that also name what was done or proposed (`拟认定名单`
/// is a list's name; `争取各类科技项目59项` and `争取到` mean obtained).
pub fn goal_word(before: &str) -> Option<&'static str> {
    if !is_target(before) {
        return None;
    }
    let strong = |w: &str| !WEAK_GOAL_WORDS.contains(&w);
    TARGET_WORDS
        .iter()
        .copied()
        .find(|w| before.contains(w) && strong(w))
        .or_else(|| bare_jiang(before).then_some("将"))
}

/// Whether `before` says `将` (will) on its own: not in 将近 (nearly), 即将, nor in a
/// place's name (将乐县 is a county, whose figures are results like any other's).
fn bare_jiang(before: &str) -> bool {
    if !before.contains('将') {
        return false;
    }
    let mut bare = before.replace("将近", "").replace("即将", "");
    for name in NAMES_WITH_JIANG.iter() {
        if bare.contains(name.as_str()) {
            bare = bare.replace(name.as_str(), "");
        }
    }
    bare.contains('将')
}

/// The gazetteer's names that hold 将, full and short (将乐县, 将乐), longest first.
static NAMES_WITH_JIANG: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    let mut names: Vec<String> = crate::gazetteer::DIVISIONS
        .iter()
        .flat_map(|d| {
            [
                d.name.clone(),
                crate::gazetteer::short_name(&d.name).to_string(),
            ]
        })
        .filter(|n| n.contains('将') && n.chars().count() >= 2)
        .collect();
    names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    names.dedup();
    names
});

pub fn is_target(before: &str) -> bool {
    // `完成了年度目标任务` reports a goal met: it is not one.
    let met = |w: &str| {
        before.match_indices(w).all(|(i, _)| {
            let after = &before[i + w.len()..];
            let prior = &before[..i];
            after.starts_with("任务")
                || prior.ends_with("年度")
                || prior.ends_with('了')
                || prior.ends_with("完成")
                || prior.ends_with("实现")
        })
    };
    TARGET_WORDS.iter().any(|w| before.contains(w) && !met(w)) || bare_jiang(before)
}

/// Words of a heading or a paragraph's opening that make what follows a plan: its
/// figures are goals, not results.
pub const PLAN_FRAMES: &[&str] = &[
    "主要目标",
    "预期目标",
    "发展目标",
    "目标任务",
    "工作目标",
    "工作思路",
    "工作计划",
    "工作打算",
    "工作安排",
    "工作重点",
    "重点工作",
    "主要任务",
    "下一步",
    "明年",
];

/// Whether a heading or a paragraph's opening frame announces a plan. `工作总结`, a
/// review, does not; a heading naming both (`总结及计划`) is not read as either.
pub fn is_plan_frame(frame: &str) -> bool {
    PLAN_FRAMES.iter().any(|w| frame.contains(w))
        && !frame.contains("总结")
        && !frame.contains("完成")
}

/// A paragraph's opening frame: its words up to the first colon (`2024年主要目标是：`),
/// when they are short enough to be a frame and not a sentence of their own.
pub fn paragraph_frame(before_sentence: &str) -> Option<&str> {
    let i = before_sentence.find([':', '：'])?;
    let frame = &before_sentence[..i];
    (frame.chars().count() <= 24).then_some(frame)
}

/// Words that make a sentence report what was done, whatever the sentence before it
/// aimed at.
pub const DONE_WORDS: &[&str] = &[
    "已",
    "截至",
    "截止",
    "完成",
    "实现了",
    "去年",
    "上年",
    "同比",
    "累计",
    "达到了",
    "共有",
    "现有",
];

/// Whether a goal stated earlier in the paragraph (`2016年,我市力争申报35家,…。`)
/// governs this sentence, which names no goal and reports nothing done.
pub fn carries_goal(paragraph_before: &str, sentence_before: &str) -> bool {
    !paragraph_before.is_empty()
        && is_target(paragraph_before)
        && !DONE_WORDS.iter().any(|w| sentence_before.contains(w))
}

/// The nearest heading before run `run`: a short run that does not end a sentence.
pub fn heading_before(runs: &[Normalized], run: usize) -> Option<&str> {
    runs[..run]
        .iter()
        .rev()
        .map(|r| r.text.as_str())
        .find(|t| punct::is_short_heading(t))
}

/// Whether the words before a number state a year before the article's (a plan
/// recounting last year's results).
pub fn states_past_year(before: &str, date_year: Option<i32>) -> bool {
    let Some(y) = date_year else {
        return false;
    };
    // A year compared with (`比2021年增长`, `与2012年相比`) is a base, not a recap.
    numbers::mentions(before)
        .iter()
        .filter(|m| {
            let prior = &before[..m.span.start];
            !["比", "较", "与", "同", "从", "由"]
                .iter()
                .any(|w| prior.ends_with(w))
        })
        .filter_map(Mention::year)
        .any(|v| v < y)
        || before.contains("去年")
        || before.contains("上年")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_goal_word_beyond_doubt_and_one_that_may_name_a_result() {
        assert_eq!(goal_word("力争全年新增"), Some("力争"));
        assert_eq!(goal_word("全年有望突破"), Some("有望"));
        assert_eq!(goal_word("全市高新技术企业总量将达到"), Some("将达"));
        assert_eq!(goal_word("明年将新建"), Some("将"));
        // `争取各类科技项目59项` obtained them; `拟认定名单` names a list.
        assert_eq!(goal_word("争取各类科技项目"), None);
        assert_eq!(goal_word("公布了拟认定名单,我市"), None);
        // A goal met is not one.
        assert_eq!(goal_word("圆满完成了年度目标任务,全市"), None);
        assert_eq!(goal_word("将近"), None);
        // A county's name is not the verb: 将乐县 reports results.
        assert_eq!(goal_word("将乐县2023年高新技术企业达到"), None);
        assert!(!is_target("全县（将乐）高新技术企业"));
        assert_eq!(goal_word("将乐县明年将新增"), Some("将"));
    }

    #[test]
    fn a_year_compared_with_is_not_a_recap() {
        assert!(states_past_year("2021年全市新增", Some(2022)));
        assert!(!states_past_year("比2021年增长了", Some(2022)));
        assert!(!states_past_year("与2012年相比增长", Some(2022)));
    }
}
