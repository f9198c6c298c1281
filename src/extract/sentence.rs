//! Sentences of a paragraph (normal form), where one statement ends: `。`, `！`, `？`
//! and `；` (a work report lists one result per `；`).

/// A sentence and its byte offset in its paragraph.
pub struct Sentence<'a> {
    pub text: &'a str,
    pub start: usize,
}

pub fn split(paragraph: &str) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in paragraph.char_indices() {
        if matches!(c, '。' | '!' | '?' | ';' | '！' | '？' | '；') {
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
