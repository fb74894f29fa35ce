//! Validated text newtypes: once constructed, a value is known to be well formed.

use std::fmt;

/// Why a value was refused; the message is written for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValidationError(pub String);

/// An email address, trimmed and lower-cased (logins are case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(ValidationError("Enter an email address.".into()));
        }
        if value.len() > 254 {
            return Err(ValidationError("Email address is too long (254 characters at most).".into()));
        }
        let Some((local, host)) = value.split_once('@') else {
            return Err(ValidationError("Enter a valid email address.".into()));
        };
        let host_ok = host.contains('.')
            && !host.starts_with('.')
            && !host.ends_with('.')
            && host.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.contains(char::is_whitespace) || !host_ok {
            return Err(ValidationError("Enter a valid email address.".into()));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A URL-safe identifier: lower-case ASCII letters, digits and single dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Builds a slug from any human text ("Acme Shoes & Co." → "acme-shoes-co").
    pub fn from_text(text: &str) -> Result<Self, ValidationError> {
        let mut out = String::with_capacity(text.len());
        for c in text.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed = out.trim_end_matches('-');
        let trimmed = &trimmed[..trimmed.len().min(64)];
        Self::parse(trimmed.trim_end_matches('-'))
    }

    /// Accepts a slug exactly as given, or explains what is wrong with it.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if raw.is_empty() {
            return Err(ValidationError("Slug must contain at least one letter or digit.".into()));
        }
        if raw.len() > 64 {
            return Err(ValidationError("Slug is too long (64 characters at most).".into()));
        }
        let valid = raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if !valid {
            return Err(ValidationError("Slug may hold lower-case letters, digits and single dashes only.".into()));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised() {
        assert_eq!(Email::parse("  Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
    }

    #[test]
    fn email_rejects_malformed() {
        for bad in ["", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", "ann@.com"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn slug_from_text() {
        assert_eq!(Slug::from_text("Acme Shoes & Co.").unwrap().as_str(), "acme-shoes-co");
        assert_eq!(Slug::from_text("  Ünïcode -- Site ").unwrap().as_str(), "n-code-site");
        assert!(Slug::from_text("!!!").is_err());
    }

    #[test]
    fn slug_parse_rules() {
        assert!(Slug::parse("good-slug-1").is_ok());
        for bad in ["Bad", "-lead", "trail-", "dou--ble", "sp ace", ""] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
