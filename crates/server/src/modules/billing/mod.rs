//! `billing`: credit balances, the append-only ledger, usage, and the charging primitives every AI
//! function uses (pre-check, charge keyed by job, reserve and settle). Payments and invoices come later.

pub mod dto;
pub mod ledger;
mod routes;
pub mod service;

pub use routes::routes;
