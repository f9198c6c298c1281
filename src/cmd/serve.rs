//! `indicity serve`.

use std::path::PathBuf;

use crate::Error;

#[derive(clap::Args)]
pub struct Args {
    /// The site root, holding content/, templates/ and static/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Address to listen on; loopback by default, so the preview is not shared.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Also answer requests for this host name (besides IP addresses and
    /// localhost), e.g. a name the machine has on the network; repeatable.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_hosts: Vec<String>,
    /// Let the curation workbench write to content/ although --bind is not a
    /// loopback address (anyone who reaches the preview could then write).
    #[arg(long)]
    allow_remote_curation: bool,
}

pub fn run(args: Args, color: bool) -> Result<(), Error> {
    let Args {
        root,
        bind,
        port,
        open,
        allow_hosts,
        allow_remote_curation,
    } = args;
    crate::serve::serve(&crate::serve::ServeOptions {
        root,
        bind,
        port,
        open,
        allow_hosts,
        color,
        allow_remote_curation,
    })
}
