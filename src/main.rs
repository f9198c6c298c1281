//! The `indicity` command: parses arguments, runs the library, maps outcomes to exit
//! codes (0 success, 1 content errors, 2 usage errors).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use indicity::{BuildOptions, Error};

/// Static site generator for sourced science-and-technology indicators of Chinese cities.
#[derive(Parser)]
#[command(name = "indicity", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from content/, templates/ and static/ into the output directory.
    Build {
        /// The site root, holding content/, templates/ and static/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Absolute URL the site is published at (overrides base_url in content/site.yaml).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Validate everything `build` validates, and write nothing.
    Check {
        /// The site root, holding content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let started = Instant::now();
    let result = match cli.command {
        Command::Build {
            root,
            output,
            base_url,
        } => indicity::build(&BuildOptions {
            root,
            output,
            base_url,
        })
        .map(|r| {
            eprint!("{}", warnings(&r.warnings, color));
            eprintln!(
                "built {} files ({:.1} MiB) into {} in {:.2} s",
                r.files,
                r.bytes as f64 / 1048576.0,
                r.output.display(),
                started.elapsed().as_secs_f64()
            );
        }),
        Command::Check { root } => indicity::check(&root).map(|c| {
            eprint!("{}", warnings(&c.warnings, color));
            let figures: usize = c.site.places.iter().map(|p| p.figures.len()).sum();
            eprintln!(
                "checked {} places, {} figures, {} articles: no errors ({:.2} s)",
                c.site.places.len(),
                figures,
                c.site.articles.len(),
                started.elapsed().as_secs_f64()
            );
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Content(d)) => {
            eprint!("{}", d.render(color));
            ExitCode::from(1)
        }
        Err(Error::Usage(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
    }
}

fn warnings(w: &indicity::diagnostics::Diagnostics, color: bool) -> String {
    if w.0.is_empty() {
        String::new()
    } else {
        w.render(color)
    }
}
