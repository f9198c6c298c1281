//! Figures that state the same thing: one place, indicator, period and status.
//!
//! Two sources stating the same value belong on one figure (`sources:`). Two that
//! disagree are both kept on record, and the curator says which one readers see
//! (`preferred: true`); until then the build refuses them, showing both sentences
//! side by side, because picking one silently would publish a choice nobody made.

use crate::content::{Article, Figure, Place, Site};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::format;
use crate::text::{Normalized, normalize, punct};

/// The figures of `place` sharing one indicator, period and status, in file order.
pub(super) fn check(site: &Site, place: &Place, group: &[&Figure], diags: &mut Diagnostics) {
    let first = group[0];
    let unit = site
        .indicators
        .get(&first.indicator)
        .map_or("", |i| i.unit.as_str());
    if group.len() == 1 {
        if first.preferred {
            diags.push(
                Diagnostic::warning(Code::W005, "`preferred` on a figure no other figure disagrees with")
                    .at(first.origin.locate(Some("preferred")))
                    .label("nothing to prefer it to")
                    .help("remove `preferred: true`; it chooses between figures for the same indicator, period and status that state different values"),
            );
        }
        return;
    }
    // Two figures stating the same value are one figure with two sources.
    for (i, fig) in group.iter().enumerate() {
        if let Some(same) = group[..i].iter().find(|g| states_same(g, fig)) {
            diags.push(
                Diagnostic::error(
                    Code::E022,
                    format!(
                        "{} has two {} figures for `{}` in {}, both {} {unit}",
                        place.name,
                        fig.status,
                        fig.indicator,
                        fig.period,
                        format::plain(fig.value)
                    ),
                )
                .at(fig.origin.locate(Some("period")))
                .label("second figure for this period")
                .help(format!(
                    "the first is at line {}; when both articles state it, list them under one figure: `sources: [{{source: …, quote: …}}, {{source: …, quote: …}}]`; otherwise correct this period",
                    line_of(same)
                )),
            );
        }
    }
    let distinct: Vec<&Figure> = group
        .iter()
        .enumerate()
        .filter(|(i, f)| !group[..*i].iter().any(|g| states_same(g, f)))
        .map(|(_, f)| *f)
        .collect();
    if distinct.len() < 2 {
        return;
    }
    let preferred: Vec<&Figure> = group.iter().copied().filter(|f| f.preferred).collect();
    let sides = || {
        distinct
            .iter()
            .map(|f| side(site, f, unit))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match preferred.as_slice() {
        [_] => {}
        [] => {
            let second = distinct[1];
            let values: Vec<String> = distinct.iter().map(|f| stated(f, unit)).collect();
            diags.push(
                Diagnostic::error(
                    Code::E025,
                    format!(
                        "{} has {} {} figures for `{}` in {} that disagree: {}",
                        place.name,
                        distinct.len(),
                        second.status,
                        second.indicator,
                        second.period,
                        values.join(" and ")
                    ),
                )
                .at(second.origin.locate(Some("value")))
                .label("disagrees with the figure at line ".to_string() + &line_of(distinct[0]).to_string())
                .help(sides())
                .help("mark the one readers should see with `preferred: true`; the other stays on record and its page shows 其他来源称 …; if one of them misread its source, correct it instead"),
            );
        }
        [_, again, ..] => diags.push(
            Diagnostic::error(
                Code::E025,
                format!(
                    "{} has more than one `preferred` {} figure for `{}` in {}",
                    place.name, again.status, again.indicator, again.period
                ),
            )
            .at(again.origin.locate(Some("preferred")))
            .label(format!(
                "the figure at line {} is preferred too",
                line_of(preferred[0])
            ))
            .help(sides())
            .help("keep `preferred: true` on the one figure readers should see"),
        ),
    }
}

/// The same number is the same claim, whatever its bound: the data keys a figure by
/// its value, and a curator merges the two (choosing the bound the sources support).
fn states_same(a: &Figure, b: &Figure) -> bool {
    a.value == b.value
}

fn stated(f: &Figure, unit: &str) -> String {
    format!(
        "{}{} {unit}",
        f.bound.map_or("", |b| b.symbol()),
        format::plain(f.value)
    )
}

fn line_of(f: &Figure) -> usize {
    f.origin.locate(None).map_or(0, |l| l.line_col().0)
}

/// One figure of a conflict as the curator compares it: where it is written, its
/// value, and the sentence of its source that its quote is in.
fn side(site: &Site, f: &Figure, unit: &str) -> String {
    let at = f.origin.locate(None).map_or_else(
        || f.origin.file.path.display().to_string(),
        |l| format!("{}:{}", l.file.display(), l.line_col().0),
    );
    let sentence = site
        .articles
        .get(&f.source)
        .and_then(|a| sentence_of(a, f.quotes.first()?))
        .unwrap_or_else(|| f.quotes.join(" … "));
    format!(
        "{at}: {} — content/articles/{}.md: 「{sentence}」",
        stated(f, unit),
        f.source
    )
}

/// The sentence of `article` holding `quote`, as the article writes it.
fn sentence_of(article: &Article, quote: &str) -> Option<String> {
    let needle = normalize(quote);
    for run in &article.texts() {
        let n = Normalized::new(run);
        // `find` gives the range in `run` itself.
        let Some(range) = n.find(&needle) else {
            continue;
        };
        let ends = |c: char| punct::SENTENCE_SPLITS.contains(&c) || c == '\n';
        let start = run[..range.start]
            .rfind(ends)
            .map_or(0, |i| i + run[i..].chars().next().map_or(1, char::len_utf8));
        let end = run[range.end..]
            .char_indices()
            .find(|(_, c)| ends(*c))
            .map_or(run.len(), |(i, c)| range.end + i + c.len_utf8());
        return Some(run[start..end].trim().to_string());
    }
    None
}
