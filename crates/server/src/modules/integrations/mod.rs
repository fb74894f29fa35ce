//! Integrations: a site's connection to its WordPress (`/api/v1/integration/integrations/`), by WordPress core REST
//! with a username and an application password, or by the IGNY8 bridge plugin with a key this module issues. The
//! credential is sealed at rest and never returned (only whether it is set and its last characters); the
//! connection test runs named checks through the outbound guard and keeps their outcome on the row.

pub mod dto;
pub mod routes;
pub mod service;

pub use routes::routes;
