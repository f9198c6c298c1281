//! `indicity build`.

use std::path::PathBuf;
use std::time::Instant;

use super::{print_timings, warnings};
use crate::{BuildOptions, Error};

#[derive(clap::Args)]
pub struct Args {
    /// The site root, holding content/, templates/ and static/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site [default: ROOT/public].
    #[arg(long)]
    output: Option<PathBuf>,
    /// Absolute URL the site is published at (overrides base_url in content/site.yaml).
    #[arg(long)]
    base_url: Option<String>,
    /// Print how long each stage took.
    #[arg(long)]
    timings: bool,
    /// Replace the output even if it is not a previous indicity output.
    #[arg(long)]
    force: bool,
    /// Render every page, not only those whose inputs changed since the last
    /// build into this output.
    #[arg(long)]
    full: bool,
}

pub fn run(args: Args, color: bool) -> Result<(), Error> {
    let started = Instant::now();
    let Args {
        root,
        output,
        base_url,
        timings,
        force,
        full,
    } = args;
    crate::build(&BuildOptions {
        root,
        output,
        base_url,
        force,
        full,
    })
    .map(|r| {
        crate::say!("{}", warnings(&r.warnings, color));
        if timings {
            print_timings(&r.timings);
        }
        if r.incremental {
            crate::sayln!(
                "built {} changed outputs ({} files, {} rewritten; {} removed) into {} in {:.2} s",
                r.rendered,
                r.files,
                r.files - r.unchanged,
                r.removed,
                r.output.display(),
                started.elapsed().as_secs_f64()
            );
        } else {
            crate::sayln!(
                "built {} files ({:.1} MiB; {} rewritten) into {} in {:.2} s",
                r.files,
                r.bytes as f64 / 1048576.0,
                r.files - r.unchanged,
                r.output.display(),
                started.elapsed().as_secs_f64()
            );
        }
    })
}
