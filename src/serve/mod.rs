//! Serve: the site on a local HTTP server, rebuilt and reloaded as its sources change.
//!
//! Three parts: [`rebuild`] keeps the last good site and redoes what a change feeds,
//! [`http`] serves the built files and the reload events, and this module wires them
//! to the file watcher and to Ctrl-C. The site is built into a temporary directory,
//! never into `public/`, because serve builds for its own address.

pub mod curate;
pub mod http;
pub mod rebuild;
pub mod server;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::Error;
use crate::content::CONTENT_DIR;
use crate::diagnostics::Diagnostics;
use crate::render::{STATIC_DIR, TEMPLATES_DIR};
use rebuild::{Live, Outcome};

/// How long the watcher waits for a burst of events (an editor's save is several) to
/// end. Short: it is paid on every save.
const DEBOUNCE: Duration = Duration::from_millis(25);

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the site in the default browser once it is built.
    pub open: bool,
    /// Host names the preview answers to besides IP addresses and `localhost`.
    pub allow_hosts: Vec<String>,
    /// Styled diagnostics in the terminal.
    pub color: bool,
    /// Let the workbench write to content while serving on a non-loopback address.
    pub allow_remote_curation: bool,
}

/// What open pages are told.
#[derive(Debug, Clone)]
pub enum Event {
    /// The generation of the site now served (sent first on every stream).
    Hello(u64),
    /// The site was rebuilt: reload.
    Reload(u64),
    /// The content has errors: show this overlay (HTML).
    Problem(String),
}

impl Event {
    fn to_sse(&self) -> String {
        match self {
            Event::Hello(g) => format!("event: hello\ndata: {g}\n\n"),
            Event::Reload(g) => format!("event: reload\ndata: {g}\n\n"),
            Event::Problem(html) => format!(
                "event: problem\ndata: {}\n\n",
                serde_json::Value::String(html.clone())
            ),
        }
    }
}

/// The state pages are served with.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Successful builds so far; pages carry the one they were served from.
    pub generation: u64,
    /// The error overlay, while the content has errors.
    pub problem: Option<String>,
}

/// What the request threads share with the rebuild loop.
pub struct Shared {
    out: PathBuf,
    /// The site root: where the workbench writes.
    root: PathBuf,
    /// This run's secret, given to the pages it serves: a write must carry it.
    token: String,
    /// Why the workbench may not write, if it may not.
    refuse_writes: Option<String>,
    /// Files the workbench wrote and rebuilt at once, with the hash of what it wrote:
    /// the watcher's report of the same write is not rebuilt (and reloaded) twice.
    written: Mutex<std::collections::HashMap<PathBuf, u64>>,
    /// Styled diagnostics in the terminal.
    color: bool,
    allowed_hosts: Vec<String>,
    state: Mutex<State>,
    clients: Mutex<Vec<mpsc::Sender<Event>>>,
    /// The site being served; `None` until the first build has been tried.
    live: Mutex<Option<Live>>,
    /// The site-wide data files are behind the pages. They are rewritten when next
    /// asked for, not on every save: at 3,000 places they are 600 MB.
    data_stale: AtomicBool,
    stopping: AtomicBool,
}

impl Shared {
    fn new(
        out: PathBuf,
        root: PathBuf,
        allowed_hosts: Vec<String>,
        refuse_writes: Option<String>,
        color: bool,
    ) -> Shared {
        Shared {
            out,
            root,
            token: curate::new_token(),
            refuse_writes,
            written: Mutex::default(),
            color,
            allowed_hosts,
            state: Mutex::default(),
            clients: Mutex::default(),
            live: Mutex::default(),
            data_stale: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
        }
    }

    fn state(&self) -> State {
        lock(&self.state).clone()
    }

    /// A new event stream, primed with the current state. Registered under the
    /// clients lock, so a change published meanwhile reaches it one way or the other.
    fn subscribe(&self) -> mpsc::Receiver<Event> {
        let (tx, rx) = mpsc::channel();
        let mut clients = lock(&self.clients);
        let state = self.state();
        let _ = tx.send(Event::Hello(state.generation));
        if let Some(p) = state.problem {
            let _ = tx.send(Event::Problem(p));
        }
        if !self.stopping.load(Ordering::SeqCst) {
            clients.push(tx);
        }
        rx
    }

    fn publish(&self, change: impl FnOnce(&mut State) -> Event) {
        let event = change(&mut lock(&self.state));
        lock(&self.clients).retain(|c| c.send(event.clone()).is_ok());
    }

    fn rebuilt(&self) {
        self.publish(|s| {
            s.generation += 1;
            s.problem = None;
            Event::Reload(s.generation)
        });
    }

    fn failed(&self, diags: &Diagnostics) {
        let overlay = overlay(&diags.render(false));
        self.publish(|s| {
            s.problem = Some(overlay.clone());
            Event::Problem(overlay)
        });
    }

    /// Brings the site-wide data files up to date before one is served.
    fn fresh_data(&self) {
        if !self.data_stale.load(Ordering::SeqCst) {
            return;
        }
        let mut live = lock(&self.live);
        if self.data_stale.load(Ordering::SeqCst) {
            match live.as_mut().map(Live::write_data) {
                Some(Err(d)) => crate::say!("{}", d.render(false)),
                _ => self.data_stale.store(false, Ordering::SeqCst),
            }
        }
    }

    /// Takes changed files in: rebuilds what they feed (the caller holds the lock on
    /// `live`), and keeps the data files' freshness in step.
    fn take_in(&self, live: &mut Option<Live>, paths: Vec<PathBuf>) -> Outcome {
        let outcome = live
            .as_mut()
            .map(|live| live.update(paths))
            .unwrap_or(Outcome::Nothing);
        // Under the lock, so that no data file is served from before the change.
        if let Outcome::Rebuilt(r) = &outcome {
            if r.full {
                self.data_stale.store(false, Ordering::SeqCst);
            } else if r.data_pending {
                self.data_stale.store(true, Ordering::SeqCst);
            }
        }
        outcome
    }

    /// A file the workbench wrote and rebuilds itself (called once it is written, with
    /// the lock on `live` held, so the watcher cannot take it in before).
    fn will_write(&self, path: &Path, bytes: &[u8]) {
        lock(&self.written).insert(path.to_path_buf(), xxhash_rust::xxh3::xxh3_64(bytes));
    }

    /// The watcher's changed paths, but for the workbench's own writes already built
    /// (the file still holding what it wrote). Called with the lock on `live` held,
    /// which a write holds until it has rebuilt.
    fn not_yet_built(&self, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        let mut written = lock(&self.written);
        if written.is_empty() {
            return paths;
        }
        paths
            .into_iter()
            .filter(|p| {
                let Some(hash) = written.get(p).copied() else {
                    return true;
                };
                let same = std::fs::read(p).is_ok_and(|b| xxhash_rust::xxh3::xxh3_64(&b) == hash);
                if same {
                    written.remove(p);
                }
                !same
            })
            .collect()
    }

    /// Ends every event stream (their threads see the channel close).
    fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        lock(&self.clients).clear();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The errors over the page, as the terminal shows them.
pub fn overlay(diagnostics: &str) -> String {
    let escaped = diagnostics
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<div id=\"indicity-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);color:#f5f5f5;padding:1rem;font:16px/1.5 system-ui,sans-serif\">\
<p style=\"margin:0 0 .75rem;max-width:60rem\"><strong style=\"color:#ff8a80\">The content has errors.</strong> This is the last good build; it reloads by itself once they are fixed.</p>\
<pre style=\"margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.45 ui-monospace,monospace\">{escaped}</pre></div>"
    )
}

enum Message {
    Changed(Vec<PathBuf>),
    WatchFailed(String),
    Stop,
}

const TMP_PREFIX: &str = "indicity-serve-";

/// Removes the temporary builds of servers that were killed (a site of 3,000 places is
/// 2.6 GB): their directory names carry the server's process id.
fn remove_abandoned_builds() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let pid = name
            .strip_prefix(TMP_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Builds, serves and rebuilds until Ctrl-C.
pub fn serve(opts: &ServeOptions) -> Result<(), Error> {
    let root = opts.root.canonicalize().map_err(|e| {
        Error::Usage(format!(
            "cannot use {} as the site root: {e}",
            opts.root.display()
        ))
    })?;
    let server = server::Server::bind(SocketAddr::new(opts.bind, opts.port)).map_err(|e| {
        Error::Usage(format!(
            "cannot listen on {}: {e}; pass another --port (0 picks a free one)",
            SocketAddr::new(opts.bind, opts.port)
        ))
    })?;
    let addr = server
        .local_addr()
        .map_err(|e| Error::Usage(format!("not a TCP address: {e}")))?;
    let url = format!("http://{addr}/");
    if !opts.bind.is_loopback() {
        crate::sayln!(
            "warning: listening on {addr}: other machines can reach this preview (the default, 127.0.0.1, keeps it to this one)"
        );
    }
    remove_abandoned_builds();
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
        .tempdir()
        .map_err(|e| Error::Usage(format!("cannot create a temporary directory: {e}")))?;
    let out = tmp.path().join("site");
    let refuse_writes = (!opts.bind.is_loopback() && !opts.allow_remote_curation).then(|| {
        format!(
            "serve listens on {addr}, which other machines reach: the workbench writes nothing (pass --allow-remote-curation to let it)"
        )
    });
    let shared = Arc::new(Shared::new(
        out.clone(),
        root.clone(),
        opts.allow_hosts.clone(),
        refuse_writes,
        opts.color,
    ));

    // Watch before the first build, so that an edit made during it is not missed.
    let (tx, rx) = mpsc::channel::<Message>();
    let events = tx.clone();
    let mut watcher = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let message = match result {
            Ok(events) => Message::Changed(
                events
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    .collect(),
            ),
            Err(errors) => Message::WatchFailed(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        let _ = events.send(message);
    })
    .map_err(|e| Error::Usage(format!("cannot watch the site: {e}")))?;
    for dir in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", path.display())))?;
        }
    }
    let stop = tx.clone();
    let started = Arc::new(AtomicBool::new(false));
    let build_dir = tmp.path().to_path_buf();
    let serving = started.clone();
    // Only one handler per process; a second serve in the same process (tests) keeps
    // the first.
    let _ = ctrlc::set_handler(move || {
        if serving.load(Ordering::SeqCst) {
            let _ = stop.send(Message::Stop);
        } else {
            // The first build of a large site takes a while: stop now. What its threads
            // write meanwhile is removed by the next start.
            crate::sayln!("stopped during the first build");
            let _ = std::fs::remove_dir_all(&build_dir);
            std::process::exit(130);
        }
    });

    crate::sayln!("building {} …", root.display());
    let mut live = Live::new(&root, &out, &url);
    let first = live.rebuild_all();
    started.store(true, Ordering::SeqCst);
    *lock(&shared.live) = Some(live);
    report(&first, &shared, opts.color);

    let stopping = Arc::new(AtomicBool::new(false));
    let accepting = {
        let (shared, stopping) = (shared.clone(), stopping.clone());
        std::thread::spawn(move || {
            server.run(
                stopping,
                Arc::new(move |rq: &server::Request| http::answer(rq, &shared)),
            )
        })
    };
    crate::sayln!(
        "serving {} at {url} from {} (Ctrl-C to stop)",
        root.display(),
        out.display()
    );
    if opts.open {
        if let Err(e) = open::that_detached(&url) {
            crate::sayln!("warning: cannot open a browser: {e}");
        }
    }

    for message in rx {
        match message {
            Message::Stop => break,
            Message::WatchFailed(e) => crate::sayln!("warning: watching the site: {e}"),
            Message::Changed(paths) => {
                let mut live = lock(&shared.live);
                let paths = shared.not_yet_built(paths);
                if paths.is_empty() {
                    continue;
                }
                let outcome = shared.take_in(&mut live, paths);
                drop(live);
                report(&outcome, &shared, opts.color);
            }
        }
    }

    crate::sayln!("stopping");
    shared.stop();
    stopping.store(true, Ordering::SeqCst);
    drop(watcher);
    let _ = accepting.join();
    // On every core: a large site is tens of thousands of files.
    let _ = crate::output::remove_tree(tmp.path());
    drop(tmp);
    Ok(())
}

/// Tells the terminal and the open pages what a rebuild did.
pub(crate) fn report(outcome: &Outcome, shared: &Shared, color: bool) {
    match outcome {
        Outcome::Nothing => {}
        Outcome::Failed(d) => {
            shared.failed(d);
            crate::say!("{}", d.render(color));
            crate::sayln!(
                "fix the errors above and save; until then, open pages show the last good build"
            );
        }
        Outcome::Rebuilt(r) => {
            shared.rebuilt();
            if !r.warnings.0.is_empty() {
                crate::say!("{}", r.warnings.render(color));
            }
            let changed = r
                .changed
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let stages = r
                .stages
                .iter()
                .map(|(name, d)| format!("{name} {}", d.as_millis()))
                .collect::<Vec<_>>()
                .join(", ");
            crate::sayln!(
                "{} {} pages ({} files) in {} ms{}{}{}",
                if r.full { "built" } else { "rebuilt" },
                r.pages,
                r.files,
                r.took.as_millis(),
                if stages.is_empty() {
                    String::new()
                } else {
                    format!(" ({stages})")
                },
                if changed.is_empty() { "" } else { ": " },
                changed
            );
        }
    }
}
