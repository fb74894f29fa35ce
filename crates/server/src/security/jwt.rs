//! Signed access tokens (HS256, 15 minutes). The signing key is derived from the server's secret key. After
//! `igny8 rotate-secret` the previous secret still verifies the tokens it signed before this process started, for
//! one access-token lifetime, so nobody is signed out by a rotation (refresh tokens are opaque database rows and
//! do not depend on the secret).

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
    /// The session (sign-in) the token belongs to; ending the session ends the token at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<i64>,
}

/// A previous signing key, accepted only for tokens issued before `issued_before`, and only until `until`.
struct Previous {
    decoding: DecodingKey,
    issued_before: i64,
    until: i64,
}

pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    previous: Option<Previous>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

impl Keys {
    fn derive(secret: &str) -> impl AsRef<[u8]> {
        Sha256::new().chain_update(b"igny8/jwt/v1:").chain_update(secret.as_bytes()).finalize()
    }

    pub fn from_secret(secret: &str) -> Self {
        let key = Self::derive(secret);
        Self {
            encoding: EncodingKey::from_secret(key.as_ref()),
            decoding: DecodingKey::from_secret(key.as_ref()),
            previous: None,
        }
    }

    /// Also accepts tokens signed with the secret used before a rotation: those issued before `started` (when
    /// this process began signing with the new secret), for one access-token lifetime after it.
    pub fn with_previous(mut self, previous_secret: &str, started: DateTime<Utc>) -> Self {
        let key = Self::derive(previous_secret);
        self.previous = Some(Previous {
            decoding: DecodingKey::from_secret(key.as_ref()),
            issued_before: started.timestamp(),
            until: (started + ACCESS_TTL).timestamp(),
        });
        self
    }

    /// An access token for the user, and when it expires.
    pub fn issue(&self, user_id: i64, account_id: i64) -> Result<(String, DateTime<Utc>), jsonwebtoken::errors::Error> {
        self.issue_for(user_id, account_id, None)
    }

    /// An access token for the user's session `sid`.
    pub fn issue_for(
        &self,
        user_id: i64,
        account_id: i64,
        sid: Option<i64>,
    ) -> Result<(String, DateTime<Utc>), jsonwebtoken::errors::Error> {
        let now = Utc::now();
        let expires = now + ACCESS_TTL;
        let claims = Claims {
            sub: user_id.to_string(),
            acc: account_id,
            typ: "access".into(),
            iat: now.timestamp(),
            exp: expires.timestamp(),
            sid,
        };
        Ok((encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?, expires))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        self.verify_with(token, true)
    }

    /// A token this server signed, expired or not: for signing out with a token that ran out meanwhile.
    pub fn verify_signature(&self, token: &str) -> Result<Claims, TokenError> {
        self.verify_with(token, false)
    }

    fn verify_with(&self, token: &str, check_expiry: bool) -> Result<Claims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_exp = check_expiry;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let checked = |key: &DecodingKey| match decode::<Claims>(token, key, &validation) {
            Ok(data) if data.claims.typ == "access" => Ok(data.claims),
            Ok(_) => Err(TokenError::Invalid),
            Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => Err(TokenError::Expired),
            Err(_) => Err(TokenError::Invalid),
        };
        match (checked(&self.decoding), &self.previous) {
            (Err(TokenError::Invalid), Some(previous)) if Utc::now().timestamp() < previous.until => {
                let claims = checked(&previous.decoding)?;
                let lifetime_ok = claims.exp - claims.iat <= ACCESS_TTL.num_seconds();
                if claims.iat <= previous.issued_before && lifetime_ok { Ok(claims) } else { Err(TokenError::Invalid) }
            }
            (result, _) => result,
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
            sid: None,
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

    #[test]
    fn previous_key_verifies_only_tokens_it_signed_before_the_rotation() {
        let old = Keys::from_secret("the-old-secret-that-is-long-enough-for-tests");
        let (token, _) = old.issue_for(7, 3, Some(9)).unwrap();
        let started = Utc::now() + Duration::seconds(1);
        let new = Keys::from_secret("the-new-secret-that-is-long-enough-for-tests")
            .with_previous("the-old-secret-that-is-long-enough-for-tests", started);
        assert_eq!(new.verify(&token).unwrap().sid, Some(9));
        let (fresh, _) = new.issue(7, 3).unwrap();
        assert!(new.verify(&fresh).is_ok());

        // A token minted with the old key after the rotation (a leaked key) is refused.
        let late = Keys::from_secret("the-new-secret-that-is-long-enough-for-tests")
            .with_previous("the-old-secret-that-is-long-enough-for-tests", Utc::now() - Duration::seconds(5));
        assert_eq!(late.verify(&token).unwrap_err(), TokenError::Invalid);
        // And once an access-token lifetime has passed, the old key verifies nothing.
        let expired = Keys::from_secret("the-new-secret-that-is-long-enough-for-tests").with_previous(
            "the-old-secret-that-is-long-enough-for-tests",
            Utc::now() - ACCESS_TTL - Duration::seconds(1),
        );
        assert_eq!(expired.verify(&token).unwrap_err(), TokenError::Invalid);
    }
}
