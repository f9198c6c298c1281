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

pub struct PlaceCache {
    /// `None`: no caching (the directory cannot be made, or a one-file reload).
    dir: Option<PathBuf>,
    /// Keys read or written by this load; the others are pruned.
    used: Mutex<HashSet<String>>,
}

impl PlaceCache {
    pub fn open(root: &Path) -> PlaceCache {
        let dir = root.join(CACHE_DIR).join("places");
        // Not in a directory that is not a site (a mistyped --root).
        let site = root.join(super::CONTENT_DIR).is_dir();
        PlaceCache {
            dir: (site && tool_id().is_some() && fs::create_dir_all(&dir).is_ok()).then_some(dir),
            used: Mutex::default(),
        }
    }

    pub fn disabled() -> PlaceCache {
        PlaceCache {
            dir: None,
            used: Mutex::default(),
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
        let bytes = fs::read(self.path(key)?).ok()?;
        serde_json::from_slice(&bytes).ok()
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

/// Writes `value` as JSON at `path`, through a temporary file renamed into place, so a
/// reader (another `indicity` running) never sees half a file. Failures are ignored:
/// the cache is only ever a shortcut.
pub fn store<T: Serialize>(path: &Path, value: &T) {
    let Some(dir) = path.parent() else { return };
    let Ok(bytes) = serde_json::to_vec(value) else {
        return;
    };
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir)
        && tmp.write_all(&bytes).is_ok()
    {
        let _ = tmp.persist(path);
    }
}
