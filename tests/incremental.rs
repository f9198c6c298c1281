//! Incremental `build` is exactly a full build: random sequences of edits (figure
//! values and quotes, articles' text and front matter, names, templates, static
//! files, places and articles added and removed, broken files and their fixes) are
//! applied to a copy of the bundled site; after each, an incremental build into the
//! site's own output is compared byte for byte with `build --full` of the same
//! content into another directory. And a build killed with SIGKILL at any point
//! never leaves a record that makes the next build wrong.
//!
//! `PROPTEST_CASES` sets how many sequences are tried (16 by default).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::server::diff_trees;
use common::{site_copy, tree};
use indicity::BuildOptions;
use proptest::prelude::*;

const FUZHOU: &str = "content/cities/fuzhou.yaml";
const QUANZHOU: &str = "content/cities/quanzhou.yaml";
const OUHAI: &str = "content/cities/ouhai.yaml";
const LANZHOU: &str = "content/cities/lanzhou.yaml";
const FZ_A: &str = "content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md";
const FZ_B: &str = "content/articles/fuzhou/undated-fuzhou-shike-xueji-shuju.md";
const QZ_A: &str = "content/articles/quanzhou/2022-01-29-lizheng-ruku-keji-xingzhong.md";
const NEW_PLACE: &str = "content/cities/xiamen.yaml";
const NEW_ARTICLE: &str = "content/articles/xiamen/2024-01-05-xiamen-keji-gongzuo.md";
const NEW_STATIC: &str = "static/notes/about.txt";

/// An edit that can be switched on and off: `from` → `to` in `file` (and in the
/// files of `more`, together), or a file that is created (`from` empty) and deleted
/// again.
struct Toggle {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    more: &'static [(&'static str, &'static str, &'static str)],
}

const fn t(file: &'static str, from: &'static str, to: &'static str) -> Toggle {
    Toggle {
        file,
        from,
        to,
        more: &[],
    }
}

/// A new place and an article about it whose sentence states its one figure.
const XIAMEN: &str = "name: 厦门市\nname_en: Xiamen\nprovince: 福建省\nlevel: prefecture\ncode: \"350200\"\nfigures:\n  high_tech_enterprises:\n    - period: 2023\n      value: 4000\n      source: xiamen/2024-01-05-xiamen-keji-gongzuo\n      quote: 2023年全市国家高新技术企业达到4000家\n";
const XIAMEN_ARTICLE: &str = "---\ntitle: 厦门市2023年科技工作综述\ndate: 2024-01-05\ncity: xiamen\n---\n\n2023年全市国家高新技术企业达到4000家，比上年增长一成。\n";

fn pool() -> Vec<Toggle> {
    vec![
        // Valid edits.
        t(FUZHOU, "name_en: Fuzhou\n", "name_en: Fuzhou City\n"),
        t(FUZHOU, "name: 福州市\n", "name: 福州\n"),
        t(OUHAI, "parent: 温州市\n", "parent: 福州市\n"),
        t(FZ_A, "title: 福州:", "title: 修订 福州:"),
        t(FZ_B, "city: fuzhou\n", "city: quanzhou\n"),
        t(FZ_A, "date: 2023-02-13\n", "date: 2023-02-14\n"),
        t(QUANZHOU, "code: \"350500\"", "code: \"350050\""),
        t(LANZHOU, "level: prefecture", "level: county-level-city"),
        t(
            FZ_A,
            "raw: raw/000_0a9f1b4e7c92027a.txt\n---\n\n",
            "raw: raw/000_0a9f1b4e7c92027a.txt\n---\n\n新增的一段导语，介绍福州市科技创新工作在过去一年的最新进展。\n\n",
        ),
        t(
            FUZHOU,
            "quote: [国家高新技术企业总量达3759家, 较2021年净增964家]",
            "quote: [较2021年净增964家, 国家高新技术企业总量达3759家]",
        ),
        t(
            FUZHOU,
            "      quote: R&D投入强度2.27%\n",
            "      quote: R&D投入强度2.27%\n      note: 新注释。\n",
        ),
        t(
            "templates/partials/figure_source.html",
            "<span class=\"src\">",
            "<span class=\"src z\">",
        ),
        t(
            "templates/base.html",
            "<main id=\"main\"",
            "<main data-x=\"1\" id=\"main\"",
        ),
        t(QZ_A, "title: 力争", "title: 泉州力争"),
        t(OUHAI, "name: 瓯海区\n", "name: 温州市瓯海区\n"),
        t("static/css/site.css", ":root {", "/* extra */\n:root {"),
        t(NEW_STATIC, "", "about this site\n"),
        t(NEW_ARTICLE, "", XIAMEN_ARTICLE),
        t(NEW_PLACE, "", XIAMEN),
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
        t(
            LANZHOU,
            "      value: 681\n",
            "      value: 681\n      note: 全市。\n",
        ),
        // Edits that may break the content (alone or together with others).
        t(FUZHOU, "      value: 628\n", "      value: 629\n"),
        t(LANZHOU, "figures:\n", "figures: [\n"),
        t(
            "templates/partials/article_item.html",
            "{% if a.place %}",
            "{% if a.place %",
        ),
        t(QZ_A, "city: quanzhou", "city: xiamen"),
    ]
}

/// Switches toggle `k` of `pool` in the site at `root`.
fn switch(root: &Path, pool: &[Toggle], on: &mut [bool], k: usize) {
    let e = &pool[k];
    let path = root.join(e.file);
    if e.from.is_empty() {
        if on[k] {
            fs::remove_file(&path).unwrap();
        } else {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, e.to).unwrap();
        }
    } else {
        let all = std::iter::once((e.file, e.from, e.to)).chain(e.more.iter().copied());
        for (file, from, to) in all {
            let path = root.join(file);
            let text = fs::read_to_string(&path).unwrap();
            let (a, b) = if on[k] { (to, from) } else { (from, to) };
            assert!(text.contains(a), "toggle {k}: {file} lacks {a:?}");
            fs::write(&path, text.replacen(a, b, 1)).unwrap();
        }
    }
    on[k] = !on[k];
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

/// The output of `build --full` of `root`, in a directory of its own.
fn full_tree(root: &Path) -> Option<std::collections::BTreeMap<String, Vec<u8>>> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(root, &out, true).ok().map(|_| tree(&out))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(16),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn an_incremental_build_is_a_full_build(steps in prop::collection::vec(
        prop::collection::vec(0usize..25, 1..4), 4..10)
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
                    if let Some(d) = diff_trees(&tree(&out), &expected) {
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
    switch(root, &pool, &mut on, 19);
    let r = build(root, &out, false).unwrap();
    assert!(r.incremental);
    assert!(
        (1..20).contains(&r.rendered),
        "a figure edit rendered {} outputs",
        r.rendered
    );
    assert_eq!(diff_trees(&tree(&out), &full_tree(root).unwrap()), None);
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
    assert_eq!(diff_trees(&tree(&out), &full_tree(root).unwrap()), None);
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
        for k in [12, 1, 19, 20, 3] {
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
        if let Some(d) = diff_trees(&tree(&out), &full_tree(root).unwrap()) {
            panic!(
                "round {round}: killed after {after:?} (incremental next: {}), the next build differs from a full one:\n{d}",
                r.incremental
            );
        }
    }
    assert!(killed > 0, "no build was killed before it finished");
}
