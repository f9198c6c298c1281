//! Every integration test, in one binary: the crate links once instead of once per
//! file, which on two cores was most of the test suite's build time.

mod common;

mod browser;
mod clean;
mod clean_shapes;
mod cli;
mod corrections;
mod curate;
mod extract;
mod extract_reading;
mod fuzz;
mod history;
mod hostile;
mod incremental;
mod periods;
mod proofs;
mod provenance;
mod readme;
mod serve;
mod serve_edits;
mod site;
