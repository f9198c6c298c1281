//! Where sentences and clauses end, and what a heading looks like.
//!
//! Every set holds both widths: raw and cleaned text has the full-width marks
//! (`，` `；` `！`), the normal form ([`super::normalize`]) the ASCII ones, and a rule
//! must not depend on which of the two it is given. `。` and `、` have no ASCII form.

/// Marks that end a sentence for certain.
pub const FULL_STOPS: &[char] = &['。', '！', '？', '!', '?'];

/// Marks that end a sentence inside a text: the full stops and the semicolons, which
/// in Chinese reports separate sentences of their own (`…增长12%;全市…`).
pub const SENTENCE_SPLITS: &[char] = &['。', '！', '？', '!', '?', '；', ';'];

/// Marks that end a clause but not a sentence: commas and colons. (The enumeration
/// comma `、` separates the items of a list, not clauses.)
pub const CLAUSE_MARKS: &[char] = &['，', ',', '：', ':'];

/// Marks that end a clause or a sentence.
pub const CLAUSE_SPLITS: &[char] = &['。', '！', '？', '!', '?', '；', ';', '，', ',', '：', ':'];

/// The enumeration comma: `高新技术企业、科技型中小企业`.
pub const ENUMERATION: char = '、';

/// Closing quotes and brackets, which may follow a sentence's last mark: `……。”`.
pub const CLOSERS: &[char] = &['”', '」', '』', '"', '）', ')', '’'];

/// What a line may end with when it is a finished sentence: [`SENTENCE_SPLITS`], an
/// ellipsis, or a closing quote (after one of them, see [`ends_sentence`]).
pub const TERMINAL: &[char] = &[
    '。', '！', '？', '!', '?', '；', ';', '…', '”', '」', '』', '"',
];

/// Whether a line is a finished sentence. A closing quote or bracket ends one only
/// after a sentence's mark (`……。”`), and an ellipsis at a line's end finishes it
/// (inside a text it does not split sentences: `等等……`).
pub fn ends_sentence(s: &str) -> bool {
    let core = s.trim_end().trim_end_matches(CLOSERS);
    core.ends_with(SENTENCE_SPLITS) || core.ends_with('…')
}

/// Whether a line reads as part of running text: a finished sentence, or one cut at a
/// clause mark or an enumeration comma that the next line continues.
pub fn ends_clause(s: &str) -> bool {
    ends_sentence(s) || s.ends_with(CLAUSE_MARKS) || s.ends_with(ENUMERATION)
}

/// The longest a heading runs, in characters.
pub const HEADING_MAX: usize = 40;

/// A line that can be a heading of the text around it: short, and not a finished
/// sentence (`一、强化企业创新主体地位`).
pub fn is_short_heading(s: &str) -> bool {
    char_len(s) <= HEADING_MAX && !ends_sentence(s)
}

/// A sentence and its byte offset in its paragraph: what [`sentences`] gives.
pub struct Sentence<'a> {
    pub text: &'a str,
    pub start: usize,
}

/// The sentences of a paragraph, each ending before its [`SENTENCE_SPLITS`] mark (a
/// work report lists one result per `；`); empty ones are left out.
pub fn sentences(paragraph: &str) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in paragraph.char_indices() {
        if SENTENCE_SPLITS.contains(&c) {
            if i > start {
                out.push(Sentence {
                    text: &paragraph[start..i],
                    start,
                });
            }
            start = i + c.len_utf8();
        }
    }
    if start < paragraph.len() {
        out.push(Sentence {
            text: &paragraph[start..],
            start,
        });
    }
    out
}

pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_ends_at_its_mark_in_either_width() {
        for line in [
            "全市高新技术企业达3759家。",
            "增长12%;",
            "是吗？",
            "好!",
            "等等……",
        ] {
            assert!(ends_sentence(line), "{line}");
        }
        assert!(ends_sentence("他说:“已经完成。”"));
        // A quote closed without a stop, a comma, a heading: not finished.
        for line in [
            "“科技之光”",
            "全市高新技术企业达3759家,",
            "一、强化企业创新主体地位",
        ] {
            assert!(!ends_sentence(line), "{line}");
        }
    }

    #[test]
    fn a_clause_may_end_at_a_comma_a_colon_or_a_list_comma() {
        assert!(ends_clause("其中:"));
        assert!(ends_clause("高新技术企业、"));
        assert!(!ends_clause("一、强化企业创新主体地位"));
    }

    #[test]
    fn headings_are_short_and_unfinished() {
        assert!(is_short_heading("一、强化企业创新主体地位"));
        assert!(!is_short_heading("全市高新技术企业达3759家。"));
        assert!(is_short_heading(&"长".repeat(HEADING_MAX)));
        assert!(!is_short_heading(&"长".repeat(HEADING_MAX + 1)));
        assert_eq!(HEADING_MAX, 40);
    }

    #[test]
    fn the_sets_agree_with_each_other() {
        // Every sentence split is a clause split, and each mark has both widths where
        // the normal form has an ASCII one.
        for c in SENTENCE_SPLITS.iter().chain(CLAUSE_MARKS) {
            assert!(CLAUSE_SPLITS.contains(c), "{c}");
        }
        assert_eq!(
            CLAUSE_SPLITS.len(),
            SENTENCE_SPLITS.len() + CLAUSE_MARKS.len()
        );
        for c in FULL_STOPS {
            assert!(SENTENCE_SPLITS.contains(c));
        }
        for set in [FULL_STOPS, SENTENCE_SPLITS, CLAUSE_MARKS, CLAUSE_SPLITS] {
            for &c in set {
                let n = super::super::normalize(&c.to_string());
                let n = n.chars().next().unwrap();
                assert!(
                    set.contains(&n),
                    "{c} normalises to {n}, which the set lacks"
                );
            }
        }
    }
}
