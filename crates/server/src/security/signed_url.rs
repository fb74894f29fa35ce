//! Signed links to image files: `<img src>` cannot send an `Authorization` header, so the API hands out links
//! carrying an expiry and an HMAC-SHA256 over the image id and expiry, keyed from the server secret.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub struct UrlSigner {
    key: [u8; 32],
}

impl UrlSigner {
    pub fn from_secret(secret: &str) -> Self {
        let mut key = [0u8; 32];
        let kdf = hkdf::Hkdf::<Sha256>::new(Some(b"igny8-rs"), secret.as_bytes());
        let _ = kdf.expand(b"signed image links v1", &mut key);
        Self { key }
    }

    fn mac(&self, id: i64, expires: i64) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("any key length"));
        mac.update(format!("image:{id}:{expires}").as_bytes());
        mac
    }

    /// `(expires, signature)` for an image, valid until `expires` (Unix seconds).
    pub fn sign(&self, id: i64, expires: i64) -> String {
        hex::encode(self.mac(id, expires).finalize().into_bytes())
    }

    /// Whether `signature` is this server's for the image and has not expired (constant-time comparison).
    pub fn verify(&self, id: i64, expires: i64, signature: &str, now: i64) -> bool {
        let Ok(bytes) = hex::decode(signature) else { return false };
        expires >= now && self.mac(id, expires).verify_slice(&bytes).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_the_id_and_expiry() {
        let signer = UrlSigner::from_secret("0123456789abcdef0123456789abcdef");
        let sig = signer.sign(7, 1_000);
        assert!(signer.verify(7, 1_000, &sig, 999));
        assert!(!signer.verify(7, 1_000, &sig, 1_001), "expired");
        assert!(!signer.verify(8, 1_000, &sig, 999), "another image");
        assert!(!signer.verify(7, 2_000, &sig, 999), "another expiry");
        assert!(!signer.verify(7, 1_000, "zz", 999));
        let other = UrlSigner::from_secret("fedcba9876543210fedcba9876543210");
        assert!(!other.verify(7, 1_000, &sig, 999), "another server");
    }
}
