//! The words `extract` reads a number's role by: a goal, now, an activity around an
//! indicator, a phone number, a rate. (The words `check` must read the same way are
//! in [`crate::text::words`].)

/// Words that make a figure a goal rather than an achievement.
pub(super) const TARGET_WORDS: &[&str] = &[
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
    "达到…以上",
];

/// Words for "now": the article's date is the figure's.
pub(super) const NOW_WORDS: &[&str] = &[
    "截至目前",
    "目前",
    "至今",
    "现有",
    "当前",
    "今年以来",
    "年初以来",
];

/// Words that make a count one of an activity around the indicator (enterprises
/// recommended, trained, visited) rather than the indicator's own.
pub(super) const ACTIVITY_WORDS: &[&str] = &[
    "推荐", "申报", "参评", "走访", "辅导", "培训", "对接", "服务", "组织", "梯队", "后备", "潜力",
];

/// Words before a number that make it a phone, fax or code, not a count.
pub(super) const NOT_A_COUNT: &[&str] = &[
    "电话", "热线", "传真", "邮编", "代码", "编号", "文号", "号码",
];

/// A rate or share of something named before it: `完成率107%` is not the subject's
/// value. A core that is itself a rate (`研发活动覆盖率`) is matched before this.
pub(super) const RATE_WORDS: &[&str] = &["率", "比重", "占比", "比例", "份额", "排名", "名次"];

pub(super) fn is_target(before: &str) -> bool {
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
    TARGET_WORDS.iter().any(|w| before.contains(w) && !met(w))
        || before.contains('将') && !before.contains("将近") && !before.contains("即将")
}

/// Words that make a flow one of several years: no single period holds it.
pub(super) const MULTI_YEAR: &[&str] = &[
    "近两年",
    "近三年",
    "近五年",
    "近年来",
    "两年来",
    "三年来",
    "五年来",
    "多年来",
    "十二五",
    "十三五",
    "十四五",
    "以来累计",
    "历年",
];

/// Whether the words between a noun and its number make the number a change on a
/// base: `较上年增加`, `比2020年增长`, `同比多`.
pub(super) fn is_change(between: &str) -> bool {
    let base = ["较", "比", "同比", "环比"]
        .iter()
        .any(|w| between.contains(w));
    let moved = [
        "增加", "增长", "减少", "下降", "提高", "提升", "多", "净增", "翻",
    ]
    .iter()
    .any(|w| between.contains(w));
    base && moved
}

/// Words of a heading or a paragraph's opening that make what follows a plan: its
/// figures are goals, not results.
const PLAN_FRAMES: &[&str] = &[
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
pub(super) fn is_plan_frame(frame: &str) -> bool {
    PLAN_FRAMES.iter().any(|w| frame.contains(w))
        && !frame.contains("总结")
        && !frame.contains("完成")
}

/// A paragraph's opening frame: its words up to the first colon (`2024年主要目标是：`),
/// when they are short enough to be a frame and not a sentence of their own.
pub(super) fn paragraph_frame(before_sentence: &str) -> Option<&str> {
    let i = before_sentence.find([':', '：'])?;
    let frame = &before_sentence[..i];
    (frame.chars().count() <= 24).then_some(frame)
}

/// Words that make a sentence report what was done, whatever the sentence before it
/// aimed at.
const DONE_WORDS: &[&str] = &[
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
pub(super) fn carries_goal(paragraph_before: &str, sentence_before: &str) -> bool {
    !paragraph_before.is_empty()
        && is_target(paragraph_before)
        && !DONE_WORDS.iter().any(|w| sentence_before.contains(w))
}
