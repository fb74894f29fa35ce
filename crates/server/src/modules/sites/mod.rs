//! `sites`: an account's sites and their sectors (from the industry catalogue or custom), per-site API keys.

pub mod dto;
mod routes;
pub mod sectors;
pub mod service;

pub use routes::routes;
