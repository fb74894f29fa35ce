//! Credentials: argon2id passwords, signed access tokens, opaque one-time and refresh tokens, API keys.

pub mod cipher;
pub mod jwt;
pub mod password;
pub mod signed_url;
pub mod token;
pub mod totp;
