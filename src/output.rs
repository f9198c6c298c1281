//! Write: the site goes into a staging directory next to the output, and replaces the
//! output only once every file is written.
//!
//! A build that fails half-way, or a reader loading a page while the site is being
//! rebuilt, must never see a mix of old and new files or an empty site. On Linux the
//! swap is one `renameat2(RENAME_EXCHANGE)`, atomic for readers; elsewhere two renames.
//!
//! The output it replaces is not deleted: it is kept beside the output (`.public.previous`
//! for `public/`) and the next build is staged in it. A file whose bytes are the same as
//! in the published output becomes a hard link to the published file; a changed file is
//! written as a new file; files no longer produced are removed. Deleting and recreating
//! tens of thousands of files cost more than rendering them: ext4 without a journal
//! scans past every recently deleted inode when it allocates one (`recently_deleted`
//! was 35 % of a build's profile at 3,000 places), and unchanged files written again
//! are gigabytes of needless writes.
//!
//! Three properties follow, and the tests hold them: an unchanged file keeps its inode
//! and modification time, so `rsync` and other deploy tools send only what changed; a
//! changed file gets a new modification time even when it returns to an older content;
//! and no file of a published output is ever written to, so a reader with a file open,
//! or a snapshot made with hard links (`cp -al`), never sees a file change.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The file every output holds at its root, so that a build knows a directory it may
/// replace from one it must not (`--output notes/` must never destroy notes).
pub const MARKER: &str = ".indicity-output";
const MARKER_TEXT: &str =
    "This directory is written by `indicity build`; every build replaces all of it.\n";

/// Where a build with output `output` publishes, or why it must not.
///
/// A symbolic link (a `public` linked to a web root) is published through: the
/// directory it points to is what gets replaced, and the link stays. What is there
/// must be a previous output (it holds [`MARKER`], or was left by a version that kept
/// `.<name>.lock` beside it), an empty directory, or nothing, unless `force`.
pub fn published_path(output: &Path, force: bool) -> Result<PathBuf, String> {
    let target = match fs::symlink_metadata(output) {
        Ok(m) if m.file_type().is_symlink() => match fs::canonicalize(output) {
            Ok(real) => real,
            Err(e) => {
                return Err(format!(
                    "{} is a symbolic link to nothing that can be published through ({e}); point it at a directory, or remove it",
                    output.display()
                ));
            }
        },
        _ => output.to_path_buf(),
    };
    if force {
        return Ok(target);
    }
    let meta = match fs::metadata(&target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(target),
        Err(e) => {
            return Err(format!(
                "cannot use {} as the output: {e}",
                target.display()
            ));
        }
    };
    let refuse = |what: &str| {
        Err(format!(
            "refusing to replace {}: it {what}, and every build replaces its output entirely; choose another --output, or pass --force to replace it",
            target.display()
        ))
    };
    if !meta.is_dir() {
        return refuse("is a file, not a site built by indicity");
    }
    let ours = target.join(MARKER).is_file()
        || sibling(&target, "lock").is_some_and(|p| p.exists())
        || fs::read_dir(&target).is_ok_and(|mut d| d.next().is_none());
    if ours {
        Ok(target)
    } else {
        refuse("is a directory that indicity did not write (it has no .indicity-output file)")
    }
}

/// `.<name>.<what>` beside `target`.
fn sibling(target: &Path, what: &str) -> Option<PathBuf> {
    let name = target.file_name()?.to_string_lossy();
    Some(target.with_file_name(format!(".{name}.{what}")))
}

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
    /// Live mode: where files wait for their rename (see [`temporary`]), made at the
    /// first write; and a counter naming them.
    tmp_dir: Option<PathBuf>,
    tmp_made: std::sync::OnceLock<io::Result<()>>,
    tmp_count: AtomicUsize,
    /// Staged in a previous output: where it is kept between builds, and the files
    /// this build produced (the others are stale and go at commit).
    recycled: Option<Recycled>,
    /// Files whose bytes were already published.
    unchanged: AtomicUsize,
    /// Held until the build ends: one build at a time per output.
    _lock: Option<fs::File>,
}

struct Recycled {
    keep_at: PathBuf,
    /// What the recycled directory held when the build started: its files, and its
    /// directories with their contents first. Those not produced again go at commit.
    old_files: Vec<PathBuf>,
    old_dirs: Vec<PathBuf>,
    produced: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

enum Pending {
    Rename(PathBuf, PathBuf),
    Remove(PathBuf),
}

/// A file being streamed into the output; see [`Staging::stream`].
pub struct Stream {
    w: io::BufWriter<Sink>,
    /// Its path in the output, for errors.
    rel: String,
    /// In live mode, the temporary file and the path it is renamed to when finished.
    rename: Option<(PathBuf, PathBuf)>,
}

impl io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.w.write(buf).map_err(naming(&self.rel))
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.w.write_all(buf).map_err(naming(&self.rel))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush().map_err(naming(&self.rel))
    }
}

/// Where a stream's bytes go: compared with the published file as long as they are the
/// same (nothing is written), then into a new file at `path`, which starts with the
/// bytes the two had in common.
enum Sink {
    Same {
        published: fs::File,
        published_path: PathBuf,
        path: PathBuf,
        pos: u64,
        scratch: Vec<u8>,
    },
    Write(fs::File),
}

impl Sink {
    /// Leaves comparing: the new file, with the common bytes copied from the published.
    fn diverge(&mut self) -> io::Result<&mut fs::File> {
        if let Sink::Same {
            published,
            path,
            pos,
            ..
        } = self
        {
            remove_path(path)?;
            let mut file = fs::File::create(&*path)?;
            io::copy(&mut io::Read::take(&mut *published, *pos), &mut file)?;
            *self = Sink::Write(file);
        }
        match self {
            Sink::Write(f) => Ok(f),
            Sink::Same { .. } => unreachable!("diverged above"),
        }
    }

    /// Ends the file; returns its length and whether it differs from the published.
    fn finish(mut self) -> io::Result<(u64, bool)> {
        if let Sink::Same {
            published,
            published_path,
            path,
            pos,
            ..
        } = &self
        {
            if published.metadata()?.len() == *pos {
                link_published(published_path, path)?;
                return Ok((*pos, false));
            }
            // The new file is a prefix of the published one.
            self.diverge()?;
        }
        match self {
            Sink::Write(f) => Ok((f.metadata()?.len(), true)),
            Sink::Same { .. } => unreachable!("diverged above"),
        }
    }
}

impl io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Sink::Same {
            published,
            pos,
            scratch,
            ..
        } = self
        {
            scratch.resize(buf.len(), 0);
            let n = read_at(published, scratch, *pos)?;
            if n == buf.len() && scratch[..] == *buf {
                *pos += buf.len() as u64;
                return Ok(buf.len());
            }
            // `io::copy` in `diverge` reads the published file from its start.
            io::Seek::seek(published, io::SeekFrom::Start(0))?;
        }
        self.diverge()?.write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Puts a hard link to the published file at `path` (a staged file already linked to
/// it stays as it is). Where hard links are not possible, a copy.
fn link_published(published: &Path, path: &Path) -> io::Result<()> {
    if let (Ok(a), Ok(b)) = (fs::metadata(published), fs::symlink_metadata(path))
        && same_file(&a, &b)
    {
        return Ok(());
    }
    remove_path(path)?;
    if fs::hard_link(published, path).is_err() {
        fs::copy(published, path)?;
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}

/// Reads up to `buf.len()` bytes at `offset`; fewer only at the end of the file.
#[cfg(unix)]
fn read_at(file: &fs::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    let mut n = 0;
    while n < buf.len() {
        match file.read_at(&mut buf[n..], offset + n as u64)? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[cfg(not(unix))]
fn read_at(_: &fs::File, _: &mut [u8], _: u64) -> io::Result<usize> {
    Ok(0)
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
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dir.file_name()?.to_string_lossy().into_owned();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if fs::metadata(&parent).ok()?.dev() != fs::metadata(dir).ok()?.dev() {
            return None;
        }
    }
    Some(parent.join(format!(".{name}.indicity-tmp")))
}

impl Staging {
    /// Starts staging beside `target`: in the output the last build replaced, if it
    /// kept one (or in the staging directory of a build that was killed), else in a
    /// new directory. Fails when another build is writing the same output.
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
        let lock = lock(&parent.join(format!(".{name}.lock")))?;
        let dir = parent.join(format!(".{name}.staging"));
        let keep_at = parent.join(format!(".{name}.previous"));
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
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            write_nanos: AtomicU64::new(0),
            committed: false,
            live: false,
            pending: Default::default(),
            tmp_dir: None,
            tmp_made: Default::default(),
            tmp_count: AtomicUsize::new(0),
            recycled: Some(Recycled {
                keep_at,
                old_files,
                old_dirs,
                produced: Default::default(),
            }),
            unchanged: AtomicUsize::new(0),
            _lock: lock,
        })
    }

    /// Writes into the existing directory `dir`, for `serve`, which rewrites a few
    /// pages of a site that is being read: each file is written beside its target and
    /// renamed over it by [`Staging::commit`]; dropped without a commit, nothing
    /// changes.
    pub fn live(dir: &Path) -> Staging {
        let tmp_dir = live_tmp_dir(dir);
        // What a killed build left there is of no use to anyone.
        if let Some(t) = &tmp_dir {
            let _ = remove_path(t);
        }
        Staging {
            tmp_dir,
            tmp_made: Default::default(),
            tmp_count: AtomicUsize::new(0),
            dir: dir.to_path_buf(),
            target: dir.to_path_buf(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            write_nanos: AtomicU64::new(0),
            committed: false,
            live: true,
            pending: Default::default(),
            recycled: None,
            unchanged: AtomicUsize::new(0),
            _lock: None,
        }
    }

    /// Writes into the published output `target` in place, as [`Staging::live`]
    /// does, holding the output's lock as [`Staging::create`] does: an incremental
    /// build, which renders a few pages of a large site. Nothing changes in `target`
    /// until [`Staging::commit`].
    pub fn in_place(target: &Path) -> io::Result<Staging> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "output has no name"))?
            .to_string_lossy();
        let lock = lock(&parent.join(format!(".{name}.lock")))?;
        let mut staging = Staging::live(target);
        staging._lock = lock;
        Ok(staging)
    }

    /// A temporary path for the live write of `path` (see [`temporary`]).
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

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one file at `rel` (a `/`-separated path), creating its directories.
    /// Safe to call from many threads at once.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_file(rel, bytes).map_err(naming(rel))
    }

    fn write_file(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let started = std::time::Instant::now();
        let path = self.prepare(rel)?;
        // Most files come out as they were published: in `serve`, the charts of a
        // page whose title changed; in `build`, nearly every file. Those are not
        // written again (in `serve` that also saves a rename, which ext4 makes wait
        // for the data to reach the disk).
        let published = self.target.join(rel);
        let same = fs::metadata(&published)
            .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && fs::read(&published).is_ok_and(|old| old == bytes);
        if same {
            if !self.live {
                link_published(&published, &path)?;
            }
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        } else if self.live {
            let tmp = self.temporary(&path)?;
            fs::write(&tmp, bytes)?;
            self.defer(Pending::Rename(tmp, path));
        } else {
            // A new file, never the old one written over: the old may be a link to a
            // published file.
            remove_path(&path)?;
            fs::write(&path, bytes)?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.write_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// The path of `rel`, with its directories made, and nothing in the way: in a
    /// recycled output a page may sit where a directory now goes, or the reverse.
    fn prepare(&self, rel: &str) -> io::Result<PathBuf> {
        let path = self.dir.join(rel);
        if let Some(r) = &self.recycled {
            r.produced
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.clone());
        }
        if let Some(parent) = path.parent()
            && let Err(e) = fs::create_dir_all(parent)
        {
            if self.live {
                return Err(e);
            }
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
        if !self.live && fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            remove_path(&path)?;
        }
        Ok(path)
    }

    /// A file to stream into (for data files too large to build in memory); hand it
    /// back to [`Staging::finish`] when done.
    pub fn stream(&self, rel: &str) -> io::Result<Stream> {
        self.open_stream(rel).map_err(naming(rel))
    }

    fn open_stream(&self, rel: &str) -> io::Result<Stream> {
        let path = self.prepare(rel)?;
        let published = self.target.join(rel);
        let (sink, rename) = if self.live {
            let tmp = self.temporary(&path)?;
            (Sink::Write(fs::File::create(&tmp)?), Some((tmp, path)))
        } else {
            let sink = match fs::File::open(&published) {
                Ok(file) if file.metadata()?.is_file() => Sink::Same {
                    published: file,
                    published_path: published,
                    path,
                    pos: 0,
                    scratch: Vec::new(),
                },
                _ => {
                    remove_path(&path)?;
                    Sink::Write(fs::File::create(&path)?)
                }
            };
            (sink, None)
        };
        Ok(Stream {
            w: io::BufWriter::with_capacity(1 << 16, sink),
            rel: rel.to_string(),
            rename,
        })
    }

    /// Flushes a file made by [`Staging::stream`] and counts it.
    pub fn finish(&self, s: Stream) -> io::Result<()> {
        let (len, changed) =
            s.w.into_inner()
                .map_err(|e| e.into_error())
                .and_then(Sink::finish)
                .map_err(naming(&s.rel))?;
        if let Some((tmp, path)) = s.rename {
            self.defer(Pending::Rename(tmp, path));
        }
        if !changed {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
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
        keep: impl Fn(&Path) -> bool,
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

    /// Files written with the bytes they already had (and so not written).
    pub fn unchanged(&self) -> usize {
        self.unchanged.load(Ordering::Relaxed)
    }

    /// Puts the staged site in place of the target and keeps the old one, where the
    /// next build stages (live mode: renames every written file into place and makes
    /// the removals).
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
                    Pending::Remove(path) => {
                        remove_path(&path)?;
                        // And the directories it leaves empty, as a full build has
                        // none (`cities/<slug>/` of a removed place).
                        let mut dir = path.parent();
                        while let Some(d) = dir.filter(|d| d.starts_with(&self.target)) {
                            if d == self.target || fs::remove_dir(d).is_err() {
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
            return Ok(());
        }
        self.write(MARKER, MARKER_TEXT.as_bytes())?;
        if let Some(r) = &mut self.recycled {
            let produced = std::mem::take(r.produced.get_mut().unwrap_or_else(|e| e.into_inner()));
            remove_stale(&r.old_files, &r.old_dirs, &produced)?;
        }
        // Every staging but a live one keeps the output it replaces.
        let keep_at = match &self.recycled {
            Some(r) => r.keep_at.clone(),
            None => unreachable!("live staging returned above"),
        };
        if !self.target.exists() {
            fs::rename(&self.dir, &self.target)?;
        } else if crate::safe_fs::exchange(&self.dir, &self.target).is_ok() {
            // The new site is live. The old one is now at the staging path, kept for
            // the next build; if it cannot move on, the next build recycles it where
            // it is, as it would a killed build's, so the build has not failed.
            self.committed = true;
            let _ = fs::rename(&self.dir, &keep_at);
            return Ok(());
        } else {
            remove_path(&keep_at)?;
            fs::rename(&self.target, &keep_at)?;
            if let Err(e) = fs::rename(&self.dir, &self.target) {
                fs::rename(&keep_at, &self.target)?;
                return Err(e);
            }
        }
        self.committed = true;
        Ok(())
    }
}

/// The error, saying which output file it is about (a full disk fails every write
/// alike; the curator needs to know it is the output, not the content).
fn naming(rel: &str) -> impl FnOnce(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("{rel}: {e}"))
}

/// Removes from a recycled output the files this build did not produce, and the
/// directories left empty (`dirs` lists contents first).
fn remove_stale(
    files: &[PathBuf],
    dirs: &[PathBuf],
    produced: &std::collections::HashSet<PathBuf>,
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

/// Takes the lock of an output: two builds staging in one directory would publish a
/// mix of both.
#[cfg(unix)]
fn lock(path: &Path) -> io::Result<Option<fs::File>> {
    use std::os::fd::AsRawFd;
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    // SAFETY: a valid open descriptor, kept open by `file` for as long as the lock.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        return Err(io::Error::new(
            io::ErrorKind::WouldBlock,
            format!(
                "another build is writing this output (it holds {})",
                path.display()
            ),
        ));
    }
    Ok(Some(file))
}

#[cfg(not(unix))]
fn lock(_: &Path) -> io::Result<Option<fs::File>> {
    Ok(None)
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
            if let Some(t) = &self.tmp_dir {
                let _ = fs::remove_dir(t);
            }
        } else if let Some(r) = &self.recycled {
            // Half updated, but still worth recycling: the next build compares every
            // file it writes with the published output, and removes what it does not
            // produce.
            let _ = fs::rename(&self.dir, &r.keep_at);
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn ignore_missing(e: io::Error) -> io::Result<()> {
    if e.kind() == io::ErrorKind::NotFound {
        Ok(())
    } else {
        Err(e)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_live_write_leaves_nothing_in_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        let s = Staging::live(&out);
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
        let s = Staging::in_place(&out).unwrap();
        s.write("index.html", b"newer").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"newer");
        assert!(!dir.path().join(".public.indicity-tmp").exists());
    }

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

    /// Linux only: elsewhere the swap is two renames, which clear the way first.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_live_new_site_is_a_success_even_if_the_old_one_cannot_be_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        let s = Staging::create(&out).unwrap();
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
        let s = Staging::create(&out).unwrap();
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

    fn stream(s: &Staging, rel: &str, text: &str) {
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
            let s = Staging::create(&out).unwrap();
            for (rel, text) in files {
                s.write(rel, text.as_bytes()).unwrap();
            }
            stream(&s, "data/all.csv", data);
            let unchanged = s.unchanged();
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
        let s = Staging::create(&out).unwrap();
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
        let s = Staging::create(&out).unwrap();
        let second = Staging::create(&out).err().expect("a second build started");
        assert_eq!(second.kind(), io::ErrorKind::WouldBlock);
        drop(s);
        Staging::create(&out).unwrap();
    }
}
