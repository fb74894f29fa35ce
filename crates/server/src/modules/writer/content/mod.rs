//! Content: the articles, their SEO meta, the editorial review, and the SEO checklist.

pub mod dto;
pub mod html;
pub mod routes;
pub mod seo;
pub mod service;
