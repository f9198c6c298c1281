//! Repairs: undo what scraping and content farms did to the text, when the repair is
//! certain — pinyin glued after characters, Traditional characters, a document cut
//! into numbered page chunks, hard line breaks — and restore the structure the page
//! lost (section headings, "一是…二是…" items).
//!
//! One job, the repairs; each is a short pass with its tests (a quarter of the file).

use std::sync::LazyLock;

use regex::Regex;

use super::{Action, Block, Doc, Line, TERMINAL, char_len, ends_sentence};
use crate::text::{is_cjk, punct};

/// "會(huì)" → "會": a pinyin gloss right after a character. Only a parenthesised
/// syllable with a tone mark counts, so "(区)", "(AI)" and "(2022-2025年)" stay.
pub fn pinyin(doc: &mut Doc) {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\p{Han})[(（]\s*([a-zA-ZüÜāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]{1,7})\s*[)）]")
            .unwrap()
    });
    const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ";
    doc.rewrite("pinyin-gloss", |t| {
        if !t.contains(['(', '（']) {
            return None;
        }
        Some(
            RE.replace_all(t, |c: &regex::Captures<'_>| {
                if c[2].chars().any(|ch| TONED.contains(ch)) {
                    c[1].to_string()
                } else {
                    c[0].to_string()
                }
            })
            .into_owned(),
        )
    });
}

/// Traditional → Simplified with OpenCC's phrase-level rules, when the page is
/// written in Traditional characters (a share of characters changes on conversion).
pub fn traditional(doc: &mut Doc) {
    let all: String = doc.lines.iter().map(|l| l.text.as_str()).collect();
    let converted = crate::text::script::to_simplified(&all);
    let han = all.chars().filter(|c| is_cjk(*c)).count();
    let changed = all
        .chars()
        .zip(converted.chars())
        .filter(|(a, b)| a != b)
        .count();
    if han == 0 || changed * 100 < han * 3 || changed < 10 {
        return;
    }
    doc.found.traditional = true;
    doc.rewrite("traditional-to-simplified", |t| {
        Some(crate::text::script::to_simplified(t))
    });
    for v in [
        &mut doc.found.title,
        &mut doc.found.publisher,
        &mut doc.found.author,
    ]
    .into_iter()
    .flatten()
    {
        *v = crate::text::script::to_simplified(v);
    }
}

/// Document-sharing sites cut a document into page chunks numbered "1、", "2、", …,
/// often in the middle of a sentence. A run of at least three long lines numbered
/// 1, 2, 3… from the start is such a document: the numbers go, and a chunk that
/// continues a cut sentence is joined to the one before it.
pub fn page_chunks(doc: &mut Doc) {
    static NUM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d{1,3})、\s*").unwrap());
    let numbered: Vec<(usize, usize)> = doc
        .lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            NUM.captures(&l.text)
                .and_then(|c| c[1].parse().ok())
                .map(|n| (i, n))
        })
        .collect();
    // The longest run numbered 1, 2, 3, … in order.
    let Some(first) = numbered.iter().position(|&(_, n)| n == 1) else {
        return;
    };
    let run: Vec<usize> = numbered[first..]
        .iter()
        .enumerate()
        .take_while(|(k, (_, n))| *n == k + 1)
        .map(|(_, (i, _))| *i)
        .collect();
    let long = run
        .iter()
        .filter(|&&i| char_len(&doc.lines[i].text) >= 80)
        .count();
    let cuts = run
        .windows(2)
        .filter(|w| !ends_sentence(&doc.lines[w[0]].text))
        .count();
    // A document-sharing copy may hold only two chunks, both long.
    let enough = run.len() >= 3 || (doc.copy && run.len() == 2 && long == 2);
    if !enough || long * 2 < run.len() || cuts == 0 {
        return;
    }
    let title = doc.found.title.clone().unwrap_or_default();
    let mut merged: Vec<Line> = Vec::new();
    let mut out = Vec::with_capacity(doc.lines.len());
    let mut steps = Vec::new();
    for (i, line) in std::mem::take(&mut doc.lines).into_iter().enumerate() {
        if !run.contains(&i) {
            out.push(line);
            continue;
        }
        let mut text = NUM.replace(&line.text, "").into_owned();
        // The first chunk often repeats the document's title before its text.
        if !title.is_empty() && text.starts_with(&title) && char_len(&text) > char_len(&title) {
            text = text[title.len()..].to_string();
        }
        steps.push((line.raw, line.text.clone(), text.clone()));
        match merged.last_mut() {
            Some(prev) if !ends_sentence(&prev.text) => prev.text.push_str(&text),
            _ => merged.push(Line {
                text,
                raw: line.raw,
                heading: false,
                block: Block::Para,
            }),
        }
        if run.last() == Some(&i) {
            out.append(&mut merged);
        }
    }
    for (raw, before, after) in steps {
        doc.log(raw, "page-chunks", &before, Action::Changed { after });
    }
    doc.lines = out;
}

/// A copy of a paged document keeps each page's running head inside the text: "…科技型
/// 中小企全县调研科技工作汇报材料 WORD 版 【本文为 word 版,…】 第 2 页 业技术创新基金…".
/// Page marks numbered 1, 2, 3… in order are such heads; what the text repeats right
/// before every mark (and the document's title before that) is the head, and goes with
/// the mark, so the sentence it cut joins up again.
pub fn running_heads(doc: &mut Doc) {
    static MARK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s*第\s*(\d{1,3})\s*页(?:\s*[/／,，]?\s*共\s*\d{1,3}\s*页)?\s*").unwrap()
    });
    let marks: Vec<(usize, usize, usize, usize)> = doc
        .lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            MARK.captures_iter(&l.text)
                .filter_map(|c| {
                    let m = c.get(0)?;
                    Some((i, m.start(), m.end(), c[1].parse().ok()?))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let in_order = marks.windows(2).all(|w| w[1].3 == w[0].3 + 1);
    if marks.len() < 2 || !in_order {
        return;
    }
    // The head: the longest text that ends right before every mark.
    let before: Vec<Vec<char>> = marks
        .iter()
        .map(|&(i, start, _, _)| doc.lines[i].text[..start].chars().rev().take(80).collect())
        .collect();
    let mut common = 0;
    while before
        .iter()
        .all(|b| b.len() > common && b[common] == before[0][common])
    {
        common += 1;
    }
    let head: String = before[0][..common].iter().rev().collect();
    let head = if char_len(head.trim()) >= 6 {
        head
    } else {
        String::new()
    };
    let title = doc.found.title.clone().unwrap_or_default();
    let mut steps = Vec::new();
    for &(i, start, end, _) in marks.iter().rev() {
        let line = &mut doc.lines[i];
        let mut from = start - head.len();
        let kept = line.text[..from].trim_end();
        if !title.is_empty() && kept.ends_with(title.as_str()) {
            from = kept.len() - title.len();
        }
        let cut = line.text[from..end].to_string();
        let (a, b) = (line.text[..from].trim_end(), line.text[end..].trim_start());
        let space = match (a.chars().last(), b.chars().next()) {
            (Some(x), Some(y)) if !is_cjk(x) && !is_cjk(y) => " ",
            _ => "",
        };
        let after = format!("{a}{space}{b}");
        steps.push((line.raw, cut));
        line.text = after;
    }
    for (raw, cut) in steps.into_iter().rev() {
        doc.log(raw, "running-head", &cut, Action::Dropped);
    }
    doc.lines.retain(|l| !l.text.trim().is_empty());
}

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// Numbered parts a page ran together: "一、…", "(一)…" headings and "一是…二是…"
/// items. A marker only counts where the sequence expects it (after "(一)" comes
/// "(二)"), so "第一、二批" or a stray "(三)" in a sentence are left alone.
pub fn sequences(doc: &mut Doc) {
    let mut out: Vec<Line> = Vec::with_capacity(doc.lines.len());
    let mut next_top = 0usize; // index into NUMERALS of the expected "X、"
    let mut next_sub = 0usize; // expected "(X)"
    let mut changed = Vec::new();
    for line in std::mem::take(&mut doc.lines) {
        if line.heading || line.block != Block::Para {
            out.push(line);
            continue;
        }
        let pieces = split_sequences(&line.text, &mut next_top, &mut next_sub);
        if pieces.len() > 1 || pieces.first().is_some_and(|p| p.1) {
            changed.push((
                line.raw,
                line.text.clone(),
                pieces
                    .iter()
                    .map(|p| p.0.as_str())
                    .collect::<Vec<_>>()
                    .join(" ⏎ "),
            ));
        }
        for (text, heading) in pieces {
            out.push(Line {
                text,
                raw: line.raw,
                heading,
                block: Block::Para,
            });
        }
    }
    for (raw, before, after) in changed {
        doc.log(raw, "numbered-parts", &before, Action::Changed { after });
    }
    doc.lines = out;
}

/// Splits one line at the expected sequence markers: (text, is heading) pieces.
fn split_sequences(text: &str, next_top: &mut usize, next_sub: &mut usize) -> Vec<(String, bool)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut cuts: Vec<(usize, Kind)> = Vec::new();
    let mut next_item = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let at = chars[i].0;
        let rest = &text[at..];
        let prev = i.checked_sub(1).map(|p| chars[p].1);
        let boundary = prev.is_none_or(|p| TERMINAL.contains(&p) || p == '\u{3000}');
        let top = NUMERALS.get(*next_top).map(|n| format!("{n}、"));
        let top_first = format!("{}、", NUMERALS[0]);
        let sub = NUMERALS
            .get(*next_sub)
            .map(|n| [format!("({n})"), format!("（{n}）")]);
        let sub_first = [format!("({})", NUMERALS[0]), format!("（{}）", NUMERALS[0])];
        let item = NUMERALS.get(next_item).map(|n| format!("{n}是"));
        let item_first = format!("{}是", NUMERALS[0]);
        if boundary
            && (top.as_deref().is_some_and(|t| rest.starts_with(t)) || rest.starts_with(&top_first))
            && prev != Some('第')
        {
            *next_top = if rest.starts_with(&top_first) {
                1
            } else {
                *next_top + 1
            };
            *next_sub = 0;
            cuts.push((at, Kind::Top));
        } else if sub
            .as_ref()
            .is_some_and(|s| s.iter().any(|m| rest.starts_with(m.as_str())))
            || sub_first.iter().any(|m| rest.starts_with(m.as_str()))
        {
            *next_sub = if sub_first.iter().any(|m| rest.starts_with(m.as_str())) {
                1
            } else {
                *next_sub + 1
            };
            cuts.push((at, Kind::Sub));
        } else if boundary
            && (item.as_deref().is_some_and(|t| rest.starts_with(t))
                || rest.starts_with(&item_first))
        {
            next_item = if rest.starts_with(&item_first) {
                1
            } else {
                next_item + 1
            };
            cuts.push((at, Kind::Item));
        }
        i += 1;
    }
    if cuts.is_empty() {
        return vec![(text.to_string(), false)];
    }
    let mut pieces = Vec::new();
    if cuts[0].0 > 0 {
        pieces.push((text[..cuts[0].0].to_string(), false));
    }
    for (k, (at, kind)) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).map_or(text.len(), |c| c.0);
        let part = &text[*at..end];
        match kind {
            Kind::Item => pieces.push((part.to_string(), false)),
            // "一、上半年工作回顾" up to the next marker or sentence end is a heading.
            Kind::Top | Kind::Sub => {
                let head_end = part
                    .char_indices()
                    .find(|(_, c)| *c == '。')
                    .map(|(i, c)| i + c.len_utf8())
                    .filter(|&e| char_len(&part[..e]) <= 30)
                    .unwrap_or(if char_len(part) <= 30 { part.len() } else { 0 });
                if head_end == 0 {
                    pieces.push((part.to_string(), false));
                } else {
                    pieces.push((part[..head_end].to_string(), true));
                    if head_end < part.len() {
                        pieces.push((part[head_end..].to_string(), false));
                    }
                }
            }
        }
    }
    pieces.retain(|p| !p.0.trim().is_empty());
    pieces
}

#[derive(Clone, Copy)]
enum Kind {
    Top,
    Sub,
    Item,
}

/// A document copied out of a PDF or a word processor keeps its page's line breaks: every
/// line of a paragraph as wide as the page's column ("…以争创国家科技创" / "新中心为引领,…").
/// Such a column shows as many lines of one display width that mostly stop mid-sentence
/// (a web page's paragraphs end their sentences, and vary in length); a line of the
/// column's width that does not end a sentence goes on in the next. Runs before the
/// layout, which would take each cut line for a headline or furniture.
pub fn columns(doc: &mut Doc) {
    use unicode_width::UnicodeWidthStr;
    let widths: Vec<usize> = doc.lines.iter().map(|l| l.text.trim().width()).collect();
    // The column's width: the one that the most lines fill (within a fifth of it).
    let fills = |w: usize, x: usize| x * 5 >= w * 4 && x <= w;
    let mut histogram = [0usize; 121];
    for &w in widths.iter().filter(|&&w| w <= 120) {
        histogram[w] += 1;
    }
    let mut best = (0usize, 0usize);
    for w in (30..=120).filter(|&w| histogram[w] > 0) {
        let n: usize = (0..=w).filter(|&x| fills(w, x)).map(|x| histogram[x]).sum();
        if n > best.1 {
            best = (w, n);
        }
    }
    let width = best.0;
    // The column: runs of at least five lines in a row that fill it, most with a
    // sentence's commas, most stopping mid-sentence (a list of headlines has no commas;
    // a page's paragraphs end their sentences).
    let mut in_column = vec![false; doc.lines.len()];
    let mut i = 0;
    while i < doc.lines.len() {
        let mut j = i;
        while j < doc.lines.len() && fills(width, widths[j]) {
            j += 1;
        }
        let run = &doc.lines[i..j];
        let commas = run
            .iter()
            .filter(|l| l.text.contains([',', '，', '、', '；', ';', '。']))
            .count();
        let cut = run.iter().filter(|l| !ends_sentence(&l.text)).count();
        if run.len() >= 5 && commas * 2 >= run.len() && cut * 5 >= run.len() * 3 {
            in_column[i..j].iter_mut().for_each(|c| *c = true);
        }
        i = j.max(i + 1);
    }
    if in_column.iter().filter(|c| **c).count() < 8 {
        return;
    }
    let mut out: Vec<Line> = Vec::with_capacity(doc.lines.len());
    let mut steps = Vec::new();
    let mut prev_fills = false;
    for (line, column) in std::mem::take(&mut doc.lines).into_iter().zip(in_column) {
        if let Some(prev) = out.last_mut() {
            let goes_on = prev_fills
                && prev.block == Block::Para
                && line.block == Block::Para
                && !ends_sentence(&prev.text)
                && !prev.text.ends_with(['：', ':'])
                && !line.text.trim().is_empty()
                && !super::meta::starts_with_list_marker(line.text.trim());
            if goes_on {
                steps.push((line.raw, line.text.clone()));
                let space = match (
                    prev.text.chars().last(),
                    line.text.trim_start().chars().next(),
                ) {
                    (Some(a), Some(b)) if !is_cjk(a) && !is_cjk(b) && !a.is_whitespace() => " ",
                    _ => "",
                };
                prev.text.push_str(space);
                prev.text.push_str(line.text.trim_start());
                prev_fills = column;
                continue;
            }
        }
        prev_fills = column;
        out.push(line);
    }
    for (raw, text) in steps {
        doc.log(raw, "page-column", &text, Action::Joined);
    }
    doc.lines = out;
}

/// A sentence a page broke before a figure ("…规上工业企业营收达" / "57.58 亿元,同比增长…"):
/// a line of a sentence that stops without punctuation, followed by one that starts
/// with a quantity, is one line. Runs before the layout, which would take the first
/// half for a headline.
pub fn split_figures(doc: &mut Doc) {
    static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\d[\d,.]*\s*(?:%|％|亿元|万元|元|家|个|项|件|人|户|倍|万|亿|千|吨|平方米)")
            .unwrap()
    });
    let mut out: Vec<Line> = Vec::with_capacity(doc.lines.len());
    let mut steps = Vec::new();
    for line in std::mem::take(&mut doc.lines) {
        if let Some(prev) = out.last_mut() {
            let p = prev.text.trim();
            let cut = !prev.heading
                && prev.block == Block::Para
                && line.block == Block::Para
                && p.chars().last().is_some_and(is_cjk)
                && p.contains([',', '，', '、', ';', '；'])
                && !super::meta::starts_with_list_marker(p)
                && QUANTITY.is_match(line.text.trim());
            if cut {
                steps.push((line.raw, line.text.clone()));
                let joined = format!("{p}{}", line.text.trim());
                prev.text = joined;
                continue;
            }
        }
        out.push(line);
    }
    for (raw, text) in steps {
        doc.log(raw, "split-figure", &text, Action::Joined);
    }
    doc.lines = out;
}

/// A paragraph broken over several lines is one paragraph: a long line that does not
/// end a sentence continues on the next, unless the next starts a new part.
pub fn hard_wraps(doc: &mut Doc) {
    let mut out: Vec<Line> = Vec::with_capacity(doc.lines.len());
    let mut steps = Vec::new();
    for line in std::mem::take(&mut doc.lines) {
        if let Some(prev) = out.last_mut() {
            let continues = !prev.heading
                && !line.heading
                && prev.block == Block::Para
                && line.block == Block::Para
                && char_len(&prev.text) > 30
                && !ends_sentence(&prev.text)
                && !prev.text.ends_with(['：', ':'])
                && !super::meta::starts_with_list_marker(&line.text);
            if continues {
                steps.push((line.raw, line.text.clone()));
                let space = match (prev.text.chars().last(), line.text.chars().next()) {
                    (Some(a), Some(b)) if !is_cjk(a) && !is_cjk(b) => " ",
                    _ => "",
                };
                prev.text.push_str(space);
                prev.text.push_str(&line.text);
                continue;
            }
        }
        out.push(line);
    }
    for (raw, text) in steps {
        doc.log(raw, "hard-wrap", &text, Action::Joined);
    }
    doc.lines = out;
}

/// A short line that is not a sentence, between paragraphs, is a section heading.
pub fn headings(doc: &mut Doc) {
    let n = doc.lines.len();
    let mut steps = Vec::new();
    for i in 0..n {
        let line = &doc.lines[i];
        let t = line.text.trim();
        let short = (2..=30).contains(&char_len(t));
        let sentence = punct::ends_clause(t);
        let bracketed =
            t.starts_with(['(', '（', '[', '【']) && t.ends_with([')', '）', ']', '】']);
        let last = i + 1 == n;
        if !line.heading && line.block == Block::Para && short && !sentence && !bracketed && !last {
            steps.push((line.raw, line.text.clone()));
            doc.lines[i].heading = true;
        }
    }
    for (raw, text) in steps {
        let after = format!("## {text}");
        doc.log(raw, "heading", &text, Action::Changed { after });
    }
}

#[cfg(test)]
mod tests {
    use super::super::structure::parse;
    use super::*;

    fn lines(text: &str, rule: fn(&mut Doc)) -> Vec<(String, bool)> {
        let mut d = parse(text);
        rule(&mut d);
        d.lines.into_iter().map(|l| (l.text, l.heading)).collect()
    }

    #[test]
    fn pinyin_glosses_go_and_parentheses_stay() {
        let out = lines(
            "省第十四次黨代會(huì)精神,實(shí)施強(qiáng)科技行動(dòng ),縣(區)方案(2022-2025年)(资料图片)(AI)\n",
            pinyin,
        );
        assert_eq!(
            out[0].0,
            "省第十四次黨代會精神,實施強科技行動,縣(區)方案(2022-2025年)(资料图片)(AI)"
        );
        // Mojibake without its opening parenthesis is not a gloss: flagged elsewhere.
        assert_eq!(lines("承接?xùn)|部产业\n", pinyin)[0].0, "承接?xùn)|部产业");
    }

    #[test]
    fn traditional_pages_are_converted_and_simplified_ones_are_not() {
        let mut d = parse(
            "蘭州市高新技術企業數量實現翻兩番，呈現快速增長態勢。省科技廳近日組織召開了高新技術企業培育工作專題推進會。\n",
        );
        traditional(&mut d);
        assert!(d.found.traditional);
        assert_eq!(
            d.lines[0].text,
            "兰州市高新技术企业数量实现翻两番，呈现快速增长态势。省科技厅近日组织召开了高新技术企业培育工作专题推进会。"
        );
        let mut d = parse("兰州市高新技术企业数量实现翻两番，呈现快速增长态势。\n");
        traditional(&mut d);
        assert!(!d.found.traditional);
    }

    #[test]
    fn page_chunks_are_joined_where_a_sentence_was_cut() {
        let long = "这是一段很长的文字，用来模拟文档分享网站把一份文档切成若干页时每一页的内容，长度超过八十个字符，这样才会被识别为页块，后面再补充一些文字让它足够长。";
        let text = format!("1、标题{long}支撑经\n2、济发展。{long}\n3、{long}\n");
        let mut d = parse(&text);
        d.found.title = Some("标题".into());
        page_chunks(&mut d);
        let out: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            out,
            vec![format!("{long}支撑经济发展。{long}"), long.to_string()]
        );
        // A real numbered list (short items, complete sentences) is left alone.
        let list = "1、加强领导。\n2、完善机制。\n3、落实责任。\n";
        assert_eq!(lines(list, page_chunks).len(), 3);
    }

    #[test]
    fn numbered_parts_become_headings_and_items_in_sequence() {
        let text = "一、上半年工作回顾(一)以更大力度攻坚冲刺,全力推动争先创优。常态化开展行动,位列全市第2o(二)以更大力度培育科企。深入开展行动。\n(三)以更大力度强化保障。一是机制完善。二是金融创新。第一、二批企业(三)不是标题。\n";
        let out = lines(text, sequences);
        let expected: Vec<(&str, bool)> = vec![
            ("一、上半年工作回顾", true),
            ("(一)以更大力度攻坚冲刺,全力推动争先创优。", true),
            ("常态化开展行动,位列全市第2o", false),
            ("(二)以更大力度培育科企。", true),
            ("深入开展行动。", false),
            ("(三)以更大力度强化保障。", true),
            ("一是机制完善。", false),
            ("二是金融创新。第一、二批企业(三)不是标题。", false),
        ];
        assert_eq!(
            out.iter()
                .map(|(t, h)| (t.as_str(), *h))
                .collect::<Vec<_>>(),
            expected
        );
    }

    #[test]
    fn hard_wraps_join_and_headings_are_found() {
        let text = "国家高新技术企业总量达3759家，净增数连续五年位居全省第一，创新\n主体队伍持续壮大。\n举措\n六大“创新密码”\n建立完善工作机制。\n(记者 梁凯鸿)\n";
        let mut d = parse(text);
        hard_wraps(&mut d);
        headings(&mut d);
        let out: Vec<(&str, bool)> = d
            .lines
            .iter()
            .map(|l| (l.text.as_str(), l.heading))
            .collect();
        assert_eq!(
            out,
            vec![
                (
                    "国家高新技术企业总量达3759家，净增数连续五年位居全省第一，创新主体队伍持续壮大。",
                    false
                ),
                ("举措", true),
                ("六大“创新密码”", true),
                ("建立完善工作机制。", false),
                ("(记者 梁凯鸿)", false),
            ]
        );
    }
}
