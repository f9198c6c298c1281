//! The three ways a run stages its files, behind the one trait render writes through.
//!
//! A full build stages the whole site beside the output and swaps it in
//! ([`Recycling`]); an incremental build and `serve` rewrite a few files of the
//! output in place, each renamed over its old version at the end ([`InPlace`]).
//! Render does not know which: it writes files, and streams the large ones, through
//! [`Writer`], and the pipeline publishes or abandons what was written. Whatever the
//! mode, nothing changes in the published output before [`Writer::commit`], and a
//! writer dropped without it leaves the output as it was.

mod in_place;
mod recycling;

pub use in_place::InPlace;
pub use recycling::Recycling;

use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::sink::Stream;

/// Where a run's files go, whatever the staging mode: what render calls ([`write`],
/// [`stream`] and [`finish`]), and what the pipeline needs around it. Every method
/// but `commit` is safe to call from many threads at once.
///
/// [`write`]: Writer::write
/// [`stream`]: Writer::stream
/// [`finish`]: Writer::finish
pub trait Writer: Sync {
    /// Writes one file at `rel` (a `/`-separated path), creating its directories.
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;

    /// A file to stream into (for data files too large to build in memory); hand it
    /// back to [`Writer::finish`] when done.
    fn stream(&self, rel: &str) -> io::Result<Stream>;

    /// Ends a file made by [`Writer::stream`], and counts it.
    fn finish(&self, s: Stream) -> io::Result<()>;

    /// Removes the file or directory at `rel`, if there is one.
    fn remove(&self, rel: &str) -> io::Result<()>;

    /// Where the files are being written, to name it in errors.
    fn dir(&self) -> &Path;

    /// What has been written so far.
    fn tally(&self) -> &Tally;

    /// Publishes what was written.
    fn commit(self: Box<Self>) -> io::Result<()>;

    /// Copies the regular files under `src` for which `keep` (given the path relative
    /// to `src`) holds to `into` (a `/`-separated path, "" for the root). Symbolic
    /// links are not followed: the site never publishes what lies outside its sources.
    fn copy_tree_into(
        &self,
        src: &Path,
        into: &str,
        keep: &dyn Fn(&Path) -> bool,
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
}

/// The three staging modes, by what they are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A full build: staged beside the output, in the output the last build replaced,
    /// and swapped in ([`Recycling`]). One build at a time per output.
    Full,
    /// An incremental build: written into the output in place ([`InPlace::locked`]),
    /// holding the output's lock as a full build does.
    Incremental,
    /// `serve`: written into the served directory in place ([`InPlace::live`]).
    Live,
}

/// Starts writing the output `target` as `mode` says. Fails when the staging
/// directory cannot be made, or another build is writing the same output.
pub fn open(mode: Mode, target: &Path) -> io::Result<Box<dyn Writer>> {
    Ok(match mode {
        Mode::Full => Box::new(Recycling::create(target)?),
        Mode::Incremental => Box::new(InPlace::locked(target)?),
        Mode::Live => Box::new(InPlace::live(target)),
    })
}

/// What a writer has written: files, bytes, those it did not have to write, and the
/// time it took, summed over threads (for `build --timings`).
#[derive(Default)]
pub struct Tally {
    files: AtomicUsize,
    bytes: AtomicU64,
    unchanged: AtomicUsize,
    write_nanos: AtomicU64,
}

impl Tally {
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Files written with the bytes they already had (and so not written).
    pub fn unchanged(&self) -> usize {
        self.unchanged.load(Ordering::Relaxed)
    }

    /// Time spent in [`Writer::write`], summed over threads.
    pub fn write_time(&self) -> Duration {
        Duration::from_nanos(self.write_nanos.load(Ordering::Relaxed))
    }

    /// Counts a file of `len` bytes, `unchanged` when it was already published.
    fn count(&self, len: u64, unchanged: bool) {
        if unchanged {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
    }

    /// Adds the time since `started` to the time spent writing.
    fn time(&self, started: Instant) {
        self.write_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }
}
