//! The in-place staging of an incremental build and of `serve`: a few files of a
//! published site rewritten while it is being read.
//!
//! Each file is written to a temporary name and renamed over its old version only at
//! the end ([`InPlace::commit`]), all renames together: a reader never gets half a
//! page, and a render that fails half-way changes nothing. A file whose bytes did not
//! change is not written at all, which also saves its rename (ext4 makes a rename
//! over a file wait for the new data to reach the disk).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use super::{Tally, Writer};
use crate::output::os::{self, remove_path};
use crate::output::publish::Beside;
use crate::output::sink::{self, Sink, Stream, naming};

/// Writes into a published directory in place, renaming every file into place at
/// commit.
pub struct InPlace {
    /// The published directory.
    dir: PathBuf,
    /// What `commit` does, in order.
    pending: Mutex<Vec<Pending>>,
    /// Where files wait for their rename (see [`temporary`]), made at the first
    /// write; and a counter naming them.
    tmp_dir: Option<PathBuf>,
    tmp_made: OnceLock<io::Result<()>>,
    tmp_count: AtomicUsize,
    tally: Tally,
    committed: bool,
    /// An incremental build's: one build at a time per output.
    _lock: Option<fs::File>,
}

enum Pending {
    Rename(PathBuf, PathBuf),
    Remove(PathBuf),
}

impl InPlace {
    /// Writes into the existing directory `dir`, for `serve`, which rewrites a few
    /// pages of a site that is being read: each file is written beside its target and
    /// renamed over it by [`InPlace::commit`]; dropped without a commit, nothing
    /// changes.
    pub fn live(dir: &Path) -> InPlace {
        let tmp_dir = live_tmp_dir(dir);
        // What a killed build left there is of no use to anyone.
        if let Some(t) = &tmp_dir {
            let _ = remove_path(t);
        }
        InPlace {
            dir: dir.to_path_buf(),
            pending: Default::default(),
            tmp_dir,
            tmp_made: Default::default(),
            tmp_count: AtomicUsize::new(0),
            tally: Tally::default(),
            committed: false,
            _lock: None,
        }
    }

    /// Writes into the published output `target` in place, as [`InPlace::live`]
    /// does, holding the output's lock as a full build does: an incremental build,
    /// which renders a few pages of a large site. Nothing changes in `target` until
    /// [`InPlace::commit`].
    pub fn locked(target: &Path) -> io::Result<InPlace> {
        let lock = os::lock(&Beside::of(target)?.path("lock"))?;
        let mut staging = InPlace::live(target);
        staging._lock = lock;
        Ok(staging)
    }

    /// A temporary path for the write of `path` (see [`temporary`]).
    fn temporary(&self, path: &Path) -> io::Result<PathBuf> {
        if let Some(dir) = &self.tmp_dir
            && let Err(e) = self.tmp_made.get_or_init(|| fs::create_dir_all(dir))
        {
            return Err(io::Error::new(e.kind(), format!("{}: {e}", dir.display())));
        }
        let n = self.tmp_count.fetch_add(1, Ordering::Relaxed);
        Ok(temporary(self.tmp_dir.as_deref(), path, n))
    }

    fn defer(&self, p: Pending) {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(p);
    }

    /// The path of `rel`, with its directories made.
    fn prepare(&self, rel: &str) -> io::Result<PathBuf> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(path)
    }

    fn write_file(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let started = Instant::now();
        let path = self.prepare(rel)?;
        // Most files come out as they were published (the charts of a page whose
        // title changed): those are left as they are.
        let same = sink::unchanged(&path, bytes);
        if !same {
            let tmp = self.temporary(&path)?;
            fs::write(&tmp, bytes)?;
            self.defer(Pending::Rename(tmp, path));
        }
        self.tally.count(bytes.len() as u64, same);
        self.tally.time(started);
        Ok(())
    }

    fn open_stream(&self, rel: &str) -> io::Result<Stream> {
        let path = self.prepare(rel)?;
        let tmp = self.temporary(&path)?;
        let sink = Sink::Write(fs::File::create(&tmp)?);
        Ok(Stream::new(sink, rel, Some((tmp, path))))
    }

    /// Renames every written file into place and makes the removals.
    pub fn commit(mut self) -> io::Result<()> {
        let pending = std::mem::take(self.pending.get_mut().unwrap_or_else(|e| e.into_inner()));
        self.committed = true;
        for p in pending {
            match p {
                Pending::Rename(tmp, path) => {
                    if path.is_dir() {
                        fs::remove_dir_all(&path)?;
                    }
                    fs::rename(tmp, path)?
                }
                Pending::Remove(path) => {
                    remove_path(&path)?;
                    // And the directories it leaves empty, as a full build has
                    // none (`cities/<slug>/` of a removed place).
                    let mut dir = path.parent();
                    while let Some(d) = dir.filter(|d| d.starts_with(&self.dir)) {
                        if d == self.dir || fs::remove_dir(d).is_err() {
                            break;
                        }
                        dir = d.parent();
                    }
                }
            }
        }
        if let Some(t) = &self.tmp_dir {
            let _ = fs::remove_dir(t);
        }
        Ok(())
    }
}

impl Writer for InPlace {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_file(rel, bytes).map_err(naming(rel))
    }

    fn stream(&self, rel: &str) -> io::Result<Stream> {
        self.open_stream(rel).map_err(naming(rel))
    }

    fn finish(&self, s: Stream) -> io::Result<()> {
        let closed = s.close()?;
        if let Some((tmp, path)) = closed.rename {
            self.defer(Pending::Rename(tmp, path));
        }
        self.tally.count(closed.len, !closed.changed);
        Ok(())
    }

    /// On commit.
    fn remove(&self, rel: &str) -> io::Result<()> {
        self.defer(Pending::Remove(self.dir.join(rel)));
        Ok(())
    }

    fn dir(&self) -> &Path {
        &self.dir
    }

    fn tally(&self) -> &Tally {
        &self.tally
    }

    fn commit(self: Box<Self>) -> io::Result<()> {
        InPlace::commit(*self)
    }
}

impl Drop for InPlace {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
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
        if let Some(t) = &self.tmp_dir {
            let _ = fs::remove_dir(t);
        }
    }
}

/// The temporary name a live write goes to before its rename: beside the output
/// directory, in `.<output>.indicity-tmp/`, so that a build killed before its
/// renames leaves nothing in what is published (the next build clears it); beside
/// the file itself only when the output is a file system of its own, where a
/// rename from outside it cannot work.
fn temporary(tmp_dir: Option<&Path>, path: &Path, n: usize) -> PathBuf {
    match tmp_dir {
        Some(dir) => dir.join(format!("{n}.tmp")),
        None => {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".indicity-tmp");
            path.with_file_name(format!(".{}", name.to_string_lossy()))
        }
    }
}

/// Where the live writes into `dir` wait for their rename (see [`temporary`]), or
/// `None` when it cannot be outside `dir`.
fn live_tmp_dir(dir: &Path) -> Option<PathBuf> {
    let beside = Beside::of(dir).ok()?;
    if !os::same_device(beside.parent(), dir)? {
        return None;
    }
    Some(beside.path("indicity-tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_live_write_leaves_nothing_in_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        let s = InPlace::live(&out);
        s.write("index.html", b"new").unwrap();
        s.write("cities/x/index.html", b"new").unwrap();
        // Killed before its renames: no destructor runs (and a killed process
        // holds no lock).
        std::mem::forget(s);
        let in_output: Vec<_> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("indicity-tmp"))
            .collect();
        assert_eq!(in_output, Vec::<String>::new());
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"old");
        assert!(dir.path().join(".public.indicity-tmp").is_dir());
        // The next build clears what the killed one left, and a commit leaves no
        // temporary directory.
        let s = InPlace::locked(&out).unwrap();
        s.write("index.html", b"newer").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"newer");
        assert!(!dir.path().join(".public.indicity-tmp").exists());
    }
}
