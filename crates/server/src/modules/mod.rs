//! Feature modules: each has `routes.rs` (thin handlers), `service.rs` (logic and transactions) and
//! `dto.rs` (request and response types with their OpenAPI schemas).

pub mod system;
