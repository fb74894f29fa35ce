//! Images of articles: prompts, generation, storage and signed file links.

pub mod routes;
pub mod service;
