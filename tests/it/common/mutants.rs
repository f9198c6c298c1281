//! Small lies about a figure, for mutation tests: a digit, ×10, ÷10, ×10000 (a unit
//! scale slip), the period a year off either way, the quote with a character dropped,
//! the status flipped, and the figure filed under another indicator its sentence
//! states.
//! Shared by `tests/provenance.rs` (the bundled site) and `examples/devset.rs` (the
//! development set), so both measure the checker the same way.

use std::fs;
use std::path::Path;

use indicity::content::{self, Period};

/// One way to change a figure: which field, and the new text for its value.
pub struct Mutant {
    pub kind: &'static str,
    pub file: String,
    /// Byte range of the original value in the file, and its replacement.
    pub span: std::ops::Range<usize>,
    pub replacement: String,
    /// 1-based line of the mutated value: the error must point there (or, for a
    /// figure moved to another indicator, anywhere from `line` to `last_line`).
    pub line: usize,
    pub last_line: usize,
    /// What the mutant did, for reports: the figure's quote and its new indicator.
    pub what: String,
}

fn shift_year(p: Period, by: i32) -> Period {
    match p {
        Period::Year(y) => Period::Year(y + by),
        Period::Half(y, h) => Period::Half(y + by, h),
        Period::Quarter(y, q) => Period::Quarter(y + by, q),
        Period::Month(y, m) => Period::Month(y + by, m),
    }
}

fn yaml_number(v: f64) -> String {
    let s = indicity::format::plain(v);
    // ÷10 of a small number can produce noise digits; keep what YAML would hold.
    if s.len() > 12 { format!("{v:.6}") } else { s }
}

/// Every mutant of every figure of the site at `root`.
pub fn mutants(root: &Path) -> Vec<Mutant> {
    let (site, diags) = content::load(root);
    assert!(!diags.has_errors(), "{diags}");
    let mut out = Vec::new();
    for place in &site.places {
        for fig in &place.figures {
            let file = place.origin.file.path.to_string_lossy().to_string();
            let mut push =
                |kind: &'static str, field: Option<(&str, Option<usize>)>, replacement: String| {
                    let loc = match field {
                        Some((f, Some(i))) => fig.origin.locate_index(f, i),
                        Some((f, None)) => fig.origin.locate(Some(f)),
                        None => None,
                    }
                    .expect("every mutated field has a position");
                    out.push(Mutant {
                        kind,
                        file: file.clone(),
                        span: loc.span.clone(),
                        replacement,
                        line: loc.line_col().0,
                        last_line: loc.line_col().0,
                        what: String::new(),
                    });
                };
            let v = fig.value;
            // An overridden value departs from its quote on purpose: only a supporting
            // source can prove it.
            let provable = fig.overridden.as_ref().is_none_or(|o| o.support.is_some());
            if provable {
                // A digit: the last digit of the value, changed.
                push("digit", Some(("value", None)), last_digit_changed(v));
                push("x10", Some(("value", None)), yaml_number(v * 10.0));
                push("div10", Some(("value", None)), yaml_number(v / 10.0));
                push(
                    "unit-scale",
                    Some(("value", None)),
                    yaml_number(v * 10000.0),
                );
            }
            push(
                "period+1",
                Some(("period", None)),
                shift_year(fig.period, 1).to_string(),
            );
            push(
                "period-1",
                Some(("period", None)),
                shift_year(fig.period, -1).to_string(),
            );
            // A quote with one character dropped (the middle one that is not a space:
            // dropping a space changes nothing the checker compares).
            let dropped = drop_middle(&fig.quotes[0]);
            let field = if fig.quotes.len() > 1 {
                ("quote", Some(0))
            } else {
                ("quote", None)
            };
            push("quote", Some(field), dropped);
            out.extend(status_flipped(&file, &text_of(root, &file), fig));
            out.extend(indicator_swapped(root, &site, place, &file, fig));
            // Every further citation, at its own lines: its quote with a character
            // dropped, and (overridden) the original value with a digit changed.
            let views = fig.views();
            for view in views.iter().skip(1) {
                let loc = view
                    .origin
                    .locate(Some("quote"))
                    .expect("every citation's quote has a position");
                out.push(Mutant {
                    kind: "cite-quote",
                    file: file.clone(),
                    span: loc.span.clone(),
                    replacement: drop_middle(&view.quotes[0]),
                    line: loc.line_col().0,
                    last_line: loc.line_col().0,
                    what: String::new(),
                });
            }
            if let Some(o) = &fig.overridden {
                let loc = views[0]
                    .origin
                    .locate(Some("value"))
                    .expect("`override.original` has a position");
                out.push(Mutant {
                    kind: "original",
                    file: file.clone(),
                    span: loc.span.clone(),
                    replacement: last_digit_changed(o.original),
                    line: loc.line_col().0,
                    last_line: loc.line_col().0,
                    what: String::new(),
                });
            }
        }
    }
    out
}

fn text_of(root: &Path, file: &str) -> String {
    let path = Path::new(file);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    fs::read_to_string(path).unwrap_or_default()
}

/// The line of `text` holding byte `at`: its start, and its 1-based number.
fn line_at(text: &str, at: usize) -> (usize, usize) {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (start, text[..start].matches('\n').count() + 1)
}

/// The status flipped: `target` for `actual`, written after the period when the
/// figure has no `status:` line (an actual one leaves it out).
fn status_flipped(file: &str, text: &str, fig: &content::Figure) -> Option<Mutant> {
    let flipped = match fig.status {
        content::Status::Actual => "target",
        content::Status::Target => "actual",
    };
    if let Some(loc) = fig.origin.locate(Some("status")).filter(|l| {
        text.get(l.span.clone())
            .is_some_and(|v| v == fig.status.as_str())
    }) {
        return Some(Mutant {
            kind: "status",
            file: file.to_string(),
            span: loc.span.clone(),
            replacement: flipped.to_string(),
            line: loc.line_col().0,
            last_line: loc.line_col().0,
            what: format!("{}: {}", fig.indicator, fig.quotes[0]),
        });
    }
    // Block style only: the `period:` key starts its line or follows the item's dash.
    let loc = fig.origin.locate(Some("period"))?;
    let (start, line) = line_at(text, loc.span.start);
    let key = text[start..].find("period:")? + start;
    let lead = &text[start..key];
    if !lead.chars().all(|c| c == ' ' || c == '-') || key > loc.span.start {
        return None;
    }
    let period = text.get(loc.span.clone())?;
    Some(Mutant {
        kind: "status",
        file: file.to_string(),
        span: loc.span.clone(),
        replacement: format!("{period}\n{}status: {flipped}", " ".repeat(lead.len())),
        line: line + 1,
        last_line: line + 1,
        what: format!("{}: {}", fig.indicator, fig.quotes[0]),
    })
}

/// The lines of a block-style list item starting at the line holding byte `at`: its
/// byte range (whole lines) and the column of its dash.
fn item_lines(text: &str, at: usize) -> Option<(std::ops::Range<usize>, usize)> {
    let (start, _) = line_at(text, at);
    let dash = text[start..].find("- ")?;
    if !text[start..start + dash].chars().all(|c| c == ' ') {
        return None;
    }
    let mut end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    while end < text.len() {
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        let line = &text[end..line_end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        if !line.trim().is_empty() && indent <= dash {
            break;
        }
        end = line_end;
    }
    Some((start..end, dash))
}

/// The figure moved under another indicator whose figure its sentence states
/// (`高新技术企业达828家,科技型中小企业1200家`: 828 filed as tech SMEs).
fn indicator_swapped(
    root: &Path,
    site: &content::Site,
    place: &content::Place,
    file: &str,
    fig: &content::Figure,
) -> Option<Mutant> {
    use indicity::text::{normalize, punct};
    let article = site.articles.get(&fig.source)?;
    let texts: Vec<String> = article.texts().iter().map(|t| normalize(t)).collect();
    let quote = normalize(fig.quotes.first()?);
    let sentence = texts.iter().find_map(|t| {
        punct::sentences(t)
            .into_iter()
            .map(|s| s.text)
            .find(|s| s.contains(quote.as_str()))
    })?;
    let other = place.figures.iter().find(|o| {
        o.indicator != fig.indicator
            && o.source == fig.source
            && site.indicators.contains_key(&o.indicator)
            && o.quotes
                .first()
                .is_some_and(|q| sentence.contains(normalize(q).as_str()))
    })?;
    let text = text_of(root, file);
    let (block, dash) = item_lines(&text, fig.origin.locate(Some("period"))?.span.start)?;
    let (target, target_dash) = item_lines(&text, other.origin.locate(Some("period"))?.span.start)?;
    let moved: String = text[block.clone()]
        .lines()
        .map(|l| {
            let l = l.strip_prefix(&" ".repeat(dash)).unwrap_or(l);
            format!("{}{l}\n", " ".repeat(target_dash))
        })
        .collect();
    let (from, to) = (block.start.min(target.start), block.end.max(target.start));
    let region = if target.start < block.start {
        format!("{moved}{}", &text[target.start..block.start])
    } else {
        format!("{}{moved}", &text[block.end..target.start])
    };
    let moved_at = from
        + if target.start < block.start {
            0
        } else {
            target.start - block.end
        };
    let first =
        text[..from].matches('\n').count() + region[..moved_at - from].matches('\n').count() + 1;
    Some(Mutant {
        kind: "indicator",
        file: file.to_string(),
        span: from..to,
        replacement: region,
        line: first,
        last_line: first + moved.matches('\n').count() - 1,
        what: format!("{} → {}: {}", fig.indicator, other.indicator, fig.quotes[0]),
    })
}

fn last_digit_changed(v: f64) -> String {
    let text = indicity::format::plain(v);
    let last = text.chars().last().unwrap().to_digit(10).unwrap();
    format!("{}{}", &text[..text.len() - 1], (last + 1) % 10)
}

/// The quote with its middle character that is not a space dropped.
fn drop_middle(q: &str) -> String {
    let chars: Vec<char> = q.chars().collect();
    let mut mid = chars.len() / 2;
    while mid + 1 < chars.len() && chars[mid].is_whitespace() {
        mid += 1;
    }
    chars[..mid].iter().chain(&chars[mid + 1..]).collect()
}

/// Applies `m` to the site at `root`, checks it, and restores the file: whether the
/// check refused it with an error at the mutated line.
pub fn is_caught(root: &Path, m: &Mutant) -> bool {
    let path = root.join(&m.file);
    let original = fs::read_to_string(&path).unwrap();
    let mut text = original.clone();
    text.replace_range(m.span.clone(), &m.replacement);
    fs::write(&path, &text).unwrap();
    let caught = match indicity::check(root) {
        Ok(_) => false,
        Err(indicity::Error::Content(d)) => d.errors().any(|e| {
            e.location.as_ref().is_some_and(|l| {
                l.file.to_string_lossy() == m.file
                    && (m.line..=m.last_line).contains(&l.line_col().0)
            })
        }),
        Err(e) => panic!("{e}"),
    };
    fs::write(&path, original).unwrap();
    caught
}

/// Applies `m`, then the fix the help of each error at its line proposes for the field
/// `m` changed: a fix that makes the check pass must give back the original value, or
/// the help has led a curator to publish another wrong figure. Restores the file and
/// returns what went wrong.
pub fn help_misleads(root: &Path, m: &Mutant) -> Option<String> {
    let path = root.join(&m.file);
    let original = fs::read_to_string(&path).unwrap();
    let was = &original[m.span.clone()];
    let mut text = original.clone();
    text.replace_range(m.span.clone(), &m.replacement);
    fs::write(&path, &text).unwrap();
    let field = match m.kind {
        "period+1" | "period-1" => "period",
        "quote" | "cite-quote" => "quote",
        "status" => "status",
        "indicator" => "indicator",
        _ => "value",
    };
    let fixes: Vec<String> = match indicity::check(root) {
        Err(indicity::Error::Content(d)) => d
            .errors()
            .filter(|e| {
                e.location
                    .as_ref()
                    .is_some_and(|l| l.file.to_string_lossy() == m.file && l.line_col().0 == m.line)
            })
            .filter_map(|e| e.suggestion.as_deref())
            .filter(|(f, _)| *f == field)
            .map(|(_, v)| v.clone())
            .collect(),
        _ => Vec::new(),
    };
    let mut problem = None;
    for fix in fixes {
        let mut fixed = original.clone();
        fixed.replace_range(m.span.clone(), &fix);
        fs::write(&path, &fixed).unwrap();
        if indicity::check(root).is_ok() && fix != was {
            problem = Some(format!(
                "{} {}:{}: the help turns {} into {fix}, which passes; the figure was {was}",
                m.kind, m.file, m.line, m.replacement
            ));
        }
    }
    fs::write(&path, original).unwrap();
    problem
}
