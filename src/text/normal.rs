//! Comparing a curator's quote with an article's text, the way a reader would.
//!
//! A quote typed from a 晚报 page may use full-width digits or commas where the cleaned
//! article has ASCII ones, or lose a space the scraper put inside a sentence. Both sides
//! are compared in a normal form (NFKC, whitespace removed), and every normalised byte
//! remembers which bytes of the original it came from, so a match can be highlighted in
//! the original text.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// Text in normal form, with a map back to the original.
///
/// Normalised character by character, so every output byte maps to one input
/// character; compositions across characters (half-width katakana with a separate
/// voicing mark) are not made, which Chinese text never needs.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    /// For each byte of `text`, the byte range of the original character it came from.
    origin: Vec<(u32, u32)>,
}

impl Normalized {
    pub fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        let mut buf = [0u8; 4];
        for (start, c) in original.char_indices() {
            let end = (start + c.len_utf8()) as u32;
            // Fast path: ASCII, CJK ideographs and CJK punctuation are their own NFKC
            // form; they are nearly all of an article.
            if c.is_ascii()
                || ('\u{4E00}'..='\u{9FFF}').contains(&c)
                || ('\u{3001}'..='\u{3037}').contains(&c)
                || ('\u{2018}'..='\u{201D}').contains(&c)
            {
                if !c.is_whitespace() {
                    text.push(c);
                    origin.extend(std::iter::repeat_n((start as u32, end), c.len_utf8()));
                }
                continue;
            }
            for n in std::iter::once(c).nfkc() {
                if n.is_whitespace() {
                    continue;
                }
                let s = n.encode_utf8(&mut buf);
                text.push_str(s);
                origin.extend(std::iter::repeat_n((start as u32, end), s.len()));
            }
        }
        Normalized { text, origin }
    }

    /// Where `needle` (already normalised) first occurs, as a byte range of the original.
    pub fn find(&self, needle: &str) -> Option<Range<usize>> {
        if needle.is_empty() {
            return None;
        }
        let at = self.text.find(needle)?;
        Some(self.original_range(at..at + needle.len()))
    }

    /// Where `needle` first occurs at or after byte `from` of the normalised text:
    /// that byte range of the normalised text, and of the original.
    pub fn find_from(&self, needle: &str, from: usize) -> Option<(Range<usize>, Range<usize>)> {
        if needle.is_empty() {
            return None;
        }
        let from = (from..=self.text.len()).find(|&i| self.text.is_char_boundary(i))?;
        let at = from + self.text[from..].find(needle)?;
        let r = at..at + needle.len();
        Some((r.clone(), self.original_range(r)))
    }

    /// Every occurrence of `needle`, as byte ranges of the normalised text.
    pub fn find_all<'a>(&'a self, needle: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
        self.text
            .match_indices(needle)
            .filter(move |_| !needle.is_empty())
            .map(|(at, m)| at..at + m.len())
    }

    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.origin[r.start].0 as usize;
        let end = self.origin[r.end - 1].1 as usize;
        start..end
    }
}

/// The normal form of a quote: what [`Normalized::find`] searches for.
pub fn normalize(s: &str) -> String {
    Normalized::new(s).text
}

/// True for characters that are written without spaces between them: Han, kana,
/// Hangul and CJK punctuation. A line break between two such characters is not a space.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'
        | '\u{2E80}'..='\u{2FDF}'
        | '\u{3000}'..='\u{303F}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3100}'..='\u{31BF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3134F}'
        | '“' | '”' | '‘' | '’' | '…' | '—')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_punctuation_match_ascii() {
        let article = Normalized::new("全市备案科技型中小企业２４３７家，占全省39%;");
        let r = article
            .find(&normalize("中小企业2437家,占全省３９％"))
            .unwrap();
        assert_eq!(
            &"全市备案科技型中小企业２４３７家，占全省39%;"[r],
            "中小企业２４３７家，占全省39%"
        );
    }

    #[test]
    fn whitespace_is_folded_on_both_sides() {
        let text = "报料热线:886 2395,记者 何燕";
        let article = Normalized::new(text);
        let r = article.find(&normalize("8862395, 记者何燕")).unwrap();
        assert_eq!(&text[r], "886 2395,记者 何燕");
    }

    #[test]
    fn the_fast_path_agrees_with_nfkc() {
        let sample = "福州市２０２２年，R&D支出257.4亿元；“创新”…〸（一）ｶ\u{3000}a b";
        let slow: String = sample.nfkc().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(Normalized::new(sample).text, slow);
    }

    #[test]
    fn a_changed_character_does_not_match() {
        let article = Normalized::new("国家高新技术企业总量达3759家");
        assert!(
            article
                .find(&normalize("国家高新技术企业总量达3750家"))
                .is_none()
        );
        assert!(article.find("").is_none());
    }

    #[test]
    fn cjk_classification() {
        assert!(is_cjk('福'));
        assert!(is_cjk('。'));
        assert!(is_cjk('，'));
        assert!(!is_cjk('a'));
        assert!(!is_cjk('3'));
    }
}
