//! indicity: sourced science-and-technology indicators of Chinese cities, as a static site.
//!
//! One pipeline, in the order the modules are listed: [`content`] loads `content/`,
//! [`check`] proves every figure against its source, [`render`] turns the checked site
//! into pages, charts and data, and [`output`] swaps the result in atomically.
//! [`pipeline`] runs the stages in that order, for `build` and for `serve` alike;
//! `build` and `check` share the first two stages, so they refuse exactly the same
//! content.

/// `eprint!` that never panics: a closed or full standard error (`2>&1 | head`)
/// must not turn a run that succeeded, or already published, into a crash.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `eprintln!` that never panics (see [`say!`]).
#[macro_export]
macro_rules! sayln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `print!` that never panics on a closed pipe (`clean --dry-run | head`).
#[macro_export]
macro_rules! put {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub mod cache;
pub mod chars;
pub mod chart;
pub mod check;
pub mod clean;
pub mod cmd;
pub mod content;
pub mod curate;
pub mod diagnostics;
pub mod extract;
pub mod format;
pub mod gazetteer;
pub mod history;
pub mod incremental;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod safe_fs;
pub mod safe_url;
pub mod serve;
pub mod text;
pub mod vocab;

use std::fmt;
use std::path::Path;

use diagnostics::Diagnostics;

/// Why a run did not produce a site.
#[derive(Debug)]
pub enum Error {
    /// The content (or templates) have errors; every one of them is listed.
    Content(Diagnostics),
    /// The command was asked to do something it must not, e.g. write over `content/`.
    Usage(String),
    /// The content is fine but the output could not be written (a full disk, a
    /// read-only file system, another build holding the output): nothing was
    /// published.
    Output(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Content(d) => write!(f, "{d}"),
            Error::Usage(m) | Error::Output(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The output could not be written: `cannot {doing} {path}: {e}`. Every failure
    /// to write the output, in `build` and in `serve`, is reported through here (and a
    /// render's through [`pipeline::render_failed`]).
    pub fn io(doing: impl fmt::Display, path: &Path, e: std::io::Error) -> Error {
        Error::Output(format!("cannot {doing} {}: {e}", path.display()))
    }
}

pub use pipeline::{BuildOptions, BuildReport, Checked, build, check, check_with};

pub use cmd::clean::{CleanOptions, CleanReport, check_clean_options, clean_file};
