//! The platform primitives `output/` stands on, each with its `#[cfg]` variants, so
//! that the rest of the module reads the same on every system: the atomic exchange
//! of two directories, whether two entries are one file, reading at an offset, the
//! lock of an output, and removing files and trees.
//!
//! Kept apart because they are the only code here that differs between systems, and
//! the only code with `unsafe`: what the swap and the lock promise depends on them.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Swaps the entries `a` and `b` in one step (Linux's `renameat2`); an error where
/// the system or file system has none. Shared with [`crate::safe_fs`], which swaps
/// the files it replaces the same way.
pub(super) use crate::safe_fs::exchange;

/// Whether two entries are one file (a hard link to it, or itself).
#[cfg(unix)]
pub(super) fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
pub(super) fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}

/// Whether `a` and `b` are on one file system (a rename from one to the other can
/// work); `None` when either cannot be read.
#[cfg(unix)]
pub(super) fn same_device(a: &Path, b: &Path) -> Option<bool> {
    use std::os::unix::fs::MetadataExt as _;
    Some(fs::metadata(a).ok()?.dev() == fs::metadata(b).ok()?.dev())
}

#[cfg(not(unix))]
pub(super) fn same_device(_: &Path, _: &Path) -> Option<bool> {
    Some(true)
}

/// Reads up to `buf.len()` bytes at `offset`; fewer only at the end of the file.
#[cfg(unix)]
pub(super) fn read_at(file: &fs::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
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
pub(super) fn read_at(_: &fs::File, _: &mut [u8], _: u64) -> io::Result<usize> {
    Ok(0)
}

/// Takes the lock of an output: two builds staging in one directory would publish a
/// mix of both.
#[cfg(unix)]
pub(super) fn lock(path: &Path) -> io::Result<Option<fs::File>> {
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
pub(super) fn lock(_: &Path) -> io::Result<Option<fs::File>> {
    Ok(None)
}

/// `Ok` for an error saying that nothing was there.
pub(super) fn ignore_missing(e: io::Error) -> io::Result<()> {
    if e.kind() == io::ErrorKind::NotFound {
        Ok(())
    } else {
        Err(e)
    }
}

/// Removes a file or a directory tree; nothing there is not an error.
pub(super) fn remove_path(path: &Path) -> io::Result<()> {
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
