//! `system`: liveness, readiness and platform information.

mod dto;
pub mod modules;
mod routes;
mod service;

pub use routes::{health_routes, routes};
