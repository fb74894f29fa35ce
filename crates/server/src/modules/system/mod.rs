//! `system`: liveness, readiness and platform information.

mod dto;
mod routes;
mod service;

pub use routes::{health_routes, routes};
