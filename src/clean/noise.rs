//! Chrome: the parts of a page that are not the article.
//!
//! Each rule recognises a kind of chrome by its shape — a breadcrumb's separators, an
//! editor line's brackets, a related-articles heading followed by a list of dated
//! headlines, an ICP licence number — and only drops lines of that shape. A line that
//! only might be chrome is kept.

use std::sync::LazyLock;

use regex::Regex;

use super::{Action, Doc, Line, char_len, ends_sentence};

/// "(资料图片)", "（图片来源：…）": a placeholder for a picture the scraper lost.
pub fn placeholders(doc: &mut Doc) {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[(（【\[]\s*(?:相关资料图|资料图片|资料图|图片|组图|视频|配图|图片来源[:：].{0,20}|图\s*[/／]?.{0,12}摄|.{0,10}摄)\s*[)）】\]]$").unwrap()
    });
    // A picture's markup a copy kept as text: `![](…)`, `<image>…</image>`,
    // `<img src=…>`. A line of nothing else goes; inside a line it is cut out.
    static IMAGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"<image>[^<]{0,2000}</image>|!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>").unwrap()
    });
    doc.retain("image", |l| {
        !IMAGE.replace_all(&l.text, "").trim().is_empty()
    });
    doc.rewrite("image", |t| {
        IMAGE
            .is_match(t)
            .then(|| IMAGE.replace_all(t, "").trim().to_string())
    });
    // A photo's credit on a line of its own: "图片来源:某某科技", "摄影:某某".
    static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:图片来源|图源|图片|摄影|摄像|配图|图)\s*[:：/／]\s*[^，。,；;]{1,20}$")
            .unwrap()
    });
    doc.retain("photo-placeholder", |l| {
        !RE.is_match(&l.text) && !CREDIT.is_match(l.text.trim())
    });
}

/// "福州新闻网 >> 新闻频道 >> 福州要闻", "当前位置:首页 > 生活休闲 > 在线阅读".
pub fn breadcrumbs(doc: &mut Doc) {
    static SEP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*(?:>>|»|›|>|＞|→)\s*").unwrap());
    doc.retain("breadcrumb", |l| {
        let t = l.text.trim();
        let t = t
            .strip_prefix("当前位置")
            .map(|r| r.trim_start_matches([':', '：', ' ']))
            .unwrap_or(t);
        let parts: Vec<&str> = SEP.split(t).collect();
        let short_parts = parts.iter().all(|p| (1..=12).contains(&char_len(p.trim())));
        let crumbs = parts.len() >= 3
            || (parts.len() == 2 && (t.starts_with("首页") || l.text.starts_with("当前位置")));
        !(crumbs && short_parts && !ends_sentence(t))
    });
}

/// The headline repeated in the body, alone or with a photo caption glued to it
/// ("福州:…全省第一福州大学城。").
pub fn repeated_title(doc: &mut Doc) {
    let Some(title) = doc.found.title.clone() else {
        return;
    };
    let title = title.trim().to_string();
    // The print edition's headline above the text, a word or two apart from the web's
    // ("甘肃362家企业…" / "我省362家企业…"): a short line before the first sentence that
    // has nearly all the title's character pairs, and no sentence's stop.
    let pairs = |t: &str| -> Vec<String> {
        let c: Vec<char> = t.chars().filter(|c| !c.is_whitespace()).collect();
        c.windows(2).map(|w| w.iter().collect()).collect()
    };
    let title_pairs = pairs(&title);
    let first_sentence = doc
        .lines
        .iter()
        .position(|l| ends_sentence(&l.text))
        .unwrap_or(0);
    let variant = |i: usize, t: &str| {
        let p = pairs(t);
        let shared = p.iter().filter(|x| title_pairs.contains(x)).count();
        i < first_sentence
            && !p.is_empty()
            && title_pairs.len() >= 6
            && char_len(t).abs_diff(char_len(&title)) <= 4
            && shared * 5 >= p.len() * 4
    };
    let mut kept = Vec::with_capacity(doc.lines.len());
    for (i, line) in std::mem::take(&mut doc.lines).into_iter().enumerate() {
        let t = line.text.trim();
        // A repost's footer names it again: "标题:…".
        let labelled = t
            .strip_prefix("标题")
            .map(|r| r.trim_start_matches([':', '：', ' ']))
            .is_some_and(|r| super::title::clean_title(r) == title);
        if t == title || variant(i, t) || labelled {
            doc.log(line.raw, "repeated-title", &line.text, Action::Dropped);
        } else if let Some(rest) = t
            .strip_prefix(title.as_str())
            .filter(|r| (1..=60).contains(&char_len(r)))
        {
            let _ = rest;
            doc.log(line.raw, "caption-after-title", &line.text, Action::Dropped);
        } else if let Some(rest) = strip_title_prefix(t, &title) {
            // The headline glued to the first sentence ("标题.mp3【问】…", "1、标题 标题 正文").
            doc.log(
                line.raw,
                "title-before-text",
                &line.text,
                Action::Changed {
                    after: rest.clone(),
                },
            );
            kept.push(Line { text: rest, ..line });
        } else {
            kept.push(line);
        }
    }
    doc.lines = kept;
}

/// The text of a long line after the title it starts with (and a file extension or
/// the title again after it), when what is left is the article's text.
fn strip_title_prefix(t: &str, title: &str) -> Option<String> {
    static EXT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?i:\.(?:docx?|pdf|wps|txt|pptx?|mp3|mp4))?\s*").unwrap());
    if char_len(title) < 6 {
        return None;
    }
    let mut rest = t;
    let mut stripped = false;
    // A page chunk's number, a channel tag, the title once or twice.
    rest = rest
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches('、');
    for _ in 0..2 {
        let r = rest.trim_start();
        let r = r
            .strip_prefix("【")
            .and_then(|r| r.split_once('】').map(|x| x.1))
            .filter(|_| !r.starts_with(title))
            .unwrap_or(r);
        match r.strip_prefix(title) {
            Some(after) => {
                rest = &after[EXT.find(after).map_or(0, |m| m.end())..];
                stripped = true;
            }
            None => break,
        }
    }
    (stripped && char_len(rest) > 60).then(|| rest.trim().to_string())
}

/// "【责任编辑:徐匆】", "(编辑：王五)".
pub fn editor_lines(doc: &mut Doc) {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[【\[(（]?\s*(?:责任编辑|编辑|责编|审核|校对|审校|值班编辑|原标题)\s*[:：].{1,40}?[】\])）]?$").unwrap()
    });
    doc.retain("editor-line", |l| {
        !(char_len(&l.text) <= 40 && RE.is_match(l.text.trim()))
    });
}

const RELATED: &[&str] = &[
    "相关新闻",
    "相关文章",
    "相关阅读",
    "相关报道",
    "相关链接",
    "你可能会喜欢",
    "你可能感兴趣",
    "猜你喜欢",
    "猜你喜欢的",
    "最近更新",
    "最新更新",
    "推荐阅读",
    "热门文章",
    "热门推荐",
    "延伸阅读",
    "相关资源",
    "相关搜索",
    "更多阅读",
    "精彩推荐",
    "为你推荐",
];

fn is_related_heading(t: &str) -> bool {
    let t = t.trim().trim_end_matches([':', '：']);
    RELATED.contains(&t)
}

static TRAILING_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\(?(\d{4})[-/.](\d{2})[-/.](\d{2})\)?$").unwrap());

/// A headline in a list of links: a bullet, or a short line ending with a date.
fn is_listed_headline(t: &str) -> bool {
    let t = t.trim();
    let bullet = t.starts_with(['-', '•', '·', '*', '●', '○', '▪']);
    let dated = TRAILING_DATE.is_match(t) && char_len(t) <= 80;
    bullet || dated || (char_len(t) <= 24 && !ends_sentence(t))
}

/// "相关新闻", "你可能会喜欢", "最近更新": the heading and the list of unrelated
/// headlines after it. A listed headline that the body quotes is the page listing
/// itself: its date is the article's when nothing else dates it.
pub fn related_lists(doc: &mut Doc) {
    let Some(start) = doc.lines.iter().position(|l| is_related_heading(&l.text)) else {
        return;
    };
    let body: String = doc.lines[..start].iter().map(|l| l.text.as_str()).collect();
    let mut end = start;
    while end < doc.lines.len()
        && (is_related_heading(&doc.lines[end].text) || is_listed_headline(&doc.lines[end].text))
    {
        end += 1;
    }
    let removed: Vec<Line> = doc.lines.drain(start..end).collect();
    for line in &removed {
        if is_related_heading(&line.text) {
            doc.log(line.raw, "related-list", &line.text, Action::Dropped);
            continue;
        }
        match self_listing(&line.text, &body) {
            Some((title, date)) if doc.found.title.is_none() || doc.found.date.is_none() => {
                if doc.found.title.is_none() {
                    doc.found("title", title, line.raw, "self-listing", &line.text);
                }
                if doc.found.date.is_none() {
                    doc.found("date", date, line.raw, "self-listing", &line.text);
                }
            }
            _ => doc.log(line.raw, "related-list", &line.text, Action::Dropped),
        }
    }
    // Another block further down ("相关资源 … 猜你喜欢 … 相关搜索").
    if doc.lines[start..]
        .iter()
        .any(|l| is_related_heading(&l.text))
    {
        related_lists(doc);
    }
}

/// A listed headline whose text (after a clickbait prefix such as "世界消息!") the body
/// quotes at length: (the quoted headline, its date).
fn self_listing(item: &str, body: &str) -> Option<(String, String)> {
    let item = item.trim().trim_start_matches(['-', '•', '·', '*', ' ']);
    let c = TRAILING_DATE.captures(item)?;
    let date = format!("{}-{}-{}", &c[1], &c[2], &c[3]);
    let headline = &item[..c.get(0)?.start()];
    let chars: Vec<(usize, char)> = headline.char_indices().collect();
    // The longest suffix of the headline that the body contains, at least 8 characters.
    for (i, (at, _)) in chars.iter().enumerate() {
        let suffix = &headline[*at..];
        if chars.len() - i < 8 {
            break;
        }
        if body.contains(suffix) {
            return Some((suffix.to_string(), date));
        }
    }
    None
}

/// A site's notice set out as a numbered list under its heading ("版权与免责声明:" /
/// "1 本网注明…" / "2 …"): the heading and its numbered points go.
pub fn notice_blocks(doc: &mut Doc) {
    static HEADING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[【\[]?\s*\p{Han}{0,6}(?:声明|须知|温馨提示)\s*[】\]]?\s*[:：]?$").unwrap()
    });
    static POINT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:\d{1,2}|[一二三四五六七八九十])\s*[、.．:：)）]?\s*\S").unwrap()
    });
    let mut drop = vec![false; doc.lines.len()];
    let mut i = 0;
    while i < doc.lines.len() {
        if HEADING.is_match(doc.lines[i].text.trim()) {
            let mut j = i + 1;
            while j < doc.lines.len() && POINT.is_match(doc.lines[j].text.trim()) {
                j += 1;
            }
            // A heading with no points under it is left to the other rules.
            if j > i + 1 {
                drop[i..j].iter_mut().for_each(|d| *d = true);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    let lines = std::mem::take(&mut doc.lines);
    for (line, gone) in lines.into_iter().zip(drop) {
        if gone {
            doc.log(line.raw, "notice", &line.text, Action::Dropped);
        } else {
            doc.lines.push(line);
        }
    }
}

/// Page furniture with a recognisable shape: browser advice, ICP and police
/// registration numbers, document-sharing chrome, return/share links, hotlines.
pub fn page_chrome(doc: &mut Doc) {
    static ICP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:ICP[备证]|公网安备|经营许可证\s*[:：]|备案号\s*[:：]|增值电信业务|网络文化经营许可证)").unwrap()
    });
    static PAGE_LIST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:_第\s*\d+\s*页$|^第\s*\d+\s*页\s*[/／]\s*共\s*\d+\s*页$)").unwrap()
    });
    static UPLOAD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:上传人|文档编号|上传时间|格式\s*[:：]|页数\s*[:：]|大小\s*[:：]|下载积分|浏览次数)").unwrap()
    });
    static LINKS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").unwrap());
    const UI_WORDS: &[&str] = &[
        "返回",
        "下载",
        "相关",
        "举报",
        "分享",
        "收藏",
        "打印",
        "关闭",
        "顶部",
        "评论",
        "点赞",
        "复制链接",
        "关闭窗口",
        "打印本页",
        "返回顶部",
        "上一篇",
        "下一篇",
        "字号",
        "大",
        "中",
        "小",
    ];
    const PHRASES: &[&str] = &[
        "点击查看更多",
        "展开阅读全文",
        "阅读全文",
        "资源描述",
        "加载中",
        "查看更多",
        "点击加载更多",
        "扫一扫",
        "分享到",
    ];
    doc.retain("page-chrome", |l| {
        let t = l.text.trim();
        let n = char_len(t);
        let browser = t.contains("浏览器")
            && ["建议", "版本", "分辨率", "最佳"]
                .iter()
                .any(|k| t.contains(k))
            && n <= 150;
        let icp = ICP.is_match(t) && n <= 80;
        let upload = UPLOAD.find_iter(t).count() >= 2;
        let ui = t.split_whitespace().all(|w| UI_WORDS.contains(&w))
            && t.split_whitespace().count() >= 2;
        let phrase = PHRASES
            .iter()
            .any(|p| t.trim_end_matches(['>', '》', ' ']) == *p);
        let shared = t.contains("由会员分享") || t.contains("请在") && t.contains("上搜索");
        let links_only = LINKS.is_match(t)
            && LINKS
                .replace_all(t, "")
                .trim_matches(|c: char| c.is_whitespace() || "|｜/·-".contains(c))
                .is_empty()
            && LINKS.captures_iter(t).all(|c| {
                ["返回", "首页", "分享", "更多", "上一篇", "下一篇"]
                    .iter()
                    .any(|k| c[1].contains(k))
            });
        let hotline = [
            "报料热线",
            "新闻热线",
            "爆料热线",
            "投稿邮箱",
            "联系邮箱",
            "举报电话",
            "报料邮箱",
        ]
        .iter()
        .any(|k| t.contains(k))
            && n <= 60;
        // A site's disclaimer or copyright notice, however long: "免责声明:本网转载…".
        static NOTICE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^[【\[(（]?\s*(?:免责声明|版权声明|郑重声明|法律声明|特别声明|转载声明|声明)\s*[】\])）]?\s*[:：]").unwrap()
        });
        let notice = NOTICE.is_match(t) && n <= 400;
        !(browser
            || notice
            || icp
            || upload
            || ui
            || phrase
            || shared
            || links_only
            || hotline
            || PAGE_LIST.is_match(t))
    });
}

/// Injected spam: gambling or adult keywords, or lines stuffed with keyword lists.
pub fn spam(doc: &mut Doc) {
    const WORDS: &[&str] = &[
        "博彩",
        "赌场",
        "娱乐城",
        "百家乐",
        "时时彩",
        "六合彩",
        "体育投注",
        "网上赌",
        "真人娱乐",
        "棋牌游戏",
        "老虎机",
        "色情",
        "成人视频",
        "裸聊",
        "约炮",
        "黄色网站",
        "av女优",
        "无码",
        "一夜情",
        "代开发票",
        "办证",
        "私服",
    ];
    doc.retain("spam", |l| {
        let t = l.text.to_lowercase();
        let hits = WORDS.iter().filter(|w| t.contains(*w)).count();
        // A keyword list: many short items separated by commas or spaces, no sentence.
        let items: Vec<&str> = t
            .split(['，', ',', '|', '丨', ' '])
            .filter(|s| !s.is_empty())
            .collect();
        let stuffed =
            items.len() >= 8 && items.iter().all(|s| char_len(s) <= 6) && !ends_sentence(&t);
        // One keyword drops only a fragment (a link title), never a sentence.
        let fragment = crate::text::punct::is_short_heading(&t);
        !(hits >= 2 || hits >= 1 && fragment || stuffed)
    });
}

/// A paragraph the page repeats (a teaser shown twice) appears once.
pub fn duplicates(doc: &mut Doc) {
    let mut seen = std::collections::HashSet::new();
    doc.retain("repeated-paragraph", |l| {
        char_len(&l.text) < 20 || seen.insert(l.text.clone())
    });
}

/// "摘要:…", "导言:…", "导读:…": a teaser the page puts above the article, which the
/// article then says again.
pub fn teaser(doc: &mut Doc) {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:摘要|导言|导读|内容提要|核心提示|提要)\s*[:：]").unwrap()
    });
    let first = doc.lines.len().min(6);
    let hits: Vec<usize> = (0..first)
        .filter(|&i| RE.is_match(doc.lines[i].text.trim()))
        .collect();
    for i in hits.into_iter().rev() {
        let line = doc.lines.remove(i);
        doc.log(line.raw, "teaser", &line.text, Action::Dropped);
    }
    // An unlabelled teaser: an opening line that the next paragraph begins with again
    // (a listing's summary above the story, cut or whole).
    let squeeze = |t: &str| -> String {
        t.trim()
            .trim_end_matches(['…', '.', '。'])
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let first = doc.lines.len().min(3);
    for i in (0..first).rev() {
        let Some(next) = doc.lines.get(i + 1) else {
            continue;
        };
        let (a, b) = (squeeze(&doc.lines[i].text), squeeze(&next.text));
        if char_len(&a) >= 20 && b.starts_with(&a) && !doc.lines[i].heading {
            let line = doc.lines.remove(i);
            doc.log(line.raw, "teaser", &line.text, Action::Dropped);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::structure::parse;
    use super::*;

    fn kept(text: &str, rule: fn(&mut Doc)) -> Vec<String> {
        let mut d = parse(text);
        rule(&mut d);
        d.lines.into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn breadcrumbs_go_but_comparisons_stay() {
        assert!(kept("福州新闻网 >> 新闻频道 >> 福州要闻\n", breadcrumbs).is_empty());
        assert!(kept("当前位置:首页 > 生活休闲 > 在线阅读\n", breadcrumbs).is_empty());
        assert!(kept("首页>科技\n", breadcrumbs).is_empty());
        assert_eq!(kept("增速>5%的企业有12家。\n", breadcrumbs).len(), 1);
        assert_eq!(kept("一城四区 > 十片多点 > 空间格局的形成离不开全市上下多年以来的持续努力和不懈奋斗。\n", breadcrumbs).len(), 1);
    }

    #[test]
    fn repeated_title_and_glued_captions() {
        let mut d = parse(
            "福州:国家高新技术企业总量全省第一\n福州:国家高新技术企业总量全省第一福州大学城。\n福州:国家高新技术企业总量全省第一的消息传来，全市上下备受鼓舞，各区县纷纷召开会议研究部署下一步工作，力争在新的一年里再创佳绩，为全市经济社会发展作出更大贡献。\n",
        );
        d.found.title = Some("福州:国家高新技术企业总量全省第一".into());
        repeated_title(&mut d);
        assert_eq!(
            d.lines.len(),
            1,
            "a long paragraph starting with the title is text"
        );
    }

    #[test]
    fn editor_lines() {
        assert!(kept("【责任编辑:徐匆】\n", super::editor_lines).is_empty());
        assert!(kept("(编辑：王五)\n", super::editor_lines).is_empty());
        assert_eq!(
            kept(
                "编辑部成立于1985年，现有编辑记者50余人。\n",
                super::editor_lines
            )
            .len(),
            1
        );
    }

    #[test]
    fn related_lists_go_with_their_headlines_and_date_the_page() {
        let mut d = parse(
            "由市科技局支持的专栏推出《省市科技部门共推兰州市高新技术企业培育》。\n正文第二段。\n相关文章\n你可能会喜欢\n最近更新\n- 世界消息!甘肃省市科技部门共推兰州市高新技术企业培育2022-08-21\n- 环球通讯!气象农业专家攜手支招2022-08-21\n",
        );
        related_lists(&mut d);
        assert_eq!(d.lines.len(), 2);
        assert_eq!(
            d.found.title.as_deref(),
            Some("省市科技部门共推兰州市高新技术企业培育")
        );
        assert_eq!(d.found.date.as_deref(), Some("2022-08-21"));
        // A heading-like word inside a sentence is not a related block.
        assert_eq!(
            kept("我们整理了相关新闻，供读者参考。\n", related_lists).len(),
            1
        );
    }

    #[test]
    fn page_chrome_of_every_kind() {
        let chrome = "为确保最佳浏览效果,建议您使用以下浏览器版本:IE浏览器9.0版本及以上\n备案号:宁ICP备20000045号-2\n宁公网安备 64010402000987号\n上传人:李司机 文档编号:5497975 上传时间:2023-07-14\n返回 下载 相关 举报\n报告.docx_第1页\n第1页 / 共6页\n点击查看更多>>\n展开阅读全文\n《报告.docx》由会员分享,可在线阅读,更多相关《报告》请在三一办公上搜索。\n[返回泉州晚报新闻](//x.com/a.html)｜[返回首页](//x.com/)\n新化月报网报料热线:886 2395@qq.com\n";
        assert_eq!(kept(chrome, page_chrome), Vec::<String>::new());
        let text = "企业可通过浏览器登录平台申报，系统将在三个工作日内完成审核并反馈结果，逾期未反馈的视为通过。\n第1页的数据显示，全市共有企业120家。\n[市科技局](//kjj.gov.cn)发布了通知。\n";
        assert_eq!(kept(text, page_chrome).len(), 3);
    }

    #[test]
    fn spam_and_duplicates() {
        assert!(kept("澳门百家乐 真人娱乐城 注册送彩金\n", spam).is_empty());
        assert!(
            kept(
                "高新技术 科技企业 创新 孵化器 众创空间 研发 投入 专利 人才\n",
                spam
            )
            .is_empty()
        );
        assert_eq!(kept("全市举办办证服务专场活动3场，为200余家企业提供了便利的政务服务，受到企业广泛好评和肯定。\n", spam).len(), 1);
        let twice = "这是一段会被网页重复展示两次的导语文字，内容完全一样。\n正文。\n这是一段会被网页重复展示两次的导语文字，内容完全一样。\n";
        assert_eq!(kept(twice, duplicates).len(), 2);
    }

    #[test]
    fn placeholders() {
        assert!(kept("(资料图片)\n（图片来源：新华社）\n", super::placeholders).is_empty());
        assert_eq!(
            kept(
                "(一)以更大力度攻坚冲刺\n(2022-2025年)\n",
                super::placeholders
            )
            .len(),
            2
        );
    }
}
