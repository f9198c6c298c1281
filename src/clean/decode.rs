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
    fn line_endings_are_normalised() {
        assert_eq!(decode(b"a\r\nb\rc\n").0, "a\nb\nc\n");
    }
}
