//! Flags: damage the cleaner sees but does not repair, because a repair would be a
//! guess. Byte-shift mojibake ("?!笔】萍紡d", "?xùn)|") and OCR slips ("第2o" for
//! "第2。") are reported with their line and column for a person to fix.

use super::{Doc, Flag};
use crate::text::is_cjk;

/// A flag for each character of the decoded page that no page may hold (they are
/// removed before the rules run), and for each undecodable byte (U+FFFD), so the
/// curator can look at the raw page there.
pub fn disallowed_characters(text: &str) -> Vec<Flag> {
    let mut out = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        for (col, c) in line.chars().enumerate() {
            let col = col + 1;
            let message = if !crate::chars::allowed(c) {
                format!(
                    "the control character {} is removed",
                    crate::chars::code_point(c)
                )
            } else if c == '\u{FFFD}' {
                "a byte here could not be decoded (shown as �)".to_string()
            } else {
                continue;
            };
            if out.len() < 20 {
                out.push(Flag {
                    raw: n + 1,
                    col,
                    message,
                });
            }
        }
    }
    out
}

/// "?" standing where a character was lost, and stray Latin letters or bars between
/// Chinese characters: signs of text decoded with the wrong byte alignment.
pub fn mojibake(doc: &mut Doc) {
    let mut flags = Vec::new();
    for line in &doc.lines {
        let chars: Vec<char> = line.text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let han = |c: Option<char>| {
                c.is_some_and(|c| is_cjk(c) && !"，。、；：！？“”（）《》".contains(c))
            };
            // A question mark after a question particle ("吗?") is punctuation; so is
            // one closing a clause that asks ("取得了哪些成效?今年…"): a lost character
            // sits inside a word, with no question before it.
            let question = prev.is_some_and(|p| "吗呢吧么嘛啊呀".contains(p)) || asks(&chars[..i]);
            let lost = c == '?'
                && !question
                && (han(next)
                    || next == Some('!')
                    || next == Some('?')
                    || (han(prev) && next.is_some_and(|n| n.is_ascii_lowercase())));
            // Lowercase only: "C类人才", "A股" are ordinary Chinese text.
            let stray = (c.is_ascii_lowercase() || c == '|')
                && han(prev)
                && han(next)
                && !chars
                    .get(i.wrapping_sub(2))
                    .is_some_and(|p| p.is_ascii_alphabetic());
            let near_last = flags
                .last()
                .is_some_and(|f: &Flag| f.raw == line.raw && i + 1 < f.col + 8);
            if (lost || stray) && !near_last {
                // Report a run of damage once.
                let start = i;
                while i + 1 < chars.len()
                    && !han(chars.get(i + 1).copied())
                    && !chars[i + 1].is_whitespace()
                {
                    i += 1;
                }
                let sample: String = chars[start.saturating_sub(2)..(i + 3).min(chars.len())]
                    .iter()
                    .collect();
                flags.push(Flag {
                    raw: line.raw,
                    col: start + 1,
                    message: format!("looks like mojibake (text decoded with the wrong byte alignment): `{sample}`; left as it is"),
                });
            }
            i += 1;
        }
    }
    doc.flags.extend(flags);
}

/// The clause before a `?` asks something: a question word since the last stop.
fn asks(before: &[char]) -> bool {
    const WORDS: &[&str] = &[
        "什么",
        "哪些",
        "哪个",
        "哪里",
        "哪儿",
        "如何",
        "怎么",
        "怎样",
        "多少",
        "为什么",
        "为何",
        "是否",
        "几个",
        "何时",
        "谁",
    ];
    let start = before
        .iter()
        .rposition(|c| "。！？!?；;".contains(*c))
        .map_or(0, |p| p + 1);
    let clause: String = before[start..].iter().collect();
    WORDS.iter().any(|w| clause.contains(w))
}

/// A Latin "o" right after a digit and before a new part or the end: an OCR reading of
/// "。" ("位列全市第2o(二)").
pub fn ocr_slips(doc: &mut Doc) {
    let mut flags = Vec::new();
    for line in &doc.lines {
        let chars: Vec<char> = line.text.chars().collect();
        for (i, w) in chars.windows(2).enumerate() {
            let next = chars.get(i + 2).copied();
            if w[0].is_ascii_digit()
                && matches!(w[1], 'o' | 'O')
                && next.is_none_or(|n| is_cjk(n) || n == '(' || n == '（')
            {
                flags.push(Flag {
                    raw: line.raw,
                    col: i + 2,
                    message: format!(
                        "`{}{}` may be an OCR slip for `{}。`; left as it is",
                        w[0], w[1], w[0]
                    ),
                });
            }
        }
    }
    doc.flags.extend(flags);
}

#[cfg(test)]
mod tests {
    use super::super::structure::parse;
    use super::*;

    fn flagged(text: &str, rule: fn(&mut Doc)) -> Vec<(usize, usize)> {
        let mut d = parse(text);
        rule(&mut d);
        d.flags.iter().map(|f| (f.raw, f.col)).collect()
    }

    #[test]
    fn mojibake_is_flagged_not_changed() {
        assert_eq!(
            flagged("更为广阔的空间?!笔】萍纺d相关负责人\n", mojibake),
            vec![(1, 8)]
        );
        assert_eq!(
            flagged("积极引进\n承接?xùn)|部产业转移\n", mojibake),
            vec![(2, 3)]
        );
        // Negative: a `?` inside a word, with no question before it, is still damage.
        assert_eq!(flagged("全市科技?新能力持续提升\n", mojibake), vec![(1, 5)]);
        assert!(
            flagged(
                "R&D投入强度2.27%，AI产业、5G基站和C类人才。你好吗?我很好。科技创新取得了哪些成效?今年全市新增高企120家。\n",
                mojibake
            )
            .is_empty()
        );
    }

    #[test]
    fn ocr_slips_are_flagged() {
        assert_eq!(
            flagged("位列全市第2o(二)以更大力度\n", ocr_slips),
            vec![(1, 7)]
        );
        assert!(flagged("型号2o3的设备与Go语言\n", ocr_slips).is_empty());
    }
}
