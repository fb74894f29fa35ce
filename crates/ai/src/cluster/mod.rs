//! The keyword clustering engine (SPEC.md §6).
//!
//! * [`metrics`] compares groupings (adjusted Rand index, normalised mutual information), to score the engine
//!   against hand-labelled topics.

pub mod metrics;
