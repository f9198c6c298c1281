//! Write: the site goes into a staging directory next to the output, and replaces the
//! output only once every file is written.
//!
//! A build that fails half-way, or a reader loading a page while the site is being
//! rebuilt, must never see a mix of old and new files or an empty site. On Linux the
//! swap is one `renameat2(RENAME_EXCHANGE)`, atomic for readers; elsewhere two renames.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// A directory being filled with the next version of the site.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    files: AtomicUsize,
    bytes: AtomicU64,
    /// Time spent writing, summed over threads, for `build --timings`.
    write_nanos: AtomicU64,
    committed: bool,
    /// Writing into a served directory (`serve`): files go to temporary names beside
    /// their targets, and [`Staging::commit`] renames them all into place, so a reader
    /// never gets half a page and a failed render changes nothing.
    live: bool,
    /// Live mode: what `commit` does, in order.
    pending: std::sync::Mutex<Vec<Pending>>,
}

enum Pending {
    Rename(PathBuf, PathBuf),
    Remove(PathBuf),
}

/// A file being streamed into the output; see [`Staging::stream`].
pub struct Stream {
    w: io::BufWriter<fs::File>,
    /// In live mode, the temporary file and the path it is renamed to when finished.
    rename: Option<(PathBuf, PathBuf)>,
}

impl io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.w.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.w.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// The temporary name a live write goes to before its rename.
fn temporary(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".indicity-tmp");
    path.with_file_name(format!(".{}", name.to_string_lossy()))
}

impl Staging {
    /// Starts a fresh staging directory beside `target` (removing a stale one left by a
    /// killed build).
    pub fn create(target: &Path) -> io::Result<Staging> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "output has no name"))?
            .to_string_lossy();
        let dir = parent.join(format!(".{name}.staging"));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            write_nanos: AtomicU64::new(0),
            committed: false,
            live: false,
            pending: Default::default(),
        })
    }

    /// Writes into the existing directory `dir`, for `serve`, which rewrites a few
    /// pages of a site that is being read: each file is written beside its target and
    /// renamed over it by [`Staging::commit`]; dropped without a commit, nothing
    /// changes.
    pub fn live(dir: &Path) -> Staging {
        Staging {
            dir: dir.to_path_buf(),
            target: dir.to_path_buf(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            write_nanos: AtomicU64::new(0),
            committed: false,
            live: true,
            pending: Default::default(),
        }
    }

    fn defer(&self, p: Pending) {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(p);
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one file at `rel` (a `/`-separated path), creating its directories.
    /// Safe to call from many threads at once.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let started = std::time::Instant::now();
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        if self.live {
            // Most files a rebuild renders come out as they were (the charts of a page
            // whose title changed); leaving those alone saves a rename, which ext4
            // makes wait for the data to reach the disk.
            if fs::read(&path).is_ok_and(|old| old == bytes) {
                return Ok(());
            }
            let tmp = temporary(&path);
            fs::write(&tmp, bytes)?;
            self.defer(Pending::Rename(tmp, path));
        } else {
            fs::write(&path, bytes)?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.write_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// A file to stream into (for data files too large to build in memory); hand it
    /// back to [`Staging::finish`] when done.
    pub fn stream(&self, rel: &str) -> io::Result<Stream> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let (open, rename) = if self.live {
            let tmp = temporary(&path);
            (tmp.clone(), Some((tmp, path)))
        } else {
            (path, None)
        };
        Ok(Stream {
            w: io::BufWriter::with_capacity(1 << 16, fs::File::create(open)?),
            rename,
        })
    }

    /// Flushes a file made by [`Staging::stream`] and counts it.
    pub fn finish(&self, s: Stream) -> io::Result<()> {
        let file = s.w.into_inner().map_err(|e| e.into_error())?;
        let len = file.metadata()?.len();
        drop(file);
        if let Some((tmp, path)) = s.rename {
            self.defer(Pending::Rename(tmp, path));
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
        Ok(())
    }

    /// Time spent in [`Staging::write`], summed over threads.
    pub fn write_time(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(self.write_nanos.load(Ordering::Relaxed))
    }

    /// Removes the file or directory at `rel`, if there is one (live mode: on commit).
    pub fn remove(&self, rel: &str) -> io::Result<()> {
        let path = self.dir.join(rel);
        if self.live {
            self.defer(Pending::Remove(path));
            Ok(())
        } else {
            remove_path(&path)
        }
    }

    /// Copies the regular files under `src` for which `keep` (given the path relative
    /// to `src`) holds to `into` (a `/`-separated path, "" for the root). Symbolic
    /// links are not followed: the site never publishes what lies outside its sources.
    pub fn copy_tree_into(
        &self,
        src: &Path,
        into: &str,
        keep: fn(&Path) -> bool,
    ) -> io::Result<()> {
        if !src.is_dir() {
            return Ok(());
        }
        for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
            let entry = entry.map_err(io::Error::other)?;
            let rel = entry.path().strip_prefix(src).map_err(io::Error::other)?;
            if !entry.file_type().is_file() || !keep(rel) {
                continue;
            }
            let rel = rel.to_string_lossy().replace('\\', "/");
            let rel = if into.is_empty() {
                rel
            } else {
                format!("{}/{rel}", into.trim_end_matches('/'))
            };
            self.write(&rel, &fs::read(entry.path())?)?;
        }
        Ok(())
    }

    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Puts the staged site in place of the target and removes the old one (live
    /// mode: renames every written file into place and makes the removals).
    pub fn commit(mut self) -> io::Result<()> {
        if self.live {
            let pending =
                std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
            self.committed = true;
            for p in pending {
                match p {
                    Pending::Rename(tmp, path) => {
                        if path.is_dir() {
                            fs::remove_dir_all(&path)?;
                        }
                        fs::rename(tmp, path)?
                    }
                    Pending::Remove(path) => remove_path(&path)?,
                }
            }
            return Ok(());
        }
        if !self.target.exists() {
            fs::rename(&self.dir, &self.target)?;
        } else if exchange(&self.dir, &self.target).is_ok() {
            // The old site is now at the staging path.
            remove_tree(&self.dir)?;
        } else {
            let old = self.dir.with_extension("old");
            if old.exists() {
                fs::remove_dir_all(&old)?;
            }
            fs::rename(&self.target, &old)?;
            if let Err(e) = fs::rename(&self.dir, &self.target) {
                fs::rename(&old, &self.target)?;
                return Err(e);
            }
            fs::remove_dir_all(&old)?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        if self.live {
            for p in self
                .pending
                .get_mut()
                .unwrap_or_else(|e| e.into_inner())
                .drain(..)
            {
                if let Pending::Rename(tmp, _) = p {
                    let _ = fs::remove_file(tmp);
                }
            }
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes a file or a directory tree; nothing there is not an error.
fn remove_path(path: &Path) -> io::Result<()> {
    let result = match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes a directory tree, unlinking its files on every core: a large site is tens
/// of thousands of files, and removing them one by one took as long as building them.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    files.par_iter().try_for_each(fs::remove_file)?;
    fs::remove_dir_all(dir)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("old.html"), "old").unwrap();

        let s = Staging::create(&out).unwrap();
        s.write("a/b/index.html", b"new").unwrap();
        drop(s);
        assert!(
            out.join("old.html").exists(),
            "an abandoned build touched the output"
        );
        assert!(!tmp.path().join(".public.staging").exists());

        let s = Staging::create(&out).unwrap();
        s.write("a/b/index.html", b"new").unwrap();
        assert_eq!((s.files(), s.bytes()), (1, 3));
        s.commit().unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(
            fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            "new"
        );
        assert!(!tmp.path().join(".public.staging").exists());
    }
}
