//! Opaque random tokens (refresh, reset, invite, API keys): shown once, stored only as a SHA-256 hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// 32 random bytes, URL-safe.
pub fn random() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// Hex SHA-256: what the database keeps. High-entropy tokens need no slow hash.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A site API key: `igny8_<prefix>_<secret>`; the prefix is safe to show and identifies the key.
pub struct ApiKey {
    pub key: String,
    pub prefix: String,
}

pub fn api_key() -> ApiKey {
    let prefix = hex::encode(rand::random::<[u8; 4]>());
    ApiKey { key: format!("igny8_{prefix}_{}", random()), prefix }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hashed() {
        let (a, b) = (random(), random());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(digest(&a).len(), 64);
        assert_eq!(digest(&a), digest(&a));
        let key = api_key();
        assert!(key.key.starts_with(&format!("igny8_{}_", key.prefix)));
        assert_eq!(key.prefix.len(), 8);
    }
}
