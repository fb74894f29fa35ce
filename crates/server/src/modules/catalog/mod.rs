//! `catalog`: global reference data every account reads: plans and the industry/sector catalogue, with the
//! seed that loads them (`igny8 seed`, and on every start; idempotent).

pub mod dto;
mod routes;
pub mod seed;
pub mod service;

pub use routes::routes;
