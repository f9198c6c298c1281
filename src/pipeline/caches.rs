//! Every cache a run reads or writes, reached from one place.
//!
//! A run touches four caches, all under `.indicity-cache/`: the parsed place files
//! ([`content::cache`]), the article checks ([`check::cache`]), the correction
//! record ([`crate::history`]) and the record of the last build into an output
//! ([`crate::incremental`]). Each is sealed and read by [`crate::cache`]; what is
//! decided here, once per run, is whether they are read at all: `build --full` reads
//! none of them (it trusts nothing it did not compute) and stores what it computed,
//! `check`, `build` and `serve` read and store them all.

use std::path::Path;

use crate::cache::Caching;
use crate::check::{self, Provenance};
use crate::content::{self, Site};
use crate::diagnostics::Diagnostics;
use crate::history::{self, History};
use crate::incremental;
use crate::render::fed::Fingerprints;
use crate::render::splice::Rows;

/// The caches of the site at `root`, used as `caching` says.
#[derive(Debug, Clone, Copy)]
pub struct Caches<'a> {
    root: &'a Path,
    caching: Caching,
}

impl<'a> Caches<'a> {
    pub fn new(root: &'a Path, caching: Caching) -> Caches<'a> {
        Caches { root, caching }
    }

    /// A build's: `--full` reads no cache.
    pub fn for_build(root: &'a Path, full: bool) -> Caches<'a> {
        let caching = if full { Caching::Fresh } else { Caching::On };
        Caches::new(root, caching)
    }

    pub fn root(&self) -> &'a Path {
        self.root
    }

    /// Loads the content, with the parsed place files.
    pub fn load(&self) -> (Site, Diagnostics) {
        content::load_with(self.root, self.caching)
    }

    /// Checks `site`, with the article checks; what this check computed is stored.
    pub fn check(&self, site: &Site, diags: &mut Diagnostics) -> Provenance {
        let cache = (self.caching != Caching::Off)
            .then(|| check::cache::ArticleCache::open(self.root, site, self.caching.reads()))
            .flatten();
        let provenance = check::check(site, cache.as_ref(), diags);
        if let Some(cache) = cache {
            cache.save();
        }
        provenance
    }

    /// The correction record, read from where the last run left it.
    pub fn history(&self, site: &Site) -> History {
        history::read(self.root, self.caching, &site.places)
    }

    /// The fingerprints of the output in `output` as the last build left it, when
    /// this run reads caches and they are known ([`incremental::recall`]).
    pub fn recall(&self, output: &Path) -> Option<incremental::Recalled> {
        if self.caching.reads() {
            incremental::recall(self.root, output)
        } else {
            None
        }
    }

    /// Forgets the record of `output` before anything in it changes; whether that
    /// worked ([`incremental::forget`]). Whatever the caching: a record left behind
    /// would describe an output that is no longer there.
    pub fn forget(&self, output: &Path) -> bool {
        incremental::forget(self.root, output)
    }

    /// Records the fingerprints of the output just completed.
    pub fn remember(&self, output: &Path, fingerprints: &Fingerprints, rows: Option<Rows>) {
        incremental::remember(self.root, output, fingerprints, rows);
    }
}
