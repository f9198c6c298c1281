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
        // The figures that pass on the curator's word for their year: readers are
        // told on the page, and the curator here.
        let judged = c
            .site
            .places
            .iter()
            .flat_map(|p| &p.figures)
            .filter(|f| {
                matches!(
                    f.period_from,
                    Some(crate::content::PeriodFrom::Judgement(_))
                )
            })
            .count();
        let judged = match judged {
            0 => String::new(),
            n => format!(" ({n} with the period read by judgement)"),
        };
        crate::sayln!(
            "checked {} places, {} figures{judged}, {} articles: no errors ({:.2} s)",
            c.site.places.len(),
            figures,
            c.site.articles.len(),
            started.elapsed().as_secs_f64()
        );
    })
}
