//! Proposals as YAML: printed, and merged into a place file without touching a byte
//! of what the curator wrote.
//!
//! A place file is hand-formatted and commented; re-serialising it would lose both.
//! So the merge works on lines: each proposal is appended at the end of its
//! indicator's list under `figures:` (in that list's own indentation), and indicators
//! the file lacks are added at the end of `figures:`. Every other line is left as it
//! was.
//!
//! One job, proposals as YAML; a third of it is the tests of the merge, which must
//! never lose a curator's byte.

use std::ops::Range;

use super::{Extraction, Proposal};
use crate::content::Figure;
use crate::format;

/// One figure as the list item of a place file, indented by `dash` spaces, its keys
/// in the order of [`Figure`]'s fields.
/// The figure is taken apart with no `..`: a field added to [`Figure`] does not
/// compile until it is written here or said not to be.
pub fn entry(f: &Figure, dash: usize) -> String {
    let Figure {
        indicator: _, // the list's key, not the item's
        period,
        period_from,
        value,
        status,
        bound,
        source,
        quotes,
        // Further sources, a preference between sources and an override are the
        // curator's decisions: `extract` proposes none of them.
        also: _,
        preferred: _,
        alternative: _,
        overridden: _,
        derived,
        note,
        origin: _,
    } = f;
    let pad = " ".repeat(dash);
    let mut s = format!("{pad}- period: {period}\n");
    let field = |s: &mut String, k: &str, v: &str| {
        s.push_str(&format!("{pad}  {k}: {v}\n"));
    };
    match period_from {
        Some(crate::content::PeriodFrom::Judgement(why)) => {
            // A flow mapping: the reason written as a JSON string, which YAML
            // reads the same in any context.
            let why = serde_json::to_string(why).unwrap_or_default();
            field(&mut s, "period_from", &format!("{{judgement: {why}}}"))
        }
        Some(basis) => field(&mut s, "period_from", &basis.as_text()),
        None => {}
    }
    field(&mut s, "value", &format::stated(*value));
    if *status != crate::content::Status::Actual {
        field(&mut s, "status", status.as_str());
    }
    if let Some(b) = bound {
        field(&mut s, "bound", &scalar(b.as_str()));
    }
    field(&mut s, "source", &scalar(source));
    match quotes.as_slice() {
        [one] => field(&mut s, "quote", &scalar(one)),
        many => {
            s.push_str(&format!("{pad}  quote:\n"));
            for q in many {
                s.push_str(&format!("{pad}    - {}\n", scalar(q)));
            }
        }
    }
    if let Some(d) = derived {
        field(&mut s, "derived", &scalar(d));
    }
    if let Some(n) = note {
        field(&mut s, "note", &scalar(n));
    }
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
    let t = t.trim_end_matches(['\n', '\r']);
    (!t.trim().is_empty() && !t.starts_with('#'))
        .then(|| line.len() - line.trim_start_matches(' ').len())
}

/// What follows a key's colon on its line.
#[derive(Debug, PartialEq, Eq)]
enum Rest {
    /// Nothing (or a comment, or only a tag such as `!!map`): a block follows.
    Block,
    /// An empty value: `{}`, `[]`, `~`, `null`.
    Empty,
    /// A collection written in flow style, with something in it.
    Flow,
    /// A scalar.
    Scalar,
}

/// `key:` at the start of `line` (after its indentation), its key unquoted, what
/// follows it, and the byte where the value starts.
fn key_line(line: &str) -> Option<(String, Rest, usize)> {
    let start = line.len() - line.trim_start_matches(' ').len();
    let t = &line[start..];
    let (key, after) = match t.as_bytes().first()? {
        q @ (b'"' | b'\'') => {
            let close = t[1..].find(*q as char)? + 1;
            (t[1..close].to_string(), &t[close + 1..])
        }
        b'-' | b'#' | b'[' | b'{' | b'?' => return None,
        _ => {
            let colon = t.find(": ").or_else(|| {
                t.trim_end_matches(['\n', '\r'])
                    .strip_suffix(':')
                    .map(|k| k.len())
            })?;
            let k = &t[..colon];
            if k.is_empty() || k.contains(['"', '\'']) || k.trim() != k {
                return None;
            }
            (k.to_string(), &t[colon..])
        }
    };
    let after = after.strip_prefix(':')?;
    if !(after.is_empty() || after.starts_with([' ', '\t', '\n', '\r'])) {
        return None;
    }
    let value_at = line.len() - after.len();
    let mut v = after.trim();
    // A comment, then a tag: neither is the value.
    if v.starts_with('#') {
        v = "";
    } else if let Some(at) = v.find(" #") {
        v = v[..at].trim_end();
    }
    // A tag (`!!map`) or an anchor (`&figs`) before the value: neither is it.
    while v.starts_with(['!', '&']) {
        v = v.split_once(' ').map_or("", |(_, r)| r.trim());
    }
    let rest = match v {
        "" => Rest::Block,
        "{}" | "[]" | "~" | "null" | "Null" | "NULL" => Rest::Empty,
        _ if v.starts_with(['{', '[']) => Rest::Flow,
        _ => Rest::Scalar,
    };
    Some((key, rest, value_at))
}

/// `line` with its value (an empty `{}`, `[]`, `~` or `null`) taken off, keeping
/// the key and a comment, so that a block can follow it.
fn emptied(line: &str, value_at: usize) -> String {
    let eol = &line[line.trim_end_matches(['\n', '\r']).len()..];
    let comment = line[value_at..]
        .find(" #")
        .map(|at| line[value_at + at..].trim_end_matches(['\n', '\r']))
        .unwrap_or("");
    format!("{}{comment}{eol}", &line[..value_at])
}

/// The line break a file uses: `\r\n`, a lone `\r` (old Mac files) or `\n`.
fn line_break(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else if text.contains('\r') && !text.contains('\n') {
        "\r"
    } else {
        "\n"
    }
}

/// `text` with `proposals` merged in, and each proposal's byte range in the result.
/// Every line of the file is kept as it was, in the file's own line breaks; a
/// layout the merge cannot add to (a flow collection holding figures) is refused
/// with the reason, and the result is read back to prove it holds every figure the
/// file held and every proposal.
pub fn merge(text: &str, proposals: &[Proposal]) -> Result<(String, Vec<Range<usize>>), String> {
    if proposals.is_empty() {
        return Ok((text.to_string(), Vec::new()));
    }
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        // A byte-order mark stays where it is, in front of everything.
        let (out, spans) = merge(rest, proposals)?;
        let bom = '\u{feff}'.len_utf8();
        let spans = spans.iter().map(|s| s.start + bom..s.end + bom).collect();
        return Ok((format!("\u{feff}{out}"), spans));
    }
    let eol = line_break(text);
    let (out, spans) = if eol == "\n" {
        merge_lines(text, proposals)?
    } else {
        let (out, spans) = merge_lines(&text.replace(eol, "\n"), proposals)?;
        // Offsets move by one byte per line break before them (CRLF) or not at all.
        let grow = eol.len() - 1;
        let at = |i: usize| i + out[..i].matches('\n').count() * grow;
        let spans = spans.iter().map(|s| at(s.start)..at(s.end)).collect();
        (out.replace('\n', eol), spans)
    };
    verify(text, &out, proposals)?;
    Ok((out, spans))
}

/// Proves that `merged` holds, indicator by indicator, the figures `text` held and
/// the proposals: a layout read wrongly must never drop or hide a figure.
fn verify(text: &str, merged: &str, proposals: &[Proposal]) -> Result<(), String> {
    fn counts(text: &str) -> Result<std::collections::BTreeMap<String, usize>, String> {
        let v: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let mut out = std::collections::BTreeMap::new();
        if let Some(figures) = v.get("figures").and_then(|f| f.as_mapping()) {
            for (k, list) in figures {
                let n = list.as_sequence().map_or(0, Vec::len);
                out.insert(k.as_str().unwrap_or_default().to_string(), n);
            }
        }
        Ok(out)
    }
    let mut want = counts(text).map_err(|e| {
        format!("the file cannot be read as YAML ({e}); run `indicity check` to see where")
    })?;
    for p in proposals {
        *want.entry(p.indicator.clone()).or_default() += 1;
    }
    match counts(merged) {
        Ok(got) if got == want => Ok(()),
        _ => Err(
            "the figures could not be added without changing what the file means (its layout is one `extract --write` does not know); nothing was written: add them by hand from `indicity extract` without --write"
                .to_string(),
        ),
    }
}

fn merge_lines(text: &str, proposals: &[Proposal]) -> Result<(String, Vec<Range<usize>>), String> {
    // Lines with their terminators, so that joining them gives `text` back exactly.
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if lines.last().is_some_and(|l| !l.ends_with('\n')) {
        let last = lines.len() - 1;
        lines[last].push('\n');
    }
    let figures = lines
        .iter()
        .position(|l| indent(l) == Some(0) && key_line(l).is_some_and(|(k, _, _)| k == "figures"));
    let figures = match figures {
        Some(i) => {
            let (_, rest, at) = key_line(&lines[i]).expect("found above");
            match rest {
                Rest::Block => {}
                Rest::Empty => lines[i] = emptied(&lines[i], at),
                Rest::Flow => {
                    return Err(format!(
                        "`figures:` is written in flow style ({{…}}) on line {}; write it as a block (one indicator per line) to let `extract --write` add to it",
                        i + 1
                    ));
                }
                Rest::Scalar => {
                    return Err(format!(
                        "`figures:` on line {} holds a single value, not the indicators; it must be a mapping of indicators to lists of figures",
                        i + 1
                    ));
                }
            }
            i
        }
        None => {
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
            && let Some((id, rest, at)) = key_line(&lines[i])
        {
            // Only a list that gets a proposal is touched.
            let wanted = proposals.iter().any(|p| p.indicator == id);
            match rest {
                Rest::Block => {}
                Rest::Empty if wanted => lines[i] = emptied(&lines[i], at),
                Rest::Empty => {}
                Rest::Flow if wanted => {
                    return Err(format!(
                        "`{id}:` on line {} is written in flow style ([…]); write its figures as a block list (one `- period:` per figure) to let `extract --write` add to it",
                        i + 1
                    ));
                }
                Rest::Scalar if wanted => {
                    return Err(format!(
                        "`{id}:` on line {} holds a single value, not a list of figures; write its figures as a block list (one `- period:` per figure)",
                        i + 1
                    ));
                }
                Rest::Flow | Rest::Scalar => {}
            }
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
    for p in &ex.rejected {
        s.push_str(&format!(
            "# rejected in {}: {} {} {} ({})\n",
            super::rejections::FILE,
            p.indicator,
            p.period,
            format::plain(p.value),
            p.quote()
        ));
    }
    for (p, what) in &ex.contradicted {
        s.push_str(&format!(
            "# contradiction: the article states {} for {} {} ({}), the place file records {what}\n",
            format::plain(p.value),
            p.indicator,
            p.period,
            p.quote()
        ));
    }
    for (p, why) in &ex.dropped {
        s.push_str(&format!(
            "# not proposed, `check` would refuse it: {} {} {} ({}): {why}\n",
            p.indicator,
            p.period,
            format::plain(p.value),
            p.quote()
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
        let file = crate::content::yaml::SourceFile::new(
            std::path::Path::new("test.yaml"),
            std::sync::Arc::from(""),
        );
        Proposal {
            figure: Figure {
                indicator: indicator.to_string(),
                period: Period::Year(2023),
                period_from: None,
                value,
                status: Status::Actual,
                bound: None,
                source: "demo/2024-01-05-report".to_string(),
                quotes: vec![quote.to_string()],
                also: Vec::new(),
                preferred: false,
                alternative: false,
                overridden: None,
                derived: None,
                note: None,
                origin: crate::content::Origin {
                    file: std::sync::Arc::new(file),
                    at: crate::content::OriginPath::Root,
                },
            },
            doubt: None,
            at: None,
            named_by: String::new(),
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
            assert!(out[s.clone()].contains(p.quote()));
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
    fn an_entry_writes_every_field_a_figure_has_in_one_order() {
        let mut one = p("incubators", 3.0, "孵化器3家");
        assert_eq!(
            entry(&one, 4),
            "    - period: 2023\n      value: 3\n      source: demo/2024-01-05-report\n      quote: 孵化器3家\n"
        );
        one.figure.quotes.push("新增1家".to_string());
        one.figure.status = crate::content::Status::Target;
        one.figure.bound = Some(crate::content::Bound::AtLeast);
        one.figure.derived = Some("2 + 1".to_string());
        one.figure.note = Some("含省级".to_string());
        assert_eq!(
            entry(&one, 0),
            "- period: 2023\n  value: 3\n  status: target\n  bound: '>='\n  source: demo/2024-01-05-report\n  quote:\n    - 孵化器3家\n    - 新增1家\n  derived: 2 + 1\n  note: 含省级\n"
        );
    }

    #[test]
    fn merge_adds_figures_when_the_file_has_none() {
        let file = "name: 示例区\nlevel: district";
        let (out, _) = merge(file, &[p("incubators", 3.0, "孵化器3家")]).unwrap();
        assert!(out.starts_with("name: 示例区\nlevel: district\nfigures:\n  incubators:\n"));
        // Nothing to add: the file as it is, not a `figures:` more.
        assert_eq!(merge(file, &[]).unwrap().0, file);
    }

    #[test]
    fn merge_keeps_the_files_line_breaks_and_fills_empty_shapes() {
        let one = [p("incubators", 3.0, "孵化器3家")];
        // CRLF and CR-only files stay so, every line of them.
        for eol in ["\r\n", "\r"] {
            let file = format!(
                "name: x{eol}figures:{eol}  incubators:{eol}    - period: 2022{eol}      value: 2{eol}      source: a{eol}      quote: 孵化器2家{eol}"
            );
            let (out, spans) = merge(&file, &one).unwrap();
            assert!(out.starts_with(&file), "{out:?}");
            assert!(!out.replace(eol, "").contains(['\n', '\r']), "{out:?}");
            assert!(out[spans[0].clone()].contains("孵化器3家"));
        }
        // Empty values, quoted keys and tags take a block.
        for figures in [
            "figures: {}",
            "figures: ~",
            "figures: !!map",
            "\"figures\":",
            "'figures': {}   # none yet",
        ] {
            let file = format!("name: x\n{figures}\n");
            let (out, _) = merge(&file, &one).unwrap_or_else(|e| panic!("{figures}: {e}"));
            let v: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
            assert_eq!(
                v["figures"]["incubators"][0]["value"], 3,
                "{figures}: {out}"
            );
        }
        // Another indicator's empty value and anchors are left as they are.
        let other = "figures: &all\n  rd_spending: []   # none yet\n  tech_smes: ~\n";
        let (out, _) = merge(other, &one).unwrap();
        assert!(out.starts_with(other), "{out}");
        // An empty flow list of the indicator takes a block too.
        let (out, _) = merge("figures:\n  incubators: []\n", &one).unwrap();
        assert!(out.contains("  incubators:\n    - period: 2023"), "{out}");
    }

    #[test]
    fn merge_refuses_a_layout_it_would_misread_and_says_why() {
        let one = [p("incubators", 3.0, "孵化器3家")];
        // The indicator written as a flow list: appending a second `incubators:`
        // block would make a duplicate key and lose the first list.
        let flow = "figures:\n  incubators: [{period: 2022, value: 2, source: a, quote: q}]\n";
        let err = merge(flow, &one).unwrap_err();
        assert!(
            err.contains("`incubators:` on line 2") && err.contains("flow"),
            "{err}"
        );
        // Another indicator's flow list is left alone, and kept.
        let other = "figures:\n  rd_spending: [{period: 2022, value: 2, source: a, quote: q}]\n";
        let (out, _) = merge(other, &one).unwrap();
        assert!(out.starts_with(other));
        let err = merge("figures: {incubators: []}\n", &one).unwrap_err();
        assert!(err.contains("flow style"), "{err}");
        let err = merge("figures: 3\n", &one).unwrap_err();
        assert!(err.contains("single value"), "{err}");
    }
}
