//! The one error type every model client returns.
//!
//! Callers (the job runner, the HTTP layer) need to decide three things from an error: retry it, tell the user what
//! went wrong, or mark a provider as misconfigured. The variants are shaped for exactly those decisions. Messages
//! never contain an API key: provider error bodies are redacted and cut to [`MAX_MESSAGE_CHARS`] before they are
//! stored here.

use std::time::Duration;

/// Longest provider error message kept in an [`AiError`], in characters.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// Everything that can go wrong when calling a model provider.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AiError {
    /// The provider answered with a non-success HTTP status (other than 429).
    #[error("{provider} answered HTTP {status}: {message}")]
    Http {
        provider: &'static str,
        status: u16,
        /// The provider's own error message (redacted, at most [`MAX_MESSAGE_CHARS`] characters).
        message: String,
        /// The `Retry-After` the provider sent with a 503, if any.
        retry_after: Option<Duration>,
    },

    /// HTTP 429: the provider wants us to slow down.
    #[error("{provider} rate limited the request{}: {message}", retry_after_suffix(*.retry_after))]
    RateLimited {
        provider: &'static str,
        /// How long the provider asked us to wait (`Retry-After`), if it said.
        retry_after: Option<Duration>,
        message: String,
    },

    /// No complete answer arrived within the configured timeout.
    #[error("{provider} did not answer within {}", format_duration(*.timeout))]
    Timeout { provider: &'static str, timeout: Duration },

    /// The connection failed (DNS, refused, reset, TLS, body cut off).
    #[error("network error talking to {provider}: {message}")]
    Network { provider: &'static str, message: String },

    /// The provider answered 2xx but the body is not what its API promises.
    #[error("{provider} sent an unexpected response: {detail}")]
    InvalidResponse { provider: &'static str, detail: String },

    /// The provider declined to answer for safety or policy reasons (content filter, refusal, blocked prompt).
    /// Retrying the same request will not help; changing the prompt might.
    #[error("{provider} refused the request: {reason}")]
    ContentFiltered { provider: &'static str, reason: String },

    /// The client cannot be built or used as configured (bad base URL, unusable API key, bad model id).
    #[error("AI provider configuration error: {0}")]
    Configuration(String),
}

impl AiError {
    /// Whether sending the same request again may succeed: rate limits, server errors (5xx), timeouts and network
    /// failures. Client errors (4xx), invalid responses, refusals and configuration errors are final.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Timeout { .. } | Self::Network { .. } => true,
            Self::Http { status, .. } => (500..=599).contains(status),
            Self::InvalidResponse { .. } | Self::ContentFiltered { .. } | Self::Configuration(_) => false,
        }
    }

    /// The wait the provider asked for (`Retry-After` on a 429 or 503), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } | Self::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status the provider answered with, when the error came from one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Http { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(429),
            _ => None,
        }
    }
}

fn retry_after_suffix(retry_after: Option<Duration>) -> String {
    retry_after.map(|wait| format!(" (retry after {})", format_duration(wait))).unwrap_or_default()
}

fn format_duration(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

/// Prepares a provider's error text for an [`AiError`]: removes every occurrence of the API key (some providers
/// echo a partial or whole key back), collapses whitespace and cuts to [`MAX_MESSAGE_CHARS`] characters.
pub(crate) fn excerpt(message: &str, secret: Option<&str>) -> String {
    let redacted = match secret {
        Some(key) if !key.is_empty() => message.replace(key, "[redacted]"),
        _ => message.to_owned(),
    };
    let collapsed = redacted.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &collapsed[..cut]),
        None => collapsed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_classes() {
        let http = |status| AiError::Http { provider: "p", status, message: String::new(), retry_after: None };
        assert!(http(500).is_retryable());
        assert!(http(503).is_retryable());
        assert!(!http(400).is_retryable());
        assert!(!http(404).is_retryable());
        assert!(AiError::RateLimited { provider: "p", retry_after: None, message: String::new() }.is_retryable());
        assert!(AiError::Timeout { provider: "p", timeout: Duration::from_secs(1) }.is_retryable());
        assert!(AiError::Network { provider: "p", message: String::new() }.is_retryable());
        assert!(!AiError::InvalidResponse { provider: "p", detail: String::new() }.is_retryable());
        assert!(!AiError::ContentFiltered { provider: "p", reason: String::new() }.is_retryable());
        assert!(!AiError::Configuration(String::new()).is_retryable());
    }

    #[test]
    fn excerpt_redacts_the_key_and_is_bounded() {
        let text = format!("Incorrect API key provided: sk-secret-123. {}", "é".repeat(1000));
        let cut = excerpt(&text, Some("sk-secret-123"));
        assert!(!cut.contains("sk-secret-123"));
        assert!(cut.contains("[redacted]"));
        assert_eq!(cut.chars().count(), MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn display_mentions_the_wait() {
        let err = AiError::RateLimited {
            provider: "openai",
            retry_after: Some(Duration::from_secs(2)),
            message: "slow".into(),
        };
        assert_eq!(err.to_string(), "openai rate limited the request (retry after 2.0 s): slow");
    }
}
