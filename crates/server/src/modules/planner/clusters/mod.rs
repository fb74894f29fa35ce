//! Clusters: topics grouping a sector's keywords.

pub mod dto;
pub mod generate;
pub mod routes;
pub mod service;
