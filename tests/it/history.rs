//! The public correction history, read from the site's own git repository: the test
//! makes the repository, commit by commit (a value corrected, the place file renamed,
//! a figure moved to another period, a figure deleted), and reads what the pages say.

use std::fs;

use crate::common::*;

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

/// The rows of `/corrections/` as a reader sees them.
fn correction_rows(out: &std::path::Path) -> Vec<String> {
    html(out, "corrections/index.html")
        .select(&sel("table.corrections tbody tr"))
        .map(|r| r.text().collect::<String>())
        .collect()
}

/// The `/corrections/` page's note to readers about the record, if any.
fn record_note(out: &std::path::Path) -> Option<String> {
    html(out, "corrections/index.html")
        .select(&sel("main p.notice"))
        .next()
        .map(|p| p.text().collect())
}

fn build_warnings(root: &std::path::Path) -> (std::path::PathBuf, String) {
    let report = indicity::build(&indicity::BuildOptions {
        root: root.to_path_buf(),
        output: None,
        base_url: None,
        force: false,
        full: true,
    })
    .unwrap_or_else(|e| panic!("build failed:\n{e}"));
    (report.output, report.warnings.render(false))
}

/// No character an XML or HTML page may not hold, in any file of the record.
fn assert_clean_record(out: &std::path::Path) {
    for f in ["corrections/index.html", "corrections/atom.xml"] {
        let text = fs::read_to_string(out.join(f)).unwrap();
        if let Some(c) = text
            .chars()
            .find(|&c| !indicity::chars::allowed(c) && c != '\n' && c != '\t')
        {
            panic!("{f} holds U+{:04X}", c as u32);
        }
    }
    let feed = fs::read_to_string(out.join("corrections/atom.xml")).unwrap();
    roxmltree::Document::parse(&feed).expect("the feed is well-formed XML");
}

#[test]
fn control_characters_from_git_never_reach_the_record() {
    let site = repository();
    let root = site.path();
    // A message full of control characters, and a place file with a name that is
    // not a slug and a `name:` with a control character, added and then deleted.
    replace_in(root, NEW, "      value: 228\n", "      value: 229\n");
    fs::write(
        root.join(".git/msg"),
        "改\u{1}正\u{1b}[31m数\u{7f}字\u{85}完\u{9b}毕\n\n正文\u{1}",
    )
    .unwrap();
    git(root, &["add", "-A"], "2024-07-01T09:00:00+08:00");
    git(
        root,
        &["commit", "-q", "-F", ".git/msg"],
        "2024-07-01T09:00:00+08:00",
    );
    let evil = "name: \"坏\\u0001名<b>\"\nname_en: X\nprovince: 甘肃省\nlevel: prefecture\nfigures:\n  high_tech_enterprises:\n    - period: 2020\n      value: 5\n      source: x/y\n      quote: q\n";
    fs::write(root.join("content/cities/evil\u{1}.yaml"), evil).unwrap();
    fs::write(root.join("content/cities/evil-two.yaml"), evil).unwrap();
    replace_in(root, NEW, "      value: 229\n", "      value: 228\n");
    commit(root, "加入", "2024-07-02T09:00:00+08:00");
    fs::remove_file(root.join("content/cities/evil\u{1}.yaml")).unwrap();
    fs::remove_file(root.join("content/cities/evil-two.yaml")).unwrap();
    commit(root, "删掉", "2024-07-03T09:00:00+08:00");

    let (out, _) = build_warnings(root);
    assert_clean_record(&out);
    let rows = correction_rows(&out);
    assert!(
        rows.iter().any(|r| r.contains("改 正 [31m数 字 完 毕")),
        "{rows:#?}"
    );
    // The file whose name is no slug is no place: nothing of it is published. The
    // other's name is published without its control character, escaped.
    assert!(!rows.iter().any(|r| r.contains("evil")), "{rows:#?}");
    let deleted: Vec<&String> = rows.iter().filter(|r| r.contains("删除 5 家")).collect();
    assert_eq!(deleted.len(), 1, "{rows:#?}");
    assert!(deleted[0].contains("坏 名<b>"), "{}", deleted[0]);
    let page = fs::read_to_string(out.join("corrections/index.html")).unwrap();
    assert!(!page.contains("<b>"), "the name is escaped");
}

#[test]
fn a_shallow_clone_says_its_record_is_partial_and_a_deepened_one_is_read_again() {
    let site = repository();
    let clones = tempfile::tempdir().unwrap();
    let shallow = clones.path().join("site");
    let url = format!("file://{}", site.path().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "2", &url, "site"],
        "2024-07-01T09:00:00+08:00",
    );
    let (out, warnings) = build_warnings(&shallow);
    assert!(
        warnings.contains("W006") && warnings.contains("shallow clone"),
        "{warnings}"
    );
    assert!(record_note(&out).is_some_and(|n| n.contains("浅克隆")));
    assert!(correction_rows(&out).len() < 5);

    git(
        &shallow,
        &["fetch", "-q", "--unshallow"],
        "2024-07-01T09:00:00+08:00",
    );
    let (out, warnings) = build_warnings(&shallow);
    assert!(!warnings.contains("W006"), "{warnings}");
    assert_eq!(record_note(&out), None);
    assert_eq!(correction_rows(&out).len(), 5, "the cache was not trusted");
}

#[test]
fn a_damaged_repository_publishes_no_record_rather_than_a_false_one() {
    let site = repository();
    let root = site.path();
    // The tree of content/cities/ four commits back, truncated.
    let o = std::process::Command::new("git")
        .args(["rev-parse", "HEAD~4:content/cities"])
        .current_dir(root)
        .output()
        .unwrap();
    let id = String::from_utf8(o.stdout).unwrap().trim().to_string();
    let object = root.join(".git/objects").join(&id[..2]).join(&id[2..]);
    assert!(object.is_file(), "a loose object");
    fs::write(&object, b"x").unwrap();
    let (out, warnings) = build_warnings(root);
    assert!(
        warnings.contains("W006") && warnings.contains("cannot be read"),
        "{warnings}"
    );
    assert_eq!(correction_rows(&out), Vec::<String>::new());
    assert!(record_note(&out).is_some_and(|n| n.contains("无法完整读取")));
}

#[test]
fn a_figure_or_file_deleted_and_restored_is_not_deleted() {
    let site = site_copy();
    let root = site.path();
    git(root, &["init", "-q"], "2024-01-01T09:00:00+08:00");
    commit(root, "初始数据", "2024-01-01T09:00:00+08:00");
    // A place file removed, then brought back by `git revert`.
    git(root, &["rm", "-q", OLD], "2024-02-01T09:00:00+08:00");
    git(
        root,
        &["commit", "-q", "-m", "误删"],
        "2024-02-01T09:00:00+08:00",
    );
    git(
        root,
        &["revert", "--no-edit", "HEAD"],
        "2024-02-02T09:00:00+08:00",
    );
    // A figure dropped, then restored.
    let text = fs::read_to_string(root.join(OLD)).unwrap();
    let start = text.find("    - period: 2008\n").expect("the 2008 figure");
    let end = start + 1 + text[start + 1..].find("    - period:").unwrap();
    fs::write(
        root.join(OLD),
        format!("{}{}", &text[..start], &text[end..]),
    )
    .unwrap();
    commit(root, "删去2008年", "2024-03-01T09:00:00+08:00");
    fs::write(root.join(OLD), &text).unwrap();
    commit(root, "恢复2008年", "2024-03-02T09:00:00+08:00");
    // The file renamed to `.yml` (not a place file) and back.
    let yml = OLD.replace(".yaml", ".yml");
    git(root, &["mv", OLD, &yml], "2024-04-01T09:00:00+08:00");
    commit(root, "改扩展名", "2024-04-01T09:00:00+08:00");
    git(root, &["mv", &yml, OLD], "2024-04-02T09:00:00+08:00");
    commit(root, "改回", "2024-04-02T09:00:00+08:00");
    // Deleted and restored with another value: a correction of the deleted value.
    let changed = text.replacen("      value: 87\n", "      value: 78\n", 1);
    assert_ne!(changed, text);
    let start = text.find("    - period: 2008\n").unwrap();
    fs::write(
        root.join(OLD),
        format!("{}{}", &text[..start], &text[end..]),
    )
    .unwrap();
    commit(root, "再删", "2024-05-01T09:00:00+08:00");
    fs::write(root.join(OLD), &changed).unwrap();
    commit(root, "以新值恢复", "2024-05-02T09:00:00+08:00");
    fs::write(root.join(OLD), &text).unwrap();
    commit(root, "改回原值", "2024-05-03T09:00:00+08:00");

    let out = build_full(root);
    let rows = correction_rows(&out);
    assert!(!rows.iter().any(|r| r.contains("删除")), "{rows:#?}");
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert!(rows[1].contains("由 87 家 更正为 78 家"), "{}", rows[1]);
    assert!(rows[0].contains("由 78 家 更正为 87 家"), "{}", rows[0]);
    // The incremental reading of the same commits agrees.
    fs::remove_dir_all(root.join(".indicity-cache")).unwrap();
    assert_eq!(correction_rows(&build_full(root)), rows);
}

#[test]
fn dates_git_allows_but_a_calendar_does_not_and_declared_encodings_are_read() {
    let site = repository();
    let root = site.path();
    replace_in(root, NEW, "      value: 228\n", "      value: 229\n");
    commit(root, "远未来的日期", "@300000000000 +0000");
    replace_in(root, NEW, "      value: 229\n", "      value: 230\n");
    // A message in GBK, as the commit declares.
    let (gbk, _, _) = encoding_rs::GBK.encode("更正：编码为GBK的说明");
    fs::write(root.join(".git/msg"), &gbk[..]).unwrap();
    git(root, &["add", "-A"], "2024-08-01T09:00:00+08:00");
    git(
        root,
        &[
            "-c",
            "i18n.commitEncoding=GBK",
            "commit",
            "-q",
            "-F",
            ".git/msg",
        ],
        "2024-08-01T09:00:00+08:00",
    );
    replace_in(root, NEW, "      value: 230\n", "      value: 228\n");
    commit(root, "改回", "2024-09-01T09:00:00+08:00");
    let (out, warnings) = build_warnings(root);
    assert!(
        warnings.contains("W006") && warnings.contains("1970–9999"),
        "{warnings}"
    );
    assert_clean_record(&out);
    let rows = correction_rows(&out);
    assert!(rows[1].contains("更正：编码为GBK的说明"), "{rows:#?}");
    // The far commit's correction carries the date before it, never an empty one.
    assert!(rows[2].contains("由 228 家 更正为 229 家"), "{rows:#?}");
    assert!(rows[2].contains("2024-06-01"), "{}", rows[2]);
    let list = html(&out, "corrections/index.html");
    for t in list.select(&sel("table.corrections time")) {
        let d = t.value().attr("datetime").unwrap();
        assert_eq!(d.len(), 10, "{d:?}");
    }
    let feed = fs::read_to_string(out.join("corrections/atom.xml")).unwrap();
    assert!(!feed.contains("<updated></updated>"));
    let csv = fs::read_to_string(out.join("data/cities/lanzhou-shi.csv")).unwrap();
    assert!(csv.contains("228@2024-06-01"), "the CSV names a date");
}
