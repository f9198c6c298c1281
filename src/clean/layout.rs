//! Layout: which lines are the article and which are the page around it.
//!
//! The named rules recognise chrome they know by its shape. A page from a site never
//! seen has chrome nobody named, so this pass decides by kind of text, the way jusText
//! and GNE do: a line of prose (long, punctuated, sentence-like) is article; a line of
//! page furniture (account and navigation words, upload metadata, short fragments
//! without sentence punctuation) is not; a short line is decided by its neighbours.
//! The article is the run of lines, broken by no furniture, that holds the most prose
//! (a headline or a lead repeated above it, a footer below it, are other runs); what
//! lies before it is the page's header, where the title is looked for, and what lies
//! after it is the footer. Both are dropped, each line logged with its rule.

use std::sync::LazyLock;

use regex::Regex;

use super::{Action, Doc, char_len, ends_sentence};
use crate::text::is_cjk;

/// What a line is, by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Prose: the article's sentences.
    Prose,
    /// Short and neutral: a heading, a title, a short sentence; decided by context.
    Short,
    /// Page furniture.
    Chrome,
}

/// Words of page furniture, by kind: footers, navigation, page actions, forum and
/// document-sharing chrome, counters. One of these on a short line makes it furniture.
const CHROME_WORDS: &[&str] = &[
    "版权所有",
    "Copyright",
    "copyright",
    "©",
    "ICP",
    "公网安备",
    "当前位置",
    "您的位置",
    "所在的位置",
    "设为首页",
    "加入收藏",
    "网站地图",
    "联系我们",
    "关于我们",
    "免责声明",
    "友情链接",
    "技术支持",
    "主办单位",
    "网站标识码",
    "只看该作者",
    "倒序浏览",
    "阅读模式",
    "发表于",
    "复制链接",
    "返回顶部",
    "关闭窗口",
    "打印本页",
    "上一篇",
    "下一篇",
    "上一主题",
    "下一主题",
    "扫一扫",
    "二维码",
    "微信登录",
    "语音播报",
    "阅读次数",
    "浏览次数",
    "点击数",
    "VIP",
    "侵权",
    "免费试读",
    "免费预览",
    "页数",
    "KB",
    "MB",
    "相关新闻",
    "推荐内容",
    "网友评论",
    "责任编辑",
    "公众号",
    "新用户注册",
    "版面导航",
    "上一版",
    "下一版",
];

/// Words that are furniture in company: two of them on a short line (`会员登录 注册`),
/// while one alone is an ordinary word (`创新密码`, `下载申报表`).
const WEAK_CHROME_WORDS: &[&str] = &[
    "登录",
    "登陆",
    "注册",
    "会员",
    "退出",
    "用户名",
    "密码",
    "个人中心",
    "扫码",
    "账号",
    "首页",
    "网站导航",
    "无障碍",
    "长者模式",
    "简体版",
    "繁体版",
    "English",
    "打印",
    "分享",
    "收藏",
    "评论",
    "点赞",
    "返回",
    "跳转",
    "回复",
    "楼主",
    "字号",
    "字体",
    "浏览",
    "法律声明",
    "隐私政策",
    "承办",
    "文档",
    "下载",
    "上传",
    "预览",
    "积分",
    "举报",
    "讲稿",
    "海报",
    "范文",
    "在线阅读",
    "广告",
    "热线",
    "联系电话",
    "客服",
    "QQ",
    "热门",
    "相关阅读",
    "标签",
    "关键词",
    "编辑",
];

pub(super) fn chrome_hits(t: &str) -> usize {
    let strong = CHROME_WORDS.iter().filter(|w| t.contains(*w)).count();
    let weak = WEAK_CHROME_WORDS.iter().filter(|w| t.contains(*w)).count();
    strong + weak / 2
}

/// Sentence punctuation inside a line (a list of menu words has none).
pub(super) fn punctuation(t: &str) -> usize {
    t.chars()
        .filter(|c| "，。；：、！？,;:!?".contains(*c))
        .count()
}

/// How a line reads on its own.
pub fn kind(t: &str) -> Kind {
    let t = t.trim().trim_start_matches('#').trim();
    let n = char_len(t);
    let hits = chrome_hits(t);
    let cjk = t.chars().filter(|c| is_cjk(*c)).count();
    let p = punctuation(t);
    // A line of menu items: several short words between spaces or bars, no sentence.
    let items: Vec<&str> = t
        .split([' ', '|', '｜', '丨', '·', '•', '/'])
        .filter(|s| !s.is_empty())
        .collect();
    let short_items = items.iter().filter(|s| char_len(s) <= 6).count();
    let menu = items.len() >= 4 && short_items * 5 >= items.len() * 4 && p == 0;
    // Sizes, counters, bare dates and numbers: upload and listing metadata (but not a
    // figure: "5219户"; nor a sentence: "联系电话:0756-2213091。").
    static FIGURE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[\d.,]+\s*(?:家|户|个|项|件|人|名|位|亿元|万元|元|%|万|亿)").unwrap()
    });
    // A sub-heading that is only a period ("2021年", "2023年1-9月") is the article's.
    static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:19|20)\d{2}\s*年(?:度|\s*\d{1,2}\s*[-—–~至]\s*\d{1,2}\s*月|上半年|下半年|前三季度)?$").unwrap()
    });
    let metadata =
        cjk * 3 < n && n <= 40 && !ends_sentence(t) && !FIGURE.is_match(t) && !PERIOD.is_match(t);
    // A finished sentence with one pair of weak words is the article's ("…在线注册登录
    // 服务平台用户达1.2万个,…。").
    // So is one that speaks of a chrome word mid-sentence ("…须附上免责声明及承诺书,…。");
    // a footer begins with its label ("免责声明:…").
    let sentence = ends_sentence(t)
        && p >= 2
        && hits == 1
        && n >= 20
        && !CHROME_WORDS.iter().any(|w| t.starts_with(*w));
    if menu
        || metadata
        || (hits >= 1 && (n < 40 || p < 2) && !sentence)
        || hits >= 3 && hits * 25 > n
    {
        return Kind::Chrome;
    }
    // A question or an exclamation ending is a headline's as often as a sentence's; a
    // long line is prose when it has a sentence's commas or stops.
    let stops = t.ends_with(['。', '；', ';', '…']) || t.ends_with("。”");
    let clauses = t.contains(['。', '，', ',', '；', ';']);
    if (n >= 40 && p >= 2 && clauses) || (n >= 15 && p >= 1 && stops) {
        Kind::Prose
    } else {
        Kind::Short
    }
}

/// Document-sharing and model-essay pages: their dates are of the upload, not of the
/// document, and their header lines are the site's.
pub fn is_document_copy(lines: &[super::Line]) -> bool {
    static UPLOAD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i:\d+(?:\.\d+)?\s*[KM]B\b|上传|下载|VIP|积分|侵权投诉|页数|文档|范文|免费预览|免费试读|\.docx?\b|\.pdf\b|\.pptx?\b|由会员分享)").unwrap()
    });
    let hits = lines
        .iter()
        .take(30)
        .filter(|l| UPLOAD.is_match(&l.text))
        .count();
    hits >= 2 || lines.first().is_some_and(|l| UPLOAD.is_match(&l.text))
}

/// The lines of the article: the run of lines with no furniture in it that holds the
/// most prose. Lines before it are the header and after it the footer; they are taken
/// out of `doc.lines` (logged) and returned, the header in order.
pub fn main_block(doc: &mut Doc) -> Vec<super::Line> {
    // A signature read into the front matter is the document's own end.
    let signed: std::collections::HashSet<usize> = doc
        .steps
        .iter()
        .filter(|s| matches!(s.action, Action::Read { .. }))
        .map(|s| s.raw)
        .collect();
    let kind_of = |l: &super::Line| {
        // A table's rows hold the article's figures.
        if signed.contains(&l.raw) || l.block == super::Block::Row {
            Kind::Prose
        } else {
            kind(&l.text)
        }
    };
    let kinds: Vec<Kind> = doc.lines.iter().map(kind_of).collect();
    if !kinds.contains(&Kind::Prose) {
        // No prose at all (a notice of a few short lines): keep what is not furniture.
        doc.retain("page-furniture", |l| kind_of(l) != Kind::Chrome);
        return Vec::new();
    }
    // Runs between furniture lines, scored by their prose.
    let mut best = (0usize, 0usize, 0usize); // (score, start, end)
    let mut start = 0;
    for i in 0..=kinds.len() {
        if i == kinds.len() || kinds[i] == Kind::Chrome {
            let score: usize = (start..i)
                .filter(|&j| kinds[j] == Kind::Prose)
                .map(|j| char_len(&doc.lines[j].text))
                .sum();
            if score > best.0 {
                best = (score, start, i);
            }
            start = i + 1;
        }
    }
    let (_, mut from, mut to) = best;
    // An article a line or two of furniture cuts in two (a photo credit and a QR-code
    // line under a WeChat copy's lead, a share bar between paragraphs) is one article:
    // a neighbouring run across such a gap joins it when it is mostly prose of its
    // own, a long sentence at least, about what the article is about (a footer's
    // notices and a site's disclaimer read as prose too, but of something else).
    let prose_of = |a: usize, b: usize| -> (usize, usize, usize) {
        // A list's items are the article's sentences too.
        let prose: Vec<usize> = (a..b)
            .filter(|&j| kinds[j] == Kind::Prose || doc.lines[j].block == super::Block::Item)
            .collect();
        let chars: usize = prose.iter().map(|&j| char_len(&doc.lines[j].text)).sum();
        let all: usize = (a..b).map(|j| char_len(&doc.lines[j].text)).sum();
        (prose.len(), chars, all)
    };
    // And it speaks of what the article speaks of (a site's notices above a shared
    // document are prose too): a share of its character pairs the article has.
    let article: String = (from..to).map(|j| doc.lines[j].text.as_str()).collect();
    let on_topic = |a: usize, b: usize| {
        let pairs: Vec<String> = (a..b)
            .flat_map(|j| {
                let c: Vec<char> = doc.lines[j].text.chars().filter(|c| is_cjk(*c)).collect();
                c.windows(2)
                    .map(|w| w.iter().collect::<String>())
                    .collect::<Vec<_>>()
            })
            .collect();
        let shared = pairs
            .iter()
            .filter(|p| article.contains(p.as_str()))
            .count();
        shared * 5 >= pairs.len()
    };
    let joins = |a: usize, b: usize| {
        // From its first sentence: the short lines above that (a headline, a site's
        // name) are the header's whichever run they are in.
        let Some(a) =
            (a..b).find(|&j| kinds[j] == Kind::Prose || doc.lines[j].block == super::Block::Item)
        else {
            return false;
        };
        let (lines, chars, all) = prose_of(a, b);
        lines >= 1 && chars >= 60 && chars * 3 >= all * 2 && on_topic(a, b)
    };
    const GAP: usize = 2;
    // The gap is furniture by its words (a QR-code line, a share bar), not a bare date
    // or a signature, which end one document before another begins.
    let furniture = |a: usize, b: usize| (a..b).all(|j| chrome_hits(doc.lines[j].text.trim()) > 0);
    loop {
        // The run before `from`, across at most GAP furniture lines.
        let gap_start = (0..from)
            .rev()
            .find(|&j| kinds[j] != Kind::Chrome)
            .map(|j| j + 1);
        let Some(end) = gap_start.filter(|&e| from - e <= GAP && e > 0 && furniture(e, from))
        else {
            break;
        };
        let start = (0..end)
            .rev()
            .find(|&j| kinds[j] == Kind::Chrome)
            .map_or(0, |j| j + 1);
        if !joins(start, end) {
            break;
        }
        from = start;
    }
    loop {
        let next = (to..kinds.len()).find(|&j| kinds[j] != Kind::Chrome);
        let Some(start) = next.filter(|&s| s > to && s - to <= GAP && furniture(to, s)) else {
            break;
        };
        let end = (start..kinds.len())
            .find(|&j| kinds[j] == Kind::Chrome)
            .unwrap_or(kinds.len());
        if !joins(start, end) {
            break;
        }
        to = end;
    }

    // A run begins and ends with prose; short lines before its first prose belong to
    // the header (a title, a subtitle), but for section headings ("一、…") and the
    // salutation a notice opens with ("各有关单位:").
    // A question-and-answer page's first turn ("【问】…?", "问:…").
    static QUESTION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?:【问】|\[问\]|问[:：]|Q[:：.]|问题[:：])").unwrap());
    let first_prose = (from..to).find(|&i| kinds[i] == Kind::Prose).unwrap_or(to);
    let opens = |i: usize| {
        let t = doc.lines[i].text.trim().trim_start_matches('#').trim();
        let bullet = t.starts_with(['-', '•', '·', '*']);
        (super::meta::starts_with_list_marker(t) && !bullet)
            || (i + 1 == first_prose && t.ends_with([':', '：']) && char_len(t) <= 30)
            || QUESTION.is_match(t)
    };
    while from < to && kinds[from] != Kind::Prose && !opens(from) {
        from += 1;
    }
    // Trailing short lines stay when they read as the article's end: a sentence, or
    // one the page (or the copy of it) breaks off ("…国家提出“高新技术企业”概念,并").
    // So does a long run of words no headline or link is ("…制定出台《…》《", cut off).
    let reads_on = |t: &str| {
        let n = char_len(t);
        let cjk = t.chars().filter(|c| is_cjk(*c)).count();
        ends_sentence(t)
            || (punctuation(t) >= 2 && n >= 10)
            || (n >= 50 && cjk * 4 >= n * 3)
            // The article's own next point, cut off ("2)根据…,我市2019年纳入高新技术").
            || (n >= 12 && punctuation(t) >= 1 && enumerated(t))
    };
    // A data panel after the text ("数读" / "5219户" / its caption / …): figures on lines
    // of their own, each over its caption, is the article's.
    let lone = |i: usize| LONE_FIGURE.is_match(doc.lines[i].text.trim());
    let caption = |i: usize| {
        let t = doc.lines[i].text.trim();
        let cjk = t.chars().filter(|c| is_cjk(*c)).count();
        kinds[i] != Kind::Chrome
            && char_len(t) >= 12
            && t.contains(|c: char| c.is_ascii_digit())
            && cjk * 5 >= char_len(t) * 3
    };
    let tail = (from..to)
        .rev()
        .find(|&i| kinds[i] == Kind::Prose)
        .map_or(to, |i| i + 1);
    let panel_tail = (tail..to).any(lone)
        && (tail..to).any(caption)
        && (tail..to).all(|i| lone(i) || caption(i) || char_len(doc.lines[i].text.trim()) <= 6);
    while !panel_tail
        && to > from
        && kinds[to - 1] != Kind::Prose
        && !reads_on(&doc.lines[to - 1].text)
    {
        to -= 1;
    }
    // A data panel's lone figures ("5219户" over its caption): when the article has one,
    // a bare figure right after it is the panel's next, not a page number.
    let panel = (from..to).any(lone);
    if panel {
        while to < doc.lines.len() && lone(to) {
            to += 1;
        }
    }
    let footer = doc.lines.split_off(to);
    let header: Vec<super::Line> = doc.lines.drain(..from).collect();
    for line in &footer {
        doc.log(line.raw, "page-footer", &line.text, Action::Dropped);
    }
    // Furniture inside the article (a share bar between paragraphs).
    doc.retain("page-furniture", |l| {
        kind_of(l) != Kind::Chrome || (panel && LONE_FIGURE.is_match(l.text.trim()))
    });
    header
}

/// A line that is one figure: "5219户", "179", "3.5亿元".
static LONE_FIGURE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d[\d,.]*\s*\p{Han}{0,2}[%％]?$").unwrap());

/// A point of a numbered list, not a bullet: "2)…", "三是…", "(一)…".
fn enumerated(t: &str) -> bool {
    let t = t.trim();
    super::meta::starts_with_list_marker(t) && !t.starts_with(['-', '•', '·', '*'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_lines() {
        for chrome in [
            "首页 资讯 民生 科技 财经 汽车 房产 娱乐",
            "会员登录 新用户注册 退出",
            "15.62KB",
            "999+",
            "2024-06-14",
            "【打印本页】 【关闭窗口】",
            "版权所有:某某市科学技术局 技术支持:某某公司",
            "查看: 3093|回复: 1",
            "请使用微信扫描二维码登录",
        ] {
            assert_eq!(kind(chrome), Kind::Chrome, "{chrome}");
        }
        for prose in [
            "2022年,全市高新技术企业总数达到828户,较上年净增120户,创历史新高。",
            "近年来,全县坚持创新驱动发展战略,不断加大研发投入,科技创新能力显著提升,各项主要指标稳步增长。",
        ] {
            assert_eq!(kind(prose), Kind::Prose, "{prose}");
        }
        for short in [
            "一、上半年工作回顾",
            "长沙科技创新综合实力实现跨越式提升",
            "2021年",
            "2023年1-9月",
        ] {
            assert_eq!(kind(short), Kind::Short, "{short}");
        }
        // One furniture word in a long paragraph does not make it furniture.
        assert_eq!(
            kind("企业可在市科技局网站首页下载申报表,填写后于5月底前报送,逾期不予受理,特此通知。"),
            Kind::Prose
        );
    }
}
