//! Which directory a build may replace, and the names it keeps beside it.
//!
//! Every build replaces its output entirely, so the one question that can destroy
//! somebody's files is asked here, before anything is written: is what is at the
//! output a previous output (it holds [`MARKER`]), or something a curator made
//! (`--output notes/`)? The entries a build keeps beside its output (its lock, the
//! staging directory, the output it replaced, the temporary files of a live write)
//! are named here too, so that the policy and the names it checks for agree.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The file every output holds at its root, so that a build knows a directory it may
/// replace from one it must not (`--output notes/` must never destroy notes).
pub const MARKER: &str = ".indicity-output";
pub(super) const MARKER_TEXT: &str =
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
        || Beside::of(&target).is_ok_and(|b| b.path("lock").exists())
        || fs::read_dir(&target).is_ok_and(|mut d| d.next().is_none());
    if ours {
        Ok(target)
    } else {
        refuse("is a directory that indicity did not write (it has no .indicity-output file)")
    }
}

/// The entries a build keeps beside its output: `.<name>.<what>` in the output's
/// parent (`.public.lock`, `.public.staging`, `.public.previous`,
/// `.public.indicity-tmp` for `public/`).
pub(super) struct Beside {
    parent: PathBuf,
    name: String,
}

impl Beside {
    /// The entries beside `target`; an error when it has no name (`/`, `..`).
    pub(super) fn of(target: &Path) -> io::Result<Beside> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "output has no name"))?
            .to_string_lossy()
            .into_owned();
        Ok(Beside { parent, name })
    }

    /// The directory holding the output and the entries beside it.
    pub(super) fn parent(&self) -> &Path {
        &self.parent
    }

    /// `.<name>.<what>` in the parent.
    pub(super) fn path(&self, what: &str) -> PathBuf {
        self.parent.join(format!(".{}.{what}", self.name))
    }
}
