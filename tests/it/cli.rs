//! The command as a curator meets it: exit codes, error messages that point at the
//! exact YAML value, output that is never half-written, and builds that repeat exactly.

use std::fs;
use std::path::Path;

use crate::common::*;

/// `file:line:col` (1-based, column in characters) of the first occurrence of `needle`
/// in `file` under `root`, computed independently of the program under test.
fn position_of(root: &Path, file: &str, needle: &str) -> String {
    let text = fs::read_to_string(root.join(file)).unwrap();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {file}"));
    let line = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..at].chars().count() + 1;
    format!("{file}:{line}:{col}")
}

#[test]
fn bundled_site_checks_and_builds() {
    let site = site_copy();
    let o = indicity(site.path(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("no errors"));
    assert!(!site.path().join("public").exists(), "check wrote the site");
    let o = indicity(site.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.path().join("public/index.html").exists());
}

#[test]
fn every_error_of_a_run_is_reported_with_file_line_col_and_a_fix() {
    let site = site_copy();
    let root = site.path();
    let fuzhou = "content/cities/fuzhou.yaml";
    // A wrong type, an unknown indicator and a missing article in one file…
    replace_in(root, fuzhou, "value: 2437", "value: 3,760");
    replace_in(root, fuzhou, "  rd_intensity:", "  rd_intensty:");
    replace_in(
        root,
        fuzhou,
        "source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 较2021年净增964家",
        "source: fuzhou/2023-02-13-fuzhou-guojia\n      quote: 较2021年净增964家",
    );
    // …and malformed YAML in another.
    replace_in(
        root,
        "content/cities/lanzhou.yaml",
        "    - period: 2015\n      value: 157",
        "    - period: 2015\n     value: 157",
    );
    let expected = [
        (position_of(root, fuzhou, "3,760"), "E011", "3760"),
        (
            position_of(root, fuzhou, "rd_intensty"),
            "E020",
            "rd_intensity",
        ),
        (
            position_of(root, fuzhou, "fuzhou/2023-02-13-fuzhou-guojia\n"),
            "E021",
            "2023-02-13-fuzhou-guojia-gaoxin-jishu",
        ),
    ];

    let o = indicity(root, &["check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for (pos, code, hint) in &expected {
        assert!(
            err.contains(&format!("error[{code}]")),
            "no {code} in:\n{err}"
        );
        assert!(err.contains(pos.as_str()), "no {pos} in:\n{err}");
        assert!(err.contains(hint), "no hint {hint} in:\n{err}");
    }
    assert!(
        err.contains("content/cities/lanzhou.yaml:"),
        "the YAML syntax error is not located:\n{err}"
    );
    assert!(err.contains("error[E010]"), "{err}");
    assert!(err.contains("help:"), "{err}");
    assert!(err.contains("4 errors"), "{err}");
    // The caret sits under the offending value.
    assert!(
        err.contains("value: 3,760") && err.contains("^^^^^"),
        "{err}"
    );
}

#[test]
fn a_quote_missing_from_its_article_is_refused_with_the_closest_passage() {
    let site = site_copy();
    let root = site.path();
    replace_in(
        root,
        "content/cities/lanzhou.yaml",
        "quote: 2021年达到681家",
        "quote: 2021年达到618家",
    );
    let o = indicity(root, &["check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error[E030]"), "{err}");
    assert!(
        err.contains(&position_of(
            root,
            "content/cities/lanzhou.yaml",
            "2021年达到618家"
        )),
        "{err}"
    );
    assert!(
        err.contains("2021年达到681家"),
        "the closest passage is not shown:\n{err}"
    );
}

#[test]
fn a_figure_citing_an_article_about_another_place_is_refused() {
    let site = site_copy();
    let root = site.path();
    replace_in(
        root,
        "content/cities/quanzhou.yaml",
        "source: quanzhou/2022-01-29-lizheng-ruku-keji-xingzhong\n      quote: 新增高企500家",
        "source: lanzhou/2022-08-21-shengshi-keji-bumen-gongtui\n      quote: 新增高企500家",
    );
    let err = stderr(&indicity(root, &["check"]));
    assert!(
        err.contains("error[E024]") && err.contains("never names 泉州市"),
        "{err}"
    );
}

#[test]
fn two_figures_for_one_period_that_disagree_are_refused() {
    let site = site_copy();
    let root = site.path();
    replace_in(
        root,
        "content/cities/lanzhou.yaml",
        "- period: 2016",
        "- period: 2015",
    );
    let err = stderr(&indicity(root, &["check"]));
    assert!(err.contains("error[E025]"), "{err}");
    assert!(
        err.contains("content/cities/lanzhou.yaml:12: 157 家"),
        "{err}"
    );
    assert!(
        err.contains("content/cities/lanzhou.yaml:16: 228 家"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let site = site_copy();
    let o = indicity(site.path(), &["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let content = site.path().join("content");
    let o = indicity(
        site.path(),
        &["build", "--output", content.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("refusing"));
    assert!(
        content.join("site.yaml").exists(),
        "the build destroyed content/"
    );
    let o = indicity(
        site.path(),
        &["build", "--output", site.path().to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_failed_build_leaves_the_published_output_exactly_as_it_was() {
    let site = site_copy();
    let root = site.path();
    let out = build(root);
    let before = tree(&out);
    let breakages: [(&str, &str, &str); 4] = [
        (
            "content/cities/fuzhou.yaml",
            "name: 福州市",
            "name: [福州市",
        ),
        (
            "content/cities/fuzhou.yaml",
            "  tech_smes:",
            "  tech_smes_typo:",
        ),
        (
            "content/cities/lanzhou.yaml",
            "source: lanzhou/2022-08-21-shengshi-keji-bumen-gongtui",
            "source: lanzhou/nope",
        ),
        ("templates/place.html", "{% endfor %}", "{% endfor"),
    ];
    for (file, from, to) in breakages {
        let original = fs::read_to_string(root.join(file)).unwrap();
        replace_in(root, file, from, to);
        let o = indicity(root, &["build"]);
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
        assert_eq!(
            tree(&out),
            before,
            "{file}: the failed build changed the output"
        );
        let leftovers: Vec<_> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.contains("staging"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{file}: staging left behind: {leftovers:?}"
        );
        fs::write(root.join(file), original).unwrap();
    }
}

#[test]
fn two_builds_are_byte_identical_whatever_the_threads_and_fonts() {
    let site = site_copy();
    let root = site.path();
    let a = tree(&build(root));
    let b = tree(&build(root));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(a == b, "two builds differ");

    // One thread gives the same bytes as all of them.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let single = pool.install(|| tree(&build(root)));
    assert!(single == a, "a single-threaded build differs");

    // A machine without any fonts (no fontconfig, no font directories) gives the same
    // output: charts never measure text with system fonts.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_indicity"))
        .args(["build", "--root"])
        .arg(root)
        .env("FONTCONFIG_FILE", "/nonexistent/fonts.conf")
        .env("FONTCONFIG_PATH", "/nonexistent")
        .env("XDG_DATA_DIRS", "/nonexistent")
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        tree(&root.join("public")) == a,
        "output depends on the machine's fonts"
    );
}

#[test]
fn charts_cannot_depend_on_system_fonts() {
    // plotters' `ttf` feature measures text with the machine's fonts; it must stay off.
    let lock = fs::read_to_string(repo().join("Cargo.lock")).unwrap();
    for font_crate in ["font-kit", "ttf-parser", "ab_glyph", "fontconfig"] {
        assert!(
            !lock.contains(&format!("name = \"{font_crate}\"")),
            "{font_crate} is a dependency"
        );
    }
}

#[test]
fn no_input_makes_it_panic() {
    let inputs: &[(&str, &[u8])] = &[
        ("content/cities/fuzhou.yaml", b""),
        ("content/cities/fuzhou.yaml", b"\xff\xfe\x00garbage"),
        ("content/cities/fuzhou.yaml", b"- a\n- b\n"),
        ("content/cities/fuzhou.yaml", b"name: x\nname_en: y\nprovince: z\nlevel: prefecture\nfigures:\n  rd_spending:\n    - period: 2022-13\n      value: .nan\n      source: x\n      quote: []\n"),
        ("content/cities/fuzhou.yaml", b"name: x\nname_en: y\nprovince: z\nlevel: prefecture\nfigures:\n  rd_spending: 5\n"),
        ("content/cities/fuzhou.yaml", b"\t\tname: \"unterminated\n"),
        ("content/cities/fuzhou.yaml", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".as_bytes()),
        ("content/cities/fuzhou.yaml", b"&a [*a, *a, *a]\n"),
        ("content/indicators.yaml", b"Bad Id:\n  name: x\n"),
        ("content/indicators.yaml", b"42"),
        ("content/site.yaml", b"title: [\n"),
        ("content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md", b"---\n"),
        ("content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md", b"---\ntitle: x\ncity: fuzhou\ndate: 2023-02-30\n---\n"),
        ("content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md", "---\ntitle: x\ncity: 福州\n---\n正文".as_bytes()),
        ("content/articles/fuzhou/Bad Name.md", b"---\ntitle: x\ncity: fuzhou\n---\n"),
    ];
    for (file, bytes) in inputs {
        let site = site_copy();
        fs::write(site.path().join(file), bytes).unwrap();
        let o = indicity(site.path(), &["build"]);
        let err = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{file} {:?}: {err}",
            String::from_utf8_lossy(bytes)
        );
        assert!(!err.contains("panicked"), "{file}: {err}");
        assert!(err.contains("error["), "{file}: {err}");
        assert!(
            err.contains(file.split('/').next_back().unwrap()) || err.contains("content/"),
            "{file}: error does not name the file: {err}"
        );
    }
}

#[test]
fn an_unknown_indicator_group_is_located_and_lists_the_groups() {
    let site = site_copy();
    replace_in(
        site.path(),
        "content/indicators.yaml",
        "  group: enterprises\n",
        "  group: science\n",
    );
    let o = indicity(site.path(), &["build"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--> content/indicators.yaml:6:10"),
        "names the file, line and column: {err}"
    );
    for group in [
        "enterprises",
        "rd",
        "platforms",
        "talent",
        "money",
        "targets",
    ] {
        assert!(err.contains(&format!("`{group}`")), "lists {group}: {err}");
    }
}

/// A full `build` stages in the output it replaced two builds ago: whatever that
/// held, the result is exactly a build into an empty directory.
#[test]
fn a_build_over_an_older_output_equals_a_fresh_one() {
    let site = site_copy();
    let root = site.path();
    fs::create_dir_all(root.join("static/extra/deep")).unwrap();
    fs::write(root.join("static/extra/deep/a.txt"), "gone next time").unwrap();
    build_full(root);
    replace_in(root, "content/site.yaml", "title: ", "title: 新");
    build_full(root);
    assert!(root.join(".public.previous").is_dir());
    // Staged in the first build's output.
    fs::remove_dir_all(root.join("static/extra")).unwrap();
    replace_in(root, "templates/place.html", "<h1>", "<h1 class=\"place\">");
    let out = build_full(root);
    let fresh = root.join("fresh");
    let o = indicity(root, &["build", "--output", fresh.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (a, b) = (tree(&out), tree(&fresh));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(a == b, "the recycled build differs from a fresh one");
    assert!(!out.join("extra").exists(), "stale directory left");
    assert!(
        String::from_utf8_lossy(&a["cities/fuzhou/index.html"]).contains("<h1 class=\"place\">")
    );
}

/// The cache (`.indicity-cache/`: parsed place files, checked articles) saves time
/// and nothing else: a build with it, with a corrupt one and without one are the
/// same, and an edited file is parsed afresh, its old entry removed.
#[test]
fn the_cache_changes_nothing_but_time() {
    let site = site_copy();
    let root = site.path();
    let cache = root.join(".indicity-cache/places");
    let entries = || -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    };
    let fresh = tree(&build(root));
    let places = fs::read_dir(root.join("content/cities")).unwrap().count();
    assert_eq!(entries().len(), places, "one entry per place file");
    assert!(
        tree(&build(root)) == fresh,
        "a build from the cache differs"
    );
    for e in entries() {
        fs::write(e, "{\"name\": 1").unwrap();
    }
    assert!(
        tree(&build(root)) == fresh,
        "a corrupt cache changed the build"
    );

    // An edit: the file is parsed again, its old entry goes.
    let before = entries();
    replace_in(
        root,
        "content/cities/fuzhou.yaml",
        "name_en: Fuzhou",
        "name_en: Foochow",
    );
    let edited = tree(&build(root));
    assert!(String::from_utf8_lossy(&edited["cities/fuzhou/index.html"]).contains("Foochow"));
    let after = entries();
    assert_eq!(after.len(), places);
    assert_eq!(before.iter().filter(|e| !after.contains(e)).count(), 1);

    // Errors read the same with the cache as without it.
    replace_in(root, "content/cities/lanzhou.yaml", "value: ", "value: 1");
    let with = stderr(&indicity(root, &["check"]));
    fs::remove_dir_all(root.join(".indicity-cache")).unwrap();
    let without = stderr(&indicity(root, &["check"]));
    assert!(with.contains("error"), "{with}");
    assert_eq!(with, without);
}

/// A figure may cite an article filed under another place (one that names it). The
/// article's cached check must be redone when that figure's file changes.
#[test]
fn a_cached_article_is_checked_again_when_a_figure_of_another_place_citing_it_changes() {
    let site = site_copy();
    let root = site.path();
    fs::write(
        root.join("content/cities/rongcheng.yaml"),
        "name: 福州市\nname_en: Rongcheng\nprovince: 福建省\nlevel: prefecture\nfigures:\n  high_tech_enterprises:\n    - period: 2022\n      value: 3759\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 国家高新技术企业总量达3759家\n",
    )
    .unwrap();
    let o = indicity(root, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Only the other place's file changes: the article and its own place do not.
    replace_in(
        root,
        "content/cities/rongcheng.yaml",
        "value: 3759",
        "value: 3760",
    );
    let o = indicity(root, &["check"]);
    assert_eq!(o.status.code(), Some(1), "a contradicted figure passed");
    assert!(
        stderr(&o).contains("content/cities/rongcheng.yaml:8:"),
        "{}",
        stderr(&o)
    );
}
