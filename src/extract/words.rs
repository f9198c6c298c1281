//! The words `extract` reads a number's role by: an activity around an indicator, a
//! phone number, a rate, several years. (The words `check` must read the same way are
//! in [`crate::text::words`] and [`crate::text::goal`].)

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
