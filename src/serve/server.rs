//! HTTP/1.1 over TCP for the preview server, with the limits a server reachable from
//! a browser needs.
//!
//! A request head is read into a bounded buffer and parsed with `httparse`: a request
//! line or headers over [`MAX_HEAD`] get `431` and the connection closes (its memory
//! goes with it), a client that sends nothing for [`IDLE`] is dropped, and at most
//! [`MAX_CONNECTIONS`] connections are served at once. Responses are written here;
//! what they say is [`super::http`]'s business.

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// The longest request line plus headers accepted (browsers send 1–2 KB).
pub const MAX_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;
/// How long a connection may stay silent: before its request is complete, or between
/// two requests of a kept-alive connection.
pub const IDLE: Duration = Duration::from_secs(10);
/// The largest request body accepted (a curator's write is well under 1 KB).
pub const MAX_BODY: usize = 64 * 1024;
/// Connections served at once (live-reload streams included); more are refused.
pub const MAX_CONNECTIONS: usize = 512;

/// A parsed request: what the handler needs of it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The request target as sent (`/cities/fuzhou/?x=1`).
    pub target: String,
    /// The `Host` header, if any.
    pub host: Option<String>,
    /// Every header, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// The body of a `POST` (empty for other methods).
    pub body: Vec<u8>,
    keep_alive: bool,
}

impl Request {
    /// The first header named `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What to send back.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

pub enum Body {
    Bytes(Vec<u8>),
    File(fs::File, u64),
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: Body::Bytes(body.into()),
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// How the handler answers: one response, or the raw connection for an event stream.
pub enum Answer {
    Respond(Response),
    /// Takes the connection over (the head and everything after it are the
    /// handler's); the connection is not reused.
    Stream(Box<dyn FnOnce(TcpStream) + Send>),
}

/// The listening socket.
pub struct Server {
    listener: TcpListener,
}

impl Server {
    pub fn bind(addr: SocketAddr) -> io::Result<Server> {
        Ok(Server {
            listener: TcpListener::bind(addr)?,
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts connections until `stopping` is set, each on a thread of its own,
    /// answering every request with `handler`.
    pub fn run(
        self,
        stopping: Arc<AtomicBool>,
        handler: Arc<dyn Fn(&Request) -> Answer + Send + Sync>,
    ) {
        self.listener
            .set_nonblocking(true)
            .expect("a listening socket can be made non-blocking");
        let open = Arc::new(AtomicUsize::new(0));
        while !stopping.load(Ordering::SeqCst) {
            let stream = match self.listener.accept() {
                Ok((s, _)) => s,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                Err(_) => continue,
            };
            if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                open.fetch_sub(1, Ordering::SeqCst);
                let mut s = stream;
                let _ = s.set_nonblocking(false);
                let _ = write_response(
                    &mut s,
                    Response::new(503, "text/plain; charset=utf-8", "too many connections\n"),
                    false,
                    false,
                );
                continue;
            }
            let (open, handler, stopping) = (open.clone(), handler.clone(), stopping.clone());
            std::thread::spawn(move || {
                connection(stream, &*handler, &stopping);
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }
}

/// Serves one connection's requests in turn until it closes, goes idle or asks to
/// close.
fn connection(stream: TcpStream, handler: &dyn Fn(&Request) -> Answer, stopping: &AtomicBool) {
    let mut stream = stream;
    if stream.set_nonblocking(false).is_err()
        || stream.set_read_timeout(Some(IDLE)).is_err()
        || stream
            .set_write_timeout(Some(Duration::from_secs(60)))
            .is_err()
    {
        return;
    }
    let mut buf: Vec<u8> = Vec::with_capacity(2048);
    loop {
        let request = match read_head(&mut stream, &mut buf) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(status) => {
                let _ = write_response(
                    &mut stream,
                    Response::new(
                        status,
                        "text/plain; charset=utf-8",
                        reason(status).to_string() + "\n",
                    ),
                    false,
                    false,
                );
                return;
            }
        };
        let head_only = request.method == "HEAD";
        match handler(&request) {
            Answer::Respond(r) => {
                let keep = request.keep_alive && !stopping.load(Ordering::SeqCst);
                if write_response(&mut stream, r, head_only, keep).is_err() || !keep {
                    return;
                }
            }
            Answer::Stream(f) => {
                let _ = stream.set_read_timeout(None);
                f(stream);
                return;
            }
        }
    }
}

/// Reads and parses the next request head, keeping what follows it in `buf`.
/// `Ok(None)` when the connection ends (or idles) between requests; `Err(status)` for a
/// request that must be refused.
fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Option<Request>, u16> {
    let mut chunk = [0u8; 4096];
    let started = std::time::Instant::now();
    loop {
        // A head trickled in a byte at a time holds a connection for long: not longer
        // than this.
        if !buf.is_empty() && started.elapsed() > 3 * IDLE {
            return Ok(None);
        }
        if !buf.is_empty() {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut req = httparse::Request::new(&mut headers);
            match req.parse(buf) {
                Ok(httparse::Status::Complete(len)) => {
                    let mut request = request_of(&req)?;
                    let chunked = request.header("transfer-encoding").is_some();
                    let length = match request.header("content-length") {
                        None => 0,
                        Some(v) => v.parse::<usize>().map_err(|_| 400u16)?,
                    };
                    buf.drain(..len);
                    if request.method != "POST" {
                        // GET and HEAD have no body; any other method is refused and
                        // the connection closed.
                        if chunked || length > 0 {
                            return Err(400);
                        }
                        return Ok(Some(request));
                    }
                    // A POST is a curator's write: small, with its length said.
                    if chunked {
                        return Err(411);
                    }
                    if length > MAX_BODY {
                        return Err(413);
                    }
                    read_body(stream, buf, length, started)?;
                    request.body = buf.drain(..length).collect();
                    return Ok(Some(request));
                }
                Ok(httparse::Status::Partial) => {}
                Err(httparse::Error::TooManyHeaders) => return Err(431),
                Err(_) => return Err(400),
            }
        }
        if buf.len() >= MAX_HEAD {
            return Err(431);
        }
        let want = chunk.len().min(MAX_HEAD - buf.len());
        match stream.read(&mut chunk[..want]) {
            Ok(0) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // Idle or gone: a request half sent is dropped, an idle keep-alive closed.
            Err(_) => return Ok(None),
        }
    }
}

/// Reads until `buf` holds `length` bytes of body, within the head's time limit.
fn read_body(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    length: usize,
    started: std::time::Instant,
) -> Result<(), u16> {
    let mut chunk = [0u8; 4096];
    while buf.len() < length {
        if started.elapsed() > 3 * IDLE {
            return Err(408);
        }
        let want = chunk.len().min(length - buf.len());
        match stream.read(&mut chunk[..want]) {
            Ok(0) => return Err(400),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(408),
        }
    }
    Ok(())
}

fn request_of(req: &httparse::Request<'_, '_>) -> Result<Request, u16> {
    let method = req.method.ok_or(400u16)?.to_string();
    let target = req.path.ok_or(400u16)?.to_string();
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
            .map(str::trim)
    };
    let connection = header("connection").map(str::to_ascii_lowercase);
    let keep_alive = match req.version {
        Some(1) => connection.as_deref() != Some("close"),
        _ => connection.as_deref() == Some("keep-alive"),
    };
    let headers = req
        .headers
        .iter()
        .filter_map(|h| {
            let v = std::str::from_utf8(h.value).ok()?;
            Some((h.name.to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect();
    Ok(Request {
        method,
        target,
        host: header("host").map(str::to_string),
        headers,
        body: Vec::new(),
        keep_alive,
    })
}

/// Writes a response; the body is left out for `HEAD`.
fn write_response(
    stream: &mut TcpStream,
    r: Response,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(64 * 1024, stream);
    let len = match &r.body {
        Body::Bytes(b) => b.len() as u64,
        Body::File(_, len) => *len,
    };
    write!(w, "HTTP/1.1 {} {}\r\n", r.status, reason(r.status))?;
    for (name, value) in &r.headers {
        // A value never carries a line break into the head.
        let value: String = value.chars().filter(|c| !c.is_control()).collect();
        write!(w, "{name}: {value}\r\n")?;
    }
    write!(w, "Content-Length: {len}\r\n")?;
    if !keep_alive {
        w.write_all(b"Connection: close\r\n")?;
    }
    w.write_all(b"\r\n")?;
    if !head_only {
        match r.body {
            Body::Bytes(b) => w.write_all(&b)?,
            Body::File(mut f, _) => {
                io::copy(&mut f, &mut w)?;
            }
        }
    }
    w.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        500 => "Internal Server Error",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve() -> (SocketAddr, Arc<AtomicBool>) {
        let server = Server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = server.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        std::thread::spawn(move || {
            server.run(
                s,
                Arc::new(|r: &Request| {
                    let body = if r.body.is_empty() {
                        String::new()
                    } else {
                        format!(":{}", String::from_utf8_lossy(&r.body))
                    };
                    Answer::Respond(Response::new(
                        200,
                        "text/plain",
                        format!("{}{body}", r.target),
                    ))
                }),
            )
        });
        (addr, stop)
    }

    fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let _ = s.write_all(bytes);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn oversized_heads_are_refused_and_requests_kept_alive() {
        let (addr, stop) = serve();
        let big = format!(
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
            "a".repeat(MAX_HEAD)
        );
        assert!(exchange(addr, big.as_bytes()).starts_with("HTTP/1.1 431"));
        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD));
        assert!(exchange(addr, long_line.as_bytes()).starts_with("HTTP/1.1 431"));
        let many: String = (0..100).map(|i| format!("X-{i}: v\r\n")).collect();
        let many = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert!(exchange(addr, many.as_bytes()).starts_with("HTTP/1.1 431"));
        // Two requests on one connection, the second asking to close.
        let two = exchange(
            addr,
            b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(two.matches("HTTP/1.1 200").count(), 2, "{two}");
        assert!(two.ends_with("/b"), "{two}");
        assert!(exchange(addr, b"garbage\r\n\r\n").starts_with("HTTP/1.1 400"));
        // A POST's body is read, up to its stated length; a body too large, or of no
        // stated length, is refused before it is read.
        let posted = exchange(
            addr,
            b"POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        );
        assert!(
            posted.starts_with("HTTP/1.1 200") && posted.ends_with("/w:hello"),
            "{posted}"
        );
        let big = format!(
            "POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert!(exchange(addr, big.as_bytes()).starts_with("HTTP/1.1 413"));
        let chunked = b"POST /w HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        assert!(exchange(addr, chunked).starts_with("HTTP/1.1 411"));
        let get_body = b"GET /w HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
        assert!(exchange(addr, get_body).starts_with("HTTP/1.1 400"));
        stop.store(true, Ordering::SeqCst);
    }
}
