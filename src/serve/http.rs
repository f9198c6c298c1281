//! HTTP: the built site, as files, plus the live-reload channel.
//!
//! Only what a browser needs from a local preview: `GET`/`HEAD` of files under the
//! output directory (never outside it), `index.html` for directory URLs, the site's
//! 404 page, and Server-Sent Events telling open pages to reload. The reload script is
//! added to HTML responses here, so the files on disk are exactly what `build` writes
//! (but for `base_url`).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::{Event, Shared, State};

/// The URL prefix of the server's own endpoints; no page of a site can live there,
/// because hidden path segments are never served from the output.
pub const PREFIX: &str = "/.indicity/";
const SCRIPT: &str = include_str!("live.js");

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    /// A directory asked for without its trailing slash: relative links in its page
    /// only work from the slash form.
    Redirect(String),
    NotFound,
    /// Not a path a browser sends: `..` or `.` segments, NUL, backslashes, bad UTF-8.
    BadRequest,
}

/// Maps the path of a request URL onto a file under `out`, refusing anything that
/// could leave it.
pub fn resolve(out: &Path, url: &str) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    // An encoded slash would serve a page at a URL its relative links do not work from.
    if !path.starts_with('/') || path.to_ascii_lowercase().contains("%2f") {
        return Target::BadRequest;
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Target::BadRequest;
    };
    if decoded.contains(['\0', '\\']) {
        return Target::BadRequest;
    }
    let mut file = out.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." {
            return Target::BadRequest;
        }
        // Hidden files are the server's own (temporary files of a rebuild).
        if segment.starts_with('.') {
            return Target::NotFound;
        }
        file.push(segment);
    }
    if file.is_dir() {
        if !decoded.ends_with('/') {
            let query = &url[path.len()..];
            return Target::Redirect(format!("{path}/{query}"));
        }
        file.push("index.html");
    } else if decoded.ends_with('/') {
        // A file asked for as a directory.
        return Target::NotFound;
    }
    // A symbolic link must not lead out of the output either.
    match (file.canonicalize(), out.canonicalize()) {
        (Ok(real), Ok(root)) if real.starts_with(&root) && real.is_file() => Target::File(file),
        _ => Target::NotFound,
    }
}

/// The `Content-Type` of a file, with the charset for text (pages are UTF-8 Chinese).
pub fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == "text"
        || matches!(
            mime.essence_str(),
            "image/svg+xml"
                | "application/json"
                | "application/javascript"
                | "application/xml"
                | "application/atom+xml"
        );
    if textual {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

/// Answers one request. Event streams get a thread of their own, so a few open tabs
/// never hold up the workers serving files.
pub fn handle(rq: Request, shared: &Shared) {
    if !matches!(rq.method(), Method::Get | Method::Head) {
        let r = Response::from_string("only GET and HEAD\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"));
        let _ = rq.respond(r);
        return;
    }
    // The absolute form (`GET http://host/path`), which proxies send, names the same path.
    let url = match rq.url().strip_prefix("http://") {
        Some(rest) => rest
            .find('/')
            .map_or("/".to_string(), |i| rest[i..].to_string()),
        None => rq.url().to_string(),
    };
    if let Some(endpoint) = url.strip_prefix(PREFIX) {
        match endpoint.split('?').next().unwrap_or_default() {
            "live.js" => {
                let r = Response::from_string(SCRIPT)
                    .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
                    .with_header(header("Cache-Control", "no-store"));
                let _ = rq.respond(r);
            }
            "events" => {
                let rx = shared.subscribe();
                std::thread::spawn(move || events(rq, rx));
            }
            _ => not_found(rq, shared),
        }
        return;
    }
    match resolve(&shared.out, &url) {
        Target::File(file) => {
            if file.starts_with(shared.out.join("data")) {
                shared.fresh_data();
            }
            respond_file(rq, &file, 200, shared)
        }
        Target::Redirect(to) => {
            let r = Response::empty(301)
                .with_header(header("Location", &to))
                .with_header(header("Cache-Control", "no-store"));
            let _ = rq.respond(r);
        }
        Target::NotFound => not_found(rq, shared),
        Target::BadRequest => {
            let r = Response::from_string("bad request path\n").with_status_code(400);
            let _ = rq.respond(r);
        }
    }
}

fn not_found(rq: Request, shared: &Shared) {
    let page = shared.out.join("404.html");
    if page.is_file() {
        respond_file(rq, &page, 404, shared);
    } else {
        // No site built yet (the first build failed): the errors on an empty page.
        let html = inject(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>indicity serve</title><body></body></html>",
            &shared.state(),
        );
        let r = Response::from_string(html)
            .with_status_code(404)
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store"));
        let _ = rq.respond(r);
    }
}

fn respond_file(rq: Request, file: &Path, status: u16, shared: &Shared) {
    let kind = content_type(file);
    // Taken before the page is read: a page read just before a rebuild carries the
    // generation before it, and reloads when its event stream says hello.
    let state = shared.state();
    let result = if kind.starts_with("text/html") {
        fs::read(file).map(|bytes| {
            let body = match String::from_utf8(bytes) {
                Ok(html) => inject(&html, &state).into_bytes(),
                // Not a page indicity wrote (a static file in another encoding).
                Err(e) => e.into_bytes(),
            };
            Response::from_data(body).boxed()
        })
    } else {
        fs::File::open(file).map(|f| Response::from_file(f).boxed())
    };
    let r = match result {
        Ok(r) => r
            .with_status_code(StatusCode(status))
            .with_header(header("Content-Type", &kind))
            .with_header(header("Cache-Control", "no-store")),
        // Replaced or removed by a rebuild between resolving and opening it.
        Err(_) => Response::from_string("not found\n")
            .with_status_code(404)
            .boxed(),
    };
    let _ = rq.respond(r);
}

/// Adds the reload script, and the error overlay while the content has errors, at the
/// end of the page's body.
fn inject(html: &str, state: &State) -> String {
    let mut extra = format!(
        "<script src=\"{PREFIX}live.js\" data-generation=\"{}\"></script>",
        state.generation
    );
    if let Some(problem) = &state.problem {
        extra.push_str(problem);
    }
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

/// One page's event stream: its generation first (a page built before a rebuild it
/// missed reloads at once), the current errors if any, then every change.
fn events(rq: Request, rx: mpsc::Receiver<Event>) {
    let mut w = rq.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if w.write_all(head.as_bytes())
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => event.to_sse(),
            // Also how a closed tab is noticed: the write fails.
            Err(mpsc::RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if write_flush(&mut w, &message).is_err() {
            return;
        }
    }
}

fn write_flush(w: &mut Box<dyn Write + Send>, s: &str) -> io::Result<()> {
    w.write_all(s.as_bytes())?;
    w.flush()
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_the_output_only() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        fs::create_dir_all(out.join("cities/fuzhou")).unwrap();
        fs::write(out.join("index.html"), "i").unwrap();
        fs::write(out.join("cities/fuzhou/index.html"), "f").unwrap();
        fs::write(out.join("cities/fuzhou/a b.svg"), "s").unwrap();
        fs::write(out.join(".index.html.indicity-tmp"), "t").unwrap();
        fs::write(tmp.path().join("secret"), "s").unwrap();

        assert_eq!(resolve(&out, "/"), Target::File(out.join("index.html")));
        assert_eq!(
            resolve(&out, "/cities/fuzhou/?x=1"),
            Target::File(out.join("cities/fuzhou/index.html"))
        );
        assert_eq!(
            resolve(&out, "/cities/fuzhou?x=1"),
            Target::Redirect("/cities/fuzhou/?x=1".into())
        );
        assert_eq!(
            resolve(&out, "/cities/fuzhou/a%20b.svg"),
            Target::File(out.join("cities/fuzhou/a b.svg"))
        );
        for bad in [
            "/../secret",
            "/cities/../../secret",
            "/%2e%2e/secret",
            "/..%2fsecret",
            "/%2E%2E%2Fsecret",
            "/cities/..%5c..%5csecret",
            "/a%00b",
            "/%ff",
            "secret",
            "/cities%2ffuzhou/",
        ] {
            assert_eq!(resolve(&out, bad), Target::BadRequest, "{bad}");
        }
        for missing in [
            "/nope/",
            "/%252e%252e/secret",
            "/.index.html.indicity-tmp",
            "/index.html/",
        ] {
            assert_eq!(resolve(&out, missing), Target::NotFound, "{missing}");
        }
    }

    #[test]
    fn content_types_name_the_charset_of_text() {
        let t = |p: &str| content_type(Path::new(p));
        assert_eq!(t("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(t("a.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(t("a.csv"), "text/csv; charset=utf-8");
        assert_eq!(t("a.json"), "application/json; charset=utf-8");
        assert_eq!(t("a.css"), "text/css; charset=utf-8");
        assert_eq!(t("a.png"), "image/png");
        assert_eq!(t("a.woff2"), "font/woff2");
    }
}
