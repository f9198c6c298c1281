//! The sealed store every cache of indicity uses: parsed place files
//! ([`crate::content::cache`]), article checks ([`crate::check::cache`]), the
//! correction record ([`crate::history`]) and build records ([`crate::incremental`]),
//! all under `.indicity-cache/` in the site root. Which of them a run reads is decided
//! once, in [`crate::pipeline::Caches`].
//!
//! Nothing in the cache is trusted as it lies on disk. Every entry of every cache
//! here (places, articles, history, build records) is sealed by [`store`] with a hash
//! of this executable, the entry's own name (which is the hash of the input it was
//! computed from) and its bytes; [`load`] reads only a regular file (never through a
//! link, never a FIFO) whose seal matches. An entry edited by hand, copied under
//! another input's name, truncated or written by another build is a miss.
//! `build --full` reads no cache at all. The cache directory is used only when it and
//! everything on the way to it below the site root are real directories: a linked
//! `.indicity-cache` would make a build write outside the site.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use xxhash_rust::xxh3::Xxh3;

/// The cache directory, under the site root.
pub const CACHE_DIR: &str = ".indicity-cache";

/// The build of indicity that is running, as part of every cache key: entries
/// written by another build (another version, or the same version recompiled with a
/// change) are never read as this one's. It is the hash of the executable's bytes
/// (50 MB, read once per run in a few milliseconds): sizes and modification times can
/// coincide between builds (Nix sets every mtime to 1). `None` (caching off) when the
/// executable cannot be read.
pub fn tool_id() -> Option<&'static str> {
    static ID: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let bytes = fs::read(std::env::current_exe().ok()?).ok()?;
        Some(format!(
            "{}/{:032x}",
            env!("CARGO_PKG_VERSION"),
            xxhash_rust::xxh3::xxh3_128(&bytes)
        ))
    })
    .as_deref()
}

/// How a run uses the caches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Neither read nor written (commands that only look at the content).
    Off,
    /// Everything computed anew, and the results stored (`build --full`).
    Fresh,
    /// Entries read when they are sealed for exactly this input, and stored.
    On,
}

impl Caching {
    pub fn reads(self) -> bool {
        self == Caching::On
    }
}

/// `root/.indicity-cache/<sub>` (made when missing), or `None` when nothing may be
/// cached there: `root` is not a site, this executable cannot be identified, or a
/// symbolic link stands on the way.
pub fn dir(root: &Path, sub: &str) -> Option<PathBuf> {
    tool_id()?;
    if !root.join(crate::content::CONTENT_DIR).is_dir() {
        return None;
    }
    crate::safe_fs::create_dir_below(root, &Path::new(CACHE_DIR).join(sub)).ok()
}

/// The seal of an entry: this executable, the entry's name and its bytes.
fn seal(name: &str, bytes: &[u8]) -> String {
    let mut h = Xxh3::new();
    h.update(b"indicity-cache/1\0");
    h.update(tool_id().unwrap_or_default().as_bytes());
    h.update(&[0]);
    h.update(name.as_bytes());
    h.update(&[0]);
    h.update(bytes);
    format!("{:032x}", h.digest128())
}

/// The bytes of the entry at `path`, if it is a regular file whose seal matches.
pub fn load_bytes(path: &Path) -> Option<Vec<u8>> {
    let name = path.file_name()?.to_str()?;
    let mut bytes = crate::safe_fs::read_regular(path).ok()?;
    let nl = bytes.iter().position(|&b| b == b'\n')?;
    let stated = std::str::from_utf8(&bytes[..nl]).ok()?.to_string();
    let body = bytes.split_off(nl + 1);
    (stated == seal(name, &body)).then_some(body)
}

/// The entry at `path` (see [`load_bytes`]), as JSON.
pub fn load<T: DeserializeOwned>(path: &Path) -> Option<T> {
    serde_json::from_slice(&load_bytes(path)?).ok()
}

/// Writes `value` as JSON at `path`, sealed (see [`load`]), through a temporary file
/// renamed into place, so a reader (another `indicity` running) never sees half a
/// file. Failures are ignored: the cache is only ever a shortcut.
pub fn store<T: Serialize>(path: &Path, value: &T) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        return;
    };
    let Ok(bytes) = serde_json::to_vec(value) else {
        return;
    };
    if let Ok(mut tmp) = tempfile::Builder::new()
        .prefix(".indicity-tmp")
        .tempfile_in(dir)
        && tmp.write_all(seal(name, &bytes).as_bytes()).is_ok()
        && tmp.write_all(b"\n").is_ok()
        && tmp.write_all(&bytes).is_ok()
    {
        let _ = tmp.persist(path);
    }
}
