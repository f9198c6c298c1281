//! The public correction history, read from the site's own git repository: the test
//! makes the repository, commit by commit (a value corrected, the place file renamed,
//! a figure moved to another period, a figure deleted), and reads what the pages say.

mod common;

use std::fs;

use common::*;

const OLD: &str = "content/cities/lanzhou.yaml";
const NEW: &str = "content/cities/lanzhou-shi.yaml";
const ARTICLE: &str = "content/articles/lanzhou/2022-08-21-shengshi-keji-bumen-gongtui.md";

/// The bundled site with seven commits of history.
fn repository() -> tempfile::TempDir {
    let site = site_copy();
    let root = site.path();
    git(root, &["init", "-q"], "2024-01-01T09:00:00+08:00");
    commit(root, "初始数据", "2024-01-01T09:00:00+08:00");
    replace_in(root, OLD, "      value: 681\n", "      value: 618\n");
    commit(root, "录入兰州数据", "2024-02-01T09:00:00+08:00");
    replace_in(root, OLD, "      value: 618\n", "      value: 681\n");
    commit(
        root,
        "更正兰州2021年高企数：数字顺序录反",
        "2024-03-02T09:00:00+08:00",
    );
    git(root, &["mv", OLD, NEW], "2024-04-01T09:00:00+08:00");
    replace_in(root, ARTICLE, "city: lanzhou\n", "city: lanzhou-shi\n");
    commit(root, "兰州的文件改名", "2024-04-01T09:00:00+08:00");
    replace_in(root, NEW, "    - period: 2015\n", "    - period: 2014\n");
    commit(root, "调整时期", "2024-05-01T09:00:00+08:00");
    replace_in(root, NEW, "    - period: 2014\n", "    - period: 2015\n");
    commit(
        root,
        "时期改回2015年：原文为到2015年",
        "2024-05-02T09:00:00+08:00",
    );
    let text = fs::read_to_string(root.join(NEW)).unwrap();
    let start = text.find("    - period: 2008\n").expect("the 2008 figure");
    let end = start + 1 + text[start + 1..].find("    - period:").unwrap();
    fs::write(
        root.join(NEW),
        format!("{}{}", &text[..start], &text[end..]),
    )
    .unwrap();
    commit(
        root,
        "删除2008年数字：非当年存量",
        "2024-06-01T09:00:00+08:00",
    );
    site
}

fn history_of(page: &scraper::Html, anchor: &str) -> Vec<String> {
    page.select(&sel(&format!("tr#{anchor} details.history li")))
        .map(|li| li.text().collect::<String>())
        .collect()
}

#[test]
fn corrections_are_read_from_the_commits_and_shown_where_readers_look() {
    let site = repository();
    let root = site.path();
    let out = build(root);
    let page = html(&out, "cities/lanzhou-shi/index.html");

    // The corrected value, its history following the file's rename.
    let h2021 = history_of(&page, "fig-high_tech_enterprises-2021-actual");
    assert_eq!(
        h2021,
        [
            "2024-02-01 由 681 家 更正为 618 家：录入兰州数据",
            "2024-03-02 由 618 家 更正为 681 家：更正兰州2021年高企数：数字顺序录反",
        ]
    );
    // The figure moved away and back keeps both moves.
    let h2015 = history_of(&page, "fig-high_tech_enterprises-2015-actual");
    assert_eq!(h2015.len(), 2, "{h2015:?}");
    assert!(h2015[1].contains("由2014年移至此时期"), "{h2015:?}");
    // A figure never corrected has no record, and the deleted one no row.
    assert!(history_of(&page, "fig-high_tech_enterprises-2016-actual").is_empty());
    assert!(
        page.select(&sel("tr#fig-high_tech_enterprises-2008-actual"))
            .next()
            .is_none()
    );

    // /corrections/ lists all five, newest first, the deletion included.
    let list = html(&out, "corrections/index.html");
    let rows: Vec<String> = list
        .select(&sel("table.corrections tbody tr"))
        .map(|r| r.text().collect::<String>())
        .collect();
    assert_eq!(rows.len(), 5, "{rows:#?}");
    assert!(
        rows[0].contains("2024-06-01") && rows[0].contains("删除 87 家"),
        "{}",
        rows[0]
    );
    assert!(rows[4].contains("2024-02-01") && rows[4].contains("由 681 家 更正为 618 家"));
    let dates: Vec<String> = list
        .select(&sel("table.corrections time"))
        .map(|t| t.value().attr("datetime").unwrap().to_string())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    // Its links lead to the figure's row.
    for a in list.select(&sel("table.corrections a")) {
        let href = a.value().attr("href").unwrap();
        let (path, frag) = resolve("corrections/index.html", href).unwrap();
        if let Some(frag) = frag {
            assert!(
                html(&out, &path)
                    .select(&sel(&format!("#{frag}")))
                    .next()
                    .is_some(),
                "{href}"
            );
        }
    }

    // The feed: one entry per correction.
    let feed = fs::read_to_string(out.join("corrections/atom.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entries = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .count();
    assert_eq!(entries, 5);

    // The CSV says which values were corrected, and from what.
    let mut csv = csv::Reader::from_path(out.join("data/cities/lanzhou-shi.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let row = csv
        .records()
        .map(Result::unwrap)
        .find(|r| &r[col("period")] == "2021" && &r[col("indicator")] == "high_tech_enterprises")
        .unwrap();
    assert_eq!(&row[col("corrected")], "681@2024-02-01 | 618@2024-03-02");
}

#[test]
fn the_history_depends_on_the_commits_only_and_incremental_builds_see_new_ones() {
    let site = repository();
    let root = site.path();
    let first = tree(&build_full(root));
    // Again, from the cache keyed by HEAD, and without it.
    assert_eq!(first, tree(&build_full(root)));
    fs::remove_dir_all(root.join(".indicity-cache")).unwrap();
    assert_eq!(first, tree(&build_full(root)));

    // A new commit: the incremental build equals a full one.
    replace_in(root, NEW, "      value: 228\n", "      value: 229\n");
    commit(root, "试改", "2024-07-01T09:00:00+08:00");
    replace_in(root, NEW, "      value: 229\n", "      value: 228\n");
    commit(root, "改回228家", "2024-07-02T09:00:00+08:00");
    let incremental = tree(&build(root));
    assert_eq!(incremental, tree(&build_full(root)));
    let page = html(&root.join("public"), "cities/lanzhou-shi/index.html");
    assert_eq!(
        history_of(&page, "fig-high_tech_enterprises-2016-actual").len(),
        2
    );
}

#[test]
fn a_site_outside_any_repository_has_an_empty_record() {
    let site = site_copy();
    let out = build(site.path());
    let list = html(&out, "corrections/index.html");
    assert!(list.select(&sel("table.corrections")).next().is_none());
    let text: String = list.root_element().text().collect();
    assert!(text.contains("暂无更正记录"));
}
