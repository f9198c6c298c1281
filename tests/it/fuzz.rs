//! Fuzzing every parser of untrusted input, within the test suite.
//!
//! A coverage-guided fuzzer (`cargo fuzz`) needs a nightly toolchain, which this
//! project's machines do not have, so each parser is driven here by proptest: first
//! through the committed corpus in `tests/fuzz/<target>/` (the crashers and slow
//! inputs found so far, kept as regression cases), then through generated inputs made
//! of the pieces real input is made of. Every case must return, not panic; the
//! commands themselves must exit 0, 1 or 2, never 101 (panic) or 134 (abort).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;

use indicity::check::derived;
use indicity::content::yaml::SourceFile;
use indicity::content::{ArticleMeta, SiteConfig};
use indicity::text::numbers;
use indicity::{clean, markdown, serve};

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = crate::common::repo().join("tests/fuzz").join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no corpus in {}", dir.display());
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A YAML text through every loader that reads content YAML.
fn yaml_target(text: &str) {
    let mut file =
        std::sync::Arc::new(SourceFile::new(Path::new("content/site.yaml"), text.into()));
    // Diagnostics are rendered too: a span the renderer cannot slice is a crash.
    for d in SourceFile::take_escapes(&mut file) {
        let _ = d.render(false);
    }
    for d in [
        file.parse::<SiteConfig>().err(),
        file.parse::<ArticleMeta>().err(),
        file.parse::<serde_yaml::Value>().err(),
    ]
    .into_iter()
    .flatten()
    {
        let _ = d.render(false);
    }
    let dir = tempfile::tempdir().unwrap();
    let rel = Path::new("content/cities/x.yaml");
    fs::create_dir_all(dir.path().join("content/cities")).unwrap();
    fs::write(dir.path().join(rel), text).unwrap();
    let (_, diags) = indicity::content::load_place_file(dir.path(), rel);
    let _ = diags.render(false);
}

fn markdown_target(md: &str) {
    let html = markdown::render(md, &[]);
    let _ = markdown::runs(md);
    for (_, url) in markdown::disallowed_links(md) {
        assert!(!indicity::safe_url::allowed(&url));
    }
    assert!(html.chars().all(indicity::chars::allowed), "{html:?}");
    // Links the page carries are all of an allowed scheme.
    let doc = scraper::Html::parse_fragment(&html);
    for el in doc.select(&scraper::Selector::parse("[href], [src]").unwrap()) {
        for a in ["href", "src"] {
            if let Some(u) = el.value().attr(a) {
                assert!(indicity::safe_url::allowed(u), "{a}={u:?} from {md:?}");
            }
        }
    }
}

fn clean_target(bytes: &[u8]) {
    let _ = clean::clean(bytes, &clean::Options::default());
    if let Ok(c) = clean::clean(
        bytes,
        &clean::Options {
            city: Some("x".into()),
            ..Default::default()
        },
    ) {
        assert!(c.to_markdown().chars().all(indicity::chars::allowed));
    }
}

fn request_target(path: &str) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    fs::create_dir_all(site.join("cities/x")).unwrap();
    fs::write(site.join("cities/x/index.html"), "x").unwrap();
    fs::write(out.path().join("secret"), "s").unwrap();
    match serve::http::resolve(&site, path) {
        serve::http::Target::File(f) => {
            let real = f.canonicalize().unwrap();
            assert!(
                real.starts_with(site.canonicalize().unwrap()),
                "{path:?} → {f:?}"
            );
        }
        serve::http::Target::Redirect(to) => {
            assert!(
                to.starts_with('/') && !to.starts_with("//"),
                "{path:?} → {to:?}"
            );
            assert!(
                !to.contains(['\r', '\n', '"', '<', '>', ' ']),
                "{path:?} → {to:?}"
            );
        }
        _ => {}
    }
}

#[test]
fn the_corpus_of_every_target_is_handled() {
    for (p, b) in corpus("yaml") {
        eprintln!("{}", p.display());
        yaml_target(&text(&b));
    }
    for (_, b) in corpus("expression") {
        let _ = derived::evaluate(&text(&b));
    }
    for (_, b) in corpus("numbers") {
        let t = text(&b);
        for m in numbers::mentions(&t) {
            let _ = m.year();
            let _ = numbers::year_mention(&t, &m);
        }
        let _ = numbers::years(&t);
        let _ = numbers::months(&t);
    }
    for (_, b) in corpus("markdown") {
        markdown_target(&text(&b));
    }
    for (_, b) in corpus("clean") {
        clean_target(&b);
    }
    for (_, b) in corpus("request") {
        request_target(&text(&b));
    }
}

/// Pieces that YAML, markdown, pages and numbers are made of, so generated input
/// reaches past the first token.
const PIECES: &[&str] = &[
    "name: ",
    "figures:\n",
    "  a:\n",
    "    - ",
    "period: 2022",
    "value: 3759",
    "quote: ",
    "source: x/y",
    "derived: ",
    "\n",
    "\n\n",
    " ",
    "  ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!str ",
    "|\n",
    ">",
    "#",
    "\\u0001",
    "\\x00",
    "\t",
    "(",
    ")",
    "+",
    "-",
    "*",
    "/",
    "1",
    "2.5",
    "3759家",
    "257.4亿元",
    "2.27%",
    "1.57万家",
    "两个",
    "第32期",
    "2021年",
    "较2021年净增964家",
    "突破",
    "以上",
    "近",
    "4—5个",
    "福州市",
    "高新技术企业",
    "。",
    "，",
    "[x](javascript:alert(1))",
    "<javascript:x>",
    "![i](data:x)",
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<script>",
    "&nbsp;",
    "---\n",
    "title: ",
    "\u{0}",
    "\u{1}",
    "\u{85}",
    "\u{FFFE}",
    "%2e%2e/",
    "../",
    "%00",
    "//",
    "?q=<\"'>",
    ".well-known/",
];

fn assembled(parts: &[usize]) -> String {
    parts.iter().map(|&i| PIECES[i]).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn yaml_of_any_shape(parts in proptest::collection::vec(0..PIECES.len(), 0..60)) {
        yaml_target(&assembled(&parts));
    }

    #[test]
    fn expressions_and_numbers(parts in proptest::collection::vec(0..PIECES.len(), 0..40)) {
        let t = assembled(&parts);
        let _ = derived::evaluate(&t);
        for m in numbers::mentions(&t) {
            let _ = numbers::year_mention(&t, &m);
        }
    }

    #[test]
    fn markdown_of_any_shape(parts in proptest::collection::vec(0..PIECES.len(), 0..60)) {
        markdown_target(&assembled(&parts));
    }

    #[test]
    fn pages_of_any_shape(parts in proptest::collection::vec(0..PIECES.len(), 0..80)) {
        clean_target(assembled(&parts).as_bytes());
    }

    #[test]
    fn request_paths(parts in proptest::collection::vec(0..PIECES.len(), 0..12)) {
        request_target(&format!("/{}", assembled(&parts)));
    }
}

/// Runs the binary with a generous deadline: a hang fails the test instead of
/// stalling the suite. The exit code (None when killed by a signal).
fn run(args: &[&str], root: &Path) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_indicity"))
        .args(args)
        .arg("--root")
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("indicity {args:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Whatever a content file holds, `check`, `build` and `extract` exit 0, 1 or 2.
    #[test]
    fn commands_exit_0_1_or_2(
        parts in proptest::collection::vec(0..PIECES.len(), 0..80),
        which in 0..3usize,
    ) {
        let site = crate::common::site_copy();
        let file = ["content/cities/fuzhou.yaml", "content/site.yaml",
            "content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md"][which];
        fs::write(site.path().join(file), assembled(&parts)).unwrap();
        for args in [
            &["check"][..],
            &["build"][..],
            &["extract", "--all", "fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu"][..],
        ] {
            let code = run(args, site.path());
            prop_assert!(matches!(code, Some(0..=2)), "{args:?} on {file}: {code:?}");
        }
        let raw = site.path().join("raw.txt");
        fs::write(&raw, assembled(&parts)).unwrap();
        let code = run(&["clean", "--dry-run", raw.to_str().unwrap()], site.path());
        prop_assert!(matches!(code, Some(0..=2)), "clean: {code:?}");
    }
}
