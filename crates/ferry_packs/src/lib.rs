//! Packs as data. A pack is a TOML file: a library, its breaking release,
//! and rules, each an instance of one of a closed set of kinds
//! ([`kinds`]), matched on names resolved through imports and scopes,
//! never on text. [`load`] reads and checks a pack file and turns it into
//! an engine [`ferry_engine::Pack`] whose rules run beside the Rust ones.
//!
//! The kinds' shared machinery ([`moves`], [`imports`]) is also what the
//! built-in packs' Rust rules use for the same jobs.

pub mod imports;
pub mod moves;
