//! Text → lines: front matter read, HTML turned into one line per block.
//!
//! Scrapers keep a page's front matter (Jekyll's `title:`/`date:`), leave HTML tags
//! with entities, or dump plain text. Block elements become lines, inline elements
//! vanish, entities are decoded; what is left is a list of lines the rules can read.

use scraper::{ElementRef, Html, Node};

use super::{Action, Block, Doc, Line};

/// Elements that end a line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "dd",
    "dt",
    "figcaption",
    "table",
    "ul",
    "ol",
    "hr",
    "pre",
    "nav",
    "aside",
];
/// Elements whose content is never article text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "iframe", "svg", "template", "head", "title",
];

pub fn parse(text: &str) -> Doc {
    let mut doc = Doc::default();
    let mut lines: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect();
    front_matter(&mut doc, &mut lines);
    let is_html = lines.iter().any(|(_, l)| looks_like_html(l));
    if is_html {
        doc.page_title = page_title(text);
    }
    for (raw, line) in lines {
        // An autolink line (<https://…>) is not a tag; keep it for the link rule.
        let autolink = line.trim().starts_with("<http") && line.trim().ends_with('>');
        if is_html && !autolink && line.contains('<') {
            for block in html_blocks(line) {
                push(&mut doc, raw, &block);
            }
        } else if is_html && !autolink {
            push(&mut doc, raw, &decode_entities(line));
        } else {
            push(&mut doc, raw, line);
        }
    }
    doc
}

fn push(doc: &mut Doc, raw: usize, text: &str) {
    // A no-break space from `&nbsp;` is an ordinary space in the article.
    let t = text.replace('\u{a0}', " ");
    let t = t.trim().trim_matches('\u{3000}').trim();
    // A section heading the page already marks ("## 举措": an article written in
    // markdown, or a copy of one) is a heading; "# " stays, a title's mark.
    let marked = t
        .strip_prefix("##")
        .map(|r| r.trim_start_matches('#'))
        .and_then(|r| r.strip_prefix(' '))
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if let Some(heading) = marked {
        doc.lines.push(Line {
            text: heading.to_string(),
            raw,
            heading: true,
            block: Block::Para,
        });
    } else if !t.is_empty() {
        doc.lines.push(Line {
            text: t.to_string(),
            raw,
            heading: false,
            block: Block::Para,
        });
    }
}

fn looks_like_html(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    [
        "<p", "<div", "<br", "<span", "<h1", "<h2", "<h3", "<li", "<table", "<article", "<section",
        "</p>", "<a href",
    ]
    .iter()
    .any(|t| l.contains(t))
}

/// The text of `<title>`, without the site name a page appends ("标题 - 福州新闻网").
fn page_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title>")?;
    let title = html_blocks(&format!("<p>{}</p>", &text[open_end..close])).join(" ");
    let title = title
        .split([' ', '_', '|', '-', '—', '–'])
        .find(|s| s.chars().count() >= 4)
        .map(str::trim)?;
    Some(title.to_string())
}

/// Jekyll-style front matter: its title and date are the article's.
fn front_matter(doc: &mut Doc, lines: &mut Vec<(usize, &str)>) {
    if lines.first().map(|(_, l)| l.trim()) != Some("---") {
        return;
    }
    let Some(end) = lines
        .iter()
        .skip(1)
        .position(|(_, l)| l.trim() == "---")
        .map(|i| i + 1)
    else {
        return;
    };
    let yaml: String = lines[1..end]
        .iter()
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    if crate::content::yaml::too_deep(&yaml).is_some() {
        return;
    }
    let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str::<serde_yaml::Value>(&yaml)
    else {
        return;
    };
    for (i, (raw, line)) in lines[..=end].iter().enumerate() {
        let key = line.split(':').next().unwrap_or_default().trim();
        let value = map.get(key).and_then(scalar);
        match (key, value) {
            ("title", Some(v)) => doc.found("title", v, *raw, "front-matter", line),
            ("date", Some(v)) => match iso_date(&v) {
                Some(d) => doc.found("date", d, *raw, "front-matter", line),
                None => doc.log(*raw, "front-matter", line, Action::Dropped),
            },
            ("author", Some(v)) => doc.found("author", v, *raw, "front-matter", line),
            _ if i == 0 || i == end || !line.trim().is_empty() => {
                doc.log(*raw, "front-matter", line, Action::Dropped)
            }
            _ => {}
        }
    }
    lines.drain(..=end);
}

fn scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `2022-01-29 08:55:14 +0800` → `2022-01-29`.
pub(crate) fn iso_date(s: &str) -> Option<String> {
    let d = s.trim().get(..10)?;
    let b = d.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && d.chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    ok.then(|| d.to_string())
}

/// How deep HTML may nest before a page is refused: real pages stay under a hundred,
/// and the HTML parser's cost grows with the square of the depth (100,000 nested
/// `<div>`s took over a minute).
pub const MAX_HTML_DEPTH: usize = 1000;

/// An estimate of how deeply `text` nests HTML elements: open tags minus close tags,
/// leaving out void elements and those whose end tag is optional (a page of a
/// thousand unclosed `<p>`s is flat). Linear, and never parses.
pub fn html_depth(text: &str) -> usize {
    const FLAT: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option", "tbody",
        "thead", "tfoot", "colgroup", "rp", "rt", "optgroup", "!doctype", "html", "head", "body",
    ];
    let b = text.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    for at in memchr::memchr_iter(b'<', b) {
        let closing = b.get(at + 1) == Some(&b'/');
        let start = at + 1 + usize::from(closing);
        let len = b[start.min(b.len())..]
            .iter()
            .take(12)
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'!')
            .count();
        if len == 0 {
            continue;
        }
        let name = text[start..start + len].to_ascii_lowercase();
        if FLAT.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            let end = memchr::memchr(b'>', &b[start..]).map_or(b.len(), |e| start + e);
            if end > 0 && b[end - 1] == b'/' {
                continue;
            }
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// The text blocks of an HTML fragment, in document order.
fn html_blocks(fragment: &str) -> Vec<String> {
    let html = Html::parse_fragment(fragment);
    let mut blocks = vec![String::new()];
    walk(html.root_element(), &mut blocks);
    blocks
        .into_iter()
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty())
        .collect()
}

fn walk(el: ElementRef<'_>, blocks: &mut Vec<String>) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => blocks.last_mut().expect("never empty").push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    blocks.push(String::new());
                }
                if let Some(child) = ElementRef::wrap(child) {
                    walk(child, blocks);
                }
                if block {
                    blocks.push(String::new());
                }
            }
            _ => {}
        }
    }
}

/// Entities in a line that has no tags (`&nbsp;`, `&amp;`).
fn decode_entities(line: &str) -> String {
    if !line.contains('&') {
        return line.to_string();
    }
    html_blocks(&format!("<p>{line}</p>")).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_blocks_become_lines_and_entities_are_decoded() {
        let doc = parse(
            "<p>第一段&nbsp;文字</p> <p>第二段 &amp; <b>加粗</b></p><script>x()</script>\n<p class=\"m\">（文章来源：泉州晚报）</p>\n",
        );
        let texts: Vec<&str> = doc.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            vec!["第一段 文字", "第二段 & 加粗", "（文章来源：泉州晚报）"]
        );
        assert_eq!(doc.lines[2].raw, 2);
    }

    #[test]
    fn front_matter_gives_title_and_date_but_not_categories() {
        let doc = parse(
            "---\nlayout: post\ntitle: \"力争入库科技型中小企业超1500家\"\ndate: 2022-01-29 08:55:14 +0800\ncategories: x\n---\n正文。\n",
        );
        assert_eq!(
            doc.found.title.as_deref(),
            Some("力争入库科技型中小企业超1500家")
        );
        assert_eq!(doc.found.date.as_deref(), Some("2022-01-29"));
        assert_eq!(doc.lines.len(), 1);
        assert_eq!(doc.lines[0].raw, 7);
    }

    #[test]
    fn html_depth_counts_nesting_not_tags() {
        assert_eq!(html_depth("<p>a<p>b<p>c<br><img src=x>"), 0);
        assert_eq!(
            html_depth("<div><div><span>x</span></div><div>y</div></div>"),
            3
        );
        assert_eq!(html_depth("a < b 且 c > d"), 0);
        assert_eq!(html_depth(&"<div>".repeat(5000)), 5000);
        assert_eq!(html_depth("<div/><div/>"), 0);
    }

    #[test]
    fn plain_text_keeps_angle_brackets_and_autolinks() {
        let doc = parse("a < b 且 c > d。\n<http://example.org/x>\n");
        assert_eq!(doc.lines[0].text, "a < b 且 c > d。");
        assert_eq!(doc.lines[1].text, "<http://example.org/x>");
    }
}
