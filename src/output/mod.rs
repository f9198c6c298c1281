//! Write: the site goes into a staging directory next to the output, and replaces the
//! output only once every file is written.
//!
//! A build that fails half-way, or a reader loading a page while the site is being
//! rebuilt, must never see a mix of old and new files or an empty site. On Linux the
//! swap is one `renameat2(RENAME_EXCHANGE)`, atomic for readers; elsewhere two renames.
//!
//! The output it replaces is not deleted: it is kept beside the output (`.public.previous`
//! for `public/`) and the next build is staged in it. A file whose bytes are the same as
//! in the published output becomes a hard link to the published file; a changed file is
//! written as a new file; files no longer produced are removed. Deleting and recreating
//! tens of thousands of files cost more than rendering them: ext4 without a journal
//! scans past every recently deleted inode when it allocates one (`recently_deleted`
//! was 35 % of a build's profile at 3,000 places), and unchanged files written again
//! are gigabytes of needless writes.
//!
//! Three properties follow, and the tests hold them: an unchanged file keeps its inode
//! and modification time, so `rsync` and other deploy tools send only what changed; a
//! changed file gets a new modification time even when it returns to an older content;
//! and no file of a published output is ever written to, so a reader with a file open,
//! or a snapshot made with hard links (`cp -al`), never sees a file change.
//!
//! Four parts, each with one job: [`publish`] decides which directory a build may
//! replace; [`staging`] holds the three ways a run writes (a full build's recycled
//! staging, an incremental build's and `serve`'s in-place writes) behind the
//! [`Writer`] trait render writes through; `sink` writes one file, or links it to the
//! published one; `os` holds the platform primitives under all of them.

mod os;
pub mod publish;
mod sink;
pub mod staging;

pub use os::remove_tree;
pub use publish::{MARKER, published_path};
pub use sink::Stream;
pub use staging::{InPlace, Mode, Recycling, Tally, Writer, open};
