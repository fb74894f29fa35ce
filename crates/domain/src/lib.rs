//! # domain — pure types and rules
//!
//! Purpose: the vocabulary every other crate shares, with no I/O: validated newtypes (email, slug, …),
//! roles, status enums with their allowed transitions, credit arithmetic, outline and prompt data types.
//! Anything here can be unit-tested without a database or a network.

pub mod credits;
pub mod outline;
pub mod planner;
pub mod progress;
pub mod prompt;
pub mod role;
pub mod text;
pub mod writer;

pub use credits::{Insufficient, Pools, Split};
pub use progress::{Phase, TaskStatus};
pub use role::Role;
pub use text::{Email, Slug, ValidationError};
