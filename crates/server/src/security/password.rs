//! Argon2id password hashing, run off the async threads (it is deliberately slow).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::http::AppError;

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

/// Checks the password policy; the message names what to change.
pub fn validate(password: &str, email: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(format!("Use at least {MIN_LENGTH} characters."));
    }
    if length > MAX_LENGTH {
        return Err(format!("Use at most {MAX_LENGTH} characters."));
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Err("Use more than digits.".into());
    }
    if password.eq_ignore_ascii_case(email) {
        return Err("The password must differ from the email address.".into());
    }
    Ok(())
}

/// Hashes with argon2id (default parameters: 19 MiB, 2 passes) and a random salt, as a PHC string.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::internal(anyhow::anyhow!("hashing a password: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

/// True when `password` matches `hash`. A missing hash (invited user without a password yet) never matches,
/// but still costs one verification so timing does not reveal which accounts exist.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let target = hash.as_deref().unwrap_or(DUMMY_HASH.as_str());
        let ok = Argon2::default().verify_password(password.as_bytes(), target).is_ok();
        ok && hash.is_some()
    })
    .await
    .unwrap_or(false)
}

/// The hash of a random string nobody knows, verified against when a user does not exist.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Argon2::default().hash_password(super::token::random().as_bytes()).map(|h| h.to_string()).unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let hash = hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), Some(hash.clone())).await);
        assert!(!verify("wrong horse".into(), Some(hash)).await);
        assert!(!verify("anything".into(), None).await);
    }

    #[test]
    fn policy() {
        assert!(validate("short", "a@b.co").is_err());
        assert!(validate("12345678901", "a@b.co").is_err());
        assert!(validate("a@b.co.uk!", "a@b.co.uk!").is_err());
        assert!(validate("long enough pass", "a@b.co").is_ok());
    }
}
