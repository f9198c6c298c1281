//! The checker is not vacuous: every curated figure passes, and every small lie about
//! a figure (a digit, ×10, ÷10, another period, another unit scale, a truncated quote)
//! is refused with the right file and line.

use std::fs;

use crate::common::mutants::{help_misleads, is_caught, mutants};
use crate::common::*;

#[test]
fn every_curated_figure_passes_and_every_mutant_is_caught() {
    let site = site_copy();
    let root = site.path();
    if let Err(e) = indicity::check(root) {
        panic!("the curated content does not pass:\n{e}");
    }
    let mutants = mutants(root);
    // Each worker breaks its own copy of the site, one mutant at a time.
    use rayon::prelude::*;
    let chunk = mutants.len().div_ceil(rayon::current_num_threads()).max(1);
    let results: Vec<(&str, Option<(&str, String)>)> = mutants
        .par_chunks(chunk)
        .flat_map_iter(|part| {
            let copy = site_copy();
            let root = copy.path().to_path_buf();
            part.iter()
                .map(|m| {
                    let caught = is_caught(&root, m);
                    let miss = (!caught).then(|| match m.what.as_str() {
                        "" => format!("{} {}:{} → {}", m.kind, m.file, m.line, m.replacement),
                        what => format!("{} {}:{} {what}", m.kind, m.file, m.line),
                    });
                    (m.kind, miss.map(|text| (m.kind, text)))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut missed = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (kind, miss) in results {
        let entry = by_kind.entry(kind).or_default();
        entry.0 += 1;
        match miss {
            Some(m) => missed.push(m),
            None => entry.1 += 1,
        }
    }
    println!(
        "mutants: {} (caught {})",
        mutants.len(),
        mutants.len() - missed.len()
    );
    for (kind, (n, caught)) in &by_kind {
        println!("  {kind}: {caught}/{n}");
    }
    assert!(mutants.len() >= 9 * 25, "only {} mutants", mutants.len());
    // A lie about a number, its period or its quote is always caught. A flipped
    // status or a swapped indicator is caught where the words tell (a goal word, a
    // result's period before the article's date; the noun before the number): the
    // ones the text leaves open are listed, and the share caught may not fall.
    let read_from_words = ["status", "indicator"];
    let (worded, proven): (Vec<_>, Vec<_>) = missed
        .iter()
        .partition(|(kind, _)| read_from_words.contains(kind));
    assert!(
        proven.is_empty(),
        "{} mutants not caught:\n{}",
        proven.len(),
        proven
            .iter()
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (kind, floor) in [("status", 0.85), ("indicator", 0.75)] {
        let (n, caught) = by_kind[kind];
        assert!(
            caught as f64 >= floor * n as f64,
            "{kind}: only {caught} of {n} mutants caught; not caught:\n{}",
            worded
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// A help text that proposes one value (E031's "did you mean", E032's period) must
/// never turn a wrong figure into another wrong one that passes: applied to every
/// mutant, it gives the curated value back or does not pass.
#[test]
fn no_help_turns_a_wrong_figure_into_another_that_passes() {
    let site = site_copy();
    let root = site.path();
    let mutants = mutants(root);
    use rayon::prelude::*;
    let chunk = mutants.len().div_ceil(rayon::current_num_threads()).max(1);
    let problems: Vec<String> = mutants
        .par_chunks(chunk)
        .flat_map_iter(|part| {
            let copy = site_copy();
            let root = copy.path().to_path_buf();
            part.iter()
                .filter_map(|m| help_misleads(&root, m))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_traditional_quote_matches_an_article_converted_to_simplified() {
    let site = site_copy();
    let root = site.path();
    let file = root.join("content/cities/lanzhou.yaml");
    let text = fs::read_to_string(&file).unwrap();
    // The curator copied the sentence from the Traditional original page.
    let text = text.replacen(
        "quote: 2016年全市高新技术企业数达到228家",
        "quote: 2016年全市高新技術企業數達到228家",
        1,
    );
    assert!(text.contains("高新技術企業數"));
    fs::write(&file, text).unwrap();
    let checked = indicity::check(root).unwrap_or_else(|e| panic!("{e}"));
    assert!(checked.warnings.errors().next().is_none());
    // And the site still marks the sentence.
    let out = build(root);
    let page = html(
        &out,
        "articles/lanzhou/2022-08-21-shengshi-keji-bumen-gongtui/index.html",
    );
    let marked: Vec<String> = page
        .select(&sel("mark"))
        .map(|m| m.text().collect())
        .collect();
    assert!(
        marked
            .iter()
            .any(|m| m.contains("2016年全市高新技术企业数达到228家")),
        "{marked:?}"
    );
}

#[test]
fn derived_figures_must_quote_every_operand_and_compute() {
    let site = site_copy();
    let root = site.path();
    let file = root.join("content/cities/fuzhou.yaml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replacen("derived: 3759 - 964", "derived: 3759 - 900 - 64", 1),
    )
    .unwrap();
    let err = indicity::check(root)
        .err()
        .expect("an unquoted operand passed")
        .to_string();
    assert!(
        err.contains("error[E035]") && err.contains("900 in `derived` is not stated"),
        "{err}"
    );
    fs::write(
        &file,
        text.replacen("derived: 3759 - 964", "derived: 3759 -", 1),
    )
    .unwrap();
    let err = indicity::check(root)
        .err()
        .expect("a broken expression passed")
        .to_string();
    assert!(err.contains("not an arithmetic expression"), "{err}");
}

#[test]
fn a_stated_number_nobody_recorded_is_a_warning_with_its_position() {
    let site = site_copy();
    let root = site.path();
    // Forget Fuzhou's tech-SME stock: both Fuzhou articles state it.
    let file = root.join("content/cities/fuzhou.yaml");
    let text = fs::read_to_string(&file).unwrap();
    let start = text.find("  tech_smes:\n").unwrap();
    let end = start
        + text[start..]
            .find("      quote: 全市备案科技型中小企业2437家\n")
            .unwrap()
        + "      quote: 全市备案科技型中小企业2437家\n".len();
    let without: String = format!("{}  tech_smes:\n{}", &text[..start], &text[end..]);
    fs::write(&file, without).unwrap();

    let o = indicity(root, &["build"]);
    let err = stderr(&o);
    assert!(o.status.success(), "a warning failed the build:\n{err}");
    assert!(err.contains("warning[W001]"), "{err}");
    let article = "content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md";
    let body = fs::read_to_string(root.join(article)).unwrap();
    let at = body.find("科技型中小企业2437家").unwrap();
    let line = body[..at].matches('\n').count() + 1;
    let col = body[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    assert!(
        err.contains(&format!("{article}:{line}:{col}")),
        "no {article}:{line}:{col} in:\n{err}"
    );
    assert!(err.contains("2437"), "{err}");
}
