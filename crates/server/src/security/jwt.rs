//! Signed access tokens (HS256, 15 minutes). The signing key is derived from the server's secret key, so
//! rotating the secret logs everyone out.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const ACCESS_TTL: Duration = Duration::minutes(15);
pub const REFRESH_TTL: Duration = Duration::days(7);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Account id.
    pub acc: i64,
    /// Always `access`.
    pub typ: String,
    pub iat: i64,
    pub exp: i64,
}

pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

impl Keys {
    pub fn from_secret(secret: &str) -> Self {
        let key = Sha256::new().chain_update(b"igny8/jwt/v1:").chain_update(secret.as_bytes()).finalize();
        Self { encoding: EncodingKey::from_secret(&key), decoding: DecodingKey::from_secret(&key) }
    }

    /// An access token for the user, and when it expires.
    pub fn issue(&self, user_id: i64, account_id: i64) -> Result<(String, DateTime<Utc>), jsonwebtoken::errors::Error> {
        let now = Utc::now();
        let expires = now + ACCESS_TTL;
        let claims = Claims {
            sub: user_id.to_string(),
            acc: account_id,
            typ: "access".into(),
            iat: now.timestamp(),
            exp: expires.timestamp(),
        };
        Ok((encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?, expires))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        match decode::<Claims>(token, &self.decoding, &validation) {
            Ok(data) if data.claims.typ == "access" => Ok(data.claims),
            Ok(_) => Err(TokenError::Invalid),
            Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => Err(TokenError::Expired),
            Err(_) => Err(TokenError::Invalid),
        }
    }

    /// For tests: a token that expired a minute ago.
    pub fn issue_expired(&self, user_id: i64, account_id: i64) -> String {
        let past = Utc::now() - Duration::minutes(1);
        let claims = Claims {
            sub: user_id.to_string(),
            acc: account_id,
            typ: "access".into(),
            iat: (past - ACCESS_TTL).timestamp(),
            exp: past.timestamp(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_expiry_and_tampering() {
        let keys = Keys::from_secret("a-secret-that-is-long-enough-for-tests");
        let (token, _) = keys.issue(7, 3).unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.acc), ("7", 3));

        assert_eq!(keys.verify(&keys.issue_expired(7, 3)).unwrap_err(), TokenError::Expired);

        let other = Keys::from_secret("another-secret-that-is-long-enough-too");
        assert_eq!(other.verify(&token).unwrap_err(), TokenError::Invalid);

        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = parts[1].replacen('e', "f", 1);
        assert_eq!(keys.verify(&parts.join(".")).unwrap_err(), TokenError::Invalid);
    }
}
