//! Keywords of a site+sector: CRUD, bulk actions, CSV import and export.

pub mod csv_import;
pub mod dto;
pub mod listing;
pub mod routes;
pub mod service;
