//! Words whose meaning `check` and `extract` must read the same way.

/// Words that, just before a number, say it fell: "下降8.2%", "同比减少3家",
/// "同比减2家". `check` refuses a rise quoted from such a sentence, and `extract`
/// refuses to propose one, so both read the same list.
pub const DECLINE_WORDS: &[&str] = &[
    "下降",
    "减少",
    "下滑",
    "下跌",
    "回落",
    "降低",
    "降落",
    "负增长",
    "减",
];

/// Whether text ending here says what follows fell.
pub fn declines(before: &str) -> bool {
    DECLINE_WORDS.iter().any(|w| before.ends_with(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list itself, pinned: check and extract both read it, so a word dropped here
    /// changes what both accept.
    #[test]
    fn the_list_is_settled() {
        assert_eq!(
            DECLINE_WORDS,
            [
                "下降",
                "减少",
                "下滑",
                "下跌",
                "回落",
                "降低",
                "降落",
                "负增长",
                "减"
            ]
        );
    }

    #[test]
    fn the_words_of_a_fall() {
        for before in [
            "研发投入同比下降",
            "同比减少",
            "企业数量减",
            "增速回落",
            "出现负增长",
        ] {
            assert!(declines(before), "{before}");
        }
        for before in [
            "同比增长",
            "新增",
            "减税降费后达到",
            "下降趋势得到扭转,总量",
        ] {
            assert!(!declines(before), "{before}");
        }
    }
}
