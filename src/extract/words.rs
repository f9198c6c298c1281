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
pub(super) const NOW_WORDS: &[&str] = &["截至目前", "目前", "至今", "现有", "当前"];

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
