//! What `build` remembers of the output it last wrote, so that the next build renders
//! only what changed.
//!
//! After every successful build, `.indicity-cache/build/<output>.json` records the
//! fingerprint of every output ([`crate::render::fed`]) for that output directory and
//! that executable. The next build compares: an output whose fingerprint is the same
//! was made from the same inputs, by the same templates and the same executable, so
//! its files are what a full build would write, and it is not rendered again. The
//! record is deleted before a build touches the output and written again only once
//! the output is complete, so a build killed at any point leaves either the record
//! of the output as it is, or none, and then the next build is a full one. With the
//! fingerprints it keeps where each place's rows are in `figures.csv`
//! ([`crate::render::splice`]), under the same rule.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cache::tool_id;
use crate::output::MARKER;
use crate::render::fed::{Fingerprints, Output};
use crate::render::splice::Rows;

#[derive(Serialize, Deserialize)]
struct Record {
    tool: String,
    output: String,
    outputs: Vec<(Output, String)>,
    rows: Option<Rows>,
}

/// What a build into an output recorded of it.
pub struct Recalled {
    pub fingerprints: Fingerprints,
    /// Where each place's rows are in its `figures.csv`.
    pub rows: Option<Rows>,
}

/// The record's file for output directory `output` (one per output: a site may be
/// built into several), or `None` when nothing can be cached.
fn record_path(root: &Path, output: &Path) -> Option<(PathBuf, String)> {
    let output = output.canonicalize().ok()?.to_string_lossy().into_owned();
    let name = format!(
        "{:032x}.json",
        xxhash_rust::xxh3::xxh3_128(output.as_bytes())
    );
    Some((crate::cache::dir(root, "build")?.join(name), output))
}

/// The fingerprints of the output in `output` as the last build left it, if it is
/// known: the record is there, was written by this executable for this directory,
/// and the directory is an output indicity wrote.
pub fn recall(root: &Path, output: &Path) -> Option<Recalled> {
    if !output.join(MARKER).is_file() {
        return None;
    }
    let (path, canonical) = record_path(root, output)?;
    let record: Record = crate::cache::load(&path)?;
    if Some(record.tool.as_str()) != tool_id() || record.output != canonical {
        return None;
    }
    let fingerprints = record
        .outputs
        .into_iter()
        .map(|(o, hex)| u128::from_str_radix(&hex, 16).ok().map(|d| (o, d)))
        .collect::<Option<Fingerprints>>()?;
    Some(Recalled {
        fingerprints,
        rows: record.rows,
    })
}

/// Forgets the output's record: called before a build changes anything in it.
/// Whether that worked: a record that cannot be removed must not be trusted later,
/// so the build is then a full one.
pub fn forget(root: &Path, output: &Path) -> bool {
    match record_path(root, output) {
        Some((path, _)) => match fs::remove_file(path) {
            Ok(()) => true,
            Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        },
        None => true,
    }
}

/// Records the fingerprints of the output just completed. A record that cannot be
/// written only makes the next build a full one.
pub fn remember(root: &Path, output: &Path, fingerprints: &Fingerprints, rows: Option<Rows>) {
    let Some((path, canonical)) = record_path(root, output) else {
        return;
    };
    let record = Record {
        tool: tool_id().unwrap_or_default().to_string(),
        output: canonical,
        outputs: fingerprints
            .iter()
            .map(|(o, d)| (o.clone(), format!("{d:032x}")))
            .collect(),
        rows,
    };
    crate::cache::store(&path, &record);
}

/// What an incremental build does, given the fingerprints the output was made with
/// (`before`) and those of the content now (`now`): the outputs to render, and the
/// files to remove (those of outputs that are gone, unless another output writes
/// them now).
pub fn plan(
    before: &Fingerprints,
    now: &Fingerprints,
    out_dir: &Path,
) -> (Vec<Output>, Vec<String>) {
    let render: Vec<Output> = now
        .iter()
        .filter(|(o, d)| {
            before.get(*o) != Some(*d)
                // A file deleted from the output by hand is written again.
                || o.files().iter().any(|f| !out_dir.join(f).is_file())
        })
        .map(|(o, _)| o.clone())
        .collect();
    let written: std::collections::HashSet<String> = now.keys().flat_map(Output::files).collect();
    let remove = before
        .keys()
        .filter(|o| !now.contains_key(*o))
        .flat_map(Output::files)
        .filter(|f| !written.contains(f))
        .collect();
    (render, remove)
}
