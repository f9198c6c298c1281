//! Incremental `build` is exactly a full build: random sequences of edits (figure
//! values and quotes, articles' text and front matter, names, templates, static
//! files, places and articles added and removed, broken files and their fixes) are
//! applied to a copy of the bundled site; after each, an incremental build into the
//! site's own output is compared byte for byte with `build --full` of the same
//! content into another directory. And a build killed with SIGKILL at any point
//! never leaves a record that makes the next build wrong.
//!
//! `PROPTEST_CASES` sets how many sequences are tried (16 by default).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::edits::{FUZHOU, FZ_A, Toggle, breaking, switch, t, valid};
use crate::common::server::diff_trees;
use crate::common::{site_copy, tree};
use indicity::BuildOptions;
use proptest::prelude::*;

const NEW_PLACE: &str = "content/cities/xiamen.yaml";
const NEW_ARTICLE: &str = "content/articles/xiamen/2024-01-05-xiamen-keji-gongzuo.md";
const NEW_STATIC: &str = "static/notes/about.txt";

/// A new place and an article about it whose sentence states its one figure.
const XIAMEN: &str = "name: 厦门市\nname_en: Xiamen\nprovince: 福建省\nlevel: prefecture\ncode: \"350200\"\nfigures:\n  high_tech_enterprises:\n    - period: 2023\n      value: 4000\n      source: xiamen/2024-01-05-xiamen-keji-gongzuo\n      quote: 2023年全市国家高新技术企业达到4000家\n";
const XIAMEN_ARTICLE: &str = "---\ntitle: 厦门市2023年科技工作综述\ndate: 2024-01-05\ncity: xiamen\n---\n\n2023年全市国家高新技术企业达到4000家，比上年增长一成。\n";

/// The shared edits, then those of files added and removed, static files, article
/// text, a corrected figure, and the breaking ones. `CARRIERS` and `BASE_TEMPLATE`
/// are indices the targeted tests use.
const BASE_TEMPLATE: usize = 11;
const CARRIERS: usize = 23;

fn pool() -> Vec<Toggle> {
    let mut pool = valid();
    pool.extend([
        t("static/css/site.css", ":root {", "/* extra */\n:root {"),
        t(NEW_STATIC, "", "about this site\n"),
        t(NEW_ARTICLE, "", XIAMEN_ARTICLE),
        t(NEW_PLACE, "", XIAMEN),
        t(
            FZ_A,
            "raw: raw/000_0a9f1b4e7c92027a.txt\n---\n\n",
            "raw: raw/000_0a9f1b4e7c92027a.txt\n---\n\n新增的一段导语，介绍福州市科技创新工作在过去一年的最新进展。\n\n",
        ),
        // A figure value, its quotes and its sentence, corrected together.
        Toggle {
            file: FZ_A,
            from: "创新创业载体119个",
            to: "创新创业载体120个",
            more: &[
                (
                    FUZHOU,
                    "quote: 科创走廊已建成载体面积330.2万平方米、创新创业载体119个、研发公共服务平台291个",
                    "quote: 科创走廊已建成载体面积330.2万平方米、创新创业载体120个、研发公共服务平台291个",
                ),
                (
                    FUZHOU,
                    "      value: 119\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 科创走廊已建成载体面积330.2万平方米、创新创业载体119个\n",
                    "      value: 120\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 科创走廊已建成载体面积330.2万平方米、创新创业载体120个\n",
                ),
            ],
        },
    ]);
    pool.extend(breaking());
    assert!(
        pool[CARRIERS].from.contains("119") && pool[BASE_TEMPLATE].file == "templates/base.html"
    );
    pool
}

fn build(root: &Path, output: &Path, full: bool) -> Result<indicity::BuildReport, String> {
    indicity::build(&BuildOptions {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        base_url: None,
        force: false,
        full,
    })
    .map_err(|e| e.to_string())
}

/// The output of `build --full` of `root`, in a directory of its own, with its
/// directories.
fn full_tree(root: &Path) -> Option<std::collections::BTreeMap<String, Vec<u8>>> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(root, &out, true).ok().map(|_| with_dirs(&out))
}

/// `tree` with an entry for every directory too (an empty one left behind is a
/// difference).
fn with_dirs(out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut t = tree(out);
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.unwrap();
        if entry.file_type().is_dir() {
            let rel = entry.path().strip_prefix(out).unwrap();
            t.insert(format!("{}/", rel.to_string_lossy()), Vec::new());
        }
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(16),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn an_incremental_build_is_a_full_build(steps in prop::collection::vec(
        prop::collection::vec(0usize..26, 1..4), 4..10)
    ) {
        let site = site_copy();
        let root = site.path();
        let out = root.join("public");
        let pool = pool();
        let mut on = vec![false; pool.len()];
        build(root, &out, false).expect("the bundled site builds");
        let mut history = Vec::new();
        for (n, picks) in steps.iter().enumerate() {
            for &k in picks {
                switch(root, &pool, &mut on, k % pool.len());
                history.push(format!("step {n}: #{} {} → {}", k % pool.len(), pool[k % pool.len()].file, on[k % pool.len()]));
            }
            let expected = full_tree(root);
            let before = tree(&out);
            match (build(root, &out, false), expected) {
                (Ok(report), Some(expected)) => {
                    // The first build left a record, and a refused one leaves it.
                    prop_assert!(report.incremental, "a build was not incremental");
                    if let Some(d) = diff_trees(&with_dirs(&out), &expected) {
                        panic!("after:\n{}\nthe incremental build differs from a full one:\n{d}", history.join("\n"));
                    }
                }
                (Err(_), None) => {
                    // Refused by both: the published output is untouched.
                    prop_assert!(tree(&out) == before, "a refused build changed the output");
                }
                (Ok(_), None) => panic!("after:\n{}\nthe incremental build accepted what a full build refuses", history.join("\n")),
                (Err(e), Some(_)) => panic!("after:\n{}\nthe incremental build refused what a full build accepts:\n{e}", history.join("\n")),
            }
        }
    }
}

#[test]
fn an_unchanged_site_renders_nothing_and_a_figure_edit_renders_its_pages() {
    let site = site_copy();
    let root = site.path();
    let out = root.join("public");
    let first = build(root, &out, false).unwrap();
    assert!(!first.incremental, "the first build is a full one");
    let again = build(root, &out, false).unwrap();
    assert!(again.incremental);
    assert_eq!(again.rendered, 0, "nothing changed, nothing rendered");
    let pool = pool();
    let mut on = vec![false; pool.len()];
    // The carriers figure and its sentence.
    switch(root, &pool, &mut on, CARRIERS);
    let r = build(root, &out, false).unwrap();
    assert!(r.incremental);
    assert!(
        (1..20).contains(&r.rendered),
        "a figure edit rendered {} outputs",
        r.rendered
    );
    assert_eq!(
        diff_trees(&with_dirs(&out), &full_tree(root).unwrap()),
        None
    );
    // `--full` renders everything again, and writes the same.
    let full = build(root, &out, true).unwrap();
    assert!(!full.incremental);
    assert_eq!(
        full.files + 1,
        tree(&out).len(),
        "every file but the marker"
    );
}

#[test]
fn a_correction_copies_the_other_places_rows_of_figures_csv_and_a_replaced_file_is_formatted() {
    let site = site_copy();
    let root = site.path();
    let out = root.join("public");
    let first = build(root, &out, false).unwrap();
    assert_eq!(first.spliced, 0, "a full build formats every row");
    let places = fs::read_dir(root.join("content/cities")).unwrap().count();
    assert!(places > 2);
    let pool = pool();
    let mut on = vec![false; pool.len()];
    switch(root, &pool, &mut on, CARRIERS);
    let r = build(root, &out, false).unwrap();
    assert_eq!(
        r.spliced,
        places - 1,
        "every place but the corrected one is copied"
    );
    let csv = fs::read_to_string(out.join("data/figures.csv")).unwrap();
    assert!(
        csv.contains(",120,"),
        "the corrected value is in figures.csv"
    );
    assert_eq!(
        diff_trees(&with_dirs(&out), &full_tree(root).unwrap()),
        None
    );
    // A published figures.csv that is not the one recorded (its length differs) is
    // never copied from: every row is formatted again.
    let published = out.join("data/figures.csv");
    let text = fs::read_to_string(&published).unwrap();
    fs::remove_file(&published).unwrap();
    fs::write(&published, format!("{text}extra\n")).unwrap();
    switch(root, &pool, &mut on, CARRIERS);
    let r = build(root, &out, false).unwrap();
    assert_eq!(r.spliced, 0);
    assert_eq!(
        diff_trees(&with_dirs(&out), &full_tree(root).unwrap()),
        None
    );
}

#[test]
fn a_file_deleted_from_the_output_is_written_again() {
    let site = site_copy();
    let root = site.path();
    let out = root.join("public");
    build(root, &out, false).unwrap();
    let page = out.join("cities/fuzhou/index.html");
    fs::remove_file(&page).unwrap();
    let r = build(root, &out, false).unwrap();
    assert!(r.incremental);
    assert!(page.is_file());
    assert_eq!(
        diff_trees(&with_dirs(&out), &full_tree(root).unwrap()),
        None
    );
}

#[test]
fn another_executable_or_address_builds_in_full() {
    let site = site_copy();
    let root = site.path();
    let out = root.join("public");
    build(root, &out, false).unwrap();
    // Another address changes every page: all of them are rendered again.
    let r = indicity::build(&BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.clone()),
        base_url: Some("https://elsewhere.example.org/".into()),
        force: false,
        full: false,
    })
    .unwrap();
    assert!(r.incremental);
    let pages = tree(&out).keys().filter(|k| k.ends_with(".html")).count();
    assert!(
        r.rendered >= pages,
        "{} outputs rendered for {pages} pages",
        r.rendered
    );
    // A record written by another executable is not trusted.
    let records = root.join(".indicity-cache/build");
    for entry in fs::read_dir(&records).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replacen("\"tool\":\"", "\"tool\":\"other-", 1)).unwrap();
    }
    let r = build(root, &out, false).unwrap();
    assert!(!r.incremental, "a record of another executable was used");
}

/// The `indicity` executable, for the kill test.
fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_indicity"))
}

/// Builds with the executable and kills it after `after`; whether it had finished.
fn build_killed_after(root: &Path, after: Duration) -> bool {
    let mut child = Command::new(exe())
        .args(["build", "--root"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let finished = child.try_wait().unwrap().is_some();
    if !finished {
        child.kill().unwrap();
    }
    child.wait().unwrap();
    finished
}

#[test]
fn a_killed_build_never_leaves_a_record_that_makes_the_next_one_wrong() {
    let site = site_copy();
    let root = site.path();
    let out = root.join("public");
    let pool = pool();
    let mut on = vec![false; pool.len()];
    // How long a build of this site takes here, to kill it anywhere in it.
    let started = Instant::now();
    assert!(
        Command::new(exe())
            .args(["build", "--root"])
            .arg(root)
            .output()
            .unwrap()
            .status
            .success()
    );
    let span = started.elapsed().as_micros() as u64;
    let mut seed: u64 = 0x5eed;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut killed = 0;
    for round in 0..12 {
        // Edits that change many pages (a template, a name) or a few (a figure).
        for k in [BASE_TEMPLATE, 1, CARRIERS, 14, 3] {
            if next(2) == 0 {
                switch(root, &pool, &mut on, k);
            }
        }
        let after = Duration::from_micros(next(span.max(1)));
        if !build_killed_after(root, after) {
            killed += 1;
        }
        // Some content changes after the kill, some not.
        if next(2) == 0 {
            switch(root, &pool, &mut on, 0);
        }
        let r = build(root, &out, false).unwrap_or_else(|e| panic!("round {round}: {e}"));
        if let Some(d) = diff_trees(&with_dirs(&out), &full_tree(root).unwrap()) {
            panic!(
                "round {round}: killed after {after:?} (incremental next: {}), the next build differs from a full one:\n{d}",
                r.incremental
            );
        }
    }
    assert!(killed > 0, "no build was killed before it finished");
}

#[test]
fn a_place_and_article_added_then_removed_leave_nothing_behind() {
    let site = site_copy();
    let root = site.path();
    let out = root.join("public");
    build(root, &out, false).unwrap();
    let pool = pool();
    let mut on = vec![false; pool.len()];
    let (place, article) = (
        pool.iter().position(|e| e.file == NEW_PLACE).unwrap(),
        pool.iter().position(|e| e.file == NEW_ARTICLE).unwrap(),
    );
    switch(root, &pool, &mut on, place);
    switch(root, &pool, &mut on, article);
    assert!(build(root, &out, false).unwrap().incremental);
    assert!(out.join("cities/xiamen/index.html").is_file());
    switch(root, &pool, &mut on, place);
    switch(root, &pool, &mut on, article);
    let r = build(root, &out, false).unwrap();
    assert!(r.incremental && r.removed > 0);
    assert_eq!(
        diff_trees(&with_dirs(&out), &full_tree(root).unwrap()),
        None
    );
}
