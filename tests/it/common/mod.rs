//! Shared helpers for the integration tests: a private copy of the bundled site, the
//! built output as a tree of bytes, and link resolution the way a browser does it.
#![allow(dead_code)]

pub mod edits;
pub mod mutants;
pub mod server;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary copy of the bundled site (content, templates, static) to build or break.
pub fn site_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "templates", "static"] {
        copy_dir(&repo().join(dir), &tmp.path().join(dir));
    }
    tmp
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Replaces the first `from` in `root/file` by `to`; the test fails if it is not there.
pub fn replace_in(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} not in {file}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Runs git in `root` as the site's editor, dated `date` (author and committer).
pub fn git(root: &Path, args: &[&str], date: &str) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=编者",
            "-c",
            "user.email=editor@example.org",
        ])
        .args(args)
        .current_dir(root)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Commits everything in `root`.
pub fn commit(root: &Path, message: &str, date: &str) {
    git(root, &["add", "-A"], date);
    git(root, &["commit", "-q", "-m", message], date);
}

/// Runs the real binary, as a curator would.
pub fn indicity(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_indicity"))
        .args(args)
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Builds `root` into `root/public` through the library (incrementally when it can),
/// panicking with the diagnostics if the build fails.
pub fn build(root: &Path) -> PathBuf {
    build_with(root, false)
}

/// As [`build`], rendering every page (`build --full`).
pub fn build_full(root: &Path) -> PathBuf {
    build_with(root, true)
}

fn build_with(root: &Path, full: bool) -> PathBuf {
    let report = indicity::build(&indicity::BuildOptions {
        root: root.to_path_buf(),
        output: None,
        base_url: None,
        force: false,
        full,
    })
    .unwrap_or_else(|e| panic!("build failed:\n{e}"));
    report.output
}

/// Every file under `dir`, by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

pub fn html(out: &Path, rel: &str) -> Html {
    let text = fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Html::parse_document(&text)
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Resolves a link found in page `from` (a file path relative to the output root) to
/// the file it loads and its fragment. `None` for links that leave the site.
pub fn resolve(from: &str, href: &str) -> Option<(String, Option<String>)> {
    if href.contains("://") || href.starts_with("mailto:") || href.starts_with("data:") {
        return None;
    }
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (href, None),
    };
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut base: Vec<&str> = from.split('/').collect();
        base.pop();
        base
    };
    if path.is_empty() {
        return Some((from.to_string(), fragment));
    }
    for seg in path.trim_start_matches('/').split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut file = parts.join("/");
    if path.ends_with('/') || file.is_empty() {
        if !file.is_empty() {
            file.push('/');
        }
        file.push_str("index.html");
    }
    Some((file, fragment))
}

/// The normal form the checker compares quotes in: NFKC without whitespace.
pub fn norm(s: &str) -> String {
    indicity::text::normalize(s)
}

/// All figures of the bundled YAML, read independently of the library's types:
/// (place slug, indicator, period, status, value, quotes).
pub struct YamlFigure {
    pub place: String,
    pub indicator: String,
    pub period: String,
    pub status: String,
    pub value: f64,
    pub quotes: Vec<String>,
}

pub fn yaml_figures(root: &Path) -> Vec<YamlFigure> {
    let mut out = Vec::new();
    for entry in fs::read_dir(root.join("content/cities")).unwrap() {
        let path = entry.unwrap().path();
        let slug = path.file_stem().unwrap().to_string_lossy().to_string();
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let Some(figures) = doc.get("figures").and_then(|f| f.as_mapping()) else {
            continue;
        };
        for (ind, list) in figures {
            for f in list.as_sequence().unwrap() {
                let period = match &f["period"] {
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::String(s) => s.clone(),
                    other => panic!("period {other:?}"),
                };
                // The first source's quote, in either form.
                let quote = match f.get("sources") {
                    Some(s) => &s[0]["quote"],
                    None => &f["quote"],
                };
                let quotes = match quote {
                    serde_yaml::Value::String(s) => vec![s.clone()],
                    serde_yaml::Value::Sequence(v) => {
                        v.iter().map(|q| q.as_str().unwrap().to_string()).collect()
                    }
                    other => panic!("quote {other:?}"),
                };
                out.push(YamlFigure {
                    place: slug.clone(),
                    indicator: ind.as_str().unwrap().to_string(),
                    period,
                    status: f
                        .get("status")
                        .and_then(|s| s.as_str())
                        .unwrap_or("actual")
                        .to_string(),
                    value: f["value"].as_f64().unwrap(),
                    quotes,
                });
            }
        }
    }
    out
}

/// The uncommented part of YAML that `extract` printed, parsed: (indicator, period,
/// value, status, bound), with `""` for a key left out.
pub fn printed_figures(printed: &str) -> Vec<(String, String, f64, String, String)> {
    let yaml: String = printed
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let v: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap_or(serde_yaml::Value::Null);
    let mut out = Vec::new();
    if let Some(m) = v.get("figures").and_then(|f| f.as_mapping()) {
        for (k, list) in m {
            for f in list.as_sequence().unwrap() {
                let s = |k: &str| match f.get(k) {
                    Some(serde_yaml::Value::String(s)) => s.clone(),
                    Some(serde_yaml::Value::Number(n)) => n.to_string(),
                    _ => String::new(),
                };
                out.push((
                    k.as_str().unwrap().to_string(),
                    s("period"),
                    f.get("value").and_then(|v| v.as_f64()).unwrap(),
                    s("status"),
                    s("bound"),
                ));
            }
        }
    }
    out
}
