//! `/data/figures.csv` and its JSON twin spliced from the published ones: the rows of
//! the places that did not change are copied as bytes, and only the changed places'
//! rows are formatted again.
//!
//! At 3,000 places the two files are 675,000 rows and 570 MB; formatting all of them
//! again was most of a one-figure correction's build (2–3.7 s of it), though a
//! correction changes one place's rows. Rows are written place by place in place
//! order, so each place's rows are one byte range of each file. A build records those
//! ranges ([`Rows`]) with the fingerprints of the output ([`crate::incremental`]),
//! under the same rule: the record is removed before the output changes and written
//! again only once it is complete, so ranges are only ever read for the files they
//! were measured in. A place's rows are copied only when its own output (its page
//! and its CSV, which holds the same rows) has the fingerprint it had, so the rows
//! are what formatting them would write; `tests/it/incremental.rs` compares the
//! spliced files with a full build's.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::output::Stream;

/// Where each place's rows are in `figures.csv` and `figures.json`, and how long
/// those files are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rows {
    pub csv_len: u64,
    pub json_len: u64,
    /// Place slug → its rows.
    pub places: BTreeMap<String, Span>,
}

/// One place's rows: a byte range of the CSV, a byte range of the JSON array (from
/// its first object to its last, with the separators between them), and how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub csv: (u64, u64),
    pub json: (u64, u64),
    pub rows: u64,
}

/// What a build may splice from: the published output, the ranges of its rows, and
/// the places whose rows are still what they were.
#[derive(Debug, Clone)]
pub struct Previous {
    pub dir: PathBuf,
    pub rows: Rows,
    pub unchanged: HashSet<String>,
}

/// The published files opened for copying, once their lengths are those recorded
/// (a file replaced by hand is not spliced from).
pub(super) struct Source<'p> {
    previous: &'p Previous,
    csv: File,
    json: File,
}

impl<'p> Source<'p> {
    pub(super) fn open(previous: &'p Previous) -> Option<Source<'p>> {
        if !cfg!(unix) {
            return None;
        }
        let open = |rel: &str, len: u64| -> Option<File> {
            let f = File::open(previous.dir.join(rel)).ok()?;
            let m = f.metadata().ok()?;
            (m.is_file() && m.len() == len).then_some(f)
        };
        Some(Source {
            previous,
            csv: open(super::urls::FIGURES_CSV, previous.rows.csv_len)?,
            json: open(super::urls::FIGURES_JSON, previous.rows.json_len)?,
        })
    }

    /// The rows of `slug` as published, when they may be copied.
    pub(super) fn span(&self, slug: &str) -> Option<Span> {
        if !self.previous.unchanged.contains(slug) {
            return None;
        }
        let span = *self.previous.rows.places.get(slug)?;
        let fits = |(a, b): (u64, u64), len: u64| a <= b && b <= len;
        (fits(span.csv, self.previous.rows.csv_len) && fits(span.json, self.previous.rows.json_len))
            .then_some(span)
    }
}

/// One of the two files being written: its bytes counted, and ranges of the
/// published file (`from`, when it is spliced) gathered until something else is
/// written, so that a run of unchanged places is one copy.
pub(super) struct Out {
    pub(super) w: Stream,
    pub(super) pos: u64,
    from: Option<File>,
    pending: Option<(u64, u64)>,
}

impl Out {
    pub(super) fn new(w: Stream) -> Out {
        Out {
            w,
            pos: 0,
            from: None,
            pending: None,
        }
    }

    /// Lets [`Out::copy`] copy from `published`.
    pub(super) fn splice_from(&mut self, published: &File) -> io::Result<()> {
        self.from = Some(published.try_clone()?);
        Ok(())
    }

    pub(super) fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write as _;
        self.flush_copy()?;
        self.w.write_all(bytes)?;
        self.pos += bytes.len() as u64;
        Ok(())
    }

    /// Copies `range` of the published file (later, joined with the next range when
    /// they are contiguous).
    pub(super) fn copy(&mut self, range: (u64, u64)) -> io::Result<()> {
        match &mut self.pending {
            Some((_, end)) if *end == range.0 => *end = range.1,
            _ => {
                self.flush_copy()?;
                self.pending = Some(range);
            }
        }
        self.pos += range.1 - range.0;
        Ok(())
    }

    pub(super) fn flush_copy(&mut self) -> io::Result<()> {
        let Some((start, end)) = self.pending.take() else {
            return Ok(());
        };
        match &self.from {
            Some(from) => self.w.copy_from(from, start, end),
            None => Err(io::Error::other(
                "a range to copy, but no file to copy it from",
            )),
        }
    }
}

impl Source<'_> {
    pub(super) fn csv(&self) -> &File {
        &self.csv
    }

    pub(super) fn json(&self) -> &File {
        &self.json
    }
}
