//! `indicity serve`: incremental rebuilds equal full builds, and the real server, on
//! real sockets, reloads pages, shows errors over the last good page, recovers, and
//! never serves a file outside its output.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::common::server::{Events, LiveSite, Server, get, request};
use crate::common::{replace_in, sel, site_copy, tree};
use indicity::serve::rebuild::Outcome;

const FUZHOU: &str = "content/cities/fuzhou.yaml";
const FUZHOU_ARTICLE: &str = "content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md";

/// A curator's correction: Fuzhou's tech SMEs were 2,473, not 2,437. The article's
/// sentence, the figure's value and its quote change together.
fn correct_tech_smes(root: &Path) {
    replace_in(root, FUZHOU_ARTICLE, "中小企业2437家", "中小企业2473家");
    replace_in(root, FUZHOU, "value: 2437", "value: 2473");
    replace_in(
        root,
        FUZHOU,
        "quote: 全市备案科技型中小企业2437家",
        "quote: 全市备案科技型中小企业2473家",
    );
}

fn rebuilt(outcome: Outcome) -> indicity::serve::rebuild::Rebuilt {
    match outcome {
        Outcome::Rebuilt(r) => r,
        Outcome::Failed(d) => panic!("rebuild failed:\n{d}"),
        Outcome::Nothing => panic!("nothing was rebuilt"),
    }
}

#[test]
fn every_incremental_rebuild_equals_a_full_build() {
    let site = site_copy();
    let root = site.path();
    let mut site_live = LiveSite::start(root);

    let step = |s: &mut LiveSite, name: &str, files: &[&str], full: bool| {
        let r = rebuilt(s.live.update(files.iter().map(|f| root.join(f))));
        assert_eq!(r.full, full, "{name}: full rebuild expected: {full}");
        s.assert_same(root, name);
        r
    };

    // A field only the place page shows: one page, no indicator page.
    replace_in(root, FUZHOU, "name_en: Fuzhou", "name_en: Fuzhou City");
    let r = step(&mut site_live, "name_en", &[FUZHOU], false);
    assert_eq!(r.pages, 1, "only the place page shows name_en");

    // A corrected figure and its sentence: the article and the YAML in one save.
    correct_tech_smes(root);
    let r = step(&mut site_live, "value", &[FUZHOU_ARTICLE, FUZHOU], false);
    assert!(r.pages < 20, "a figure edit rewrote {} pages", r.pages);

    // An article's title, shown wherever its figures are.
    replace_in(root, FUZHOU_ARTICLE, "title: ", "title: （修订）");
    step(&mut site_live, "article title", &[FUZHOU_ARTICLE], false);

    // Text inserted before the quotes: the marks move.
    replace_in(
        root,
        FUZHOU_ARTICLE,
        "\n---\n",
        "\n---\n\n新增的一段导语。\n",
    );
    step(&mut site_live, "article body", &[FUZHOU_ARTICLE], false);

    // A figure removed: its indicator's chart goes with it.
    let text = fs::read_to_string(root.join(FUZHOU)).unwrap();
    let start = text.find("  high_tech_enterprises_net_increase:").unwrap();
    let end = start + text[start..].find("  tech_smes:").unwrap();
    fs::write(
        root.join(FUZHOU),
        format!("{}{}", &text[..start], &text[end..]),
    )
    .unwrap();
    step(&mut site_live, "figure removed", &[FUZHOU], false);

    // A place renamed: its name is on the index, indicator and article pages.
    replace_in(root, FUZHOU, "name: 福州市", "name: 福州市区");
    step(&mut site_live, "rename", &[FUZHOU], false);

    // A template and a static file.
    replace_in(
        root,
        "templates/place.html",
        "</table>",
        "</table><p>模板已修改</p>",
    );
    let r = step(&mut site_live, "template", &["templates/place.html"], false);
    assert_eq!(
        r.pages, 4,
        "a place template change rewrites the place pages"
    );
    fs::write(root.join("static/css/extra.css"), "p { color: red }\n").unwrap();
    let r = step(&mut site_live, "static", &["static/css/extra.css"], false);
    assert_eq!(r.files, 1);
    fs::remove_file(root.join("static/css/extra.css")).unwrap();
    step(
        &mut site_live,
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
        &mut site_live,
        "place added",
        &["content/cities/xiamen.yaml"],
        true,
    );
}

#[test]
fn errors_keep_the_last_good_site_until_every_one_is_fixed() {
    let site = site_copy();
    let root = site.path();
    let mut site_live = LiveSite::start(root);
    let before = tree(&site_live.out);

    // Two broken files, fixed one at a time.
    replace_in(root, FUZHOU, "value: 2437", "value: 2438");
    replace_in(
        root,
        "content/cities/lanzhou.yaml",
        "figures:",
        "figures: [",
    );
    let failed = |o: Outcome| match o {
        Outcome::Failed(d) => d.render(false),
        _ => panic!("a broken site was rebuilt"),
    };
    let errors = failed(
        site_live
            .live
            .update([root.join(FUZHOU), root.join("content/cities/lanzhou.yaml")]),
    );
    assert!(errors.contains("content/cities/lanzhou.yaml:"), "{errors}");
    assert_eq!(
        tree(&site_live.out),
        before,
        "a failed rebuild touched the served site"
    );

    replace_in(
        root,
        "content/cities/lanzhou.yaml",
        "figures: [",
        "figures:",
    );
    let errors = failed(
        site_live
            .live
            .update([root.join("content/cities/lanzhou.yaml")]),
    );
    assert!(
        errors.contains("E031"),
        "the value error is still there:\n{errors}"
    );
    assert!(
        errors.contains("content/cities/fuzhou.yaml:30:14"),
        "{errors}"
    );
    assert_eq!(tree(&site_live.out), before);

    replace_in(root, FUZHOU, "value: 2438", "value: 2437");
    rebuilt(site_live.live.update([root.join(FUZHOU)]));
    site_live.assert_same(root, "both fixed");
}

// ---------------------------------------------------------------------------------
// The real server.

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
    assert_eq!(shown_value(&page.text(), ROW), "2,437家");

    let mut events = Events::open(&server.addr);
    let (event, generation) = events.next();
    assert_eq!(event, "hello");
    assert!(
        page.text()
            .contains(&format!("data-generation=\"{generation}\"")),
        "the page carries the generation it was built in"
    );
    let written = Instant::now();
    correct_tech_smes(root);
    events.until("reload");
    eprintln!("write → reload: {} ms", written.elapsed().as_millis());
    let page = get(&server.addr, "/cities/fuzhou/");
    assert_eq!(shown_value(&page.text(), ROW), "2,473家");
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

    replace_in(root, FUZHOU, "      value: 2437", "      value: [2437");
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
    assert_eq!(shown_value(&page, ROW), "2,437家");
    let doc = scraper::Html::parse_document(&page);
    let shown = doc
        .select(&sel("#indicity-overlay pre"))
        .next()
        .expect("no overlay on the page")
        .text()
        .collect::<String>();
    assert!(shown.contains(&format!("content/cities/fuzhou.yaml:{position}")));

    replace_in(root, FUZHOU, "      value: [2437", "      value: 2437");
    events.until("reload");
    let page = get(&server.addr, "/cities/fuzhou/").text();
    assert!(
        !page.contains("indicity-overlay"),
        "the overlay stayed after the fix"
    );
    assert_eq!(shown_value(&page, ROW), "2,437家");
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
        ("/favicon.svg", "image/svg+xml; charset=utf-8"),
        ("/js/chart.js", "text/javascript; charset=utf-8"),
        ("/data/figures.csv", "text/csv; charset=utf-8"),
        ("/data/datapackage.json", "application/json; charset=utf-8"),
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

/// Sends `raw` as it is and returns the status line and headers of the answer.
fn raw_exchange(addr: &str, raw: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let _ = s.write_all(raw);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    text.split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn serve_refuses_what_no_browser_of_the_user_sends() {
    let site = site_copy();
    let root = site.path();
    fs::create_dir_all(root.join("static/.well-known")).unwrap();
    fs::write(
        root.join("static/.well-known/security.txt"),
        "Contact: mailto:x@example.org\n",
    )
    .unwrap();
    let server = Server::start(root);
    let addr = server.addr.clone();

    // A head over the limit: refused, and the server carries on.
    let big = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    assert!(raw_exchange(&addr, big.as_bytes()).starts_with("HTTP/1.1 431"));
    let line = format!(
        "GET /{} HTTP/1.1\r\nHost: {addr}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    assert!(raw_exchange(&addr, line.as_bytes()).starts_with("HTTP/1.1 431"));
    assert_eq!(get(&addr, "/").status, 200);

    // Redirects stay on this host and carry no unescaped query.
    let r = get(&addr, "//cities/fuzhou");
    assert_eq!(
        (r.status, r.headers["location"].as_str()),
        (301, "/cities/fuzhou/")
    );
    // What a client may send in a query is escaped in the redirect.
    let head = raw_exchange(
        &addr,
        format!("GET /cities/fuzhou?a=<script>\"x HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes(),
    );
    assert!(
        head.contains("\r\nLocation: /cities/fuzhou/?a=%3Cscript%3E%22x\r\n"),
        "{head}"
    );
    let head = raw_exchange(
        &addr,
        format!("GET /cities/fuzhou?a='x'{{}}|^`\\福 HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes(),
    );
    let location = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("location:"))
        .unwrap_or_else(|| panic!("{head}"));
    assert_eq!(
        location,
        "Location: /cities/fuzhou/?a=%27x%27%7B%7D%7C%5E%60%5C%E7%A6%8F"
    );

    // DNS rebinding: a page of another site naming this server by its own host name.
    let foreign = raw_exchange(
        &addr,
        b"GET / HTTP/1.0\r\nHost: attacker.example:1111\r\n\r\n",
    );
    assert!(foreign.starts_with("HTTP/1.1 421"), "{foreign}");
    for host in ["localhost", "127.0.0.1", "[::1]"] {
        let port = addr.rsplit(':').next().unwrap();
        let ok = raw_exchange(
            &addr,
            format!("GET / HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n").as_bytes(),
        );
        assert!(ok.starts_with("HTTP/1.1 200"), "{host}: {ok}");
    }

    // What `build` publishes, `serve` serves, with the right types.
    let r = get(&addr, "/.well-known/security.txt");
    assert_eq!(r.status, 200);
    assert!(r.text().starts_with("Contact:"));
    let r = get(&addr, "/atom.xml");
    assert_eq!(
        r.headers["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    // The server's own hidden files stay hidden.
    assert_eq!(
        get(&addr, &format!("/{}", indicity::output::MARKER)).status,
        404
    );
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
    replace_in(root, FUZHOU, "value: 2437", "value: 2438");
    let server = Server::start(root);
    let r = get(&server.addr, "/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("indicity-overlay") && r.text().contains("E031"));
    let mut events = Events::open(&server.addr);
    events.until("problem");
    replace_in(root, FUZHOU, "value: 2438", "value: 2437");
    events.until("reload");
    let page = get(&server.addr, "/cities/fuzhou/");
    assert_eq!(page.status, 200);
}

#[test]
fn the_live_page_in_a_real_browser() {
    let repo = crate::common::repo();
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
