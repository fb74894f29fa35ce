//! `notifications`: account-wide messages with read state, created by other modules through the service,
//! listed, counted, marked read, deleted, and pushed live over server-sent events.

pub mod dto;
mod routes;
pub mod service;

pub use routes::routes;
