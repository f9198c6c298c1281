//! History: the public record of corrections, read from git.
//!
//! A correction replaces a value in a place file; without this record nobody reading
//! the site could tell a figure ever said something else. When the site is in a git
//! repository, every commit on the first-parent line to `HEAD` that changed a file of
//! `content/cities/` is compared with the one before it, figure by figure (a figure is
//! its place, indicator, period and status): a value or bound that changed, a figure
//! moved to another period (the same value leaving one period and arriving at another
//! in one commit), a figure deleted. A place file renamed (same `name:`, or the same
//! figures) keeps its history. Commits only: uncommitted edits are not history yet.
//!
//! Output depends only on the commits (their dates and messages, never the clock), so
//! two builds of one `HEAD` are identical. What was read is cached with the id of the
//! commit it was read up to, so a build reads only the commits made since the last
//! one; a site that is not in a repository has no history and builds as before.

mod compare;
mod repo;
mod saved;

use compare::*;
use repo::*;
use saved::{Saved, cache_path};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cache::Caching;
use crate::content::{Bound, Period, Place, Status};

/// Every correction of the site, newest first.
#[derive(Debug, Default, Clone)]
pub struct History {
    pub corrections: Vec<Correction>,
    /// Per place slug at `HEAD`: its corrections, oldest first, as indices into
    /// `corrections`. By place, so that a lookup for each of the hundreds of
    /// thousands of figures allocates nothing.
    by_place: HashMap<String, Vec<usize>>,
    /// What is wrong with the record (a shallow clone, a repository that cannot be
    /// read, a commit's date that cannot be shown): warnings for the curator.
    pub problems: Vec<String>,
    /// What the `/corrections/` page tells readers about the record's gaps.
    pub note: Option<String>,
}

/// One change of one figure, in one commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    pub commit: String,
    /// `YYYY-MM-DD`, in the committer's time zone.
    pub date: String,
    /// RFC 3339, for the feed.
    pub time: String,
    /// The first line of the commit message.
    pub message: String,
    /// The place's slug at `HEAD` (after renames), and its name in the commit.
    pub place: String,
    pub place_name: String,
    pub indicator: String,
    /// Where the figure is after the commit (for a deletion: where it was).
    pub period: Period,
    pub status: Status,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Change {
    /// The value or its bound changed.
    Value {
        from: f64,
        from_bound: Option<Bound>,
        to: f64,
        to_bound: Option<Bound>,
    },
    /// The figure left `from` (period and status) for where it is now.
    Moved {
        from: Period,
        from_status: Status,
        value: f64,
    },
    Deleted {
        value: f64,
    },
}

impl History {
    /// The corrections of one figure, oldest first (deletions are not shown under a
    /// figure: there is none).
    pub fn of_figure(
        &self,
        place: &str,
        indicator: &str,
        period: Period,
        status: Status,
    ) -> impl Iterator<Item = &Correction> {
        self.by_place
            .get(place)
            .into_iter()
            .flatten()
            .map(|&i| &self.corrections[i])
            .filter(move |c| {
                c.indicator == indicator
                    && c.period == period
                    && c.status == status
                    && !matches!(c.change, Change::Deleted { .. })
            })
    }

    /// What is wrong with the record, as warnings for the curator (W006).
    pub fn warnings(&self) -> Vec<crate::diagnostics::Diagnostic> {
        self.problems
            .iter()
            .map(|p| {
                crate::diagnostics::Diagnostic::warning(crate::diagnostics::Code::W006, p.clone())
                    .help("the site is built and published; the record shows what could be read")
            })
            .collect()
    }

    fn indexed(mut self) -> History {
        self.by_place.clear();
        for (i, c) in self.corrections.iter().enumerate().rev() {
            self.by_place.entry(c.place.clone()).or_default().push(i);
        }
        self
    }
}

/// The history of the site at `root`: empty when it is not in a git repository.
/// A repository that cannot be read whole gives no record (never a false one) and
/// says why in `problems`; a shallow clone gives the record of the commits it has,
/// and says so. With `caching` other than [`Caching::On`], the cached state is not
/// read.
pub fn read(root: &Path, caching: Caching, places: &[Place]) -> History {
    match read_repo(root, caching, places) {
        Ok(h) => h.unwrap_or_default().indexed(),
        Err(why) => History {
            problems: vec![format!(
                "the git repository of the site cannot be read ({why}), so no correction record is published; {}",
                if partial_clone(root) {
                    "it is a partial clone (`--filter`), which lacks the old versions of the place files: clone it whole, or run `git fetch --refetch` without a filter"
                } else {
                    "run `git fsck` to see what is damaged"
                }
            )],
            note: Some(
                "本站的 git 仓库无法完整读取，更正记录暂不发布；修复仓库后重新构建即可恢复。"
                    .to_string(),
            ),
            ..History::default()
        },
    }
}

/// Whether the repository of `root` is a partial clone, whose missing objects are
/// no damage.
fn partial_clone(root: &Path) -> bool {
    gix::discover(root).is_ok_and(|repo| {
        repo.config_snapshot()
            .string("extensions.partialClone")
            .is_some()
    })
}

/// A repository object that should be there and is not, or does not decode.
type Broken = String;
