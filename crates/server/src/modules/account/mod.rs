//! `account`: the tenant itself: provisioning (register, `create-user`, demo), settings, the team, and the
//! plan limits other modules check before creating rows.

pub mod demo;
pub mod dto;
pub mod limits;
mod routes;
pub mod service;
mod team;

pub use routes::routes;
