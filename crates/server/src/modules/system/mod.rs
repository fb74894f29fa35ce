//! `system`: liveness, readiness and platform information.

pub mod connection_test;
pub mod dto;
pub mod modules;
mod routes;
mod service;
pub mod switches;

pub use routes::{health_routes, routes};
