//! Content ideas: article ideas with persisted outlines, made by hand or by `generate_ideas`.

pub mod dto;
pub mod generate;
pub mod offline;
pub mod routes;
pub mod service;
