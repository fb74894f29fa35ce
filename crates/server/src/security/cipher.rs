//! Secrets at rest (provider API keys): AES-256-GCM under a key derived from the server's secret with HKDF, a
//! fresh random nonce per value. Sealed values look like `v1:<base64 nonce‖ciphertext‖tag>` so the format can
//! change later without guessing.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use hkdf::Hkdf;
use sha2::Sha256;

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum CipherError {
    #[error("the stored secret is not in a known format")]
    Format,
    /// Wrong server secret (it changed since the value was stored) or a tampered value.
    #[error("the stored secret cannot be opened with this server's secret key; store it again")]
    Open,
}

/// Seals and opens secrets stored in the database.
pub struct Cipher {
    aead: Aes256Gcm,
    /// The key of the secret used before `igny8 rotate-secret`: opens what was sealed under it (nothing, once
    /// the rotation re-sealed every stored value), never seals.
    previous: Option<Aes256Gcm>,
}

impl Cipher {
    /// Derives the encryption key from the server secret; the label keeps it apart from the token-signing key.
    pub fn from_secret(secret: &str) -> Self {
        let mut key = [0u8; 32];
        let kdf = Hkdf::<Sha256>::new(Some(b"igny8-rs"), secret.as_bytes());
        // 32 bytes is far below HKDF-SHA256's output limit, so expansion cannot fail.
        let _ = kdf.expand(b"secrets-at-rest v1", &mut key);
        let aead = Aes256Gcm::new_from_slice(&key).unwrap_or_else(|_| unreachable!("32-byte key"));
        Self { aead, previous: None }
    }

    /// Also opens values sealed under the previous secret.
    pub fn with_previous(mut self, previous_secret: &str) -> Self {
        self.previous = Some(Self::from_secret(previous_secret).aead);
        self
    }

    pub fn seal(&self, plain: &str) -> String {
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let nonce = Nonce::from(nonce_bytes);
        // Encryption only fails for plaintexts beyond GCM's ~64 GiB limit.
        let sealed = self.aead.encrypt(&nonce, plain.as_bytes()).unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD_NO_PAD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<String, CipherError> {
        let body = sealed.strip_prefix(PREFIX).ok_or(CipherError::Format)?;
        let bytes = STANDARD_NO_PAD.decode(body).map_err(|_| CipherError::Format)?;
        if bytes.len() <= NONCE_LEN {
            return Err(CipherError::Format);
        }
        let (nonce_bytes, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce_bytes).map_err(|_| CipherError::Format)?;
        let plain = self
            .aead
            .decrypt(&nonce, ciphertext)
            .or_else(|_| self.previous.as_ref().ok_or(()).and_then(|p| p.decrypt(&nonce, ciphertext).map_err(|_| ())))
            .map_err(|_| CipherError::Open)?;
        String::from_utf8(plain).map_err(|_| CipherError::Open)
    }
}

/// What may be shown of a key: its last four characters.
pub fn hint(key: &str) -> String {
    let tail: String = key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_fresh_nonces() {
        let cipher = Cipher::from_secret("0123456789abcdef0123456789abcdef");
        let a = cipher.seal("sk-test-123");
        let b = cipher.seal("sk-test-123");
        assert_ne!(a, b, "each value gets its own nonce");
        assert!(!a.contains("sk-test"));
        assert_eq!(cipher.open(&a).unwrap(), "sk-test-123");
        assert_eq!(cipher.open(&b).unwrap(), "sk-test-123");
    }

    #[test]
    fn another_secret_or_a_tampered_value_does_not_open() {
        let cipher = Cipher::from_secret("0123456789abcdef0123456789abcdef");
        let sealed = cipher.seal("sk-test-123");
        let other = Cipher::from_secret("fedcba9876543210fedcba9876543210");
        assert!(matches!(other.open(&sealed), Err(CipherError::Open)));
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(cipher.open(&String::from_utf8(tampered).unwrap()).is_err());
        assert!(matches!(cipher.open("plain"), Err(CipherError::Format)));
        assert!(matches!(cipher.open("v1:"), Err(CipherError::Format)));
    }

    #[test]
    fn hints_show_only_the_tail() {
        assert_eq!(hint("sk-abcdefgh1234"), "…1234");
        assert_eq!(hint("ab"), "…ab");
    }
}
