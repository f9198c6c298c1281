//! Who wrote or issued the article, and when, read from the shapes pages give them
//! without a label: a signature under a notice, a news dateline ("本报讯(记者 某某)"), a
//! reporter's byline, the authors and tags glued to the last sentence, a lone date or a
//! site's byline in the page's header, the issuer a notice's title names. The labelled
//! fields ("发布时间:", "来源:") are `meta`'s.

use std::sync::LazyLock;

use regex::Regex;

use super::meta::{ORG, iso};
use super::{Action, Doc, char_len, ends_sentence};

static REPORTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[□■◎●]?\s*(?:本报|本台|本网)?(?:全媒体)?记者\s*(\p{Han}{2,4})(?:\s*(?:通讯员|实习生)\s*(\p{Han}{2,4}))?$")
        .unwrap()
});
static BYLINE_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^.{0,24}?(?:全媒体)?记者\s*(\p{Han}{2,4})$").unwrap());
static NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\p{Han}{2,30}?)关于.{2,}的(?:通知|通告|公告|意见|决定|批复|报告|函|办法)$")
        .unwrap()
});

/// The news dateline at the start of a story: "本报讯(记者 某某)", "长沙晚报12月5日讯(全媒体
/// 记者 某某)", "新华网昆明8月24日电(某某)", "【某某网讯】记者某某报道:". It goes; the
/// newspaper is the publisher and the reporters are the authors.
pub fn news_dateline(doc: &mut Doc) {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:【([^】]{2,16}?)讯】|(本报|\p{Han}{2,12}?(?:日报|晚报|早报|商报|报|网|台|社|在线)(?:[(（][^)）]{2,16}[)）])?)(?:\p{Han}{0,4}?(?:\d{1,2}月\d{1,2}日)?)?\s*(?:讯|电))\s*(?:[(（]([^)）]{1,40})[)）])?\s*(?:(?:全媒体)?记者\s*([\p{Han}、 ]{2,20}?)\s*报道\s*[:：])?").unwrap()
    });
    let Some(i) = doc.lines.iter().take(8).position(|l| {
        RE.find(l.text.trim()).is_some_and(|m| {
            m.len() > 3 && char_len(l.text.trim()) > m.as_str().chars().count() + 8
        })
    }) else {
        return;
    };
    let line = doc.lines[i].clone();
    let t = line.text.trim();
    let c = RE.captures(t).expect("matched");
    let end = c.get(0).expect("whole").end();
    // "本报讯 记者日前从…": a reporter named in the sentence stays in it.
    let paper = c.get(1).or(c.get(2)).map(|m| m.as_str().to_string());
    if let Some(p) = paper.filter(|p| p != "本报") {
        doc.found("publisher", p, line.raw, "news-dateline", &line.text);
    }
    let people = c
        .get(3)
        .or(c.get(4))
        .map(|m| m.as_str())
        .unwrap_or_default();
    let names: Vec<String> = people
        .split(['、', ' ', '，', ','])
        .map(|n| {
            n.trim()
                .trim_start_matches("全媒体")
                .trim_start_matches("记者")
                .trim_start_matches("通讯员")
                .trim_start_matches("实习生")
                .trim()
                .to_string()
        })
        .flat_map(|n| {
            n.split("通讯员")
                .map(|x| x.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|n| (2..=4).contains(&char_len(n)) && n.chars().all(is_han))
        .collect();
    if !names.is_empty() {
        doc.found(
            "author",
            names.join(" "),
            line.raw,
            "news-dateline",
            &line.text,
        );
    }
    let rest = t[end..].trim().to_string();
    doc.log(
        line.raw,
        "news-dateline",
        &line.text,
        Action::Changed {
            after: rest.clone(),
        },
    );
    doc.lines[i].text = rest;
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// The signature an official notice ends with: the issuing office on one line and
/// the date on the next ("珠海市科技创新局" / "2024年4月15日"): its publisher and date.
pub fn signature(doc: &mut Doc) {
    static DAY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$").unwrap());
    let n = doc.lines.len();
    if n < 3 {
        return;
    }
    // Among the page's last lines: a footer may follow it.
    let is_office = |t: &str| {
        let t = t.trim();
        ORG.find(t).is_some_and(|m| m.end() == t.len()) && char_len(t) <= 25
    };
    let Some(i) = (n.saturating_sub(8).max(1)..n)
        .find(|&i| is_office(&doc.lines[i - 1].text) && DAY.is_match(doc.lines[i].text.trim()))
    else {
        return;
    };
    let (day, office) = (doc.lines[i].clone(), doc.lines[i - 1].clone());
    let c = DAY.captures(day.text.trim()).expect("matched");
    doc.read(
        "publisher",
        office.text.trim().to_string(),
        office.raw,
        "signature",
        &office.text,
    );
    if let Some(d) = iso(&c[1], &c[2], &c[3]) {
        doc.read("date", d, day.raw, "signature", &day.text);
    }
}

/// A date on a line of its own in the page's header ("2017-11-08", "2018-07-31 10:20"),
/// the article's when nothing else dated it — but not on a document-sharing page,
/// where it is the upload's.
pub fn header_date(doc: &mut Doc, header: &[super::Line]) {
    static ALONE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:时间|日期|发布时间|发布日期)?\s*[:：]?\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?(?:\s+\S{0,12})?$").unwrap()
    });
    // A speech's delivery note: "2023年1月12日在某省第十四届人民代表大会第一次会议上".
    static DELIVERED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\d{4})年(\d{1,2})月(\d{1,2})日在.{2,40}(?:会议|大会|会)上").unwrap()
    });
    // A WeChat post's line under its headline: "原创 某某科技 2022-01-10 18:30", an
    // account's (or an author's) name before the date.
    static POSTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:原创\s*)?[^\s，。,：:]{1,20}(?:\s+[^\s，。,：:]{1,12})?\s+(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$").unwrap()
    });
    if doc.found.date.is_some() || doc.copy {
        return;
    }
    for line in header {
        let t = line.text.trim().trim_start_matches('#').trim();
        let Some(c) = ALONE
            .captures(t)
            .or_else(|| DELIVERED.captures(t))
            .or_else(|| POSTED.captures(t))
        else {
            continue;
        };
        if let Some(d) = iso(&c[1], &c[2], &c[3]) {
            doc.found("date", d, line.raw, "header-date", &line.text);
            return;
        }
    }
}

/// A site's byline in the header ("湖北网 编辑:某某"), or its name for a story the paper
/// ran itself ("本报讯"; "某某报官方网站"): the publisher, when nothing else named one.
pub fn header_publisher(doc: &mut Doc, header: &[super::Line]) {
    static SITE_EDITOR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\p{Han}{2,12}?(?:网|报|社|台|在线))\s+(?:编辑|责编|来源)\s*[:：]").unwrap()
    });
    static PAPER_SITE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\p{Han}{2,10}?(?:日报|晚报|工人报|报))(?:官方网站|官网|社|电子版|数字报)")
            .unwrap()
    });
    if doc.found.publisher.is_some() {
        return;
    }
    let own = doc
        .steps
        .iter()
        .any(|s| s.rule == "news-dateline" && s.text.trim_start().starts_with("本报"));
    for line in header {
        let t = line.text.trim().trim_start_matches('#').trim();
        let name = SITE_EDITOR
            .captures(t)
            .or_else(|| own.then(|| PAPER_SITE.captures(t)).flatten())
            .map(|c| c[1].to_string());
        if let Some(n) = name {
            doc.found.publisher = Some(n.clone());
            doc.log(
                line.raw,
                "header-publisher",
                &line.text,
                Action::Moved {
                    field: "publisher",
                    value: n,
                },
            );
            return;
        }
    }
}

/// The page's tags glued to the article's last sentence, with the authors before them:
/// "…产业链水平提高。 (某某 某某某)标签:高新技术产业;泰州;产值". The sentence stays.
pub fn trailing_tags(doc: &mut Doc) {
    static TAGS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(.*[。！？!?”])\s*(?:[(（]([\p{Han}、 　]{2,24})[)）])?\s*(?:标签|关键词|关键字|(?i:tags?))\s*[:：][^。]{0,80}$").unwrap()
    });
    // The tags on a line of their own, at the end.
    static ALONE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:标签|关键词|关键字|(?i:tags?))\s*[:：][^。，,]{0,60}$").unwrap()
    });
    let n = doc.lines.len();
    let alone: Vec<usize> = (n.saturating_sub(8)..n)
        .filter(|&i| ALONE.is_match(doc.lines[i].text.trim()))
        .collect();
    for i in alone.into_iter().rev() {
        let line = doc.lines.remove(i);
        doc.log(line.raw, "trailing-tags", &line.text, Action::Dropped);
    }
    for i in 0..doc.lines.len() {
        let line = doc.lines[i].clone();
        let Some(c) = TAGS.captures(line.text.trim()) else {
            continue;
        };
        let kept = c[1].trim_end().to_string();
        if let Some(names) = c.get(2).filter(|_| doc.found.author.is_none()) {
            let names = names
                .as_str()
                .split([' ', '　', '、'])
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            doc.found("author", names, line.raw, "trailing-tags", &line.text);
        }
        doc.log(
            line.raw,
            "trailing-tags",
            &line.text,
            Action::Changed {
                after: kept.clone(),
            },
        );
        doc.lines[i].text = kept;
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
