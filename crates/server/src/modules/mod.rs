//! Feature modules: each has `routes.rs` (thin handlers), `service.rs` (logic and transactions) and
//! `dto.rs` (request and response types with their OpenAPI schemas).

pub mod account;
pub mod auth;
pub mod catalog;
pub mod sites;
pub mod system;
