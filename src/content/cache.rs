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
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use serde::de::DeserializeOwned;
use xxhash_rust::xxh3::Xxh3;

use crate::cache::{Caching, dir, load, store, tool_id};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::CACHE_DIR;

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
        assert_eq!(crate::cache::dir(dir.path(), "places"), None);
        let cache = PlaceCache::open(dir.path(), Caching::On);
        cache.put("k1", &1);
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
