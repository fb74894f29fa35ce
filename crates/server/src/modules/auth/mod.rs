//! `auth`: registration, sign-in (with an optional second factor), token refresh with rotation and reuse
//! detection (body or `HttpOnly` cookie), sign-out, sessions people can see and end, the current user, password
//! change and reset, and the account's security rules.

pub mod cookie;
pub mod dto;
mod routes;
pub mod service;
pub mod sessions;
pub mod two_factor;

pub use routes::{account_routes, routes};
pub use sessions::issue_session;
