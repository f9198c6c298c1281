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
static SOURCE_IN_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"来源\s*[:：]\s*([^\s　|丨:：\d【\[]+?)(?:作者|编辑|责编|时间|日期|发布|浏览|[\s　|丨:：\d]|$)").unwrap()
});
static AUTHOR_IN_DATELINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"作者\s*[:：]\s*(.+?)\s*(?:编辑|责编|来源|$)").unwrap());
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[(（【\[]?\s*(?:文章|信息|稿件|新闻)?来源\s*[:：]\s*([^)）】\]]{2,30}?)\s*[)）】\]]?$",
    )
    .unwrap()
});
static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^<?(https?://[^\s<>]+)>?$").unwrap());
/// Dates as publishing systems write them into addresses: `/2021-03/26/`,
/// `/2018/04/20/`, `/2022/1219/`, `/20200205/`, `t20160130_`.
static ADDRESS_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:/|\bt)((?:19|20)\d{2})[-/]?([01]?\d)[-/]?([0-3]\d)(?:[/_.]|$)").unwrap()
});

/// The date an article's address carries (`--url`), for a page that states none: the
/// address is the publisher's own record of when it went up.
pub fn date_in_address(url: &str) -> Option<String> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = &path[path.find('/').unwrap_or(path.len())..];
    ADDRESS_DATE
        .captures_iter(path)
        .filter_map(|c| iso(&c[1], &c[2], &c[3]))
        .find(|d| crate::content::is_date(d))
}

pub(super) fn iso(y: &str, m: &str, d: &str) -> Option<String> {
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
    let Some(i) = doc.lines.iter().take(16).position(|l| {
        // A dateline a table's cell bars enclose: "|| 2022-10-21 16:40:03 编辑: … |".
        let t = l
            .text
            .trim()
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '|' | '｜' | '丨'));
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
    match iso(&d[1], &d[2], &d[3]) {
        Some(date) if !doc.copy => doc.found("date", date, line.raw, "dateline", &line.text),
        _ => doc.log(line.raw, "dateline", &line.text, Action::Dropped),
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

/// A metadata line of labelled cells between bars, whatever its first label: "择稿人员:
/// 某某 | 发布日期: 2022-11-18 | 访问次数: 1503". Its date, source and author go to the
/// front matter and the line goes.
pub fn labelled_cells(doc: &mut Doc) {
    static CELL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(\p{Han}{2,6})\s*[:：]\s*(.*)$").unwrap());
    let Some(i) = doc.lines.iter().take(16).position(|l| {
        let cells: Vec<&str> = l
            .text
            .split(['|', '｜', '丨'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        cells.len() >= 2
            && cells.iter().all(|c| CELL.is_match(c) && char_len(c) <= 40)
            && cells.iter().any(|c| {
                CELL.captures(c).is_some_and(|m| {
                    matches!(
                        &m[1],
                        "发布日期" | "发布时间" | "日期" | "时间" | "更新时间"
                    ) && DATE.is_match(&m[2])
                })
            })
    }) else {
        return;
    };
    let line = doc.lines.remove(i);
    let mut fields = Vec::new();
    for c in line.text.split(['|', '｜', '丨']).map(str::trim) {
        let Some(m) = CELL.captures(c) else { continue };
        let value = m[2].trim().to_string();
        match &m[1] {
            "发布日期" | "发布时间" | "日期" | "时间" | "更新时间" => {
                if let Some(d) = DATE.captures(&value).and_then(|d| iso(&d[1], &d[2], &d[3])) {
                    fields.push(("date", d));
                }
            }
            "来源" | "信息来源" | "文章来源" if !value.is_empty() => {
                fields.push(("publisher", value))
            }
            "作者" if !value.is_empty() => fields.push(("author", value)),
            _ => {}
        }
    }
    if fields.is_empty() {
        doc.log(line.raw, "metadata-cells", &line.text, Action::Dropped);
    }
    for (field, value) in fields {
        if field == "date" && doc.copy {
            continue;
        }
        doc.found(field, value, line.raw, "metadata-cells", &line.text);
    }
}

/// Keys of government information-disclosure headers (信息公开目录): a line with two
/// of them is the header, whatever the site lays it out as.
const DISCLOSURE: &[&str] = &[
    "索引号",
    "组配分类",
    "发布机构",
    "主题分类",
    "体裁分类",
    "名称",
    "文号",
    "生成日期",
    "成文日期",
    "发文日期",
    "发布日期",
    "公开方式",
    "公开范围",
    "公开时限",
    "有效性",
    "咨询电话",
    "信息来源",
    "主题词",
    "服务对象",
    "信息分类",
    "内容分类",
    "发文机关",
    "文件编号",
];

/// A cell that is a disclosure header's key ("索引号", "发布机构:").
pub(super) fn is_disclosure_key(cell: &str) -> bool {
    DISCLOSURE.contains(&cell.trim().trim_end_matches([':', '：']).trim())
}

static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    let keys = DISCLOSURE.join("|");
    Regex::new(&format!(r"({keys})\s*[:：]?\s*")).unwrap()
});

/// The disclosure header of a government page ("索引号 … 组配分类 … 发布机构 …",
/// "生成日期 … 公开方式 …"): dropped, its issuer, name and date moved into the front
/// matter.
pub fn disclosure(doc: &mut Doc) {
    let mut found: Vec<(usize, &'static str, String)> = Vec::new();
    let mut kept = Vec::with_capacity(doc.lines.len());
    for line in std::mem::take(&mut doc.lines) {
        let t = line.text.trim().trim_start_matches('#').trim();
        let keys: Vec<regex::Match<'_>> = KEY_VALUE.find_iter(t).collect();
        // A header's line starts with its key (or holds several) and is no sentence:
        // "…公开方式以网站为主,…发布机构均为市直部门。" is the article's.
        let at_start = keys.first().is_some_and(|k| k.start() == 0);
        let is_header = !ends_sentence(t)
            && ((keys.len() >= 2 && (at_start || keys.len() >= 3))
                || (keys.len() == 1 && at_start && char_len(t) <= 40 && t != "名称"));
        if !is_header {
            kept.push(line);
            continue;
        }
        for (i, k) in keys.iter().enumerate() {
            let key = KEY_VALUE
                .captures(k.as_str())
                .map(|c| c[1].to_string())
                .unwrap_or_default();
            let end = keys.get(i + 1).map_or(t.len(), |n| n.start());
            // A header laid out as a table has its cells' bars around each value.
            let value = t[k.end()..end]
                .trim_matches(|c: char| c.is_whitespace() || matches!(c, '|' | '｜'))
                .to_string();
            let field = match key.as_str() {
                "发布机构" | "发文机关" | "信息来源" => Some("publisher"),
                "名称" => Some("title"),
                "生成日期" | "成文日期" | "发文日期" | "发布日期" => Some("date"),
                _ => None,
            };
            if let Some(f) = field.filter(|_| !value.is_empty()) {
                found.push((line.raw, f, value));
            }
        }
        // A source named among the header's keys ("发布日期:… 来源:统计局 浏览次数:").
        if !found
            .iter()
            .any(|(raw, f, _)| *raw == line.raw && *f == "publisher")
            && let Some(c) = SOURCE_IN_DATELINE.captures(t)
        {
            found.push((line.raw, "publisher", c[1].to_string()));
        }
        doc.log(line.raw, "disclosure-header", &line.text, Action::Dropped);
    }
    doc.lines = kept;
    for (raw, field, value) in found {
        let value = if field == "date" {
            match DATE.captures(&value).and_then(|d| iso(&d[1], &d[2], &d[3])) {
                Some(d) => d,
                None => continue,
            }
        } else {
            value
        };
        doc.found(field, value, raw, "disclosure-header", "");
    }
}

/// Keys of the metadata line under a headline: "发布时间:2024-05-21 15:15 来源:某县科学技术局
/// 浏览次数: 字体:[ ]" — sometimes glued to the first sentence of the article.
const META_KEYS: &[&str] = &[
    "发布时间",
    "发布日期",
    "更新时间",
    "时间",
    "日期",
    "信息来源",
    "文章来源",
    "来源",
    "作者",
    "编辑",
    "责任编辑",
    "浏览次数",
    "阅读次数",
    "点击数",
    "浏览",
    "阅读",
    "字体",
    "字号",
    "点击",
    "录入",
    "发布者",
    "发布单位",
    "发布机构",
];

/// A date and its time as a metadata line writes them: "2021-01-19 09:35:44".
static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?",
    )
    .unwrap()
});

/// Page actions that follow the metadata line: "【大 中 小】", "文本下载", "打印".
static ACTIONS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[\[【]\s*[大中小]?\s*[\]】]\s*|[\[【]?(?:大|中|小|打印|关闭|分享|收藏|文本下载|下载|默认|字体|字号)[\]】]?\s*)+").unwrap()
});

/// An organisation's name at the start of a metadata value: "区科技局2023 年,…" → 区科技局.
pub(super) static ORG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\p{Han}A-Za-z（）()]{2,20}?(?:局|委|办|厅|院|中心|政府|报|网|社|台|站|会|部|处|室|馆|所|司|厂|集团|公司)").unwrap()
});

/// A line that is only an office's name: "资阳市科学技术局".
pub fn is_office(t: &str) -> bool {
    let t = t.trim().trim_start_matches('#').trim();
    ORG.find(t).is_some_and(|m| m.end() == t.len()) && char_len(t) <= 25
}

/// The metadata line under a headline, on its own or glued to the article's first
/// sentence: its date, publisher and author go to the front matter, the sentence stays.
pub fn metadata_line(doc: &mut Doc) {
    static KEY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!(r"({})\s*[:：]\s*", META_KEYS.join("|"))).unwrap());
    let Some(i) = doc.lines.iter().take(12).position(|l| {
        let t = unmarked(l.text.trim().trim_start_matches('#').trim());
        KEY.find(t).is_some_and(|m| m.start() == 0)
            && (DATE.is_match(t) || KEY.find_iter(t).count() >= 2)
    }) else {
        return;
    };
    let line = doc.lines[i].clone();
    let t = unmarked(line.text.trim().trim_start_matches('#').trim());
    let keys: Vec<(String, usize, usize)> = KEY
        .captures_iter(t)
        .map(|c| {
            (
                c[1].to_string(),
                c.get(0).map_or(0, |m| m.start()),
                c.get(0).map_or(0, |m| m.end()),
            )
        })
        .collect();
    let mut rest_start = t.len();
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    for (k, (key, _, vstart)) in keys.iter().enumerate() {
        let next = keys.get(k + 1).map_or(t.len(), |n| n.1);
        let value = &t[*vstart..next];
        // The value is a date, a name or a count, up to its first space; what follows the
        // last key's value is the article.
        let taken = match key.as_str() {
            "发布时间" | "发布日期" | "更新时间" | "时间" | "日期" => {
                let m = STAMP.find(value).map_or(0, |m| m.end());
                if let Some(d) = DATE
                    .captures(&value[..m])
                    .and_then(|d| iso(&d[1], &d[2], &d[3]))
                {
                    fields.push(("date", d));
                }
                m
            }
            "信息来源" | "文章来源" | "来源" | "作者" | "编辑" | "责任编辑" | "录入" | "发布者"
            | "发布单位" | "发布机构" => {
                // A cell's bar before the value, or an empty cell ("来源: |").
                let v = value.trim_start_matches(|c: char| {
                    c.is_whitespace() || matches!(c, '|' | '｜' | '丨')
                });
                let lead = value.len() - v.len();
                let m = ORG
                    .find(v)
                    .map(|m| m.end())
                    .or_else(|| v.find(char::is_whitespace))
                    .unwrap_or_else(|| v.char_indices().nth(30).map_or(v.len(), |(i, _)| i));
                let name = v[..m].trim().to_string();
                match key.as_str() {
                    "作者" if !name.is_empty() => fields.push(("author", name)),
                    "信息来源" | "文章来源" | "来源" | "发布单位" | "发布机构"
                        if !name.is_empty() =>
                    {
                        fields.push(("publisher", name))
                    }
                    // Who entered or posted the page: a person as often as an office,
                    // so only an office's name is its publisher.
                    "录入" | "发布者" if is_office(&name) => fields.push(("publisher", name)),
                    _ => {}
                }
                lead + m
            }
            _ => value
                .find(char::is_whitespace)
                .unwrap_or(value.len())
                .min(value.len()),
        };
        rest_start = vstart + taken;
        if k + 1 < keys.len() && next > rest_start {
            // Anything between this value and the next key is part of the line's chrome.
            rest_start = next;
        }
    }
    // A date behind a separator, with no key of its own: "来源:某某日报 | 2021-01-19
    // 09:35:44", "作者 丨 2023-05-06".
    let after = t[rest_start.min(t.len())..].trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '|' | '｜' | '丨' | '/' | '·')
    });
    // Or glued to it: "来源: 某某报网2023-08-04 10:05:52".
    static GLUED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\p{Han}{0,4}(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})").unwrap()
    });
    let glued = GLUED.captures(after).and_then(|c| c.get(1));
    let mut after = after;
    if let Some(g) = glued {
        if let Some(d) = DATE
            .captures(g.as_str())
            .and_then(|d| iso(&d[1], &d[2], &d[3]))
            && !fields.iter().any(|(f, _)| *f == "date")
        {
            fields.push(("date", d));
        }
        // The stamp and its time are metadata too.
        let stamp = STAMP
            .find(&after[g.start()..])
            .map_or(g.end(), |m| g.start() + m.end());
        after = &after[stamp..];
        rest_start = t.len() - after.len();
    }
    if after.len() < t.len() - rest_start.min(t.len())
        && let Some(m) = STAMP.find(after)
    {
        if let Some(d) = DATE
            .captures(m.as_str())
            .and_then(|d| iso(&d[1], &d[2], &d[3]))
            && !fields.iter().any(|(f, _)| *f == "date")
        {
            fields.push(("date", d));
        }
        rest_start = t.len() - after.len() + m.end();
    }
    let rest = ACTIONS
        .replace(&t[rest_start.min(t.len())..], "")
        .trim()
        .to_string();
    for (field, value) in fields {
        // A document copy's posting time is the copy's, not the document's.
        if field == "date" && doc.copy {
            continue;
        }
        doc.found(field, value, line.raw, "metadata-line", &line.text);
    }
    if char_len(&rest) >= 10 {
        doc.log(
            line.raw,
            "metadata-line",
            &line.text,
            Action::Changed {
                after: rest.clone(),
            },
        );
        doc.lines[i].text = rest;
    } else {
        doc.lines.remove(i);
        if !doc.steps.iter().any(|s| s.raw == line.raw) {
            doc.log(line.raw, "metadata-line", &line.text, Action::Dropped);
        }
    }
}

/// "（文章来源：泉州晚报）" on a line of its own.
pub fn source_line(doc: &mut Doc) {
    take_lines(doc, &SOURCE_LINE, "publisher", "source-line");
}

/// A metadata line a page lays out as a list item ("- 时间:2023-07-25", "- 来源:某某日报"),
/// without its marker.
fn unmarked(t: &str) -> &str {
    t.strip_prefix(['-', '•', '·', '*'])
        .filter(|r| r.starts_with(char::is_whitespace))
        .map_or(t, str::trim_start)
}

/// Every line matching `re` leaves the body; its first group is `field`.
fn take_lines(doc: &mut Doc, re: &Regex, field: &'static str, rule: &'static str) {
    let found: Vec<usize> = doc
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| re.is_match(unmarked(l.text.trim())))
        .map(|(i, _)| i)
        .collect();
    for i in found.into_iter().rev() {
        let line = doc.lines.remove(i);
        let value = re.captures(unmarked(line.text.trim())).expect("matched")[1].to_string();
        doc.found(field, value, line.raw, rule, &line.text);
    }
}

/// A line that is only a web address: where the page came from.
pub fn link_lines(doc: &mut Doc) {
    take_lines(doc, &LINK, "url", "link-line");
}

/// "1、", "（一）", "一是": the start of a list item or a numbered chunk.
pub(crate) fn starts_with_list_marker(t: &str) -> bool {
    static MARKER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:\d{1,3}[、.．)]|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、是]|[-•·*]\s)").unwrap()
    });
    MARKER.is_match(t)
}

#[cfg(test)]
mod address_tests {
    use super::date_in_address;

    #[test]
    fn dates_in_addresses() {
        for (url, want) in [
            (
                "https://example.cn/html/2021-03/26/content_1.htm",
                Some("2021-03-26"),
            ),
            (
                "https://example.cn/system/2025/02/20/0333.shtml",
                Some("2025-02-20"),
            ),
            (
                "http://example.cn/jj/2022/1219/46045.html",
                Some("2022-12-19"),
            ),
            (
                "http://example.cn/xwjj_1/201601/t20160130_519094.shtml",
                Some("2016-01-30"),
            ),
            (
                "http://example.cn/gzjz/20200205/i576240.html",
                Some("2020-02-05"),
            ),
            (
                "http://example.cn/folder80/2020-01-19/N0Hv.html",
                Some("2020-01-19"),
            ),
        ] {
            assert_eq!(date_in_address(url).as_deref(), want, "{url}");
        }
        // Numbers that are not dates: an id, an impossible day, the host.
        for url in [
            "http://example.cn/news/show-319700.html",
            "http://example.cn/doc/20231345.html",
            "http://www.2023.cn/a.html",
            "http://example.cn/p-70414.html",
        ] {
            assert_eq!(date_in_address(url), None, "{url}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::credits::{byline, notice_issuer};
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
    fn notices_name_their_issuer() {
        let mut d = run(
            "福州市科学技术局关于印发《福州市2022年科技工作总结》的通知\n正文。\n",
            |_| {},
        );
        d.found.title = Some(d.lines.remove(0).text);
        notice_issuer(&mut d);
        assert_eq!(d.found.publisher.as_deref(), Some("福州市科学技术局"));
    }
}
