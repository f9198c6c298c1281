//! The real `indicity serve` for the tests: started on an ephemeral port, spoken to
//! over raw sockets (no client library normalises the paths the tests send).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use indicity::serve::rebuild::{Live, Outcome};

use super::tree;

/// The address live sites are built for in these tests.
pub const BASE: &str = "http://127.0.0.1:1111/";

/// A live site (what `serve` keeps in memory) built from `root` into a temporary
/// directory.
pub struct LiveSite {
    pub live: Live,
    pub out: PathBuf,
    _tmp: tempfile::TempDir,
}

impl LiveSite {
    pub fn start(root: &Path) -> LiveSite {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let mut live = Live::new(root, &out, BASE);
        match live.rebuild_all() {
            Outcome::Rebuilt(r) => assert!(r.full),
            Outcome::Failed(d) => panic!("first build failed:\n{}", d.render(false)),
            Outcome::Nothing => panic!("nothing built"),
        }
        LiveSite {
            live,
            out,
            _tmp: tmp,
        }
    }

    /// The live output (data files brought up to date) against a full build of
    /// `root`: `None` when identical.
    pub fn diff(&mut self, root: &Path) -> Option<String> {
        self.live.write_data().unwrap();
        diff_trees(&tree(&self.out), &full_build(root))
    }

    /// Asserts that the live directory is byte for byte what a full build makes.
    pub fn assert_same(&mut self, root: &Path, step: &str) {
        if let Some(d) = self.diff(root) {
            panic!("after {step}, the incremental output differs from a full build:\n{d}");
        }
    }
}

/// The output of a full build of `root` for the address live sites are built for.
pub fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("site");
    indicity::build(&indicity::BuildOptions {
        root: root.to_path_buf(),
        output: Some(dir.clone()),
        base_url: Some(BASE.into()),
        force: false,
        full: true,
    })
    .unwrap_or_else(|e| panic!("full build failed:\n{e}"));
    tree(&dir)
}

/// What differs between two outputs: files only in `got` (stale), only in `want`
/// (missing), in both but different, with the first difference of each.
pub fn diff_trees(
    got: &BTreeMap<String, Vec<u8>>,
    want: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let stale: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let differ: Vec<&String> = want
        .iter()
        .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
        .map(|(k, _)| k)
        .collect();
    if stale.is_empty() && missing.is_empty() && differ.is_empty() {
        return None;
    }
    let mut s = format!("  stale: {stale:?}\n  missing: {missing:?}\n  different: {differ:?}\n");
    for k in differ.iter().take(6) {
        let (a, b) = (&got[*k], &want[*k]);
        let at = a
            .iter()
            .zip(b.iter())
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        let ctx = |v: &[u8]| {
            let lo = at.saturating_sub(80);
            let hi = (at + 120).min(v.len());
            String::from_utf8_lossy(&v[lo..hi]).into_owned()
        };
        s.push_str(&format!(
            "  --- {k} (first difference at byte {at})\n    live: …{}…\n    full: …{}…\n",
            ctx(a),
            ctx(b)
        ));
    }
    Some(s)
}

/// `indicity serve` on an ephemeral port, stopped with SIGINT when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub out: PathBuf,
    pub log: mpsc::Receiver<String>,
}

impl Server {
    pub fn start(root: &Path) -> Server {
        Server::start_with(root, &[])
    }

    /// A server started with further arguments.
    pub fn start_with(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_indicity"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(args)
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

    /// Log lines until `pred` matches one or `timeout` passes.
    pub fn wait_log(&self, timeout: Duration, pred: impl Fn(&str) -> bool) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(l) = self.log.recv_timeout(Duration::from_millis(100)) {
                let hit = pred(&l);
                seen.push(l);
                if hit {
                    break;
                }
            }
        }
        seen
    }

    /// Sends Ctrl-C and returns how the process ended.
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
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

pub struct Response {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request, sent as written (no client normalises the path), HTTP/1.0 so the
/// body ends with the connection.
pub fn request(addr: &str, method: &str, path: &str) -> Response {
    send(
        addr,
        format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes(),
    )
}

/// A `POST` with `headers` (`Name: value` lines) and a body.
pub fn post(addr: &str, path: &str, headers: &[String], body: &str) -> Response {
    let mut head = format!("POST {path} HTTP/1.0\r\nHost: {addr}\r\n");
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    send(addr, head.as_bytes())
}

/// Bytes sent as they are; the response read to the end of the connection.
pub fn send(addr: &str, bytes: &[u8]) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(bytes).unwrap();
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

pub fn get(addr: &str, path: &str) -> Response {
    request(addr, "GET", path)
}

/// An open page's event stream.
pub struct Events(BufReader<TcpStream>);

impl Events {
    pub fn open(addr: &str) -> Events {
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
    pub fn next(&mut self) -> (String, String) {
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
    pub fn until(&mut self, name: &str) -> String {
        loop {
            let (event, data) = self.next();
            if event == name {
                return data;
            }
        }
    }
}
