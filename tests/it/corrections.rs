//! Corrections as part of the record: a figure stated by several articles, figures
//! that disagree with one of them preferred, and values overridden with a reason.
//! Each is built on a copy of the bundled site with an invented second article about
//! 兰州 that restates (or contradicts) one sentence of the real one.

use std::fs;
use std::path::Path;

use crate::common::mutants::{is_caught, mutants};
use crate::common::*;

const PLACE: &str = "content/cities/lanzhou.yaml";
const REAL: &str = "lanzhou/2022-08-21-shengshi-keji-bumen-gongtui";
/// The 2016 figure as the bundled file writes it.
const FIGURE_2016: &str = "    - period: 2016\n      value: 228\n      source: lanzhou/2022-08-21-shengshi-keji-bumen-gongtui\n      quote: 2016年全市高新技术企业数达到228家\n";
const ANCHOR: &str = "fig-high_tech_enterprises-2016-actual";

/// Writes an invented evening-paper article about 兰州 stating `sentence`.
fn second_article(root: &Path, stem: &str, sentence: &str) -> String {
    let id = format!("lanzhou/{stem}");
    fs::write(
        root.join(format!("content/articles/{id}.md")),
        format!(
            "---\ntitle: 兰州高企队伍稳步壮大\ndate: 2022-09-01\ncity: lanzhou\npublisher: 示例晚报\n---\n\n本报讯 记者从市科技局获悉，{sentence}此后逐年增长。\n"
        ),
    )
    .unwrap();
    id
}

/// The 2016 figure with the real article and `second` as its sources.
fn two_sources(second: &str, second_quote: &str) -> String {
    format!(
        "    - period: 2016\n      value: 228\n      sources:\n        - source: {REAL}\n          quote: 2016年全市高新技术企业数达到228家\n        - source: {second}\n          quote: {second_quote}\n"
    )
}

fn set_2016(root: &Path, yaml: &str) {
    replace_in(root, PLACE, FIGURE_2016, yaml);
}

/// 1-based line of the first line of `PLACE` containing `needle` after `after`.
fn line_of(root: &Path, needle: &str, after: &str) -> usize {
    let text = fs::read_to_string(root.join(PLACE)).unwrap();
    let from = text.find(after).unwrap();
    let at = from + text[from..].find(needle).unwrap();
    text[..at].matches('\n').count() + 1
}

fn check_err(root: &Path) -> String {
    let o = indicity(root, &["check"]);
    assert_eq!(o.status.code(), Some(1), "check passed:\n{}", stderr(&o));
    stderr(&o)
}

fn row_text(out: &Path) -> String {
    let page = html(out, "cities/lanzhou/index.html");
    let rows: Vec<_> = page.select(&sel(&format!("tr#{ANCHOR}"))).collect();
    assert_eq!(rows.len(), 1, "one row for the 2016 figure");
    rows[0].text().collect::<String>()
}

fn csv_rows(out: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(out.join("data/cities/lanzhou.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    let period = headers.iter().position(|h| h == "period").unwrap();
    let indicator = headers.iter().position(|h| h == "indicator").unwrap();
    r.records()
        .map(Result::unwrap)
        .filter(|rec| &rec[period] == "2016" && &rec[indicator] == "high_tech_enterprises")
        .collect()
}

fn column(out: &Path, name: &str) -> usize {
    let mut r = csv::Reader::from_path(out.join("data/cities/lanzhou.csv")).unwrap();
    r.headers().unwrap().iter().position(|h| h == name).unwrap()
}

#[test]
fn a_figure_stated_by_two_articles_is_proved_and_links_to_both_sentences() {
    let site = site_copy();
    let root = site.path();
    let second = second_article(
        root,
        "2022-09-01-wanbao-gaoqi",
        "2016年全市高新技术企业数达到228家，",
    );
    set_2016(
        root,
        &two_sources(&second, "2016年全市高新技术企业数达到228家"),
    );
    let out = build(root);
    let text = row_text(&out);
    assert!(text.contains("2 个来源"), "{text}");
    assert!(text.contains("兰州高企队伍稳步壮大"), "{text}");
    // Each quote links to its own article's marked sentence.
    let page = html(&out, "cities/lanzhou/index.html");
    let hrefs: Vec<String> = page
        .select(&sel(&format!("tr#{ANCHOR} a.quote")))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(hrefs.len(), 2, "{hrefs:?}");
    for (href, id) in hrefs.iter().zip([REAL, second.as_str()]) {
        let (path, frag) = resolve("cities/lanzhou/index.html", href).unwrap();
        assert_eq!(path, format!("articles/{id}/index.html"));
        let frag = frag.expect("links to the sentence");
        let article = html(&out, &path);
        let mark = article
            .select(&sel(&format!("mark#{frag}")))
            .next()
            .unwrap_or_else(|| panic!("no mark #{frag} in {path}"));
        assert!(norm(&mark.text().collect::<String>()).contains("228家"));
    }
    // The second article's page lists the figure it supports.
    let article = html(&out, &format!("articles/{second}/index.html"));
    let listed: String = article
        .select(&sel("#figures td.num"))
        .flat_map(|t| t.text())
        .collect();
    assert!(listed.contains("228"), "{listed}");
    // The data carries every source.
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][column(&out, "source")], REAL);
    assert_eq!(&rows[0][column(&out, "other_sources")], second);
    // Two builds are byte-identical.
    let first = tree(&out);
    assert_eq!(first, tree(&build_full(root)));
}

#[test]
fn a_second_source_that_does_not_state_the_value_is_refused_at_its_line() {
    let site = site_copy();
    let root = site.path();
    let second = second_article(
        root,
        "2022-09-01-wanbao-gaoqi",
        "2016年全市高新技术企业数达到229家，",
    );
    set_2016(
        root,
        &two_sources(&second, "2016年全市高新技术企业数达到229家"),
    );
    let err = check_err(root);
    let line = line_of(root, &format!("- source: {second}"), "period: 2016");
    assert!(err.contains("error[E031]"), "{err}");
    assert!(
        err.contains(&format!("content/cities/lanzhou.yaml:{line}:")),
        "not at the second source's line {line}:\n{err}"
    );
    // A second source that is not an article is named at its own line.
    replace_in(
        root,
        PLACE,
        &format!("- source: {second}"),
        "- source: lanzhou/no-such-article",
    );
    let err = check_err(root);
    assert!(
        err.contains("error[E021]") && err.contains(&format!("lanzhou.yaml:{line}:")),
        "{err}"
    );
}

#[test]
fn one_article_listed_twice_is_not_two_sources() {
    let site = site_copy();
    let root = site.path();
    set_2016(root, &two_sources(REAL, "全市高新技术企业数达到228家"));
    let err = check_err(root);
    assert!(
        err.contains("error[E011]") && err.contains("cited twice"),
        "{err}"
    );
}

#[test]
fn both_ways_of_naming_sources_at_once_is_refused() {
    let site = site_copy();
    let root = site.path();
    set_2016(
        root,
        &format!(
            "    - period: 2016\n      value: 228\n      source: {REAL}\n      quote: 2016年全市高新技术企业数达到228家\n      sources:\n        - source: {REAL}\n          quote: 2016年全市高新技术企业数达到228家\n"
        ),
    );
    let err = check_err(root);
    assert!(
        err.contains("error[E011]") && err.contains("`sources:` and also `source:`"),
        "{err}"
    );
}

#[test]
fn two_figures_stating_the_same_value_ask_for_one_figure_with_two_sources() {
    let site = site_copy();
    let root = site.path();
    let second = second_article(
        root,
        "2022-09-01-wanbao-gaoqi",
        "2016年全市高新技术企业数达到228家，",
    );
    set_2016(
        root,
        &format!(
            "{FIGURE_2016}    - period: 2016\n      value: 228\n      source: {second}\n      quote: 2016年全市高新技术企业数达到228家\n"
        ),
    );
    let err = check_err(root);
    assert!(
        err.contains("error[E022]") && err.contains("sources:"),
        "{err}"
    );
}

#[test]
fn figures_that_disagree_need_one_preferred_and_show_both_sentences() {
    let site = site_copy();
    let root = site.path();
    let second = second_article(
        root,
        "2022-09-01-wanbao-gaoqi",
        "2016年全市高新技术企业达到230家，",
    );
    let other = format!(
        "    - period: 2016\n      value: 230\n      source: {second}\n      quote: 2016年全市高新技术企业达到230家\n"
    );
    set_2016(root, &format!("{FIGURE_2016}{other}"));
    let err = check_err(root);
    let first_line = line_of(root, "- period: 2016", "figures:");
    let second_line = line_of(root, "- period: 2016", "value: 228");
    assert!(err.contains("error[E025]"), "{err}");
    assert!(err.contains("228") && err.contains("230"), "{err}");
    for line in [first_line, second_line] {
        assert!(
            err.contains(&format!("content/cities/lanzhou.yaml:{line}")),
            "line {line}:\n{err}"
        );
    }
    // Both sentences, as the articles write them.
    assert!(err.contains("2016年全市高新技术企业数达到228家"), "{err}");
    assert!(
        err.contains("本报讯 记者从市科技局获悉，2016年全市高新技术企业达到230家，此后逐年增长。"),
        "{err}"
    );
    assert!(
        err.contains(&format!("content/articles/{second}.md")),
        "{err}"
    );

    // Two preferred are no choice either.
    let both = format!(
        "{}      preferred: true\n{}      preferred: true\n",
        FIGURE_2016, other
    );
    replace_in(root, PLACE, &format!("{FIGURE_2016}{other}"), &both);
    let err = check_err(root);
    assert!(
        err.contains("error[E025]") && err.contains("more than one `preferred`"),
        "{err}"
    );

    // One preferred: the page shows it and names the other claim; the data keeps both.
    replace_in(
        root,
        PLACE,
        &both,
        &format!("{}      preferred: true\n{}", FIGURE_2016, other),
    );
    let out = build(root);
    let text = row_text(&out);
    assert!(text.contains("228"), "{text}");
    assert!(text.contains("其他来源称 230家"), "{text}");
    let page = html(&out, "cities/lanzhou/index.html");
    let other_href = page
        .select(&sel(&format!("tr#{ANCHOR} .other a")))
        .next()
        .expect("the other claim links to its source")
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert!(other_href.contains(&second), "{other_href}");
    let rows = csv_rows(&out);
    let (value, preferred) = (column(&out, "value"), column(&out, "preferred"));
    let mut got: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r[value].to_string(), r[preferred].to_string()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [("228".into(), "yes".into()), ("230".into(), "no".into())]
    );
    // The chart and the latest value never show the claim that was not preferred.
    assert_eq!(
        page.select(&sel("#ind-high_tech_enterprises figure svg"))
            .count(),
        1,
        "the series is charted"
    );
    let chart: String = page
        .select(&sel("#ind-high_tech_enterprises figure"))
        .flat_map(|f| f.text())
        .collect();
    assert!(!chart.contains("230"), "{chart}");
}

#[test]
fn an_override_shows_the_source_and_the_correction_and_still_proves_the_source() {
    let site = site_copy();
    let root = site.path();
    let overridden = format!(
        "    - period: 2016\n      value: 229\n      source: {REAL}\n      quote: 2016年全市高新技术企业数达到228家\n      override:\n        reason: 市科技局年报修订为229家\n        original: 228\n"
    );
    set_2016(root, &overridden);
    let out = build(root);
    let text = row_text(&out);
    assert!(
        text.contains("原文为 228家，编者更正为 229家：市科技局年报修订为229家"),
        "{text}"
    );
    let rows = csv_rows(&out);
    assert_eq!(&rows[0][column(&out, "value")], "229");
    assert_eq!(&rows[0][column(&out, "original_value")], "228");
    assert_eq!(
        &rows[0][column(&out, "override_reason")],
        "市科技局年报修订为229家"
    );
    // The article's page shows what it states, and the correction.
    let article = html(&out, &format!("articles/{REAL}/index.html"));
    let listed: String = article
        .select(&sel("#figures"))
        .flat_map(|t| t.text())
        .collect();
    assert!(
        listed.contains("228") && listed.contains("编者更正为 229"),
        "{listed}"
    );

    // The quote must still state the original number.
    replace_in(root, PLACE, "original: 228", "original: 227");
    let err = check_err(root);
    let line = line_of(root, "original: 227", "override:");
    assert!(
        err.contains("error[E031]") && err.contains(&format!("lanzhou.yaml:{line}:")),
        "{err}"
    );

    // No reason, no override.
    replace_in(root, PLACE, "original: 227", "original: 228");
    replace_in(root, PLACE, "        reason: 市科技局年报修订为229家\n", "");
    let err = check_err(root);
    assert!(
        err.contains("error[E011]") && err.contains("needs a reason"),
        "{err}"
    );
}

#[test]
fn an_override_supported_by_a_later_source_is_proved_against_the_new_value() {
    let site = site_copy();
    let root = site.path();
    let later = second_article(
        root,
        "2022-09-01-wanbao-gaoqi",
        "经复核，2016年全市高新技术企业数为229家，",
    );
    let yaml = format!(
        "    - period: 2016\n      value: 229\n      source: {REAL}\n      quote: 2016年全市高新技术企业数达到228家\n      override:\n        reason: 复核后修订\n        original: 228\n        source: {later}\n        quote: 2016年全市高新技术企业数为229家\n"
    );
    set_2016(root, &yaml);
    let out = build(root);
    let text = row_text(&out);
    assert!(
        text.contains("依据") && text.contains("2016年全市高新技术企业数为229家"),
        "{text}"
    );
    // A supporting sentence that states another number is refused.
    replace_in(root, PLACE, "      value: 229\n", "      value: 230\n");
    let err = check_err(root);
    assert!(err.contains("error[E031]"), "{err}");
}

/// The mutation test over the new fields: each further citation's quote, and an
/// override's original value, broken one at a time, is caught at its own line.
#[test]
fn mutants_of_second_sources_and_overrides_are_caught_at_their_lines() {
    let site = site_copy();
    let root = site.path();
    let second = second_article(
        root,
        "2022-09-01-wanbao-gaoqi",
        "2016年全市高新技术企业数达到228家，",
    );
    set_2016(
        root,
        &two_sources(&second, "2016年全市高新技术企业数达到228家"),
    );
    replace_in(
        root,
        PLACE,
        "      value: 681\n",
        "      value: 682\n      override:\n        reason: 示例更正\n        original: 681\n",
    );
    indicity::check(root).unwrap_or_else(|e| panic!("the fixture does not pass:\n{e}"));
    let all = mutants(root);
    let new: Vec<_> = all
        .iter()
        .filter(|m| m.kind == "cite-quote" || m.kind == "original")
        .collect();
    assert_eq!(new.len(), 2, "one second source and one override");
    // Status and indicator mutants are read from words, not from the citations this
    // test is about (`provenance` measures them).
    let missed: Vec<String> = all
        .iter()
        .filter(|m| m.kind != "status" && m.kind != "indicator")
        .filter(|m| !is_caught(root, m))
        .map(|m| format!("{} line {} → {}", m.kind, m.line, m.replacement))
        .collect();
    assert!(missed.is_empty(), "not caught:\n{}", missed.join("\n"));
}
