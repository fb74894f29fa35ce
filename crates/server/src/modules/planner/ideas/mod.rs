//! Content ideas: article ideas with persisted outlines, made by hand or by `generate_ideas`.

pub mod dto;
pub mod routes;
pub mod service;
