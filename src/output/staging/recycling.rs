//! The full build's staging: the whole site written beside the output, in the output
//! the last build replaced, and swapped in at the end.
//!
//! Recycling the replaced output, rather than staging in a new directory, is what
//! makes a full build of a large site cheap (see [`crate::output`]): a file whose
//! bytes did not change becomes a hard link to the published one, a changed file is
//! written as a new file, and what this build did not produce is removed before the
//! swap.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use super::{Tally, Writer};
use crate::output::os::{self, ignore_missing, remove_path, remove_tree};
use crate::output::publish::{Beside, MARKER, MARKER_TEXT};
use crate::output::sink::{self, Sink, Stream, naming};

/// A directory being filled with the next version of the site, beside the output.
pub struct Recycling {
    /// The staging directory.
    dir: PathBuf,
    /// The output it replaces at commit.
    target: PathBuf,
    /// Where the replaced output is kept between builds, to be recycled by the next.
    keep_at: PathBuf,
    /// What the recycled directory held when the build started: its files, and its
    /// directories with their contents first. Those not produced again go at commit.
    old_files: Vec<PathBuf>,
    old_dirs: Vec<PathBuf>,
    /// The files this build produced.
    produced: Mutex<HashSet<PathBuf>>,
    tally: Tally,
    committed: bool,
    /// Held until the build ends: one build at a time per output.
    _lock: Option<fs::File>,
}

impl Recycling {
    /// Starts staging beside `target`: in the output the last build replaced, if it
    /// kept one (or in the staging directory of a build that was killed), else in a
    /// new directory. Fails when another build is writing the same output.
    pub fn create(target: &Path) -> io::Result<Recycling> {
        let beside = Beside::of(target)?;
        fs::create_dir_all(beside.parent())?;
        let lock = os::lock(&beside.path("lock"))?;
        let dir = beside.path("staging");
        let keep_at = beside.path("previous");
        let reusable = |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
        if reusable(&dir) {
            // A killed build's: recycled, and the older output it came from is not
            // needed any more.
            remove_tree(&keep_at).or_else(ignore_missing)?;
        } else {
            remove_path(&dir)?;
            if reusable(&keep_at) {
                fs::rename(&keep_at, &dir)?;
            } else {
                remove_path(&keep_at)?;
                fs::create_dir(&dir)?;
            }
        }
        // What the recycled directory holds. Symbolic links go now: a write must never
        // follow one out of the output.
        let (mut old_files, mut old_dirs) = (Vec::new(), Vec::new());
        for entry in walkdir::WalkDir::new(&dir)
            .min_depth(1)
            .contents_first(true)
        {
            let entry = entry.map_err(io::Error::other)?;
            let kind = entry.file_type();
            if kind.is_symlink() {
                fs::remove_file(entry.path())?;
            } else if kind.is_dir() {
                old_dirs.push(entry.into_path());
            } else {
                old_files.push(entry.into_path());
            }
        }
        Ok(Recycling {
            dir,
            target: target.to_path_buf(),
            keep_at,
            old_files,
            old_dirs,
            produced: Default::default(),
            tally: Tally::default(),
            committed: false,
            _lock: lock,
        })
    }

    fn write_file(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let started = Instant::now();
        let path = self.prepare(rel)?;
        // Nearly every file of a build comes out as it was published: those are
        // linked to the published file, not written again.
        let published = self.target.join(rel);
        let same = sink::unchanged(&published, bytes);
        if same {
            sink::link_published(&published, &path)?;
        } else {
            // A new file, never the old one written over: the old may be a link to a
            // published file.
            remove_path(&path)?;
            fs::write(&path, bytes)?;
        }
        self.tally.count(bytes.len() as u64, same);
        self.tally.time(started);
        Ok(())
    }

    /// The path of `rel`, with its directories made, and nothing in the way: in a
    /// recycled output a page may sit where a directory now goes, or the reverse.
    fn prepare(&self, rel: &str) -> io::Result<PathBuf> {
        let path = self.dir.join(rel);
        self.produced
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.clone());
        if let Some(parent) = path.parent()
            && fs::create_dir_all(parent).is_err()
        {
            // A file where a directory goes: remove it, then try again. (Another
            // thread may be doing the same.)
            let mut at = self.dir.clone();
            for part in Path::new(rel)
                .parent()
                .into_iter()
                .flat_map(Path::components)
            {
                at.push(part);
                if fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
                    fs::remove_file(&at).or_else(ignore_missing)?;
                }
            }
            fs::create_dir_all(parent)?;
        }
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            remove_path(&path)?;
        }
        Ok(path)
    }

    fn open_stream(&self, rel: &str) -> io::Result<Stream> {
        let path = self.prepare(rel)?;
        let published = self.target.join(rel);
        let sink = match fs::File::open(&published) {
            Ok(file) if file.metadata()?.is_file() => Sink::compare(file, published, path),
            _ => {
                remove_path(&path)?;
                Sink::Write(fs::File::create(&path)?)
            }
        };
        Ok(Stream::new(sink, rel, None))
    }

    /// Puts the staged site in place of the target, and keeps the old one where the
    /// next build stages.
    pub fn commit(mut self) -> io::Result<()> {
        self.write(MARKER, MARKER_TEXT.as_bytes())?;
        let produced = std::mem::take(self.produced.get_mut().unwrap_or_else(|e| e.into_inner()));
        remove_stale(&self.old_files, &self.old_dirs, &produced)?;
        if !self.target.exists() {
            fs::rename(&self.dir, &self.target)?;
        } else if os::exchange(&self.dir, &self.target).is_ok() {
            // The new site is live. The old one is now at the staging path, kept for
            // the next build; if it cannot move on, the next build recycles it where
            // it is, as it would a killed build's, so the build has not failed.
            self.committed = true;
            let _ = fs::rename(&self.dir, &self.keep_at);
            return Ok(());
        } else {
            remove_path(&self.keep_at)?;
            fs::rename(&self.target, &self.keep_at)?;
            if let Err(e) = fs::rename(&self.dir, &self.target) {
                fs::rename(&self.keep_at, &self.target)?;
                return Err(e);
            }
        }
        self.committed = true;
        Ok(())
    }
}

impl Writer for Recycling {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_file(rel, bytes).map_err(naming(rel))
    }

    fn stream(&self, rel: &str) -> io::Result<Stream> {
        self.open_stream(rel).map_err(naming(rel))
    }

    fn finish(&self, s: Stream) -> io::Result<()> {
        let closed = s.close()?;
        self.tally.count(closed.len, !closed.changed);
        Ok(())
    }

    fn remove(&self, rel: &str) -> io::Result<()> {
        remove_path(&self.dir.join(rel))
    }

    fn dir(&self) -> &Path {
        &self.dir
    }

    fn tally(&self) -> &Tally {
        &self.tally
    }

    fn commit(self: Box<Self>) -> io::Result<()> {
        Recycling::commit(*self)
    }
}

impl Drop for Recycling {
    fn drop(&mut self) {
        if !self.committed {
            // Half updated, but still worth recycling: the next build compares every
            // file it writes with the published output, and removes what it does not
            // produce.
            let _ = fs::rename(&self.dir, &self.keep_at);
        }
    }
}

/// Removes from a recycled output the files this build did not produce, and the
/// directories left empty (`dirs` lists contents first).
fn remove_stale(
    files: &[PathBuf],
    dirs: &[PathBuf],
    produced: &HashSet<PathBuf>,
) -> io::Result<()> {
    // Gone already (NotFound), or under a directory that became a file.
    let gone = |e: &io::Error| {
        matches!(
            e.kind(),
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
        )
    };
    for f in files.iter().filter(|f| !produced.contains(*f)) {
        match fs::remove_file(f) {
            Err(e) if gone(&e) => {}
            other => other?,
        }
    }
    for d in dirs {
        // One call each, no listing: it fails on a directory still in use.
        match fs::remove_dir(d) {
            Err(e) if gone(&e) || e.kind() == io::ErrorKind::DirectoryNotEmpty => {}
            other => other?,
        }
    }
    Ok(())
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

        let s = Recycling::create(&out).unwrap();
        s.write("a/b/index.html", b"new").unwrap();
        drop(s);
        assert!(
            out.join("old.html").exists(),
            "an abandoned build touched the output"
        );
        assert!(!tmp.path().join(".public.staging").exists());

        let s = Recycling::create(&out).unwrap();
        s.write("a/b/index.html", b"new").unwrap();
        assert_eq!((s.tally().files(), s.tally().bytes()), (1, 3));
        s.commit().unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(
            fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            "new"
        );
        assert!(!tmp.path().join(".public.staging").exists());
    }

    /// Linux only: elsewhere the swap is two renames, which clear the way first.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_live_new_site_is_a_success_even_if_the_old_one_cannot_be_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        let s = Recycling::create(&out).unwrap();
        s.write("index.html", b"new").unwrap();
        // Something took the place where the replaced output is kept: a directory
        // that is not empty cannot be renamed over.
        let previous = tmp.path().join(".public.previous");
        fs::create_dir_all(previous.join("squatter")).unwrap();
        s.commit()
            .expect("the new site is published, so the build succeeded");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
        // The old output waits at the staging path, and the next build recycles it.
        let staging = tmp.path().join(".public.staging");
        assert_eq!(
            fs::read_to_string(staging.join("index.html")).unwrap(),
            "old"
        );
        let s = Recycling::create(&out).unwrap();
        s.write("index.html", b"newer").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "newer");
        assert_eq!(
            fs::read_to_string(previous.join("index.html")).unwrap(),
            "new"
        );
        assert!(!staging.exists());
    }

    /// The files of an output but its marker.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file() && e.file_name() != MARKER)
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                (rel, fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    fn stream(s: &Recycling, rel: &str, text: &str) {
        use std::io::Write;
        let mut w = s.stream(rel).unwrap();
        // In pieces, as the CSV writer writes.
        for piece in text.as_bytes().chunks(3) {
            w.write_all(piece).unwrap();
        }
        s.finish(w).unwrap();
    }

    #[test]
    #[cfg(unix)]
    fn a_recycled_output_ends_exactly_as_the_new_build() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let previous = tmp.path().join(".public.previous");
        let build = |files: &[(&str, &str)], data: &str| {
            let s = Recycling::create(&out).unwrap();
            for (rel, text) in files {
                s.write(rel, text.as_bytes()).unwrap();
            }
            stream(&s, "data/all.csv", data);
            let unchanged = s.tally().unchanged();
            s.commit().unwrap_or_else(|e| panic!("{files:?}: {e}"));
            unchanged
        };
        build(
            &[
                ("a/index.html", "1"),
                ("f", "a file"),
                ("stale/x.html", "s"),
            ],
            "a,b\n1,2\n3,4\n",
        );
        build(
            &[("a/index.html", "2"), ("f/index.html", "now a directory")],
            "a,b\n1,2\n",
        );
        assert!(previous.is_dir(), "the replaced output is kept");
        assert_eq!(fs::read_to_string(out.join(MARKER)).unwrap(), MARKER_TEXT);
        // Staged in the first build's output: a directory where a file was, the file
        // where a directory was, a shorter and a longer data file, stale files.
        build(
            &[("a/index.html", "3"), ("f", "a file again")],
            "a,b\n1,2\n3,4\n5,6\n",
        );
        assert_eq!(
            tree(&out),
            [
                ("a/index.html".into(), "3".into()),
                ("data/all.csv".into(), "a,b\n1,2\n3,4\n5,6\n".into()),
                ("f".into(), "a file again".into()),
            ]
        );
        assert_eq!(
            tree(&previous),
            [
                ("a/index.html".into(), "2".into()),
                ("data/all.csv".into(), "a,b\n1,2\n".into()),
                ("f/index.html".into(), "now a directory".into()),
            ]
        );
        assert!(!tmp.path().join("public/stale").exists());

        // The same site again: nothing is written, and the files keep their inodes
        // and modification times.
        let published = |rel: &str| fs::metadata(out.join(rel)).unwrap();
        let (inode, mtime) = (published("f").ino(), published("f").modified().unwrap());
        let unchanged = build(
            &[("a/index.html", "3"), ("f", "a file again")],
            "a,b\n1,2\n3,4\n5,6\n",
        );
        assert_eq!(unchanged, 3);
        assert_eq!(published("f").ino(), inode);
        assert_eq!(published("f").modified().unwrap(), mtime);

        // A file that changes and then changes back is new each time: a deploy tool
        // comparing sizes and times must see both changes.
        std::thread::sleep(std::time::Duration::from_millis(20));
        build(
            &[("a/index.html", "4"), ("f", "a file again")],
            "a,b\n1,2\n3,4\n5,6\n",
        );
        let changed = published("a/index.html").modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        build(
            &[("a/index.html", "3"), ("f", "a file again")],
            "a,b\n1,2\n3,4\n5,6\n",
        );
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "3");
        assert!(published("a/index.html").modified().unwrap() > changed);

        // No published file is ever written to: a snapshot made of hard links (a
        // deploy's `cp -al`) keeps its bytes through any number of builds.
        let snapshot = tmp.path().join("snapshot");
        for (rel, _) in tree(&out) {
            let to = snapshot.join(&rel);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::hard_link(out.join(&rel), to).unwrap();
        }
        let before = tree(&snapshot);
        for n in ["5", "6", "7"] {
            build(&[("a/index.html", n), ("f", n)], n);
        }
        assert_eq!(tree(&snapshot), before);

        // A symbolic link in the recycled output is not followed.
        let outside = tmp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::remove_dir_all(previous.join("data")).unwrap();
        std::os::unix::fs::symlink(&outside, previous.join("data")).unwrap();
        build(&[("a/index.html", "8")], "8");
        assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
        assert_eq!(fs::read_to_string(out.join("data/all.csv")).unwrap(), "8");

        // A failed build leaves the output alone and its staging for the next one.
        let before = tree(&out);
        let s = Recycling::create(&out).unwrap();
        s.write("a/index.html", b"half").unwrap();
        drop(s);
        assert_eq!(tree(&out), before);
        assert!(previous.is_dir() && !tmp.path().join(".public.staging").exists());
        build(&[("a/index.html", "9")], "");
        assert_eq!(
            tree(&out),
            [
                ("a/index.html".into(), "9".into()),
                ("data/all.csv".into(), "".into())
            ]
        );

        // One build at a time per output.
        let s = Recycling::create(&out).unwrap();
        let second = Recycling::create(&out)
            .err()
            .expect("a second build started");
        assert_eq!(second.kind(), io::ErrorKind::WouldBlock);
        drop(s);
        Recycling::create(&out).unwrap();
    }
}
