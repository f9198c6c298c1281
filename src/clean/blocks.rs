//! Blocks that are not paragraphs: tables a page flattened and bullet lists.
//!
//! A scraper that flattens a table writes its cells one per line with a bar between
//! them, or a row per line with bars between the cells; a WeChat copy writes its bullet
//! glyph on a line of its own. Read line by line, such cells are short fragments with
//! no sentence punctuation, which the layout takes for menus and furniture, and the
//! figures in them are lost. These passes run first, so the lines are known as rows
//! and items before any rule judges them, and come out as a markdown table and a
//! markdown list.

use std::sync::LazyLock;

use regex::Regex;

use super::{Action, Block, Doc, Line};

/// A line that is only a bar between two cells.
fn is_bar(t: &str) -> bool {
    matches!(t.trim(), "|" | "｜")
}

/// The cells of a row line, or `None` when it has no bar between two cells.
fn row_cells(t: &str) -> Option<Vec<String>> {
    if !t.contains(['|', '｜']) {
        return None;
    }
    let mut cells: Vec<String> = t.split(['|', '｜']).map(|c| c.trim().to_string()).collect();
    // Bars at the ends of the line ("| a | b |") and empty trailing cells.
    if cells.first().is_some_and(String::is_empty) {
        cells.remove(0);
    }
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    (cells.iter().filter(|c| !c.is_empty()).count() >= 2).then_some(cells)
}

/// A cell that is a figure alone: "871", "1.08", "-3.5%".
fn is_figure(t: &str) -> bool {
    static FIGURE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$").unwrap());
    FIGURE.is_match(t.trim())
}

/// A line that can be one cell of a flattened table: short, no sentence in it.
fn cell_like(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty() && t.chars().count() <= 20 && !t.contains(['。', '；', '，', ',', '|', '｜'])
}

/// The cells of a line laid out with spaces: two or more, two spaces or a tab apart,
/// none of them a sentence.
fn aligned_cells(t: &str) -> Option<Vec<String>> {
    static GAP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s{2,}|\t|\u{3000}+").unwrap());
    let cells: Vec<String> = GAP
        .split(t.trim())
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect();
    if cells.iter().any(|c| c.contains(['。', '；', '，'])) {
        return None;
    }
    // A statistical row copied as text: a label, then its figures one space apart
    // ("2.年末拥有省级以上高新技术企业 290 95 43 50").
    static FIGURES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(.*?\p{Han}[^\s]*(?:\s+\p{Han}+)?)((?:\s+[-+]?\d[\d,]*(?:\.\d+)?%?){2,})$")
            .unwrap()
    });
    let mut out: Vec<String> = Vec::new();
    for c in cells {
        match FIGURES.captures(&c) {
            Some(m) => {
                out.push(m[1].trim().to_string());
                out.extend(m[2].split_whitespace().map(String::from));
            }
            None => out.push(c),
        }
    }
    (out.len() >= 2).then_some(out)
}

/// Cells that a table's rows number 1, 2, 3…: the header is what comes before "1", a
/// row as many cells as the header has. `None` when the numbers do not come at one
/// stride (a list of cells, not rows). Also how many cells the rows took: a cell past
/// the last numbered row (the page's next line, after the closing bar) is not the
/// table's.
fn rows_by_number(cells: &[String]) -> Option<(Vec<Vec<String>>, usize)> {
    let first = cells.iter().position(|c| c == "1")?;
    let second = first + 1 + cells[first + 1..].iter().position(|c| c == "2")?;
    let width = second - first;
    if width < 2 || first != width {
        return None;
    }
    let mut rows = vec![cells[..first].to_vec()];
    let mut used = first;
    for (k, row) in cells[first..].chunks(width).enumerate() {
        if row[0] != (k + 1).to_string() {
            break;
        }
        let mut row = row.to_vec();
        used += row.len();
        row.resize(width, String::new());
        rows.push(row);
    }
    (rows.len() >= 3).then_some((rows, used))
}

/// Whether rows of cells read as a table rather than a menu or a metadata line: some
/// figures in them, no label with a colon (`索引号: | …` is a disclosure header), no
/// page furniture.
fn tabular(rows: &[Vec<String>]) -> bool {
    let digits = rows
        .iter()
        .filter(|r| r.iter().any(|c| c.contains(|ch: char| ch.is_ascii_digit())))
        .count();
    let labelled = rows
        .iter()
        .flatten()
        .any(|c| c.ends_with([':', '：']) || super::meta::is_disclosure_key(c));
    let chrome = rows
        .iter()
        .any(|r| super::layout::chrome_hits(&r.join(" ")) > 0);
    digits * 2 >= rows.len() && !labelled && !chrome
}

fn row_line(cells: Vec<String>, raw: usize) -> Line {
    Line {
        text: cells.join(" | "),
        raw,
        heading: false,
        block: Block::Row,
    }
}

/// Tables flattened to lines: cells between bar lines, and runs of row lines.
pub fn tables(doc: &mut Doc) {
    let lines = std::mem::take(&mut doc.lines);
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut steps: Vec<(usize, String, Action)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        // Cells one per line with a bar line between each two: "序号 / | / 工作任务 / | …".
        let mut j = i;
        let mut cells: Vec<(usize, String)> = Vec::new();
        while j < lines.len() && !is_bar(&lines[j].text) {
            cells.push((lines[j].raw, lines[j].text.trim().to_string()));
            j += 1;
            if j < lines.len() && is_bar(&lines[j].text) {
                j += 1;
            } else {
                break;
            }
        }
        let bars = lines[i..j].iter().filter(|l| is_bar(&l.text)).count();
        if bars >= 3 && cells.len() >= 4 {
            let texts: Vec<String> = cells.iter().map(|c| c.1.clone()).collect();
            for l in &lines[i..j] {
                let action = if is_bar(&l.text) {
                    Action::Dropped
                } else {
                    Action::Joined
                };
                steps.push((l.raw, l.text.clone(), action));
            }
            // Cells past the numbered rows (or all of them, when no rows number them)
            // stay, each a paragraph of its own, so nothing in them is lost.
            let (rows, used) = rows_by_number(&texts).unwrap_or_default();
            let mut at = 0;
            for row in rows {
                let raw = cells[at].0;
                at += row.len();
                out.push(row_line(row, raw));
            }
            out.extend(cells.into_iter().skip(used).map(|(raw, text)| Line {
                text,
                raw,
                heading: false,
                block: Block::Para,
            }));
            i = j;
            continue;
        }
        // Row lines: two or more in a row, each with cells between bars.
        let mut j = i;
        let mut rows = Vec::new();
        while j < lines.len() {
            match row_cells(&lines[j].text) {
                Some(r) => rows.push(r),
                None => break,
            }
            j += 1;
        }
        if rows.len() >= 2 && tabular(&rows) {
            for (l, r) in lines[i..j].iter().zip(rows) {
                out.push(row_line(r, l.raw));
            }
            i = j;
            continue;
        }
        // A table laid out with spaces (a yearbook's page): three or more lines in a
        // row, each with cells two spaces or a tab apart, no sentence among them.
        // A table's caption with its number ("10-2  分县区科技事业基本情况") is its title,
        // not a row.
        static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^(?:表\s*)?\d{1,3}(?:[-－.]\d{1,3})+\s+\p{Han}").unwrap()
        });
        let mut j = i;
        let mut rows = Vec::new();
        while j < lines.len() && !(rows.is_empty() && CAPTION.is_match(lines[j].text.trim())) {
            match aligned_cells(&lines[j].text) {
                Some(r) => rows.push(r),
                // A row's label with no figures of its own ("#重点火炬项目"), between
                // rows that have them.
                None if !rows.is_empty()
                    && j + 1 < lines.len()
                    && super::char_len(lines[j].text.trim()) <= 20
                    && !super::ends_sentence(&lines[j].text)
                    && aligned_cells(&lines[j + 1].text).is_some() =>
                {
                    rows.push(vec![lines[j].text.trim().to_string()])
                }
                None => break,
            }
            j += 1;
        }
        if rows.len() >= 3 && tabular(&rows) {
            for (l, r) in lines[i..j].iter().zip(rows) {
                steps.push((
                    l.raw,
                    l.text.clone(),
                    Action::Changed {
                        after: r.join(" | "),
                    },
                ));
                out.push(row_line(r, l.raw));
            }
            i = j;
            continue;
        }
        // A table flattened one cell per line with nothing between the cells (a
        // yearbook's page): a long run of short lines, most of them bare figures. Each
        // label starts a row and the figures after it are its cells.
        let mut j = i;
        while j < lines.len() && cell_like(&lines[j].text) {
            j += 1;
        }
        let figures = lines[i..j].iter().filter(|l| is_figure(&l.text)).count();
        let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
        if j - i >= 12 && figures * 2 >= j - i && !is_figure(&lines[i].text) {
            for l in &lines[i..j] {
                let cell = l.text.trim().to_string();
                match rows.last_mut() {
                    Some((_, row)) if is_figure(&cell) => row.push(cell),
                    _ => rows.push((l.raw, vec![cell])),
                }
            }
        }
        // Rows of figures, three at least, and no furniture (a pager's "上一页 1 2 3").
        let with_figures = rows.iter().filter(|(_, r)| r.len() > 1).count();
        if with_figures >= 3 && tabular(&rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>()) {
            for l in &lines[i..j] {
                steps.push((l.raw, l.text.clone(), Action::Joined));
            }
            // The header: the labels before the first row with figures, in one row.
            let first = rows.iter().position(|(_, r)| r.len() > 1).unwrap_or(0);
            if first > 1 {
                let raw = rows[0].0;
                let header: Vec<String> = rows.drain(..first).flat_map(|(_, r)| r).collect();
                rows.insert(0, (raw, header));
            }
            out.extend(rows.into_iter().map(|(raw, r)| row_line(r, raw)));
            i = j;
            continue;
        }
        // One line holding a whole numbered table: "序号 | 任务 | 完成情况 | 1 | … | 2 | …".
        if let Some(rows) = row_cells(&lines[i].text)
            .filter(|c| c.len() >= 6)
            .and_then(|c| rows_by_number(&c).filter(|(_, used)| *used == c.len()))
            .map(|(rows, _)| rows)
            .filter(|r| tabular(r))
        {
            let raw = lines[i].raw;
            steps.push((raw, lines[i].text.clone(), Action::Joined));
            out.extend(rows.into_iter().map(|r| row_line(r, raw)));
            i += 1;
            continue;
        }
        out.push(lines[i].clone());
        i += 1;
    }
    doc.lines = out;
    for (raw, text, action) in steps {
        let action = match action {
            Action::Joined => Action::Changed {
                after: "(a cell of the table)".to_string(),
            },
            a => a,
        };
        doc.log(raw, "table", &text, action);
    }
}

/// Bullet glyphs a page puts before a list item.
const BULLETS: &[char] = &[
    '•', '●', '○', '◆', '◇', '■', '□', '▪', '▫', '▶', '►', '▸', '➢', '➤', '✓', '✔', '√', '★', '☆',
    '・',
];

/// Bullet items: a line that starts with a bullet glyph, or a glyph on a line of its
/// own before its text, becomes an item of a markdown list.
pub fn bullets(doc: &mut Doc) {
    let lines = std::mem::take(&mut doc.lines);
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut steps = Vec::new();
    let mut glyph_line: Option<usize> = None;
    for line in lines {
        let t = line.text.trim();
        if line.block != Block::Para || line.heading {
            out.push(line);
            continue;
        }
        if t.chars().count() == 1 && t.starts_with(BULLETS) {
            steps.push((line.raw, line.text.clone(), Action::Dropped));
            glyph_line = Some(line.raw);
            continue;
        }
        let rest = t
            .strip_prefix(BULLETS)
            .map(|r| r.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}'));
        match (rest, glyph_line.take()) {
            (Some(rest), _) if !rest.is_empty() => {
                steps.push((
                    line.raw,
                    line.text.clone(),
                    Action::Changed {
                        after: format!("- {rest}"),
                    },
                ));
                out.push(Line {
                    text: rest.to_string(),
                    block: Block::Item,
                    ..line
                });
            }
            (None, Some(_)) => out.push(Line {
                block: Block::Item,
                ..line
            }),
            _ => out.push(line),
        }
    }
    doc.lines = out;
    for (raw, text, action) in steps {
        doc.log(raw, "bullet", &text, action);
    }
}

#[cfg(test)]
mod tests {
    use super::super::structure::parse;
    use super::*;

    fn blocks(text: &str) -> Vec<(String, Block)> {
        let mut d = parse(text);
        tables(&mut d);
        bullets(&mut d);
        d.lines.into_iter().map(|l| (l.text, l.block)).collect()
    }

    #[test]
    fn cells_between_bar_lines_become_rows_by_their_numbers() {
        let page = "序号\n|\n工作任务\n|\n完成情况\n|\n1\n|\n培育高新技术企业\n|\n新增高企12家\n|\n2\n|\n建设创新平台\n|\n新建平台3个\n|\n";
        assert_eq!(
            blocks(page),
            vec![
                ("序号 | 工作任务 | 完成情况".to_string(), Block::Row),
                (
                    "1 | 培育高新技术企业 | 新增高企12家".to_string(),
                    Block::Row
                ),
                ("2 | 建设创新平台 | 新建平台3个".to_string(), Block::Row),
            ]
        );
        // Negative: cells with no numbered rows stay, each a paragraph.
        let loose = "甲\n|\n乙\n|\n丙\n|\n丁\n";
        assert!(blocks(loose).iter().all(|(_, b)| *b == Block::Para));
        assert_eq!(blocks(loose).len(), 4);
    }

    #[test]
    fn row_lines_with_figures_are_a_table_and_a_menu_is_not() {
        let page = "序号 | 地区 | 产值(亿元)\n1 | 甲市 | 215.3\n2 | 乙市 | 96.4\n";
        assert!(blocks(page).iter().all(|(_, b)| *b == Block::Row));
        for not_table in [
            "首页 | 新闻 | 政务公开 | 办事服务\n无障碍 | 长者模式 | 简体版\n",
            "索引号: | 0024820/2015-14788 | 发布机构: | 某省科技厅\n发文日期: | 2015-08-13 | 公开方式: | 主动公开\n",
            "全市新增高企120家 | 同比增长15%\n",
        ] {
            assert!(
                blocks(not_table).iter().all(|(_, b)| *b == Block::Para),
                "{not_table}"
            );
        }
    }

    #[test]
    fn lines_aligned_with_spaces_are_a_table_and_spaced_prose_is_not() {
        let page = "项目    2020    2021\n专利授权量(件)    160.75    189.83\n其中:发明专利    15.55    24.16\n技术合同成交额(亿元)    77.21    86.94\n";
        let got = blocks(page);
        assert!(got.iter().all(|(_, b)| *b == Block::Row), "{got:?}");
        assert_eq!(got[2].0, "其中:发明专利 | 15.55 | 24.16");
        // A statistical table copied with single spaces: a label and its figures.
        let page = "单位   甲区 乙区 丙县\n1.本年获奖的科技成果 60 10 3\n2.年末拥有高新技术企业 290 95 43\n#重点火炬项目\n经认定登记的技术成交金额 万元 16666 7064 2348\n";
        let got = blocks(page);
        assert!(got.iter().all(|(_, b)| *b == Block::Row), "{got:?}");
        assert_eq!(got[2].0, "2.年末拥有高新技术企业 | 290 | 95 | 43");
        assert_eq!(
            got[4].0,
            "经认定登记的技术成交金额 万元 | 16666 | 7064 | 2348"
        );
        // Negative: sentences with wide spaces, and two such lines only.
        for not_table in [
            "全市新增高企120家,  同比增长15%。\n技术合同成交额  突破95亿元,  增长8%。\n科技型中小企业  入库1200家,  增长5%。\n",
            "项目    2020\n专利授权量    160.75\n",
        ] {
            assert!(
                blocks(not_table).iter().all(|(_, b)| *b == Block::Para),
                "{not_table}"
            );
        }
    }

    #[test]
    fn cells_one_per_line_with_nothing_between_are_rows_by_their_labels() {
        let mut page = String::from("指标名称\n计量单位\n2021年\n2022年\n");
        for (label, a, b) in [
            ("单位数", "871", "927"),
            ("科技活动人员", "192", "142"),
            ("研发经费", "1.08", "1.05"),
            ("专利授权", "320", "351"),
        ] {
            page.push_str(&format!("{label}\n{a}\n{b}\n"));
        }
        let got = blocks(&page);
        assert!(got.iter().all(|(_, b)| *b == Block::Row), "{got:?}");
        assert_eq!(got[0].0, "指标名称 | 计量单位 | 2021年 | 2022年");
        assert_eq!(got[3].0, "研发经费 | 1.08 | 1.05");
        // Negative: a list of short headings with a figure or two is no table.
        let pager = "上一页\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n下一页\n尾页\n";
        assert!(blocks(pager).iter().all(|(_, b)| *b == Block::Para));
        let list = "一、总体要求\n二、主要目标\n2025\n三、重点任务\n四、保障措施\n五、组织实施\n六、附则\n七、其他\n八、附件\n九、说明\n十、解释\n十一、施行\n";
        assert!(blocks(list).iter().all(|(_, b)| *b == Block::Para));
    }

    #[test]
    fn one_line_holding_a_numbered_table_is_split_into_rows() {
        let page = "序号 | 任务 | 完成情况 | 1 | 培育高企 | 新增12家 | 2 | 建设平台 | 新建3个\n";
        let got = blocks(page);
        assert_eq!(got.len(), 3);
        assert_eq!(got[2].0, "2 | 建设平台 | 新建3个");
    }

    #[test]
    fn bullets_become_items_and_a_lone_glyph_joins_its_text() {
        let page = "截至目前\n•\n全市高新技术企业达到860家\n● 科技型中小企业入库1200家\n全年工作稳步推进。\n";
        assert_eq!(
            blocks(page),
            vec![
                ("截至目前".to_string(), Block::Para),
                ("全市高新技术企业达到860家".to_string(), Block::Item),
                ("科技型中小企业入库1200家".to_string(), Block::Item),
                ("全年工作稳步推进。".to_string(), Block::Para),
            ]
        );
        // Negative: a star inside a sentence, or a glyph-less line, is no item.
        assert_eq!(blocks("获评五★级园区。\n")[0].1, Block::Para);
    }
}
