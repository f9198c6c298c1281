//! Proposals as YAML: printed, and merged into a place file without touching a byte
//! of what the curator wrote.
//!
//! A place file is hand-formatted and commented; re-serialising it would lose both.
//! So the merge works on lines: each proposal is appended at the end of its
//! indicator's list under `figures:` (in that list's own indentation), and indicators
//! the file lacks are added at the end of `figures:`. Every other line is left as it
//! was.

use std::ops::Range;

use super::{Extraction, Proposal};
use crate::format;

/// One figure as the list item of a place file, indented by `dash` spaces.
pub fn entry(p: &Proposal, dash: usize) -> String {
    let pad = " ".repeat(dash);
    let mut s = format!("{pad}- period: {}\n", p.period);
    let field = |s: &mut String, k: &str, v: &str| {
        s.push_str(&format!("{pad}  {k}: {v}\n"));
    };
    field(&mut s, "value", &format::stated(p.value));
    if p.status != crate::content::Status::Actual {
        field(&mut s, "status", p.status.as_str());
    }
    if let Some(b) = p.bound {
        field(&mut s, "bound", &scalar(b.as_str()));
    }
    field(&mut s, "source", &scalar(&p.source));
    field(&mut s, "quote", &scalar(&p.quote));
    s
}

/// A string as a YAML scalar, quoted only where YAML needs it.
fn scalar(v: &str) -> String {
    serde_yaml::to_string(v)
        .map(|s| s.trim_end_matches('\n').to_string())
        .unwrap_or_else(|_| format!("{v:?}"))
}

/// The indentation of a line, or `None` for a blank or comment line.
fn indent(line: &str) -> Option<usize> {
    let t = line.trim_start_matches(' ');
    (!t.is_empty() && !t.starts_with('#')).then(|| line.len() - t.len())
}

/// `key:` (nothing but a comment after it) at the start of `line`.
fn key_of(line: &str) -> Option<&str> {
    let t = line.trim_start_matches(' ');
    let (k, rest) = t.split_once(':')?;
    let rest = rest.trim();
    (!k.is_empty()
        && !k.contains([' ', '"', '\'', '-'])
        && (rest.is_empty() || rest.starts_with('#')))
    .then_some(k)
}

/// `text` with `proposals` merged in, and each proposal's byte range in the result.
pub fn merge(text: &str, proposals: &[Proposal]) -> Result<(String, Vec<Range<usize>>), String> {
    // Lines with their terminators, so that joining them gives `text` back exactly.
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if lines.last().is_some_and(|l| !l.ends_with('\n')) {
        let last = lines.len() - 1;
        lines[last].push('\n');
    }
    let figures = lines
        .iter()
        .position(|l| indent(l) == Some(0) && key_of(l) == Some("figures"));
    let figures = match figures {
        Some(i) => i,
        None => {
            if lines
                .iter()
                .any(|l| indent(l) == Some(0) && l.starts_with("figures:"))
            {
                return Err(
                    "`figures:` is written in flow style ({…}); write it as a block (one indicator per line) to let `extract --write` add to it"
                        .to_string(),
                );
            }
            lines.push("figures:\n".to_string());
            lines.len() - 1
        }
    };
    // The end of the `figures:` block: the next line at column 0 that is not a comment.
    let block_end = (figures + 1..lines.len())
        .find(|&i| indent(&lines[i]) == Some(0))
        .unwrap_or(lines.len());
    let child = (figures + 1..block_end)
        .find_map(|i| indent(&lines[i]))
        .unwrap_or(2);
    // Indicators and the line after the last content line of each.
    let mut lists: Vec<(String, usize, Option<usize>)> = Vec::new(); // (id, insert at, dash indent)
    let mut i = figures + 1;
    while i < block_end {
        if indent(&lines[i]) == Some(child)
            && let Some(k) = key_of(&lines[i])
        {
            let id = k.to_string();
            let mut last = i;
            let mut dash = None;
            let mut j = i + 1;
            while j < block_end {
                match indent(&lines[j]) {
                    Some(n) if n < child => break,
                    Some(n) if n == child && !lines[j].trim_start().starts_with('-') => break,
                    Some(n) => {
                        if dash.is_none() && lines[j].trim_start().starts_with('-') {
                            dash = Some(n);
                        }
                        last = j;
                    }
                    None => {}
                }
                j += 1;
            }
            lists.push((id, last + 1, dash));
            i = j;
        } else {
            i += 1;
        }
    }
    let end_of_block = (figures + 1..block_end)
        .rev()
        .find(|&i| indent(&lines[i]).is_some())
        .map_or(figures + 1, |i| i + 1);
    // Insertions: (line index to insert before, proposal index, text). New indicators
    // go after the block's last content line, in the order the proposals come.
    // (line to insert before, new list's number or 0, proposal, text)
    let mut inserts: Vec<(usize, usize, usize, String)> = Vec::new();
    let mut new_lists: Vec<String> = Vec::new();
    for (k, p) in proposals.iter().enumerate() {
        match lists.iter().find(|l| l.0 == p.indicator) {
            Some((_, at, dash)) => {
                inserts.push((*at, 0, k, entry(p, dash.unwrap_or(child + 2))));
            }
            None => {
                let (n, head) = match new_lists.iter().position(|l| *l == p.indicator) {
                    Some(n) => (n + 1, String::new()),
                    None => {
                        new_lists.push(p.indicator.clone());
                        (
                            new_lists.len(),
                            format!("{}{}:\n", " ".repeat(child), p.indicator),
                        )
                    }
                };
                inserts.push((end_of_block, n, k, format!("{head}{}", entry(p, child + 2))));
            }
        }
    }
    // Stable: insertions at one line keep the proposals' order; new indicators after
    // the additions to existing lists that share their line.
    inserts.sort_by_key(|(at, new, k, _)| (*at, *new, *k));
    let at_end = inserts.last().is_some_and(|i| i.0 == lines.len());
    let mut out = String::with_capacity(text.len() + inserts.len() * 160);
    let mut spans = vec![0..0; proposals.len()];
    let mut next = 0;
    for (at, _, k, piece) in inserts {
        while next < at {
            out.push_str(&lines[next]);
            next += 1;
        }
        let start = out.len();
        out.push_str(&piece);
        spans[k] = start..out.len();
    }
    while next < lines.len() {
        out.push_str(&lines[next]);
        next += 1;
    }
    if !text.ends_with('\n') && !text.is_empty() && !at_end {
        // The file had no final line break: leave it without one.
        out.pop();
    }
    Ok((out, spans))
}

/// What `extract` prints for one article: the proposals as a `figures:` block, and
/// in comments what it recognised but does not propose.
pub fn print(ex: &Extraction, all: bool) -> String {
    let mut s = format!(
        "# extract: {} → content/cities/{}.yaml\n",
        ex.article, ex.place
    );
    let mut by: Vec<(&str, Vec<&Proposal>)> = Vec::new();
    for p in &ex.proposals {
        match by.iter_mut().find(|(id, _)| *id == p.indicator) {
            Some((_, list)) => list.push(p),
            None => by.push((&p.indicator, vec![p])),
        }
    }
    if by.is_empty() {
        s.push_str("# no figure to propose\n");
    } else {
        s.push_str("figures:\n");
        for (id, list) in &by {
            s.push_str(&format!("  {id}:\n"));
            for p in list {
                s.push_str(&entry(p, 4));
            }
        }
    }
    if all && !ex.unsure.is_empty() {
        s.push_str("# unsure (checked, but the reading may be wrong; uncomment what is right):\n");
        for p in &ex.unsure {
            s.push_str(&format!(
                "#   {}:   # {}\n",
                p.indicator,
                p.doubt.as_deref().unwrap_or("")
            ));
            for line in entry(p, 4).lines() {
                s.push_str(&format!("#{line}\n"));
            }
        }
    } else if !ex.unsure.is_empty() {
        s.push_str(&format!(
            "# {} more the reading is unsure of: `--all` shows them\n",
            ex.unsure.len()
        ));
    }
    for p in &ex.recorded {
        s.push_str(&format!(
            "# already recorded: {} {} {}\n",
            p.indicator,
            p.period,
            format::plain(p.value)
        ));
    }
    for (p, what) in &ex.contradicted {
        s.push_str(&format!(
            "# contradiction: the article states {} for {} {} ({}), the place file records {what}\n",
            format::plain(p.value),
            p.indicator,
            p.period,
            p.quote
        ));
    }
    for (p, why) in &ex.dropped {
        s.push_str(&format!(
            "# not proposed, `check` would refuse it: {} {} {} ({}): {why}\n",
            p.indicator,
            p.period,
            format::plain(p.value),
            p.quote
        ));
    }
    if !ex.unassigned.is_empty() {
        s.push_str(
            "# unassigned (no indicator's name is before them; add an indicator or an alias):\n",
        );
        for u in &ex.unassigned {
            s.push_str(&format!("#   …{} {}\n", u.before, u.stated));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Period, Status};

    fn p(indicator: &str, value: f64, quote: &str) -> Proposal {
        Proposal {
            indicator: indicator.to_string(),
            period: Period::Year(2023),
            value,
            status: Status::Actual,
            bound: None,
            source: "demo/2024-01-05-report".to_string(),
            quote: quote.to_string(),
            doubt: None,
        }
    }

    #[test]
    fn merge_keeps_every_line_and_appends_under_each_indicator() {
        let file = "name: 示例区   # a comment\nname_en: Demo\nprovince: 浙江省\nlevel: district\nfigures:\n  # stocks first\n  tech_smes:\n  - period: 2022   # hand-indented list\n    value: 10\n    source: demo/a\n    quote: 科技型中小企业10家\n\n  rd_spending:\n    - period: 2022\n      value: 1.5\n      source: demo/a\n      quote: 研发经费1.5亿元\n# trailing comment\n";
        let props = [
            p("rd_spending", 2.5, "研发经费投入2.5亿元"),
            p("tech_smes", 12.0, "科技型中小企业12家"),
            p("incubators", 3.0, "孵化器3家"),
        ];
        let (out, spans) = merge(file, &props).unwrap();
        // Every original line is still there, in order.
        let mut rest = out.as_str();
        for line in file.split_inclusive('\n') {
            let at = rest.find(line).expect(line);
            rest = &rest[at + line.len()..];
        }
        assert!(out.contains("  - period: 2023\n    value: 12\n"), "{out}");
        assert!(
            out.contains("    - period: 2023\n      value: 2.5\n"),
            "{out}"
        );
        assert!(
            out.contains("  incubators:\n    - period: 2023\n      value: 3\n"),
            "{out}"
        );
        for (s, p) in spans.iter().zip(&props) {
            assert!(out[s.clone()].contains(&p.quote));
        }
        let removed: String = {
            let mut o = out.clone();
            let mut spans = spans.clone();
            spans.sort_by_key(|s| std::cmp::Reverse(s.start));
            for s in &spans {
                o.replace_range(s.clone(), "");
            }
            o
        };
        assert_eq!(removed, file);
    }

    #[test]
    fn merge_adds_figures_when_the_file_has_none() {
        let file = "name: 示例区\nlevel: district";
        let (out, _) = merge(file, &[p("incubators", 3.0, "孵化器3家")]).unwrap();
        assert!(out.starts_with("name: 示例区\nlevel: district\nfigures:\n  incubators:\n"));
        assert!(merge("name: x\nfigures: {}\n", &[p("incubators", 3.0, "q")]).is_err());
    }
}
