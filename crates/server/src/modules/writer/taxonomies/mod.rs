//! Categories and tags per site, and their links to content.

pub mod routes;
pub mod service;
