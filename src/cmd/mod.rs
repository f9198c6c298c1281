//! The commands, one module each (as mdBook has them): each takes its arguments,
//! runs the library's pipeline and prints what happened. `main.rs` only parses the
//! command line and maps the outcome to an exit status.

pub mod build;
pub mod check;
pub mod clean;
pub mod extract;
pub mod init;
pub mod new_place;
pub mod serve;

use std::time::Duration;

use crate::diagnostics::Diagnostics;

/// The warnings of a run, rendered for the terminal.
fn warnings(w: &Diagnostics, color: bool) -> String {
    if w.0.is_empty() {
        String::new()
    } else {
        w.render(color)
    }
}

fn print_timings(timings: &[(&'static str, Duration)]) {
    for (stage, d) in timings {
        crate::sayln!("timing: {stage:<24} {:>9.3} s", d.as_secs_f64());
    }
}
