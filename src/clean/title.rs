//! The title: which line of the page's header is the article's headline, and what
//! sites add to a headline that is not the article's (a channel, a column, a site's
//! name, a file extension).
//!
//! Split from the layout, which finds the header; this decides within it.

use std::sync::LazyLock;

use regex::Regex;

use super::layout::{Kind, kind, punctuation};
use super::{Action, Doc, char_len};
use crate::text::is_cjk;

/// A line that can be a page's title: a heading-like phrase, not furniture, not a
/// sentence of the article, not a list item or a date.
pub fn title_like(t: &str) -> bool {
    let t = t.trim().trim_start_matches('#').trim();
    let n = char_len(t);
    let cjk = t.chars().filter(|c| is_cjk(*c)).count();
    static DATED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]").unwrap());
    (6..=80).contains(&n)
        && cjk >= 4
        && kind(t) != Kind::Chrome
        && !DATED.is_match(t)
        && !t.contains(['>', '»', '›'])
        && !["官方网站", "官网", "网站", "首页", "频道"]
            .iter()
            .any(|w| t.ends_with(w))
        && !super::meta::is_office(t)
        && !t.ends_with(['。', '；', ';', '：', ':', '，', ','])
        && !super::meta::starts_with_list_marker(t)
        && ![
            "记者",
            "通讯员",
            "编辑",
            "来源",
            "作者",
            "摄",
            "制图",
            "图/",
            "资料图",
        ]
        .iter()
        .any(|w| t.contains(w))
        && !names(t)
}

/// "周和平 王岁红": a line of people's names (a byline without its label).
fn names(t: &str) -> bool {
    let parts: Vec<&str> = t
        .split([' ', '　', '、'])
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| (2..=3).contains(&char_len(p)) && p.chars().all(is_cjk))
}

/// Chooses the title among the header's lines when no rule found one: the last title-
/// like line before the article (the headline sits right above the text; site names
/// and menus come first), else one the page repeats (a headline also at the end of the
/// breadcrumb). Drops the header, logging each line.
pub fn title_from_header(doc: &mut Doc, mut header: Vec<super::Line>) {
    if doc.found.title.is_none() {
        // The headline says what the article says: of the lines that can be titles,
        // the one sharing the most of its words with the article's opening (a site's
        // slogan, a column's name and a subtitle share fewer), the nearest on a tie.
        let opening: String = doc
            .lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<String>();
        let opening: String = opening.chars().take(600).collect();
        let shared = |t: &str| -> f64 {
            let c: Vec<char> = clean_title(t)
                .chars()
                .filter(|c| is_cjk(*c) || c.is_alphanumeric())
                .collect();
            let pairs: Vec<String> = c.windows(2).map(|w| w.iter().collect()).collect();
            if pairs.is_empty() {
                return 0.0;
            }
            pairs
                .iter()
                .filter(|p| opening.contains(p.as_str()))
                .count() as f64
                / pairs.len() as f64
        };
        let candidates: Vec<usize> = (0..header.len())
            .filter(|&i| title_like(&header[i].text))
            .collect();
        let best = candidates.iter().copied().max_by(|&a, &b| {
            shared(&header[a].text)
                .total_cmp(&shared(&header[b].text))
                .then(a.cmp(&b))
        });
        let mut chosen = match best {
            Some(i) if shared(&header[i].text) >= 0.3 => Some(i),
            _ => candidates.last().copied(),
        };
        // A headline over its subtitle: of two headline lines one above the other that
        // both say what the article says, the upper is the title when it is the terser
        // (a kicker above a headline is the wordier, with a sentence's commas).
        if let Some(i) = chosen {
            let above = i.checked_sub(1).filter(|&j| {
                let (upper, lower) = (header[j].text.trim(), clean_title(&header[i].text));
                candidates.contains(&j)
                    && header[j].raw + 3 >= header[i].raw
                    && char_len(upper) >= 8
                    && char_len(upper) <= char_len(&lower)
                    && punctuation(upper) == 0
                    && shared(upper) >= 0.3
            });
            chosen = above.or(chosen);
        }
        // The headline is the line right above the page's metadata line ("发布时间:… 来源:…"),
        // wherever the best-scoring line is (a section's heading under it scores higher).
        let metadata = doc
            .steps
            .iter()
            .find(|s| matches!(s.rule, "metadata-line" | "metadata-cells" | "dateline"))
            .map(|s| s.raw);
        if let Some(r) = metadata {
            let above = header.iter().rposition(|l| l.raw < r);
            if let Some(j) =
                above.filter(|j| candidates.contains(j) && shared(&header[*j].text) >= 0.2)
            {
                chosen = Some(j);
                // Below the metadata line and its share bar, a headline-like line is the
                // article's own first heading.
                let own: Vec<super::Line> = header
                    .iter()
                    .filter(|l| l.raw > r && kind(&l.text) != Kind::Chrome && title_like(&l.text))
                    .cloned()
                    .collect();
                header.retain(|l| !own.iter().any(|o| o.raw == l.raw));
                doc.lines.splice(0..0, own);
            }
        }
        if let Some(line) = chosen.map(|i| header[i].clone()) {
            let mut t = clean_title(&line.text);
            // A site's name before the headline on its line ("某某墙体广告 长沙高新技术产业…"):
            // the part the article does not speak of goes.
            if let Some((head, tail)) = t.split_once([' ', '　']) {
                let (h, tl) = (shared(head), shared(tail));
                if char_len(head) >= 4 && char_len(tail.trim()) >= 8 && tl >= 0.6 && h * 2.0 < tl {
                    t = tail.trim().to_string();
                }
            }
            doc.found("title", t, line.raw, "title", &line.text);
        } else if let Some(t) = doc.page_title.clone() {
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
    }
    doc.header = header.iter().map(|l| l.text.clone()).collect();
    for line in header {
        if doc
            .steps
            .iter()
            .any(|s| s.raw == line.raw && matches!(s.action, Action::Moved { .. }))
        {
            continue;
        }
        doc.log(line.raw, "page-header", &line.text, Action::Dropped);
    }
}

/// A headline without what sites add to it: the heading mark, a column name after a
/// bar (`标题|“非凡‘十四五’”专栏`), a bracketed channel before it (`【科技局】标题`), a
/// file extension, a site name after a dash.
pub fn clean_title(t: &str) -> String {
    static EXT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\.(?:docx?|pdf|wps|txt|pptx?|xlsx?|mp3|mp4)$").unwrap());
    // A channel before it, bracketed (`【科技局】`, `(本地)`), or a rule's dashes (`──`).
    static CHANNEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:【[^】]{1,16}】|[(（][\p{Han}]{1,4}[)）]|[─—–-]{2,}\s*)").unwrap()
    });
    // A document number before it: "资科〔2020〕11号 ".
    static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\p{Han}{1,8}[〔\[(（]\d{4}[〕\])）]\s*\d+\s*号\s*").unwrap()
    });
    static SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s*[-_—–|｜]\s*[^-_—–|｜]{1,12}(?:网|报|频道|消息|资讯|新闻|官网|在线)$")
            .unwrap()
    });
    let mut t = t.trim().trim_start_matches('#').trim().to_string();
    t = EXT.replace(&t, "").into_owned();
    t = CHANNEL.replace(&t, "").into_owned();
    t = NUMBER.replace(&t, "").into_owned();
    t = SUFFIX.replace(&t, "").into_owned();
    if let Some((head, tail)) = t.split_once(['|', '｜']) {
        if tail.contains("专栏") || tail.contains("专题") || char_len(tail) <= 12 {
            t = head.trim().to_string();
        }
    }
    t.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_what_sites_add() {
        assert_eq!(
            clean_title("## 长沙科技创新综合实力实现跨越式提升|“非凡‘十四五’”专栏"),
            "长沙科技创新综合实力实现跨越式提升"
        );
        assert_eq!(
            clean_title("【科技局】工作方案的目标是什么?.mp3"),
            "工作方案的目标是什么?"
        );
        assert_eq!(
            clean_title("(本地)全市高新技术产业彰显活力"),
            "全市高新技术产业彰显活力"
        );
        assert_eq!(
            clean_title("──部分新兴产业基本情况"),
            "部分新兴产业基本情况"
        );
        // Negative: a bracket that is the headline's own stays.
        assert_eq!(
            clean_title("(2023)年度科技创新报告"),
            "(2023)年度科技创新报告"
        );
        assert_eq!(
            clean_title("西安输出技术成交额位列全国第三!-环球消息"),
            "西安输出技术成交额位列全国第三!"
        );
        assert!(!title_like("本报记者 某某 通讯员 某某"));
        assert!(title_like(
            "关于2023年某市通过高新技术企业认定企业名单的公示"
        ));
    }
}
