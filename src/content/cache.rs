//! A cache of parsed place files, keyed by their bytes, in `.indicity-cache/` under
//! the site root.
//!
//! Parsing YAML is the largest part of loading a big site: 3,000 place files are
//! 100 MB of YAML, 1.7 s of libyaml on two cores, every time `check` or `build` runs,
//! though a curator's save changes one file. A place file that parsed cleanly is
//! stored as JSON (which serde_json reads several times faster than serde_yaml reads
//! YAML) under the hash of its text, so an unchanged file is never parsed again and an
//! edited one is parsed as if there were no cache. Only the parse is cached: every
//! rule still runs on every load, and a file with any error never enters the cache.
//! An entry that cannot be read is a miss, and a cache that cannot be written is
//! skipped, so deleting `.indicity-cache/` at any time is safe.
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

use std::collections::HashSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    if !root.join(super::CONTENT_DIR).is_dir() {
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

pub struct PlaceCache {
    /// `None`: no caching (the directory cannot be made, or a one-file reload).
    dir: Option<PathBuf>,
    /// Keys read or written by this load; the others are pruned.
    used: Mutex<HashSet<String>>,
    reads: bool,
}

impl PlaceCache {
    pub fn open(root: &Path, caching: Caching) -> PlaceCache {
        PlaceCache {
            dir: (caching != Caching::Off)
                .then(|| dir(root, "places"))
                .flatten(),
            used: Mutex::default(),
            reads: caching.reads(),
        }
    }

    pub fn disabled() -> PlaceCache {
        PlaceCache {
            dir: None,
            used: Mutex::default(),
            reads: false,
        }
    }

    pub fn key(text: &str) -> String {
        let mut h = Xxh3::new();
        h.update(b"places/1/");
        h.update(tool_id().unwrap_or_default().as_bytes());
        h.update(&[0]);
        h.update(text.as_bytes());
        format!("{:032x}", h.digest128())
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string());
        Some(dir.join(format!("{key}.json")))
    }

    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let path = self.path(key)?;
        if !self.reads {
            return None;
        }
        load(&path)
    }

    /// Stores `value` under `key`.
    pub fn put<T: Serialize>(&self, key: &str, value: &T) {
        if let Some(path) = self.path(key) {
            store(&path, value);
        }
    }

    /// Removes the entries this load did not use (files since edited or removed).
    pub fn prune(&self) {
        let Some(dir) = &self.dir else { return };
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let key = name.strip_suffix(".json").unwrap_or(&name);
            if !used.contains(key) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content")).unwrap();
        dir
    }

    #[test]
    fn an_entry_is_read_only_as_it_was_sealed_for_its_name() {
        let dir = site();
        let cache = PlaceCache::open(dir.path(), Caching::On);
        cache.put("k1", &vec![1, 2, 3]);
        assert_eq!(cache.get::<Vec<i32>>("k1"), Some(vec![1, 2, 3]));
        let path = dir.path().join(CACHE_DIR).join("places/k1.json");
        // Edited by hand (the seal kept), or copied under another input's name.
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("[1,2,3]", "[1,2,4]")).unwrap();
        assert_eq!(cache.get::<Vec<i32>>("k1"), None);
        fs::write(&path, &text).unwrap();
        assert_eq!(cache.get::<Vec<i32>>("k1"), Some(vec![1, 2, 3]));
        fs::copy(&path, path.with_file_name("k2.json")).unwrap();
        assert_eq!(cache.get::<Vec<i32>>("k2"), None);
        // `build --full` reads nothing, but stores.
        let fresh = PlaceCache::open(dir.path(), Caching::Fresh);
        assert_eq!(fresh.get::<Vec<i32>>("k1"), None);
        fresh.put("k3", &vec![7]);
        assert_eq!(cache.get::<Vec<i32>>("k3"), Some(vec![7]));
    }

    #[cfg(unix)]
    #[test]
    fn no_cache_through_a_link() {
        let dir = site();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join(CACHE_DIR)).unwrap();
        assert_eq!(super::dir(dir.path(), "places"), None);
        let cache = PlaceCache::open(dir.path(), Caching::On);
        cache.put("k1", &1);
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
