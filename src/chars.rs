//! Characters a published page may contain.
//!
//! XML 1.0 refuses control characters outright (one NUL in a title and `atom.xml` no
//! longer parses), and HTML treats them, the C1 controls and the noncharacters as parse
//! errors. Scraped text carries all of them (a NUL from a broken encoder, a `\u0001`
//! through a YAML escape). They are removed where they enter: YAML escapes before the
//! file is parsed, raw ones in YAML are errors, article text is stripped run by run
//! when rendered, `clean` strips raw pages; each with a warning at its position.

use std::borrow::Cow;

/// Whether `c` may appear in HTML and XML text.
pub fn allowed(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\0'..='\u{1F}' | '\u{7F}'..='\u{9F}' => false,
        '\u{FDD0}'..='\u{FDEF}' => false,
        _ => (c as u32) & 0xFFFE != 0xFFFE,
    }
}

/// Byte offsets of the characters of `s` that are not [`allowed`].
pub fn disallowed(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let suspect = may_hold_disallowed(s.as_bytes());
    s.char_indices()
        .filter(move |&(_, c)| suspect && !allowed(c))
}

/// Whether the UTF-8 `b` holds a character that is not [`allowed`], by its bytes:
/// nearly all text has none, and this runs over every value of every page, so it
/// looks at 32 bytes at a time (a fold the compiler vectorises) and only at the
/// three-byte sequences it cares about with `memmem`.
fn may_hold_disallowed(b: &[u8]) -> bool {
    // C0 controls but tab and line breaks, DEL, the C1 lead byte and 4-byte leads.
    let flag = |c: u8| {
        u8::from(c < 0x20 && c != b'\t' && c != b'\n' && c != b'\r')
            | u8::from(c == 0x7F)
            | u8::from(c == 0xC2)
            | u8::from(c >= 0xF0)
    };
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    for (n, chunk) in b.chunks(32).enumerate() {
        if chunk.iter().fold(0, |acc, &c| acc | flag(c)) == 0 {
            continue;
        }
        for (k, &c) in chunk.iter().enumerate() {
            let i = n * 32 + k;
            let hit = match c {
                // C1 controls: C2 80..9F.
                0xC2 => (0x80..=0x9F).contains(&at(i + 1)),
                // U+nFFFE and U+nFFFF of the supplementary planes: F? ?F BF BE/BF.
                0xF0..=0xF4 => at(i + 1) & 0x0F == 0x0F && at(i + 2) == 0xBF && at(i + 3) >= 0xBE,
                0xF5..=0xFF => false,
                c => flag(c) == 1,
            };
            if hit {
                return true;
            }
        }
    }
    // U+FDD0..U+FDEF (EF B7 90..AF) and U+FFFE, U+FFFF (EF BF BE, EF BF BF).
    let three = |i: usize| {
        (at(i + 1) == 0xB7 && (0x90..=0xAF).contains(&at(i + 2)))
            || (at(i + 1) == 0xBF && at(i + 2) >= 0xBE)
    };
    if b.len() < 512 {
        // Short values (names, labels: most calls): a plain scan beats a searcher.
        return b.iter().enumerate().any(|(i, &c)| c == 0xEF && three(i));
    }
    static EF_B7: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\xEF\xB7"));
    static EF_BF: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\xEF\xBF"));
    EF_B7.find_iter(b).any(three) || EF_BF.find_iter(b).any(three)
}

/// `s` without the characters that are not [`allowed`]; borrowed when it has none.
pub fn strip(s: &str) -> Cow<'_, str> {
    if disallowed(s).next().is_none() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| allowed(c)).collect())
    }
}

/// `U+0001`: how a character is named in messages.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_noncharacters_are_removed_text_is_not() {
        let s = "福州\u{0}市\u{1}\u{7F}\u{85}\u{9F}\u{FFFE}\u{FFFF}\u{FDD0}\u{1FFFF}，\t2022年\n";
        assert_eq!(strip(s), "福州市，\t2022年\n");
        assert!(matches!(strip("国家高新技术企业3759家"), Cow::Borrowed(_)));
        for ok in [
            '\u{A0}',
            '\u{2028}',
            '\u{FFFD}',
            '\u{10000}',
            '😀',
            '\u{E000}',
        ] {
            assert!(allowed(ok), "{ok:?}");
        }
        let found: Vec<usize> = disallowed("ab\u{0}c\u{85}").map(|(i, _)| i).collect();
        assert_eq!(found, vec![2, 4]);
    }

    #[test]
    fn the_byte_scan_agrees_with_the_characters() {
        for c in (0..0x11_0000u32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            assert_eq!(may_hold_disallowed(s.as_bytes()), !allowed(c), "{c:?}");
        }
    }
}
