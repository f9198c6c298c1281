//! One file of the output: written as a new file, or, when its bytes are those of
//! the published file, made a hard link to it.
//!
//! Most files of a build come out as they were published, and deleting and writing
//! them again cost more than rendering them (see [`super`]); a file written over in
//! place would change under a reader who has it open. So a file is never written
//! into: it is compared with the published one first, as a whole ([`unchanged`]) or
//! as it streams out ([`Sink`]), and only a file that differs is written, as a new
//! file beside the published one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::os::{read_at, remove_path, same_file};

/// Whether the published file at `published` holds exactly `bytes`.
pub(super) fn unchanged(published: &Path, bytes: &[u8]) -> bool {
    fs::metadata(published).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(published).is_ok_and(|old| old == bytes)
}

/// A file being streamed into the output; see [`super::Writer::stream`].
pub struct Stream {
    w: io::BufWriter<Sink>,
    /// Its path in the output, for errors.
    rel: String,
    /// In a live write, the temporary file and the path it is renamed to when
    /// finished.
    rename: Option<(PathBuf, PathBuf)>,
}

impl Stream {
    pub(super) fn new(sink: Sink, rel: &str, rename: Option<(PathBuf, PathBuf)>) -> Stream {
        Stream {
            w: io::BufWriter::with_capacity(1 << 16, sink),
            rel: rel.to_string(),
            rename,
        }
    }

    /// Appends bytes `start..end` of `from`. Once the file differs from the published
    /// one, the kernel copies them (`copy_file_range`), without passing them through
    /// memory: splicing a data file of hundreds of megabytes
    /// ([`crate::render::splice`]).
    pub fn copy_from(&mut self, from: &fs::File, start: u64, end: u64) -> io::Result<()> {
        let rel = self.rel.clone();
        let short = move || {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{rel}: the file copied from is shorter than expected"),
            )
        };
        io::Write::flush(&mut self.w).map_err(naming(&self.rel))?;
        if let Sink::Write(file) = self.w.get_mut() {
            let mut from = from;
            io::Seek::seek(&mut from, io::SeekFrom::Start(start))?;
            let want = end - start;
            let n = io::copy(&mut io::Read::take(from, want), file).map_err(naming(&self.rel))?;
            return if n == want { Ok(()) } else { Err(short()) };
        }
        let mut buf = vec![0u8; (1 << 20).min((end - start) as usize)];
        let mut at = start;
        while at < end {
            let want = buf.len().min((end - at) as usize);
            let n = read_at(from, &mut buf[..want], at)?;
            if n == 0 {
                return Err(short());
            }
            io::Write::write_all(self, &buf[..n])?;
            at += n as u64;
        }
        Ok(())
    }

    /// Ends the file.
    pub(super) fn close(self) -> io::Result<Closed> {
        let (len, changed) = self
            .w
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(Sink::finish)
            .map_err(naming(&self.rel))?;
        Ok(Closed {
            len,
            changed,
            rename: self.rename,
        })
    }
}

/// A stream ended: its length, whether it differs from the published file, and the
/// rename a live write still has to make.
pub(super) struct Closed {
    pub len: u64,
    pub changed: bool,
    pub rename: Option<(PathBuf, PathBuf)>,
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
pub(super) enum Sink {
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
    /// Compares with `published` (open at `published_path`), writing at `path` only
    /// from the first byte that differs.
    pub(super) fn compare(published: fs::File, published_path: PathBuf, path: PathBuf) -> Sink {
        Sink::Same {
            published,
            published_path,
            path,
            pos: 0,
            scratch: Vec::new(),
        }
    }

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
pub(super) fn link_published(published: &Path, path: &Path) -> io::Result<()> {
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

/// The error, saying which output file it is about (a full disk fails every write
/// alike; the curator needs to know it is the output, not the content).
pub(super) fn naming(rel: &str) -> impl FnOnce(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("{rel}: {e}"))
}
