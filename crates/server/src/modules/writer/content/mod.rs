//! Content: the articles, their SEO meta, the editorial review, and the SEO checklist.

pub mod dto;
pub mod figures;
pub mod generate;
pub mod html;
pub mod label;
pub mod offline;
pub mod routes;
pub mod seo;
pub mod service;
