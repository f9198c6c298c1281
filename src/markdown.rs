//! Article markdown → HTML, with quoted passages marked.
//!
//! Two things a plain CommonMark renderer gets wrong for this site:
//! - A line break inside a Chinese paragraph becomes a space, which a browser shows as
//!   a gap between two characters. A soft break next to a CJK character is dropped.
//! - The quoted passages must be wrapped in `<mark>`; a quote can span pieces that the
//!   parser emits as separate text events, so consecutive text is merged into *runs*
//!   first, and quotes are searched for and marked within one run.
//!
//! [`runs`] and [`render`] walk the document the same way, so run `i` found by the
//! checker is run `i` when rendering.
//!
//! Articles are data from scraped pages, not trusted HTML: raw HTML in them is shown as
//! text, never passed through, and a link or image whose URL is not a web, mail or
//! relative one ([`crate::safe_url`]) is shown as its text, never as a link.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::escape_html;

use crate::text::is_cjk;

/// A passage to highlight: byte range `range` of run `run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub run: usize,
    pub range: Range<usize>,
    pub id: String,
    /// HTML inserted right after `</mark>` (links back to the figures citing it).
    pub after: String,
}

/// Markup around a passage that is not a quote (what `serve` puts around each number
/// for the curator): byte range `range` of run `run`, inside or outside a [`Mark`],
/// never across one's edge (such a wrap is left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrap {
    pub run: usize,
    pub range: Range<usize>,
    /// Raw HTML before and after the passage; the caller escapes what it holds.
    pub open: String,
    pub close: String,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The text runs of a document, in order: what quotes are searched in.
pub fn runs(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk(markdown, |run| {
        out.push(run.to_string());
        None
    });
    out
}

/// The document as HTML, with `marks` (sorted by run and start, not overlapping) wrapped
/// in `<mark id=…>`.
pub fn render(markdown: &str, marks: &[Mark]) -> String {
    render_wrapped(markdown, marks, &[])
}

/// [`render`], with `wraps` (sorted by run and start, not overlapping) around their
/// passages too.
pub fn render_wrapped(markdown: &str, marks: &[Mark], wraps: &[Wrap]) -> String {
    let mut next = 0;
    let mut next_wrap = 0;
    let mut run_index = 0;
    let events = walk(markdown, |run| {
        let i = run_index;
        run_index += 1;
        let start = next;
        while next < marks.len() && marks[next].run == i {
            next += 1;
        }
        let wrap_start = next_wrap;
        while next_wrap < wraps.len() && wraps[next_wrap].run <= i {
            next_wrap += 1;
        }
        let mine = &marks[start..next];
        let my_wraps: Vec<&Wrap> = wraps[wrap_start..next_wrap]
            .iter()
            .filter(|w| w.run == i)
            .collect();
        (!mine.is_empty() || !my_wraps.is_empty()).then(|| marked_html(run, mine, &my_wraps))
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// `text` (plain, not markdown) as HTML with `marks` wrapped in `<mark>`: an article's
/// title with the quotes found in it.
pub fn marked_text(text: &str, marks: &[Mark]) -> String {
    marked_html(text, marks, &[])
}

/// [`marked_text`] with `wraps` (of any run number) too.
pub fn marked_text_wrapped(text: &str, marks: &[Mark], wraps: &[Wrap]) -> String {
    let wraps: Vec<&Wrap> = wraps.iter().collect();
    marked_html(text, marks, &wraps)
}

fn marked_html(run: &str, marks: &[Mark], wraps: &[&Wrap]) -> String {
    let mut out = String::with_capacity(run.len() + marks.len() * 64);
    let mut at = 0;
    for m in marks {
        let r = m.range.start.max(at)..m.range.end;
        // A mark that does not fit the run (it never does when `check` made it) is
        // left out rather than trusted.
        if r.start >= r.end || !run.is_char_boundary(r.start) || !run.is_char_boundary(r.end) {
            continue;
        }
        wrapped(&mut out, run, at..r.start, wraps);
        out.push_str("<mark id=\"");
        escape_html(&mut out, &m.id).ok();
        out.push_str("\">");
        wrapped(&mut out, run, r.clone(), wraps);
        out.push_str("</mark>");
        out.push_str(&m.after);
        at = r.end;
    }
    wrapped(&mut out, run, at..run.len(), wraps);
    out
}

/// `run[range]` escaped, with the wraps that lie wholly inside it put around their
/// passages.
fn wrapped(out: &mut String, run: &str, range: Range<usize>, wraps: &[&Wrap]) {
    let mut at = range.start;
    for w in wraps {
        let r = &w.range;
        if r.start < at
            || r.end > range.end
            || r.start >= r.end
            || !run.is_char_boundary(r.start)
            || !run.is_char_boundary(r.end)
        {
            continue;
        }
        escape_html(&mut *out, &run[at..r.start]).ok();
        out.push_str(&w.open);
        escape_html(&mut *out, &run[r.clone()]).ok();
        out.push_str(&w.close);
        at = r.end;
    }
    escape_html(&mut *out, &run[at..range.end]).ok();
}

/// The links and images of `markdown` that are shown as text because their URL is not
/// allowed: the byte range of each in `markdown`, and its URL.
pub fn disallowed_links(markdown: &str) -> Vec<(Range<usize>, String)> {
    // Most articles have no link at all: not worth a parse.
    if !markdown.contains("](") && !markdown.contains("]:") && !markdown.contains('<') {
        return Vec::new();
    }
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !crate::safe_url::allowed(&dest_url) =>
            {
                Some((range, dest_url.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// Parses `markdown`, merges each stretch of text into one run, and calls `on_run` with
/// it; a returned string replaces the run as raw HTML. Returns the rewritten events.
fn walk<'a>(markdown: &'a str, mut on_run: impl FnMut(&str) -> Option<String>) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::new();
    let mut pending = String::new();
    let mut has_break = false;
    // Text inside code blocks and image descriptions is left alone: it is not prose
    // a quote could come from, and an image's alt text cannot hold markup.
    let mut verbatim = 0usize;

    let mut flush = |out: &mut Vec<Event<'a>>, pending: &mut String, has_break: &mut bool| {
        if pending.is_empty() {
            return;
        }
        let mut text = if *has_break {
            resolve_soft_breaks(pending)
        } else {
            std::mem::take(pending)
        };
        if let std::borrow::Cow::Owned(clean) = crate::chars::strip(&text) {
            text = clean;
        }
        pending.clear();
        *has_break = false;
        match on_run(&text) {
            Some(html) => out.push(Event::InlineHtml(CowStr::from(html))),
            None => out.push(Event::Text(CowStr::from(text))),
        }
    };

    // Links whose URL is not allowed, by nesting depth: their start and end events are
    // left out, so their text stays in the run as plain text.
    let mut dropped_links: Vec<bool> = Vec::new();
    for event in Parser::new_ext(markdown, options()) {
        // Code and image descriptions are written as they are, but for characters a
        // page may not hold.
        let event = match event {
            Event::Text(t) if verbatim > 0 => Event::Text(stripped(t)),
            Event::Code(t) => Event::Code(stripped(t)),
            other => other,
        };
        if verbatim > 0 {
            match &event {
                Event::Start(Tag::CodeBlock(_) | Tag::Image { .. }) => verbatim += 1,
                Event::End(TagEnd::CodeBlock | TagEnd::Image) => verbatim -= 1,
                _ => {}
            }
            out.push(event);
            continue;
        }
        match event {
            Event::Text(t) => pending.push_str(&t),
            // Raw HTML from a scraped page is shown as text, never interpreted.
            Event::Html(t) | Event::InlineHtml(t) => pending.push_str(&t),
            Event::SoftBreak => {
                pending.push('\n');
                has_break = true;
            }
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. })
                if !crate::safe_url::allowed(dest_url) =>
            {
                dropped_links.push(true);
            }
            Event::Start(Tag::Link { .. }) => {
                dropped_links.push(false);
                flush(&mut out, &mut pending, &mut has_break);
                out.push(event);
            }
            Event::End(TagEnd::Link | TagEnd::Image) if dropped_links.last() == Some(&true) => {
                dropped_links.pop();
            }
            Event::End(TagEnd::Link) => {
                dropped_links.pop();
                flush(&mut out, &mut pending, &mut has_break);
                out.push(event);
            }
            other => {
                flush(&mut out, &mut pending, &mut has_break);
                if matches!(other, Event::Start(Tag::CodeBlock(_) | Tag::Image { .. })) {
                    verbatim += 1;
                }
                out.push(other);
            }
        }
    }
    flush(&mut out, &mut pending, &mut has_break);
    out
}

fn stripped(t: CowStr<'_>) -> CowStr<'_> {
    match crate::chars::strip(&t) {
        std::borrow::Cow::Borrowed(_) => t,
        std::borrow::Cow::Owned(s) => CowStr::from(s),
    }
}

/// A soft break is a space between Latin words but nothing between Chinese characters.
fn resolve_soft_breaks(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c != '\n' {
            out.push(c);
            continue;
        }
        let prev = chars[..i].iter().rev().find(|c| !c.is_whitespace());
        let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
        let joins_cjk = prev.is_some_and(|&c| is_cjk(c)) || next.is_some_and(|&c| is_cjk(c));
        if !joins_cjk {
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_space_between_chinese_lines_but_space_between_words() {
        let html = render("国家高新技术企业\n总量达3759家。\n\nhigh tech\nfirms", &[]);
        assert!(html.contains("国家高新技术企业总量达3759家。"), "{html}");
        assert!(html.contains("high tech firms"), "{html}");
    }

    #[test]
    fn marks_wrap_the_range_and_escape_the_text() {
        let md = "## 标题\n\n甲<乙>丙，国家高新技术企业总量达3759家，跃居全省第一。\n";
        let runs = runs(md);
        assert_eq!(runs.len(), 2);
        let start = runs[1].find("国家").unwrap();
        let end = runs[1].find("，跃居").unwrap();
        let html = render(
            md,
            &[Mark {
                run: 1,
                range: start..end,
                id: "q-1".into(),
                after: "<a href=\"#f\">↩</a>".into(),
            }],
        );
        assert!(
            html.contains("甲&lt;乙&gt;丙，<mark id=\"q-1\">国家高新技术企业总量达3759家</mark><a href=\"#f\">↩</a>，跃居"),
            "{html}"
        );
        assert!(html.contains("<h2>标题</h2>"), "{html}");
    }

    #[test]
    fn a_mark_that_does_not_fit_its_run_is_left_out_and_ids_are_escaped() {
        let md = "国家高新技术企业总量达3759家。\n";
        let mark = |range: std::ops::Range<usize>, id: &str| Mark {
            run: 0,
            range,
            id: id.into(),
            after: String::new(),
        };
        // Past the end, and inside a character: no panic, no mark, the text whole.
        for bad in [0..10_000, 1..6, 3..4] {
            let html = render(md, &[mark(bad.clone(), "q-1")]);
            assert!(!html.contains("<mark"), "{bad:?}: {html}");
            assert!(html.contains("国家高新技术企业总量达3759家。"), "{html}");
        }
        let html = render(md, &[mark(0..6, "\"><script>x</script>")]);
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("<mark id=\"&quot;&gt;&lt;script&gt;"),
            "{html}"
        );
    }

    #[test]
    fn raw_html_in_an_article_is_shown_not_run() {
        let html = render("正文<script>alert(1)</script>正文\n", &[]);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn links_with_other_schemes_are_text() {
        let md = "甲[点此](javascript:alert(1))乙<javascript:alert(2)>丙\n\n\
                  [ref][r]，![图](data:text/html,x)，[好](https://example.org/a)\n\n\
                  [r]: JaVaScRiPt:alert(3)\n";
        let html = render(md, &[]);
        // Shown as text, never as a link or an image.
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("甲点此乙"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.org/a\">好</a>"),
            "{html}"
        );
        let found: Vec<String> = disallowed_links(md).into_iter().map(|l| l.1).collect();
        assert_eq!(found.len(), 4, "{found:?}");
        // The text a quote is searched in is the same with or without the links.
        assert_eq!(runs(md)[0], "甲点此乙javascript:alert(2)丙");
    }

    #[test]
    fn characters_a_page_may_not_hold_are_removed() {
        let md = "甲\u{0}乙\u{1}丙 `代\u{7}码`\n\n```\nx\u{0}y\n```\n";
        let html = render(md, &[]);
        assert!(!html.contains(['\u{0}', '\u{1}', '\u{7}']), "{html:?}");
        assert!(html.contains("甲乙丙"), "{html}");
        assert_eq!(runs(md)[0], "甲乙丙 ");
    }

    #[test]
    fn wraps_go_inside_and_outside_marks_but_never_across_one() {
        let md = "## 二〇二三\n\n总量达3759家，同比增长15%，新增<b>12</b>家。\n";
        let r = runs(md);
        let at = |s: &str| {
            let i = r[1].find(s).unwrap();
            i..i + s.len()
        };
        let wrap = |range: Range<usize>| Wrap {
            run: 1,
            range,
            open: "<b class=\"n\">".into(),
            close: "</b>".into(),
        };
        let mark = Mark {
            run: 1,
            range: at("总量达3759家"),
            id: "q".into(),
            after: String::new(),
        };
        let across = r[1].find("家，同").unwrap()..r[1].find("比增").unwrap();
        let html = render_wrapped(
            md,
            &[mark],
            &[wrap(at("3759家")), wrap(across), wrap(at("15%"))],
        );
        assert!(
            html.contains("<mark id=\"q\">总量达<b class=\"n\">3759家</b></mark>，同比增长<b class=\"n\">15%</b>，新增&lt;b&gt;12"),
            "{html}"
        );
        assert_eq!(html.matches("class=\"n\"").count(), 2, "{html}");
        // No wraps: exactly what `render` writes.
        assert_eq!(render_wrapped(md, &[], &[]), render(md, &[]));
    }

    #[test]
    fn runs_and_render_agree_on_numbering() {
        let md = "一段**加粗**文字\n\n- 一是甲\n- 二是乙\n";
        let r = runs(md);
        assert_eq!(r, vec!["一段", "加粗", "文字", "一是甲", "二是乙"]);
        let html = render(
            md,
            &[Mark {
                run: 4,
                range: 0..6,
                id: "m".into(),
                after: String::new(),
            }],
        );
        assert!(
            html.contains("<li><mark id=\"m\">二是</mark>乙</li>"),
            "{html}"
        );
    }
}
