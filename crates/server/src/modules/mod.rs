//! Feature modules: each has `routes.rs` (thin handlers), `service.rs` (logic and transactions) and
//! `dto.rs` (request and response types with their OpenAPI schemas).

pub mod account;
pub mod ai_settings;
pub mod auth;
pub mod billing;
pub mod catalog;
pub mod integrations;
pub mod keywords_library;
pub mod notifications;
pub mod planner;
pub mod sites;
pub mod system;
pub mod tasks;
pub mod writer;
