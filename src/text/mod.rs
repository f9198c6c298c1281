//! Chinese text, the way every part of indicity reads it.
//!
//! `clean` decides which lines are an article, `check` proves a figure against its
//! quoted sentence, and `extract` proposes figures from the same sentences. If each of
//! them had its own idea of where a sentence ends, which words say a number fell or
//! what a number is, `extract` would propose figures `check` then refuses. So those
//! rules live here, once, and this layer imports nothing else of the crate: it is the
//! ground the three commands stand on.

pub mod goal;
pub mod lists;
mod normal;
pub mod numbers;
pub mod punct;
pub mod script;
pub mod time;
pub mod words;

pub use normal::{Normalized, is_cjk, normalize};
