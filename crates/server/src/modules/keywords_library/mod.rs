//! The keyword library (`/api/v1/keywords-library/`): global keywords per industry sector with volume,
//! difficulty and intent; a built-in starter set; staff import with a preview; adding to a site's sector.

pub mod dto;
pub mod routes;
pub mod seed;
pub mod service;

pub use routes::routes;
