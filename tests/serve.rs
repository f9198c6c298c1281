//! `indicity serve`: incremental rebuilds equal full builds, and the real server, on
//! real sockets, reloads pages, shows errors over the last good page, recovers, and
//! never serves a file outside its output.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{sel, site_copy, tree};
use indicity::serve::rebuild::{Live, Outcome};

const FUZHOU: &str = "content/cities/fuzhou.yaml";
const FUZHOU_ARTICLE: &str = "content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md";
const BASE: &str = "http://127.0.0.1:1111/";

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The output of a full build of `root` for the same address as the live site.
fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("site");
    indicity::build(&indicity::BuildOptions {
        root: root.to_path_buf(),
        output: Some(dir.clone()),
        base_url: Some(BASE.into()),
    })
    .unwrap_or_else(|e| panic!("full build failed:\n{e}"));
    tree(&dir)
}

fn rebuilt(outcome: Outcome) -> indicity::serve::rebuild::Rebuilt {
    match outcome {
        Outcome::Rebuilt(r) => r,
        Outcome::Failed(d) => panic!("rebuild failed:\n{d}"),
        Outcome::Nothing => panic!("nothing was rebuilt"),
    }
}

/// Asserts that the live directory is byte for byte what a full build makes.
fn assert_same_as_full(live: &Live, out: &Path, root: &Path, step: &str) {
    live.write_data().unwrap();
    let got = tree(out);
    let want = full_build(root);
    let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let differ: Vec<&String> = want
        .iter()
        .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        extra.is_empty() && missing.is_empty() && differ.is_empty(),
        "after {step}, the incremental output differs from a full build:\n  stale: {extra:?}\n  missing: {missing:?}\n  different: {differ:?}"
    );
}

#[test]
fn every_incremental_rebuild_equals_a_full_build() {
    let site = site_copy();
    let root = site.path();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let mut live = Live::new(root, &out, BASE);
    let first = rebuilt(live.rebuild_all());
    assert!(first.full);

    let step = |live: &mut Live, name: &str, files: &[&str], full: bool| {
        let r = rebuilt(live.update(files.iter().map(|f| root.join(f))));
        assert_eq!(r.full, full, "{name}: full rebuild expected: {full}");
        assert_same_as_full(live, &out, root, name);
        r
    };

    // A field only the place page shows: one page, no indicator page.
    edit(root, FUZHOU, "name_en: Fuzhou", "name_en: Fuzhou City");
    let r = step(&mut live, "name_en", &[FUZHOU], false);
    assert_eq!(r.pages, 1, "only the place page shows name_en");

    // A corrected figure and its sentence: the article and the YAML in one save.
    edit(root, FUZHOU_ARTICLE, "中小企业2437家", "中小企业2473家");
    edit(root, FUZHOU, "value: 2437", "value: 2473");
    edit(
        root,
        FUZHOU,
        "quote: 全市备案科技型中小企业2437家",
        "quote: 全市备案科技型中小企业2473家",
    );
    let r = step(&mut live, "value", &[FUZHOU_ARTICLE, FUZHOU], false);
    assert!(r.pages < 20, "a figure edit rewrote {} pages", r.pages);

    // An article's title, shown wherever its figures are.
    edit(root, FUZHOU_ARTICLE, "title: ", "title: （修订）");
    step(&mut live, "article title", &[FUZHOU_ARTICLE], false);

    // Text inserted before the quotes: the marks move.
    edit(
        root,
        FUZHOU_ARTICLE,
        "\n---\n",
        "\n---\n\n新增的一段导语。\n",
    );
    step(&mut live, "article body", &[FUZHOU_ARTICLE], false);

    // A figure removed: its indicator's chart goes with it.
    let text = fs::read_to_string(root.join(FUZHOU)).unwrap();
    let start = text.find("  high_tech_enterprises_net_increase:").unwrap();
    let end = start + text[start..].find("  tech_smes:").unwrap();
    fs::write(
        root.join(FUZHOU),
        format!("{}{}", &text[..start], &text[end..]),
    )
    .unwrap();
    step(&mut live, "figure removed", &[FUZHOU], false);

    // A place renamed: its name is on the index, indicator and article pages.
    edit(root, FUZHOU, "name: 福州市", "name: 福州市区");
    step(&mut live, "rename", &[FUZHOU], false);

    // A template and a static file.
    edit(
        root,
        "templates/place.html",
        "</table>",
        "</table><p>模板已修改</p>",
    );
    let r = step(&mut live, "template", &["templates/place.html"], false);
    assert_eq!(
        r.pages, 4,
        "a place template change rewrites the place pages"
    );
    fs::write(root.join("static/css/extra.css"), "p { color: red }\n").unwrap();
    let r = step(&mut live, "static", &["static/css/extra.css"], false);
    assert_eq!(r.files, 1);
    fs::remove_file(root.join("static/css/extra.css")).unwrap();
    step(
        &mut live,
        "static removed",
        &["static/css/extra.css"],
        false,
    );

    // A new place: the shape of the site changes, everything is rebuilt.
    fs::write(
        root.join("content/cities/xiamen.yaml"),
        "name: 厦门市\nname_en: Xiamen\nprovince: 福建省\nlevel: prefecture\nfigures: {}\n",
    )
    .unwrap();
    step(
        &mut live,
        "place added",
        &["content/cities/xiamen.yaml"],
        true,
    );
}

#[test]
fn errors_keep_the_last_good_site_until_every_one_is_fixed() {
    let site = site_copy();
    let root = site.path();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let mut live = Live::new(root, &out, BASE);
    rebuilt(live.rebuild_all());
    let before = tree(&out);

    // Two broken files, fixed one at a time.
    edit(root, FUZHOU, "value: 2437", "value: 2438");
    edit(
        root,
        "content/cities/lanzhou.yaml",
        "figures:",
        "figures: [",
    );
    let failed = |o: Outcome| match o {
        Outcome::Failed(d) => d.render(false),
        _ => panic!("a broken site was rebuilt"),
    };
    let errors = failed(live.update([root.join(FUZHOU), root.join("content/cities/lanzhou.yaml")]));
    assert!(errors.contains("content/cities/lanzhou.yaml:"), "{errors}");
    assert_eq!(
        tree(&out),
        before,
        "a failed rebuild touched the served site"
    );

    edit(
        root,
        "content/cities/lanzhou.yaml",
        "figures: [",
        "figures:",
    );
    let errors = failed(live.update([root.join("content/cities/lanzhou.yaml")]));
    assert!(
        errors.contains("E031"),
        "the value error is still there:\n{errors}"
    );
    assert!(
        errors.contains("content/cities/fuzhou.yaml:30:14"),
        "{errors}"
    );
    assert_eq!(tree(&out), before);

    edit(root, FUZHOU, "value: 2438", "value: 2437");
    rebuilt(live.update([root.join(FUZHOU)]));
    assert_same_as_full(&live, &out, root, "both fixed");
}

// ---------------------------------------------------------------------------------
// The real server.

/// `indicity serve` on an ephemeral port, stopped with SIGINT when dropped.
struct Server {
    child: Child,
    addr: String,
    out: PathBuf,
    log: mpsc::Receiver<String>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_indicity"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .env("NO_COLOR", "1")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, log) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let line = loop {
            let line = log
                .recv_timeout(Duration::from_secs(120))
                .expect("the server never said it was serving");
            if line.starts_with("serving ") && line.contains("http://") {
                break line;
            }
        };
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap()
            .to_string();
        let out = PathBuf::from(
            line.split(" from ")
                .nth(1)
                .and_then(|s| s.strip_suffix(" (Ctrl-C to stop)"))
                .unwrap(),
        );
        Server {
            child,
            addr,
            out,
            log,
        }
    }

    /// Sends Ctrl-C and returns how the process ended.
    fn interrupt(&mut self) -> std::process::ExitStatus {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    /// Ctrl-C, so the server removes its build; killed only if it does not stop.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SAFETY: kill(2) on our own child's pid.
            unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request, sent as written (no client normalises the path), HTTP/1.0 so the
/// body ends with the connection.
fn request(addr: &str, method: &str, path: &str) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "{method} {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(addr: &str, path: &str) -> Response {
    request(addr, "GET", path)
}

/// An open page's event stream.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(addr: &str) -> Events {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(s, "GET /.indicity/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut r = BufReader::new(s);
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        loop {
            line.clear();
            r.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if line.to_ascii_lowercase().starts_with("content-type:") {
                assert!(line.contains("text/event-stream"), "{line}");
            }
        }
        Events(r)
    }

    /// The next event: (name, data).
    fn next(&mut self) -> (String, String) {
        let (mut event, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            let n = self.0.read_line(&mut line).expect("no event in time");
            assert!(n > 0, "the event stream closed");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !event.is_empty() {
                    return (event, data);
                }
            } else if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data = d.to_string();
            }
        }
    }

    /// Skips events until one named `name`.
    fn until(&mut self, name: &str) -> String {
        loop {
            let (event, data) = self.next();
            if event == name {
                return data;
            }
        }
    }
}

/// The value cell of a figure row, as a reader sees it.
fn shown_value(page: &str, anchor: &str) -> String {
    let doc = scraper::Html::parse_document(page);
    let cell = doc
        .select(&sel(&format!("tr#{anchor} td.num")))
        .next()
        .unwrap_or_else(|| panic!("no row {anchor}"));
    cell.text().collect::<String>().trim().to_string()
}

const ROW: &str = "fig-tech_smes-2022-actual";

#[test]
fn an_edited_figure_reaches_the_open_page() {
    let site = site_copy();
    let root = site.path();
    let server = Server::start(root);
    let page = get(&server.addr, "/cities/fuzhou/");
    assert_eq!(page.status, 200);
    assert_eq!(shown_value(&page.text(), ROW), "2,437 家");

    let mut events = Events::open(&server.addr);
    let (event, generation) = events.next();
    assert_eq!(event, "hello");
    assert!(
        page.text()
            .contains(&format!("data-generation=\"{generation}\"")),
        "the page carries the generation it was built in"
    );
    let written = Instant::now();
    edit(root, FUZHOU_ARTICLE, "中小企业2437家", "中小企业2473家");
    edit(root, FUZHOU, "value: 2437", "value: 2473");
    edit(
        root,
        FUZHOU,
        "quote: 全市备案科技型中小企业2437家",
        "quote: 全市备案科技型中小企业2473家",
    );
    events.until("reload");
    eprintln!("write → reload: {} ms", written.elapsed().as_millis());
    let page = get(&server.addr, "/cities/fuzhou/");
    assert_eq!(shown_value(&page.text(), ROW), "2,473 家");
    let csv = get(&server.addr, "/data/figures.csv").text();
    assert!(csv.contains(",2473,"), "the data files follow the pages");
    assert!(!csv.contains(",2437,"));
}

#[test]
fn a_broken_file_shows_the_overlay_on_the_last_good_page_until_fixed() {
    let site = site_copy();
    let root = site.path();
    let server = Server::start(root);
    let mut events = Events::open(&server.addr);
    events.until("hello");

    edit(root, FUZHOU, "      value: 2437", "      value: [2437");
    let overlay: String = serde_json::from_str(&events.until("problem")).unwrap();
    assert!(overlay.contains("content/cities/fuzhou.yaml:"), "{overlay}");
    let position = overlay
        .split("content/cities/fuzhou.yaml:")
        .nth(1)
        .unwrap()
        .split(|c: char| !(c.is_ascii_digit() || c == ':'))
        .next()
        .unwrap()
        .to_string();
    assert!(
        position.split(':').filter(|s| !s.is_empty()).count() == 2,
        "the overlay gives line and column: {position}"
    );

    // A page loaded now is the last good one, with the same errors over it.
    let page = get(&server.addr, "/cities/fuzhou/").text();
    assert_eq!(shown_value(&page, ROW), "2,437 家");
    let doc = scraper::Html::parse_document(&page);
    let shown = doc
        .select(&sel("#indicity-overlay pre"))
        .next()
        .expect("no overlay on the page")
        .text()
        .collect::<String>();
    assert!(shown.contains(&format!("content/cities/fuzhou.yaml:{position}")));

    edit(root, FUZHOU, "      value: [2437", "      value: 2437");
    events.until("reload");
    let page = get(&server.addr, "/cities/fuzhou/").text();
    assert!(
        !page.contains("indicity-overlay"),
        "the overlay stayed after the fix"
    );
    assert_eq!(shown_value(&page, ROW), "2,437 家");
}

#[test]
fn http_is_correct_and_never_leaves_the_output() {
    let site = site_copy();
    let root = site.path();
    fs::write(root.join("secret.txt"), "not for the web").unwrap();
    let mut server = Server::start(root);
    let addr = server.addr.clone();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "serve binds to loopback: {addr}"
    );

    for (path, kind) in [
        ("/", "text/html; charset=utf-8"),
        (
            "/cities/fuzhou/high_tech_enterprises.svg",
            "image/svg+xml; charset=utf-8",
        ),
        ("/data/figures.csv", "text/csv; charset=utf-8"),
        ("/data/figures.json", "application/json; charset=utf-8"),
        ("/css/site.css", "text/css; charset=utf-8"),
        ("/sitemap.xml", "text/xml; charset=utf-8"),
    ] {
        let r = get(&addr, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.headers["content-type"], kind, "{path}");
        let injected = r.text().contains("/.indicity/live.js");
        assert_eq!(injected, kind.starts_with("text/html"), "{path}");
    }
    let r = get(&addr, "/cities/fuzhou");
    assert_eq!(
        (r.status, r.headers["location"].as_str()),
        (301, "/cities/fuzhou/")
    );
    let r = get(&addr, "/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(html_title(&r.text()).contains("404") || r.text().contains("找不到"));
    assert_eq!(request(&addr, "HEAD", "/").status, 200);
    assert!(request(&addr, "HEAD", "/").body.is_empty());
    assert_eq!(request(&addr, "POST", "/").status, 405);

    // The files on disk are what `build` writes: no reload script.
    let on_disk = fs::read_to_string(server.out.join("index.html")).unwrap();
    assert!(!on_disk.contains(".indicity"));

    for path in [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/cities/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/..%5c..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "/.%2e/.%2e/etc/passwd",
        "//etc/passwd",
        "/cities/fuzhou/%00",
        "/%c0%ae%c0%ae/etc/passwd",
    ] {
        let r = get(&addr, path);
        assert!(matches!(r.status, 400 | 404), "{path}: {}", r.status);
        let body = r.text();
        assert!(
            !body.contains("root:") && !body.contains("not for the web"),
            "{path}"
        );
    }

    let out = server.out.clone();
    assert!(out.is_dir());
    let status = server.interrupt();
    assert!(status.success(), "Ctrl-C ended serve with {status}");
    assert!(!out.exists(), "serve left its build behind");
    let log: Vec<String> = server.log.try_iter().collect();
    assert!(log.iter().any(|l| l == "stopping"), "{log:?}");
}

fn html_title(page: &str) -> String {
    let doc = scraper::Html::parse_document(page);
    doc.select(&sel("title"))
        .next()
        .map(|t| t.text().collect())
        .unwrap_or_default()
}

#[test]
fn the_first_build_failing_still_serves_the_errors() {
    let site = site_copy();
    let root = site.path();
    edit(root, FUZHOU, "value: 2437", "value: 2438");
    let server = Server::start(root);
    let r = get(&server.addr, "/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("indicity-overlay") && r.text().contains("E031"));
    let mut events = Events::open(&server.addr);
    events.until("problem");
    edit(root, FUZHOU, "value: 2438", "value: 2437");
    events.until("reload");
    let page = get(&server.addr, "/cities/fuzhou/");
    assert_eq!(page.status, 200);
}

#[test]
fn the_live_page_in_a_real_browser() {
    let repo = common::repo();
    assert!(
        repo.join("node_modules/playwright-core").exists(),
        "playwright-core is not installed: run ./scripts/test (it also installs chromium)"
    );
    let site = site_copy();
    let server = Server::start(site.path());
    let run = Command::new("node")
        .arg(repo.join("tests/browser/serve.mjs"))
        .arg(&server.addr)
        .arg(site.path())
        .current_dir(&repo)
        .output()
        .expect("cannot run node");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    println!("{stdout}");
}
