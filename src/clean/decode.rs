//! Bytes → text: whatever the page's encoding, with one kind of line ending.
//!
//! Scraped Chinese pages come as UTF-8, GBK/GB18030 or Big5, often unlabelled. A BOM
//! decides; otherwise valid UTF-8 is UTF-8; otherwise chardetng guesses from the whole
//! file (it is built for exactly this: unlabelled legacy web content).

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8};

/// The text of `bytes` with `\n` line endings and no BOM, and the encoding's name.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let (text, encoding) = if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        (
            enc.decode_without_bom_handling(&bytes[bom..])
                .0
                .into_owned(),
            enc,
        )
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        (s.to_string(), UTF_8)
    } else {
        let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
        det.feed(bytes, true);
        let enc = det.guess(None, Utf8Detection::Allow);
        (enc.decode_without_bom_handling(bytes).0.into_owned(), enc)
    };
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    (text, encoding.name())
}

/// Why bytes are not a page to clean: a binary file (NUL bytes outside a UTF-16
/// text), or bytes that no encoding read as text (more than one character in a
/// hundred undecodable).
pub fn not_text(bytes: &[u8], text: &str, encoding: &str) -> Option<String> {
    let utf16 = Encoding::for_bom(bytes).is_some_and(|(e, _)| e != UTF_8);
    if !utf16 && let Some(at) = memchr::memchr(0, bytes) {
        return Some(format!(
            "the file holds NUL bytes (the first at byte {}): it is not a text page",
            at + 1
        ));
    }
    let chars = text.chars().count();
    let bad = text
        .chars()
        .filter(|&c| c == '\u{FFFD}' || !crate::chars::allowed(c))
        .count();
    // Damaged Big5 or GBK is no longer guessed as Chinese: chardetng falls back to a
    // Western single-byte encoding, and the page reads as "Ä0¦{¥«°ª·s".
    let chinese = ["UTF-8", "GBK", "gb18030", "Big5", "UTF-16LE", "UTF-16BE"].contains(&encoding);
    let cjk = text.chars().filter(|&c| crate::text::is_cjk(c)).count();
    if !chinese && cjk * 100 < chars {
        return Some(format!(
            "it decodes only as {encoding}, with no Chinese text: it is not a page in UTF-8, GBK or Big5 (or it is damaged)"
        ));
    }
    (bad > 10 && bad * 100 > chars).then(|| {
        format!("{bad} of its {chars} characters are undecodable bytes or control characters: it is not a text page in UTF-8, GBK or Big5")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "兰州市高新技术企业数达到681家，呈现快速增长态势。国家高新技术企业总量达3759家。";

    #[test]
    fn utf8_with_and_without_bom() {
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(TEXT.as_bytes());
        assert_eq!(decode(&bom), (TEXT.to_string(), "UTF-8"));
        assert_eq!(decode(TEXT.as_bytes()), (TEXT.to_string(), "UTF-8"));
    }

    #[test]
    fn gbk_and_big5_are_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode(TEXT);
        assert_eq!(decode(&gbk).0, TEXT);
        let traditional =
            "蘭州市高新技術企業數達到681家，呈現快速增長態勢。國家高新技術企業總量達3759家。";
        let (big5, _, _) = encoding_rs::BIG5.encode(traditional);
        let (text, name) = decode(&big5);
        assert_eq!(text, traditional, "decoded as {name}");
    }

    #[test]
    fn binary_and_undecodable_bytes_are_not_text() {
        let check = |b: &[u8]| {
            let (text, enc) = decode(b);
            not_text(b, &text, enc)
        };
        assert!(check(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").is_some());
        let controls: Vec<u8> = (0..400u32).map(|i| (1 + i % 31) as u8).collect();
        assert!(check(&controls).is_some());
        // Big5 with broken byte pairs: no longer Big5 to the detector.
        let traditional =
            "蘭州市高新技術企業數達到681家，國家高新技術企業總量達3759家。".repeat(20);
        let (big5, _, _) = encoding_rs::BIG5.encode(&traditional);
        let mut damaged = big5.into_owned();
        for i in (0..damaged.len()).step_by(9) {
            if damaged[i] >= 0x81 && i + 1 < damaged.len() {
                damaged[i + 1] = b'0';
            }
        }
        assert!(check(&damaged).is_some());
        let (gbk, _, _) = encoding_rs::GBK.encode(TEXT);
        assert_eq!(check(&gbk), None);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(TEXT.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16).0, TEXT);
        assert_eq!(check(&utf16), None);
    }

    #[test]
    fn line_endings_are_normalised() {
        assert_eq!(decode(b"a\r\nb\rc\n").0, "a\nb\nc\n");
    }
}
