//! Reading and writing the site's own files so that a link, a special file or an
//! editor working at the same moment can never make a command write outside the
//! site, hang, or lose what somebody else wrote.
//!
//! Every command that writes into a site (`clean`, `new place`, `extract --write`,
//! the caches) goes through here: a path below a base the user gave is made of real
//! directories only (a symbolic link anywhere below the base is refused, a dangling
//! one included), files are opened with `O_NOFOLLOW`, and a file is read only when
//! it is a regular file (a FIFO would block the reader forever).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Component, Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};

#[cfg(unix)]
const NOFOLLOW: i32 = libc::O_NOFOLLOW;
#[cfg(not(unix))]
const NOFOLLOW: i32 = 0;

/// Opens `path` for reading without following a link at its last component and
/// without blocking on a FIFO, and only if it is a regular file.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    o.custom_flags(NOFOLLOW | libc::O_NONBLOCK);
    let file = o.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", path.display()),
        ));
    }
    Ok(file)
}

/// The bytes of the regular file at `path` (see [`open_regular`]).
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The first component of `rel` below `base` that is a symbolic link, if any.
pub fn link_below(base: &Path, rel: &Path) -> Option<PathBuf> {
    let mut at = base.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(name) => at.push(name),
            Component::CurDir => continue,
            _ => return Some(at.join(rel)),
        }
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Some(at),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// Creates the directory `base/rel` and its missing parents, refusing to go
/// through a symbolic link (or anything but a directory) below `base`.
pub fn create_dir_below(base: &Path, rel: &Path) -> io::Result<PathBuf> {
    let mut at = base.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(name) => at.push(name),
            Component::CurDir => continue,
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} leaves {}", rel.display(), base.display()),
                ));
            }
        }
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Err(is_link(&at)),
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} is not a directory", at.display()),
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&at) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    // Made by someone else meanwhile: look at it again.
                    if fs::symlink_metadata(&at)?.file_type().is_symlink() {
                        return Err(is_link(&at));
                    }
                }
                Err(e) => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
    Ok(at)
}

fn is_link(at: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a symbolic link; indicity never writes through one (replace it with a real directory, or give the real path)",
            at.display()
        ),
    )
}

/// Writes a new file `base/rel` (directories made as needed, never through a link).
/// An existing entry (a dangling link included) is an error, unless `replace`, when
/// the entry itself is replaced (a link's target is left alone).
pub fn write_new_below(base: &Path, rel: &Path, bytes: &[u8], replace: bool) -> io::Result<()> {
    let name = rel
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let dir = create_dir_below(base, rel.parent().unwrap_or(Path::new("")))?;
    let target = dir.join(name);
    match fs::symlink_metadata(&target) {
        Ok(m) if m.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} is a directory", target.display()),
            ));
        }
        Ok(_) if !replace => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists", target.display()),
            ));
        }
        Ok(_) => {
            // Written beside it and renamed over the entry: a link is replaced, not
            // followed, and a reader never sees half a file.
            let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
            tmp.write_all(bytes)?;
            #[cfg(unix)]
            tmp.as_file()
                .set_permissions(fs::Permissions::from_mode(0o666 & !umask()))?;
            tmp.persist(&target).map_err(|e| e.error)?;
            return Ok(());
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    o.custom_flags(NOFOLLOW);
    o.open(&target)?.write_all(bytes)
}

#[cfg(unix)]
fn umask() -> u32 {
    // SAFETY: umask only swaps the process's mask; it is set back at once.
    unsafe {
        let old = libc::umask(0o022);
        libc::umask(old);
        old as u32
    }
}

/// A file as a command read it, kept open so that a change made to it while the
/// command works is noticed however late it comes.
pub struct Snapshot {
    path: PathBuf,
    file: File,
    pub bytes: Vec<u8>,
    meta: fs::Metadata,
}

impl Snapshot {
    pub fn take(path: &Path) -> io::Result<Snapshot> {
        let mut file = open_regular(path)?;
        let meta = file.metadata()?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        Ok(Snapshot {
            path: path.to_path_buf(),
            file,
            bytes,
            meta,
        })
    }

    /// Whether the file read is still as it was read: same size, same modification
    /// time, same bytes, and still the file at `path`.
    fn unchanged(&self) -> io::Result<bool> {
        let now = self.file.metadata()?;
        if now.len() != self.meta.len() || now.modified().ok() != self.meta.modified().ok() {
            return Ok(false);
        }
        Ok(self.current()? == self.bytes)
    }

    /// What the file read holds now, read again from its start.
    fn current(&self) -> io::Result<Vec<u8>> {
        use std::io::Seek as _;
        let mut f = self.file.try_clone()?;
        f.seek(io::SeekFrom::Start(0))?;
        let mut now = Vec::with_capacity(self.bytes.len());
        f.read_to_end(&mut now)?;
        Ok(now)
    }

    /// Replaces the file with `bytes`, atomically, keeping its permissions, unless
    /// it changed since it was read (then nothing is written and the edit is kept).
    /// A read-only file is refused.
    pub fn replace(self, bytes: &[u8]) -> Result<(), ReplaceError> {
        let path = &self.path;
        let io = |e: io::Error| ReplaceError::Io(format!("{}: {e}", path.display()));
        #[cfg(unix)]
        let mode = self.meta.permissions().mode();
        #[cfg(unix)]
        if mode & 0o222 == 0 {
            return Err(ReplaceError::ReadOnly);
        }
        #[cfg(not(unix))]
        if self.meta.permissions().readonly() {
            return Err(ReplaceError::ReadOnly);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".indicity-tmp")
            .tempfile_in(dir)
            .map_err(io)?;
        tmp.write_all(bytes).map_err(io)?;
        #[cfg(unix)]
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode & 0o7777))
            .map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        if !self.unchanged().map_err(io)? || !self.is_at(&self.path) {
            return Err(ReplaceError::Changed);
        }
        let (_, tmp_path) = tmp.keep().map_err(|e| io(e.error))?;
        match exchange(&tmp_path, path) {
            Ok(()) => {
                // `tmp_path` must now name the very file that was read, unchanged. A
                // save that reached it between the check above and the exchange (an
                // append, or an editor's rename over the path) is not lost: put the
                // file that was there back.
                if self.is_at(&tmp_path) && self.unchanged().unwrap_or(false) {
                    let _ = fs::remove_file(&tmp_path);
                    return Ok(());
                }
                match exchange(&tmp_path, path) {
                    Ok(()) => {
                        let _ = fs::remove_file(&tmp_path);
                        Err(ReplaceError::Changed)
                    }
                    Err(e) => Err(ReplaceError::Io(format!(
                        "{} changed while it was written, and could not be put back ({e}): the version with your edit is at {}",
                        path.display(),
                        tmp_path.display()
                    ))),
                }
            }
            Err(e) if exchange_unsupported(&e) => {
                // No atomic exchange on this system or file system: a rename, then
                // the same look back at the file that was read.
                fs::rename(&tmp_path, path).map_err(|e| {
                    let _ = fs::remove_file(&tmp_path);
                    io(e)
                })?;
                if self.unchanged().unwrap_or(false) {
                    return Ok(());
                }
                let edited = self.current().map_err(io)?;
                let mut put_back = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
                put_back.write_all(&edited).map_err(io)?;
                #[cfg(unix)]
                put_back
                    .as_file()
                    .set_permissions(fs::Permissions::from_mode(mode & 0o7777))
                    .map_err(io)?;
                put_back.persist(path).map_err(|e| io(e.error))?;
                Err(ReplaceError::Changed)
            }
            Err(_) => {
                // The file was moved or removed meanwhile: leave things as they are.
                let _ = fs::remove_file(&tmp_path);
                Err(ReplaceError::Changed)
            }
        }
    }

    /// Whether `p` names the file that was read.
    #[cfg(unix)]
    fn is_at(&self, p: &Path) -> bool {
        fs::symlink_metadata(p)
            .is_ok_and(|m| m.ino() == self.meta.ino() && m.dev() == self.meta.dev())
    }

    #[cfg(not(unix))]
    fn is_at(&self, _: &Path) -> bool {
        true
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum ReplaceError {
    /// The file changed since it was read; it is left as the other writer left it.
    Changed,
    /// The file has no write permission.
    ReadOnly,
    Io(String),
}

/// Whether `exchange` failed because the system or file system has no such
/// operation (rather than because something changed).
fn exchange_unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported
        || matches!(e.raw_os_error(), Some(c) if c == libc::EINVAL || c == libc::ENOSYS || c == libc::EOPNOTSUPP)
}

/// Swaps the entries `a` and `b` in one step (Linux's `renameat2`).
#[cfg(target_os = "linux")]
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
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
pub fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_written_through_a_link_below_the_base() {
        let base = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), base.path().join("a")).unwrap();
        let err = write_new_below(base.path(), Path::new("a/b/c.md"), b"x", true).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(fs::read_dir(outside.path()).unwrap().next().is_none());
        // A dangling link as the file itself: refused, and with `replace` replaced.
        std::os::unix::fs::symlink(outside.path().join("t"), base.path().join("d.md")).unwrap();
        assert!(write_new_below(base.path(), Path::new("d.md"), b"x", false).is_err());
        write_new_below(base.path(), Path::new("d.md"), b"x", true).unwrap();
        assert!(!outside.path().join("t").exists());
        assert_eq!(fs::read(base.path().join("d.md")).unwrap(), b"x");
        // A real directory is fine.
        write_new_below(base.path(), Path::new("e/f.md"), b"y", false).unwrap();
        assert_eq!(fs::read(base.path().join("e/f.md")).unwrap(), b"y");
    }

    #[test]
    fn a_fifo_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("p");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid path string.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        assert!(read_regular(&fifo).is_err());
        std::os::unix::fs::symlink(dir.path().join("x"), dir.path().join("l")).unwrap();
        fs::write(dir.path().join("x"), "x").unwrap();
        assert!(read_regular(&dir.path().join("l")).is_err());
        assert_eq!(read_regular(&dir.path().join("x")).unwrap(), b"x");
    }

    #[test]
    fn replace_keeps_the_mode_refuses_read_only_and_keeps_a_concurrent_edit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.yaml");
        fs::write(&p, "a\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        Snapshot::take(&p).unwrap().replace(b"b\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"b\n");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o644
        );
        // Changed after it was read: nothing written, the edit kept.
        let s = Snapshot::take(&p).unwrap();
        fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"edit\n")
            .unwrap();
        assert_eq!(s.replace(b"c\n"), Err(ReplaceError::Changed));
        assert_eq!(fs::read(&p).unwrap(), b"b\nedit\n");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o444)).unwrap();
        assert_eq!(
            Snapshot::take(&p).unwrap().replace(b"d\n"),
            Err(ReplaceError::ReadOnly)
        );
        assert_eq!(fs::read(&p).unwrap(), b"b\nedit\n");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
