//! Images of articles: prompts, generation, storage and signed file links.

pub mod dto;
pub mod generate;
pub mod prompts;
pub mod routes;
pub mod service;
