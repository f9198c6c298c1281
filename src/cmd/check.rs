//! `indicity check`.

use std::path::PathBuf;
use std::time::Instant;

use super::{print_timings, warnings};
use crate::Error;

#[derive(clap::Args)]
pub struct Args {
    /// The site root, holding content/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Print how long each stage took.
    #[arg(long)]
    timings: bool,
}

pub fn run(args: Args, color: bool) -> Result<(), Error> {
    let started = Instant::now();
    let Args { root, timings } = args;
    crate::check(&root).map(|c| {
        crate::say!("{}", warnings(&c.warnings, color));
        if timings {
            print_timings(&c.timings);
        }
        let figures: usize = c.site.places.iter().map(|p| p.figures.len()).sum();
        crate::sayln!(
            "checked {} places, {} figures, {} articles: no errors ({:.2} s)",
            c.site.places.len(),
            figures,
            c.site.articles.len(),
            started.elapsed().as_secs_f64()
        );
    })
}
