//! HTTP: the built site, as files, plus the live-reload channel.
//!
//! Only what a browser needs from a local preview: `GET`/`HEAD` of files under the
//! output directory (never outside it), `index.html` for directory URLs, the site's
//! 404 page, and Server-Sent Events telling open pages to reload. The reload script is
//! added to HTML responses here, so the files on disk are exactly what `build` writes
//! (but for `base_url`).

use std::fs;
use std::io::{self, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use super::server::{Answer, Body, Request, Response};

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
        // Hidden files are the server's own (temporary files of a rebuild), but for
        // `.well-known/`, which `build` publishes from `static/`.
        if segment.starts_with('.') && segment != ".well-known" {
            return Target::NotFound;
        }
        file.push(segment);
    }
    if file.is_dir() {
        if !decoded.ends_with('/') {
            // One leading slash: `//cities/` would be read as a host name.
            let path = format!("/{}", path.trim_start_matches('/'));
            let query = location_safe(&url[url.len().min(path_len(url))..]);
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

/// The length of the path part of a request target.
fn path_len(url: &str) -> usize {
    url.find(['?', '#']).unwrap_or(url.len())
}

/// A query string as it may go into a `Location` header: what is not a URL character
/// (controls, spaces, quotes, angle brackets, non-ASCII) percent-encoded.
fn location_safe(query: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'\'')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'\\')
        .add(b'^')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    percent_encoding::utf8_percent_encode(query, KEEP).to_string()
}

/// Whether a request's `Host` names this server: an IP address (what a browser sends
/// for `http://127.0.0.1:1111/`), `localhost`, or a name given with `--allow-host`.
/// Anything else is a page of another site reaching the preview through a DNS name
/// that points here (DNS rebinding), and is refused.
pub fn host_allowed(host: Option<&str>, allowed: &[String]) -> bool {
    let Some(host) = host else {
        // HTTP/1.0 clients may send none; a browser always does.
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.parse::<std::net::IpAddr>().is_ok()
        || name == "localhost"
        || name.ends_with(".localhost")
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(&name))
}

/// The `Content-Type` of a file, with the charset for text (pages are UTF-8 Chinese).
pub fn content_type(path: &Path) -> String {
    if path.file_name().is_some_and(|n| n == "atom.xml") {
        return "application/atom+xml; charset=utf-8".to_string();
    }
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

/// Answers one request. An event stream takes its connection over, on the
/// connection's own thread.
pub fn answer(rq: &Request, shared: &Arc<Shared>) -> Answer {
    if !host_allowed(rq.host.as_deref(), &shared.allowed_hosts) {
        return Answer::Respond(Response::new(
            421,
            "text/plain; charset=utf-8",
            "this preview answers to its own address only (pass --allow-host NAME to serve it under another name)\n",
        ));
    }
    // The absolute form (`GET http://host/path`), which proxies send, names the same path.
    let url = match rq.target.strip_prefix("http://") {
        Some(rest) => rest
            .find('/')
            .map_or("/".to_string(), |i| rest[i..].to_string()),
        None => rq.target.clone(),
    };
    let write = url
        .strip_prefix(PREFIX)
        .and_then(|e| e.strip_prefix("curate/"))
        .filter(|_| rq.method == "POST");
    if let Some(what) = write {
        return Answer::Respond(super::curate::post(rq, what, shared));
    }
    if !matches!(rq.method.as_str(), "GET" | "HEAD") {
        return Answer::Respond(
            Response::new(
                405,
                "text/plain; charset=utf-8",
                "only GET and HEAD (and POST to the workbench)\n",
            )
            .header("Allow", "GET, HEAD"),
        );
    }
    if let Some(endpoint) = url.strip_prefix(PREFIX) {
        return match endpoint.split('?').next().unwrap_or_default() {
            "live.js" => Answer::Respond(
                Response::new(200, "text/javascript; charset=utf-8", SCRIPT)
                    .header("Cache-Control", "no-store"),
            ),
            name @ ("curate.js" | "curate.css") => {
                Answer::Respond(super::curate::asset(name).expect("a workbench file"))
            }
            "events" => {
                let rx = shared.subscribe();
                Answer::Stream(Box::new(move |stream| events(stream, rx)))
            }
            _ => Answer::Respond(not_found(shared)),
        };
    }
    Answer::Respond(match resolve(&shared.out, &url) {
        Target::File(file) => {
            if file.starts_with(shared.out.join("data")) {
                shared.fresh_data();
            }
            // Taken before the page is made, as for a file (see `respond_file`).
            let state = shared.state();
            let curated = super::curate::article_of(&shared.out, &file)
                .and_then(|id| super::curate::article_page(shared, &id));
            match curated {
                Some(html) => Response::new(200, "text/html; charset=utf-8", inject(&html, &state))
                    .header("Cache-Control", "no-store"),
                None => respond_file(&file, 200, shared),
            }
        }
        Target::Redirect(to) => Response::new(301, "text/plain; charset=utf-8", "")
            .header("Location", to)
            .header("Cache-Control", "no-store"),
        Target::NotFound => not_found(shared),
        Target::BadRequest => Response::new(400, "text/plain; charset=utf-8", "bad request path\n"),
    })
}

fn not_found(shared: &Shared) -> Response {
    let page = shared.out.join("404.html");
    if page.is_file() {
        respond_file(&page, 404, shared)
    } else {
        // No site built yet (the first build failed): the errors on an empty page.
        let html = inject(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>indicity serve</title><body></body></html>",
            &shared.state(),
        );
        Response::new(404, "text/html; charset=utf-8", html).header("Cache-Control", "no-store")
    }
}

fn respond_file(file: &Path, status: u16, shared: &Shared) -> Response {
    let kind = content_type(file);
    // Taken before the page is read: a page read just before a rebuild carries the
    // generation before it, and reloads when its event stream says hello.
    let state = shared.state();
    let body = if kind.starts_with("text/html") {
        fs::read(file).map(|bytes| {
            Body::Bytes(match String::from_utf8(bytes) {
                Ok(html) => inject(&html, &state).into_bytes(),
                // Not a page indicity wrote (a static file in another encoding).
                Err(e) => e.into_bytes(),
            })
        })
    } else {
        fs::File::open(file).and_then(|f| {
            let len = f.metadata()?.len();
            Ok(Body::File(f, len))
        })
    };
    match body {
        Ok(body) => Response {
            status,
            headers: vec![
                ("Content-Type", kind),
                ("Cache-Control", "no-store".to_string()),
            ],
            body,
        },
        // Replaced or removed by a rebuild between resolving and opening it.
        Err(_) => Response::new(404, "text/plain; charset=utf-8", "not found\n"),
    }
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
fn events(mut w: TcpStream, rx: mpsc::Receiver<Event>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if write_flush(&mut w, head).is_err() {
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

fn write_flush(w: &mut TcpStream, s: &str) -> io::Result<()> {
    w.write_all(s.as_bytes())?;
    w.flush()
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
