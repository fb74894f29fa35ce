//! `auth`: registration, sign-in, token refresh with rotation and reuse detection, sign-out, the current
//! user, password change and reset.

pub mod dto;
mod routes;
pub mod service;
mod sessions;

pub use routes::routes;
pub use sessions::issue_session;
