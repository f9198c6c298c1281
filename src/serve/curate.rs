//! The curator's workbench over HTTP: article pages with every number marked, and
//! the one endpoint that writes.
//!
//! An article page is rendered again when it is asked for, from the site in memory,
//! with each number in a button and the [`crate::curate::Bench`] beside it as JSON;
//! the file on disk stays what `build` writes. A write (`POST /.indicity/curate/…`)
//! is answered only when it carries this run's token (given to the pages this
//! server served, never to another site), comes from this server's own origin, is
//! JSON, and the server binds a loopback address (unless the curator allowed
//! otherwise); what it writes is [`crate::curate::write`]'s business.

use std::io::Read as _;
use std::path::PathBuf;

use serde::Serialize;

use super::server::{Request, Response};
use super::{Shared, lock};
use crate::curate::{self, write::Refusal};
use crate::extract::rejections;

const SCRIPT: &str = include_str!("curate.js");
const STYLE: &str = include_str!("curate.css");

/// The workbench's static files, by the name after the prefix.
pub fn asset(name: &str) -> Option<Response> {
    let (kind, body) = match name {
        "curate.js" => ("text/javascript; charset=utf-8", SCRIPT),
        "curate.css" => ("text/css; charset=utf-8", STYLE),
        _ => return None,
    };
    Some(Response::new(200, kind, body).header("Cache-Control", "no-store"))
}

/// A token no other page can know: 128 random bits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        // No /dev/urandom: the standard library's per-process random keys.
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The article id an output file is the page of, if it is one.
pub fn article_of(out: &std::path::Path, file: &std::path::Path) -> Option<String> {
    let rel = file.strip_prefix(out.join("articles")).ok()?;
    let rel = rel.to_str()?.strip_suffix("/index.html")?;
    Some(rel.to_string())
}

/// Article `id`'s page with the workbench, from the site in memory; `None` when the
/// site has no such article (the file on disk is served then).
pub fn article_page(shared: &Shared, id: &str) -> Option<String> {
    let live = lock(&shared.live);
    let prepared = live.as_ref()?.prepared();
    let site = &prepared.site;
    let article = site.articles.get(id)?;
    let bench = curate::bench(
        site,
        &prepared.provenance,
        id,
        rejections::load(&shared.root),
    )?;
    let wraps = curate::wraps(&bench, article.texts().len() - 1);
    let html = prepared.renderer().article_page(article, &wraps).ok()?;
    let html = String::from_utf8(html).ok()?;
    #[derive(Serialize)]
    struct Page<'a> {
        #[serde(flatten)]
        bench: &'a curate::Bench,
        catalogue_base: String,
        writes: Option<&'a str>,
    }
    let page = Page {
        bench: &bench,
        catalogue_base: curate::fingerprint(
            &site
                .indicators_file
                .as_ref()
                .map_or(String::new(), |f| f.text.to_string()),
        ),
        writes: shared.refuse_writes.as_deref(),
    };
    // In a script element nothing may close it: `</` is written `<\/`, which JSON
    // reads the same.
    let data = serde_json::to_string(&page).ok()?.replace("</", "<\\/");
    let head = format!(
        "<link rel=\"stylesheet\" href=\"{}curate.css\">",
        super::http::PREFIX
    );
    let tail = format!(
        "<script type=\"application/json\" id=\"indicity-bench\">{data}</script><script src=\"{}curate.js\" data-token=\"{}\" defer></script>",
        super::http::PREFIX,
        shared.token
    );
    let html = match html.find("</head>") {
        Some(at) => format!("{}{head}{}", &html[..at], &html[at..]),
        None => html,
    };
    Some(match html.rfind("</body>") {
        Some(at) => format!("{}{tail}{}", &html[..at], &html[at..]),
        None => format!("{html}{tail}"),
    })
}

/// Answers a write: `POST /.indicity/curate/<what>`.
pub fn post(rq: &Request, what: &str, shared: &Shared) -> Response {
    if let Some(why) = &shared.refuse_writes {
        return refuse(403, why);
    }
    let token_ok = rq
        .header("x-indicity-token")
        .is_some_and(|t| same(t.as_bytes(), shared.token.as_bytes()));
    if !token_ok {
        return refuse(
            403,
            "this request does not come from a page this server served (its token is missing or from another run): reload the page",
        );
    }
    // A browser names the page's origin on every POST; it must be this server.
    let own = rq.host.as_deref().map(|h| format!("http://{h}"));
    if rq.header("origin").is_none() || rq.header("origin") != own.as_deref() {
        return refuse(403, "writes are accepted from this server's own pages only");
    }
    if rq
        .header("sec-fetch-site")
        .is_some_and(|s| s != "same-origin")
    {
        return refuse(403, "writes are accepted from this server's own pages only");
    }
    if !rq
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"))
    {
        return refuse(415, "send JSON");
    }
    let mut live = lock(&shared.live);
    let Some(prepared) = live.as_ref().map(super::rebuild::Live::prepared) else {
        return refuse(409, "the site is not built yet");
    };
    let site = &prepared.site;
    let root = &shared.root;
    // What was answered, and the file a write changed (rebuilt before answering).
    let result: Result<(serde_json::Value, Option<PathBuf>), Refusal> = match what {
        "preview" => parse(&rq.body).and_then(|p| {
            curate::write::preview(site, &p)
                .map(|(_, shown)| (serde_json::json!({"figure": shown}), None))
        }),
        "record" => parse(&rq.body).and_then(|p| {
            curate::write::record(root, site, &p)
                .map(|(shown, rel)| (serde_json::json!({"figure": shown}), Some(rel)))
        }),
        "reject" => parse(&rq.body).and_then(|r| {
            curate::write::reject(root, site, &r).map(|r| {
                let v =
                    serde_json::json!({"rejected": {"indicator": r.indicator, "value": r.value}});
                // The rejection file feeds no page: the page reloads itself.
                (v, None)
            })
        }),
        "indicator" => parse(&rq.body).and_then(|n| {
            curate::write::add_indicator(root, site, &n).map(|id| {
                (
                    serde_json::json!({"id": id}),
                    Some(PathBuf::from(crate::content::INDICATORS_FILE)),
                )
            })
        }),
        _ => return refuse(404, "no such endpoint"),
    };
    // The site is rebuilt now, under the same lock, rather than when the watcher
    // reports the write: the answer comes once the pages show it, and the watcher's
    // report of the same bytes is not rebuilt again.
    let outcome = match &result {
        Ok((_, Some(rel))) => {
            let path = root.join(rel);
            if let Ok(bytes) = std::fs::read(&path) {
                shared.will_write(&path, &bytes);
            }
            Some(shared.take_in(&mut live, vec![path]))
        }
        _ => None,
    };
    drop(live);
    if let Some(outcome) = &outcome {
        super::report(outcome, shared, shared.color);
    }
    match result.map(|(v, _)| v) {
        Ok(v) => json(200, &serde_json::json!({"ok": true, "result": v})),
        // A preview that finds the figure would not pass has done its job.
        Err(Refusal::Invalid(m)) if what == "preview" => {
            json(200, &serde_json::json!({"ok": false, "why": m}))
        }
        Err(Refusal::Invalid(m)) => refuse(422, &m),
        Err(Refusal::Changed(m)) => refuse(409, &m),
        Err(Refusal::Io(m)) => refuse(500, &m),
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body)
        .map_err(|e| Refusal::Invalid(format!("not a request this endpoint reads: {e}")))
}

fn json(status: u16, v: &serde_json::Value) -> Response {
    Response::new(status, "application/json; charset=utf-8", v.to_string())
        .header("Cache-Control", "no-store")
}

fn refuse(status: u16, why: &str) -> Response {
    json(status, &serde_json::json!({"ok": false, "why": why}))
}

/// Compares in time that does not depend on where the bytes differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
