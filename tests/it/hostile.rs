//! Hostile content and careless commands: a site full of payloads must publish no
//! script, no malformed XML and no spreadsheet formula; `--output` and `clean` must not
//! destroy or write outside what they are given; deep or explosive input is a located
//! error, never a crash.

use std::fs;
use std::path::Path;

use crate::common::{indicity, replace_in, sel, site_copy, stderr};

const ARTICLE: &str = "content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md";
const PLACE: &str = "content/cities/fuzhou.yaml";

/// The bundled site with scraped-page payloads in every field a page shows.
fn hostile_site() -> tempfile::TempDir {
    let site = site_copy();
    let root = site.path();
    // Links and images of every markdown kind, and raw control characters.
    let path = root.join(ARTICLE);
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str(
        "\n[点击查看](javascript:alert(1)) <javascript:alert(2)> [引用][x] \
         ![图](data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==) \
         [好链接](https://example.org/a) [伪装](java\tscript:alert(4)) \
         <script>alert(5)</script> 正文\u{0}含\u{1}控制\u{7f}字符。\n\n\
         [x]: JAVASCRIPT:alert(6)\n",
    );
    fs::write(&path, text).unwrap();
    replace_in(
        root,
        ARTICLE,
        "publisher: 福州晚报",
        "publisher: \"=HYPERLINK(\\\"http://evil\\\")\\u0001\"\nurl: \"javascript:alert(7)\"",
    );
    replace_in(
        root,
        ARTICLE,
        "title: 福州:国家高新技术企业总量全省第一",
        "title: \"福州\\u0001:国家高新技术企业总量全省第一\\x08\"",
    );
    replace_in(
        root,
        PLACE,
        "name_en: Fuzhou",
        "name_en: \"@Fuzhou\\u0002\"",
    );
    replace_in(root, PLACE, "province: 福建省", "province: \"+福建省\"");
    replace_in(root, PLACE, "name: 福州市", "name: \"-福州市\\u001b\"");
    site
}

fn scheme_allowed(url: &str) -> bool {
    indicity::safe_url::allowed(url)
}

#[test]
fn a_site_full_of_payloads_publishes_no_script_and_only_well_formed_files() {
    let site = hostile_site();
    let root = site.path();
    let out = root.join("public");
    let o = indicity(root, &["build"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    // Every payload is reported where it is.
    assert!(err.contains("warning[W002]"), "{err}");
    assert!(err.contains("warning[W003]"), "{err}");
    assert!(err.contains(&format!("{ARTICLE}:")), "{err}");

    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let bytes = fs::read(entry.path()).unwrap();
        let text = String::from_utf8(bytes).unwrap_or_default();
        assert!(
            text.chars().all(indicity::chars::allowed),
            "{rel} holds a character no page may hold"
        );
        match entry.path().extension().and_then(|e| e.to_str()) {
            Some("html") => {
                pages += 1;
                let doc = scraper::Html::parse_document(&text);
                for el in doc.select(&sel("[href], [src], [action], [formaction]")) {
                    for attr in ["href", "src", "action", "formaction"] {
                        if let Some(url) = el.value().attr(attr) {
                            assert!(scheme_allowed(url), "{rel}: {attr}={url:?}");
                        }
                    }
                }
                // No script runs from the page itself; the only inline one is the
                // JSON-LD data block, which must stay JSON that cannot end its element.
                let inline = sel("script:not([src]):not([type='application/ld+json'])");
                assert_eq!(doc.select(&inline).count(), 0, "{rel}");
                for ld in doc.select(&sel("script[type='application/ld+json']")) {
                    let json: String = ld.text().collect();
                    assert!(!json.contains('<'), "{rel}: {json}");
                    serde_json::from_str::<serde_json::Value>(&json)
                        .unwrap_or_else(|e| panic!("{rel}: JSON-LD: {e}"));
                }
                assert!(!text.contains("<script>alert"), "{rel}");
            }
            Some("xml" | "svg") => {
                roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            }
            Some("json") => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{rel}: {e}"));
            }
            Some("csv") => {
                let mut r = csv::Reader::from_reader(text.as_bytes());
                let headers = r.headers().unwrap().clone();
                for row in r.records() {
                    let row = row.unwrap();
                    for (name, cell) in headers.iter().zip(row.iter()) {
                        if name == "value" {
                            assert!(cell.parse::<f64>().is_ok(), "{rel}: value {cell:?}");
                            continue;
                        }
                        assert!(
                            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                            "{rel}: column {name} holds a formula: {cell:?}"
                        );
                    }
                }
            }
            _ => {}
        }
    }
    assert!(pages > 10);
    // The payloads are shown as text: the link text stays, the address is not a link.
    let article = fs::read_to_string(
        out.join("articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu/index.html"),
    )
    .unwrap();
    assert!(article.contains("点击查看"), "link text kept");
    assert!(
        article.contains("javascript:alert(7)"),
        "the original address as text"
    );
    assert!(article.contains("<a href=\"https://example.org/a\">好链接</a>"));
    let csv = fs::read_to_string(out.join("data/cities/fuzhou.csv")).unwrap();
    assert!(csv.contains("'-福州市"), "{}", &csv[..300]);
}

#[test]
fn output_is_replaced_only_when_it_is_a_previous_output() {
    let site = site_copy();
    let root = site.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let e = elsewhere.path();

    // A file.
    let notes = e.join("notes.txt");
    fs::write(&notes, "my notes").unwrap();
    let o = indicity(root, &["build", "--output", notes.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&notes).unwrap(), "my notes");

    // A directory indicity did not write: refused every time, untouched.
    let docs = e.join("docs");
    fs::create_dir(&docs).unwrap();
    fs::write(docs.join("a.md"), "keep me").unwrap();
    for _ in 0..2 {
        let o = indicity(root, &["build", "--output", docs.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
    }
    assert_eq!(fs::read_to_string(docs.join("a.md")).unwrap(), "keep me");
    assert_eq!(fs::read_dir(&docs).unwrap().count(), 1);

    // With --force it is replaced (and the output is then indicity's).
    let o = indicity(
        root,
        &["build", "--output", docs.to_str().unwrap(), "--force"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(docs.join("index.html").is_file());
    assert!(docs.join(indicity::output::MARKER).is_file());
    let o = indicity(root, &["build", "--output", docs.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "a previous output is replaced: {}",
        stderr(&o)
    );

    // A symbolic link to a web root: published through, and the link stays a link.
    #[cfg(unix)]
    {
        let web = e.join("www");
        fs::create_dir(&web).unwrap();
        let link = e.join("public");
        std::os::unix::fs::symlink(&web, &link).unwrap();
        for _ in 0..2 {
            let o = indicity(root, &["build", "--output", link.to_str().unwrap()]);
            assert!(o.status.success(), "{}", stderr(&o));
            assert!(
                fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert!(web.join("index.html").is_file(), "the web root is updated");
        }
    }
}

#[test]
fn deep_or_explosive_yaml_and_expressions_are_located_errors() {
    let deep_flow = format!("{}1{}", "[".repeat(20_000), "]".repeat(20_000));
    let deep_block = format!("\n{}a", "- ".repeat(8_000));
    let cases: Vec<(&str, String, String)> = vec![
        (
            "content/site.yaml",
            "headline:\n".to_string(),
            format!("headline: {deep_flow}\nold_headline:\n"),
        ),
        (
            "content/site.yaml",
            "headline:\n".to_string(),
            format!("headline:{deep_block}\nold_headline:\n"),
        ),
        (
            "content/indicators.yaml",
            "high_tech_enterprises:\n".to_string(),
            format!("deep: {deep_flow}\nhigh_tech_enterprises:\n"),
        ),
        (
            ARTICLE,
            "date: 2023-02-13\n".to_string(),
            format!("date: 2023-02-13\nextra:{deep_block}\n"),
        ),
        (
            PLACE,
            "derived: 3759 - 964".to_string(),
            format!(
                "derived: \"{}3759 - 964{}\"",
                "(".repeat(20_000),
                ")".repeat(20_000)
            ),
        ),
        (
            PLACE,
            "name: 福州市".to_string(),
            format!("name: {}", deep_flow.replace("1", "福州市")),
        ),
    ];
    for (file, from, to) in cases {
        let site = site_copy();
        replace_in(site.path(), file, &from, &to);
        let o = indicity(site.path(), &["check"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{file}: {err}");
        assert!(
            err.contains(&format!("{file}:")),
            "{file}: no position in\n{err}"
        );
    }

    // An alias bomb names its file.
    let site = site_copy();
    let mut bomb = String::from("  x: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        bomb.push_str(&format!(
            "  x{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 9].join(", ")
        ));
    }
    replace_in(
        site.path(),
        PLACE,
        "figures:\n",
        &format!("figures:\n{bomb}"),
    );
    let o = indicity(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("{PLACE}:")), "{}", stderr(&o));
}

#[test]
fn diagnostics_name_file_line_and_column() {
    // Invalid UTF-8: the line and column of the first bad byte.
    let site = site_copy();
    let path = site.path().join(PLACE);
    let mut bytes = fs::read(&path).unwrap();
    let at = bytes.windows(7).position(|w| w == b"name_en").unwrap();
    bytes.insert(at + 9, 0xFF);
    fs::write(&path, bytes).unwrap();
    let err = stderr(&indicity(site.path(), &["check"]));
    assert!(err.contains(&format!("{PLACE}:2:")), "{err}");

    // A NUL: where it is, not 1:1.
    let site = site_copy();
    replace_in(
        site.path(),
        PLACE,
        "province: 福建省",
        "province: 福建\u{0}省",
    );
    let err = stderr(&indicity(site.path(), &["check"]));
    assert!(err.contains(&format!("{PLACE}:3:")), "{err}");

    // A broken catalogue: its error, and not one follow-on error per figure.
    let site = site_copy();
    replace_in(
        site.path(),
        "content/indicators.yaml",
        "high_tech_enterprises:\n",
        "high_tech_enterprises: [\n",
    );
    let err = stderr(&indicity(site.path(), &["check"]));
    assert!(err.contains("error[E010]"), "{err}");
    assert!(!err.contains("E020"), "{err}");
}

#[test]
fn places_articles_and_links_that_contradict_themselves_are_refused() {
    // A place that is its own parent, and two that are each other's.
    let site = site_copy();
    replace_in(
        site.path(),
        "content/cities/ouhai.yaml",
        "parent: 温州市",
        "parent: 瓯海区",
    );
    let o = indicity(site.path(), &["check"]);
    assert!(
        stderr(&o).contains("content/cities/ouhai.yaml:5:"),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));

    let site = site_copy();
    replace_in(
        site.path(),
        PLACE,
        "level: prefecture",
        "level: prefecture\nparent: 泉州市",
    );
    replace_in(
        site.path(),
        "content/cities/quanzhou.yaml",
        "level: prefecture",
        "level: prefecture\nparent: 福州市",
    );
    let o = indicity(site.path(), &["check"]);
    assert!(stderr(&o).contains("cycle"), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(1));

    // An article dated otherwise than its file name.
    let site = site_copy();
    replace_in(site.path(), ARTICLE, "date: 2023-02-13", "date: 2023-02-14");
    let o = indicity(site.path(), &["check"]);
    assert!(
        stderr(&o).contains(&format!("{ARTICLE}:3:")),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));

    // A symbolic link in content/ is not followed, and the curator is told.
    #[cfg(unix)]
    {
        let site = site_copy();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("x.yaml"), "name: 外\n").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("x.yaml"),
            site.path().join("content/cities/x.yaml"),
        )
        .unwrap();
        let o = indicity(site.path(), &["check"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("warning[W004]"), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("content/cities/x.yaml"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn clean_writes_only_where_it_should() {
    let site = site_copy();
    let root = site.path();
    let raw = root.join("content/raw/003_ae73138678fe0234.txt");
    let raw = raw.to_str().unwrap();

    // A --city that is not a slug.
    let o = indicity(root, &["clean", "--city", "../../../tmp/x", raw]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        !root.join("../../../tmp/x").exists() || !Path::new("/tmp/x/").join("undated").exists()
    );

    // A dangling symbolic link where the article goes: refused, then replaced (not
    // written through) with --force.
    #[cfg(unix)]
    {
        let o = indicity(root, &["clean", "--city", "quanzhou", "--dry-run", raw]);
        assert!(o.status.success(), "{}", stderr(&o));
        let err = stderr(&o);
        let target = err
            .split(" → ")
            .nth(1)
            .unwrap()
            .split([' ', '\n'])
            .next()
            .unwrap();
        let target = Path::new(target);
        fs::remove_file(target).ok();
        let victim = tempfile::tempdir().unwrap();
        let victim_file = victim.path().join("victim");
        std::os::unix::fs::symlink(&victim_file, target).unwrap();
        let o = indicity(root, &["clean", "--city", "quanzhou", raw]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(!victim_file.exists());
        let o = indicity(root, &["clean", "--city", "quanzhou", "--force", raw]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!victim_file.exists(), "the link's target was written");
        assert!(fs::symlink_metadata(target).unwrap().is_file());
    }

    // --dry-run outside a site leaves nothing behind.
    let empty = tempfile::tempdir().unwrap();
    let o = indicity(empty.path(), &["clean", "--city", "x", "--dry-run", raw]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read_dir(empty.path()).unwrap().count(), 0);

    // Binary input is refused; undecodable bytes too.
    let bin = empty.path().join("x.png");
    fs::write(&bin, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").unwrap();
    let o = indicity(
        root,
        &[
            "clean",
            "--city",
            "fuzhou",
            "--dry-run",
            bin.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a text page"), "{}", stderr(&o));
}

/// The error output of a `check`, which must fail.
fn check_fails(root: &Path) -> String {
    let o = indicity(root, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    stderr(&o)
}

#[test]
fn a_key_written_twice_anywhere_is_an_error_naming_both_lines() {
    // Two lists of one indicator under `figures:`: the first would be lost.
    let site = site_copy();
    let root = site.path();
    let text = fs::read_to_string(root.join(PLACE)).unwrap();
    let first = text.find("  high_tech_enterprises:\n").expect("the list");
    let first_line = text[..first].matches('\n').count() + 1;
    fs::write(
        root.join(PLACE),
        format!("{text}  high_tech_enterprises:\n    - period: 2010\n      value: 1\n      source: x\n      quote: q\n"),
    )
    .unwrap();
    let second_line = text.matches('\n').count() + 1;
    let err = check_fails(root);
    assert!(
        err.contains(&format!(
            "the key `high_tech_enterprises` is written twice in one mapping: on line {first_line} and on line {second_line}"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("--> {PLACE}:{second_line}:3")),
        "{err}"
    );

    // An indicator id twice in the catalogue, a field twice in one figure, a key twice
    // in an article's front matter and in the settings.
    let cases: [(&str, &str, &str); 4] = [
        ("content/indicators.yaml", "incubators:\n", "`incubators`"),
        (PLACE, "      value: ", "`value`"),
        (ARTICLE, "title: ", "`title`"),
        ("content/site.yaml", "title: ", "`title`"),
    ];
    for (file, key_line, key) in cases {
        let site = site_copy();
        let root = site.path();
        let text = fs::read_to_string(root.join(file)).unwrap();
        let at = text
            .find(key_line)
            .unwrap_or_else(|| panic!("{key_line} in {file}"));
        let end = at + text[at..].find('\n').unwrap() + 1;
        if file == "content/indicators.yaml" {
            // The whole entry again, at the end: up to the next line at column 0.
            let next = text[end..]
                .find(|c: char| c.is_ascii_lowercase())
                .map_or(text.len(), |i| end + i);
            let next = text[..next].rfind('\n').map_or(next, |i| i + 1).max(end);
            fs::write(root.join(file), format!("{text}{}", &text[at..next])).unwrap();
        } else {
            let line = &text[at..end];
            fs::write(
                root.join(file),
                format!("{}{line}{}", &text[..end], &text[end..]),
            )
            .unwrap();
        }
        let err = check_fails(root);
        assert!(
            err.contains(&format!("the key {key} is written twice in one mapping")),
            "{file}: {err}"
        );
        assert!(err.contains(&format!("--> {file}:")), "{file}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn the_cache_is_never_trusted_as_it_lies_on_disk() {
    use std::os::unix::fs::symlink;
    let site = site_copy();
    let root = site.path();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("public");
    let build = |args: &[&str]| {
        let mut a = vec!["build", "--output", out_dir.to_str().unwrap()];
        a.extend_from_slice(args);
        let o = indicity(root, &a);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    build(&[]);
    let published = fs::read_to_string(out_dir.join("cities/fuzhou/index.html")).unwrap();
    assert!(published.contains("3,759") || published.contains("3759"));

    // Hand-edited place entries (a value, a name), keeping the first line as it was.
    let places = root.join(".indicity-cache/places");
    let mut edited = 0;
    for e in fs::read_dir(&places).unwrap() {
        let p = e.unwrap().path();
        let text = fs::read_to_string(&p).unwrap();
        if text.contains("3759") {
            fs::write(&p, text.replace("3759", "9999").replace("福州市", "伪造市")).unwrap();
            edited += 1;
        }
    }
    assert_eq!(edited, 1, "the place cache holds Fuzhou's figures");
    // Marks: one ending past its article, one whose id is markup.
    let articles = root.join(".indicity-cache/articles.json");
    let text = fs::read_to_string(&articles).unwrap();
    let (seal, json) = text.split_once('\n').unwrap();
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    for entry in v.as_object_mut().unwrap().values_mut() {
        for m in entry["marks"].as_array_mut().unwrap() {
            m[2] = serde_json::json!(10_000_000);
            m[3] = serde_json::json!("\"><script>alert(1)</script>");
        }
    }
    fs::write(&articles, format!("{seal}\n{v}")).unwrap();

    for args in [&[][..], &["--full"][..]] {
        build(args);
        let check = indicity(root, &["check"]);
        assert!(check.status.success(), "{}", stderr(&check));
        let page = fs::read_to_string(out_dir.join("cities/fuzhou/index.html")).unwrap();
        assert!(
            !page.contains("9999") && !page.contains("伪造市"),
            "{args:?}"
        );
        for e in walkdir::WalkDir::new(&out_dir) {
            let p = e.unwrap().into_path();
            if p.extension().is_some_and(|x| x == "html") {
                let html = fs::read_to_string(&p).unwrap();
                assert!(!html.contains("<script>alert"), "{}", p.display());
            }
        }
    }

    // A FIFO where an entry goes is not read (it would block forever), and the
    // build goes on.
    let key_files: Vec<_> = fs::read_dir(&places)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let fifo = &key_files[0];
    fs::remove_file(fifo).unwrap();
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_indicity"))
        .args(["check", "--root", root.to_str().unwrap()])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("check blocked on a FIFO in the cache");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success());

    // A `.indicity-cache` that is a link: nothing is written through it.
    fs::remove_dir_all(root.join(".indicity-cache")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    symlink(elsewhere.path(), root.join(".indicity-cache")).unwrap();
    build(&[]);
    assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn new_place_and_clean_never_write_through_a_link() {
    use std::os::unix::fs::symlink;
    let site = site_copy();
    let root = site.path();
    let outside = tempfile::tempdir().unwrap();

    // A dangling link where the new place file goes.
    let target = outside.path().join("created-by-new-place.yaml");
    fs::remove_file(root.join("content/cities/ouhai.yaml")).unwrap();
    for a in fs::read_dir(root.join("content/articles/ouhai")).unwrap() {
        fs::remove_file(a.unwrap().path()).unwrap();
    }
    symlink(&target, root.join("content/cities/ouhai.yaml")).unwrap();
    let o = indicity(root, &["new", "place", "瓯海区"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!target.exists());
    // The cities directory itself a link.
    fs::remove_file(root.join("content/cities/ouhai.yaml")).unwrap();
    let cities = root.join("content/cities");
    fs::rename(&cities, outside.path().join("cities")).unwrap();
    symlink(outside.path().join("cities"), &cities).unwrap();
    let o = indicity(root, &["new", "place", "瓯海区"]);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!outside.path().join("cities/ouhai.yaml").exists());
    fs::remove_file(&cities).unwrap();
    fs::rename(outside.path().join("cities"), &cities).unwrap();

    // `clean` into an articles directory that is a link, with and without --force.
    let raw = root.join("content/raw/003_ae73138678fe0234.txt");
    let raw = raw.to_str().unwrap();
    let dir = root.join("content/articles/quanzhou");
    let _ = fs::remove_dir_all(&dir);
    let victim = tempfile::tempdir().unwrap();
    symlink(victim.path(), &dir).unwrap();
    for args in [&[][..], &["--force"][..]] {
        let mut a = vec!["clean", "--city", "quanzhou", raw];
        a.extend_from_slice(args);
        let o = indicity(root, &a);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
        assert_eq!(fs::read_dir(victim.path()).unwrap().count(), 0, "{args:?}");
    }
}

#[test]
fn a_base_url_goes_into_the_sitemap_and_feeds_only_as_a_plain_address() {
    let site = site_copy();
    let root = site.path();
    for bad in ["https://example.org/a b/", "https://example.org/\\t/"] {
        let text = fs::read_to_string(root.join("content/site.yaml")).unwrap();
        let line = text.lines().find(|l| l.starts_with("base_url:")).unwrap();
        fs::write(
            root.join("content/site.yaml"),
            text.replace(line, &format!("base_url: \"{bad}\"")),
        )
        .unwrap();
        let err = check_fails(root);
        assert!(
            err.contains("`base_url` is not an absolute web address"),
            "{err}"
        );
        assert!(err.contains("--> content/site.yaml:"), "{err}");
    }
    let o = indicity(root, &["build", "--base-url", "https://example.org/a b/"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!root.join("public").exists());
}

#[test]
fn a_failed_init_leaves_nothing_and_can_be_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    // A file where `init` needs a directory: it fails part way.
    fs::create_dir_all(site.join("static")).unwrap();
    fs::write(site.join("static/js"), "in the way").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_indicity"))
        .args(["init", site.to_str().unwrap()])
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    let left: Vec<String> = walkdir::WalkDir::new(&site)
        .into_iter()
        .map(|e| {
            e.unwrap()
                .path()
                .strip_prefix(&site)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        left,
        ["", "static", "static/js"],
        "init left a partial site"
    );
    fs::remove_file(site.join("static/js")).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_indicity"))
        .args(["init", site.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = indicity(&site, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_no_command_with_a_panic() {
    let site = site_copy();
    let root = site.path().to_str().unwrap().to_string();
    let bin = env!("CARGO_BIN_EXE_indicity");
    let raw = format!("{root}/content/raw/003_ae73138678fe0234.txt");
    // An article stating two thousand numbers nobody recorded: every command has
    // far more to print than a pipe holds.
    let body: Vec<String> = (1..=2000).map(|i| format!("高新技术企业达{i}家")).collect();
    fs::write(
        site.path()
            .join("content/articles/fuzhou/2023-12-01-many.md"),
        format!(
            "---\ntitle: 很多数字\ndate: 2023-12-01\ncity: fuzhou\n---\n\n2023年，{}。\n",
            body.join("，")
        ),
    )
    .unwrap();
    // `extract` reads a shorter one (it weighs every number against the place file).
    let few: Vec<String> = (1..=60).map(|i| format!("科技型中小企业达{i}家")).collect();
    fs::write(
        site.path()
            .join("content/articles/fuzhou/2023-12-02-few.md"),
        format!(
            "---\ntitle: 一些数字\ndate: 2023-12-02\ncity: fuzhou\n---\n\n2023年，{}。\n",
            few.join("，")
        ),
    )
    .unwrap();
    for cmd in [
        format!("{bin} check --root {root} 2>&1 | head -c 1"),
        format!("{bin} build --root {root} 2>&1 | head -c 1"),
        format!("{bin} clean --root {root} --city quanzhou --dry-run {raw} | head -c 1"),
        format!("{bin} extract --root {root} fuzhou/2023-12-02-few --all | head -c 1"),
        format!("{bin} extract --root {root} fuzhou/2023-12-02-few --write 2>&1 | head -c 1"),
    ] {
        let o = std::process::Command::new("bash")
            .args([
                "-c",
                &format!("exec 3>&1; {cmd} >/dev/null; echo \"${{PIPESTATUS[0]}}\" >&3"),
            ])
            .output()
            .unwrap();
        let code = String::from_utf8_lossy(&o.stdout).trim().to_string();
        assert!(["0", "1"].contains(&code.as_str()), "{cmd}: exit {code}");
    }
}

/// A hundred figures citing one article: every quote found in one pass, and a wrong
/// value among them still refused at its line.
#[test]
fn many_figures_citing_one_article_are_each_proved() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_indicity"))
        .args(["init", root.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let months: Vec<(i32, u32, u32)> = (0..120)
        .map(|i| (2013 + i / 12, (i % 12) as u32 + 1, 100 + i as u32))
        .collect();
    let body: String = months
        .iter()
        .map(|(y, m, v)| format!("{y}年{m}月，全市高新技术企业达{v}家。\n\n"))
        .collect();
    fs::write(
        root.join("content/articles/example/2024-01-15-shili-gongzuo.md"),
        format!("---\ntitle: 月报汇编\ndate: 2024-01-15\ncity: example\n---\n\n{body}"),
    )
    .unwrap();
    let mut place = String::from(
        "name: 示例市\nname_en: Example City\nprovince: 示例省\nlevel: prefecture\nfigures:\n  high_tech_enterprises:\n",
    );
    for (y, m, v) in &months {
        place.push_str(&format!(
            "    - period: {y}-{m:02}\n      value: {v}\n      source: example/2024-01-15-shili-gongzuo\n      quote: {y}年{m}月，全市高新技术企业达{v}家\n"
        ));
    }
    fs::write(root.join("content/cities/example.yaml"), &place).unwrap();
    let o = indicity(root, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("120 figures"), "{}", stderr(&o));
    // The 77th figure's value mistyped.
    let wrong = place.replacen("      value: 176\n", "      value: 177\n", 1);
    assert_ne!(wrong, place);
    let line = wrong[..wrong.find("      value: 177\n").unwrap()]
        .matches('\n')
        .count()
        + 1;
    fs::write(root.join("content/cities/example.yaml"), &wrong).unwrap();
    let err = check_fails(root);
    assert!(
        err.contains(&format!("--> content/cities/example.yaml:{line}:14")),
        "{err}"
    );
}
