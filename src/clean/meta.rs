//! Metadata: the page's title, date, publisher, author and address, moved out of the
//! body into front matter.
//!
//! Pages state them in a handful of shapes: a dateline ("2023-02-13 09:24:55来源:福州
//! 晚报 作者:…"), a source line ("（文章来源：泉州晚报）"), a reporter byline ("□本报
//! 记者…通讯员…", "…全媒体记者何燕"), a link line, a document title with a date
//! ("…(20230629).docx"), or the first short line. A date that no line states stays
//! missing: it is never taken from the crawl or invented.

use std::sync::LazyLock;

use regex::Regex;

use super::{Action, Doc, char_len, ends_sentence};

static DOC_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(.{4,80}?)\s*[(（](\d{4})(\d{2})(\d{2})[)）]\s*\.(?i:docx?|pdf|wps|txt|pptx?|xlsx?)$",
    )
    .unwrap()
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?").unwrap()
});
static SOURCE_IN_DATELINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"来源\s*[:：]\s*([^\s　|丨]+)").unwrap());
static AUTHOR_IN_DATELINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"作者\s*[:：]\s*(.+?)\s*(?:编辑|责编|来源|$)").unwrap());
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[(（【\[]?\s*(?:文章|信息|稿件|新闻)?来源\s*[:：]\s*([^)）】\]]{2,30}?)\s*[)）】\]]?$",
    )
    .unwrap()
});
static REPORTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[□■◎●]?\s*(?:本报|本台|本网)?(?:全媒体)?记者\s*(\p{Han}{2,4})(?:\s*(?:通讯员|实习生)\s*(\p{Han}{2,4}))?$")
        .unwrap()
});
static BYLINE_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^.{0,24}?(?:全媒体)?记者\s*(\p{Han}{2,4})$").unwrap());
static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^<?(https?://[^\s<>]+)>?$").unwrap());
static NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\p{Han}{2,30}?)关于.{2,}的(?:通知|通告|公告|意见|决定|批复|报告|函|办法)$")
        .unwrap()
});

fn iso(y: &str, m: &str, d: &str) -> Option<String> {
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// "区科技局2023年上半年工作总结…(20230629).docx": a shared document's title and date.
pub fn document_title(doc: &mut Doc) {
    let Some(i) = doc
        .lines
        .iter()
        .take(3)
        .position(|l| DOC_TITLE.is_match(&l.text))
    else {
        return;
    };
    let line = doc.lines.remove(i);
    let c = DOC_TITLE.captures(&line.text).expect("matched");
    let title = c[1].trim().to_string();
    if let Some(date) = iso(&c[2], &c[3], &c[4]) {
        doc.found("date", date, line.raw, "document-title", &line.text);
    }
    doc.found("title", title, line.raw, "document-title", &line.text);
}

/// "2023-02-13 09:24:55来源:福州晚报 作者:梁凯鸿 林双伟": date, publisher, author.
pub fn dateline(doc: &mut Doc) {
    let Some(i) = doc.lines.iter().take(8).position(|l| {
        let t = l.text.trim();
        let starts = DATE.find(t).is_some_and(|m| m.start() == 0)
            || ["来源", "作者", "发布时间", "发布日期", "时间"]
                .iter()
                .any(|k| t.starts_with(k));
        char_len(t) <= 80
            && starts
            && !ends_sentence(t)
            && DATE.is_match(t)
            && ["来源", "作者", "发布时间", "发布日期", "编辑"]
                .iter()
                .any(|k| t.contains(k))
    }) else {
        return;
    };
    let line = doc.lines.remove(i);
    let d = DATE.captures(&line.text).expect("matched");
    if let Some(date) = iso(&d[1], &d[2], &d[3]) {
        doc.found("date", date, line.raw, "dateline", &line.text);
    }
    if let Some(s) = SOURCE_IN_DATELINE.captures(&line.text) {
        doc.found(
            "publisher",
            s[1].to_string(),
            line.raw,
            "dateline",
            &line.text,
        );
    }
    if let Some(a) = AUTHOR_IN_DATELINE.captures(&line.text) {
        let authors = a[1].split_whitespace().collect::<Vec<_>>().join(" ");
        doc.found("author", authors, line.raw, "dateline", &line.text);
    }
}

/// "（文章来源：泉州晚报）" on a line of its own.
pub fn source_line(doc: &mut Doc) {
    take_lines(doc, &SOURCE_LINE, "publisher", "source-line");
}

/// Every line matching `re` leaves the body; its first group is `field`.
fn take_lines(doc: &mut Doc, re: &Regex, field: &'static str, rule: &'static str) {
    let found: Vec<usize> = doc
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| re.is_match(l.text.trim()))
        .map(|(i, _)| i)
        .collect();
    for i in found.into_iter().rev() {
        let line = doc.lines.remove(i);
        let value = re.captures(line.text.trim()).expect("matched")[1].to_string();
        doc.found(field, value, line.raw, rule, &line.text);
    }
}

/// "□本报记者林书修通讯员王燕双" near the top, or "…全媒体记者何燕" at the end.
pub fn byline(doc: &mut Doc) {
    let n = doc.lines.len();
    let hit = doc.lines.iter().enumerate().find_map(|(i, l)| {
        let t = l.text.replace([' ', '　'], "");
        if let Some(c) = REPORTER.captures(&t) {
            let mut names = vec![c[1].to_string()];
            if let Some(m) = c.get(2) {
                names.push(m.as_str().to_string());
            }
            return Some((i, names.join(" ")));
        }
        // A trailing byline: only among the last lines, and short.
        if i + 6 >= n && char_len(&t) <= 30 && !ends_sentence(&t) {
            if let Some(c) = BYLINE_TAIL.captures(&t) {
                return Some((i, c[1].to_string()));
            }
        }
        None
    });
    if let Some((i, author)) = hit {
        let line = doc.lines.remove(i);
        doc.found("author", author, line.raw, "byline", &line.text);
    }
}

/// A line that is only a web address: where the page came from.
pub fn link_lines(doc: &mut Doc) {
    take_lines(doc, &LINK, "url", "link-line");
}

/// Without front matter or a document title, the page's title is its first short line
/// that is not a sentence.
pub fn title(doc: &mut Doc) {
    if doc.found.title.is_some() {
        return;
    }
    let Some(i) = doc.lines.iter().take(3).position(|l| {
        let t = l.text.trim();
        let n = char_len(t);
        (4..=60).contains(&n)
            && !ends_sentence(t)
            && !t.ends_with(['，', ',', '：', ':'])
            && !starts_with_list_marker(t)
    }) else {
        if let Some(t) = doc.page_title.clone() {
            doc.found.title = Some(t.clone());
            doc.log(
                0,
                "html-title",
                &t,
                Action::Moved {
                    field: "title",
                    value: t.clone(),
                },
            );
        }
        return;
    };
    let line = doc.lines.remove(i);
    doc.found("title", line.text.clone(), line.raw, "title", &line.text);
}

/// "福州市科学技术局关于印发…的通知": an official notice names its issuer first.
pub fn notice_issuer(doc: &mut Doc) {
    if doc.found.publisher.is_some() {
        return;
    }
    let Some(title) = doc.found.title.clone() else {
        return;
    };
    if let Some(c) = NOTICE.captures(&title) {
        let issuer = c[1].to_string();
        doc.found.publisher = Some(issuer.clone());
        doc.log(
            0,
            "notice-issuer",
            &title,
            Action::Moved {
                field: "publisher",
                value: issuer,
            },
        );
    }
}

/// "1、", "（一）", "一是": the start of a list item or a numbered chunk.
pub(crate) fn starts_with_list_marker(t: &str) -> bool {
    static MARKER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:\d{1,3}[、.．)]|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、是]|[-•·*]\s)").unwrap()
    });
    MARKER.is_match(t)
}

#[cfg(test)]
mod tests {
    use super::super::structure::parse;
    use super::*;

    fn run(text: &str, rule: fn(&mut Doc)) -> Doc {
        let mut d = parse(text);
        rule(&mut d);
        d
    }

    #[test]
    fn dateline_gives_date_source_and_authors() {
        let d = run(
            "标题\n2023-02-13 09:24:55来源:福州晚报  作者:梁凯鸿 林双伟\n正文。\n",
            dateline,
        );
        assert_eq!(d.found.date.as_deref(), Some("2023-02-13"));
        assert_eq!(d.found.publisher.as_deref(), Some("福州晚报"));
        assert_eq!(d.found.author.as_deref(), Some("梁凯鸿 林双伟"));
        assert_eq!(d.lines.len(), 2);
        // A sentence with a date is not a dateline.
        let d = run(
            "2022年12月1日，全市召开工作会议，会议由市科技局来源办公室主持并作了长篇发言，内容涉及方方面面的工作，持续了整整一个下午的时间，与会者纷纷表示收获很大，受益匪浅，一定要认真贯彻落实会议精神。\n",
            dateline,
        );
        assert_eq!(d.lines.len(), 1);
    }

    #[test]
    fn document_titles_carry_their_date() {
        let d = run(
            "区科技局2023年上半年工作总结及下半年工作思路(20230629).docx\n正文。\n",
            document_title,
        );
        assert_eq!(
            d.found.title.as_deref(),
            Some("区科技局2023年上半年工作总结及下半年工作思路")
        );
        assert_eq!(d.found.date.as_deref(), Some("2023-06-29"));
        let d = run("关于印发方案(2022-2025年)的通知\n", document_title);
        assert!(d.found.title.is_none());
    }

    #[test]
    fn source_lines_and_bylines() {
        let d = run("正文。\n（文章来源：泉州晚报）\n", source_line);
        assert_eq!(d.found.publisher.as_deref(), Some("泉州晚报"));
        assert_eq!(d.lines.len(), 1);
        let d = run("□本报记者林书修通讯员王燕双\n正文。\n", byline);
        assert_eq!(d.found.author.as_deref(), Some("林书修 王燕双"));
        let d = run("正文。\n兰州日报社全媒体记者何燕\n", byline);
        assert_eq!(d.found.author.as_deref(), Some("何燕"));
        // A sentence about a reporter is text.
        let d = run("本报记者昨日走访了多家企业。\n", byline);
        assert!(d.found.author.is_none());
        let d = run("他说，来源于群众的智慧最宝贵。\n", source_line);
        assert!(d.found.publisher.is_none());
    }

    #[test]
    fn link_lines_give_the_address_and_links_in_text_stay() {
        let d = run("正文。\n<http://example.org/a?id=1>\n", link_lines);
        assert_eq!(d.found.url.as_deref(), Some("http://example.org/a?id=1"));
        assert_eq!(d.lines.len(), 1);
        let d = run("详见http://example.org/a。\n", link_lines);
        assert!(d.found.url.is_none());
    }

    #[test]
    fn title_is_a_short_line_not_a_sentence() {
        let d = run("福州:国家高新技术企业总量全省第一\n正文。\n", title);
        assert_eq!(
            d.found.title.as_deref(),
            Some("福州:国家高新技术企业总量全省第一")
        );
        let d = run("全市科技工作会议召开。\n正文。\n", title);
        assert!(d.found.title.is_none());
    }

    #[test]
    fn notices_name_their_issuer() {
        let mut d = run(
            "福州市科学技术局关于印发《福州市2022年科技工作总结》的通知\n正文。\n",
            title,
        );
        notice_issuer(&mut d);
        assert_eq!(d.found.publisher.as_deref(), Some("福州市科学技术局"));
    }
}
