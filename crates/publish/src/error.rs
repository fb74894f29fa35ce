//! How a publishing call failed, in the classes the server acts on (SPEC.md §9): auth (mark the integration broken,
//! never retry), retryable (back off and retry), permanent (show the site's own code to the user) and refused by the
//! outbound guard.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;

use crate::guard::{GuardError, GuardedResponse};

/// Longest site message kept; error bodies can be whole HTML pages.
const MAX_MESSAGE_CHARS: usize = 300;

/// A failed publishing call.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The site refused the credentials (401/403). The connection is broken until the user fixes it; retrying
    /// cannot help and may lock the account.
    #[error("the site refused the credentials: {message}")]
    Auth { message: String },
    /// Might work later: 408, 429, 5xx, timeouts, network failures. `retry_after` is the site's `Retry-After`.
    #[error("temporary failure: {message}")]
    Retryable { message: String, retry_after: Option<Duration> },
    /// The site rejected this request (other 4xx, or an answer the adapter cannot use). `code` is the site's own
    /// (WordPress `rest_invalid_param`, `rest_post_invalid_id`, …) or `http_<status>` when it gave none.
    #[error("the site rejected the request ({code}): {message}")]
    Permanent { code: String, message: String },
    /// The outbound guard refused the request (forbidden address, redirect on a write, oversized response, …).
    #[error(transparent)]
    Refused(GuardError),
}

impl PublishError {
    /// Whether the job should be retried later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Retryable { .. })
    }

    /// The delay the site asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Retryable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Classifies a non-success HTTP answer: 401/403 → [`Auth`](Self::Auth); 408, 429 and 5xx →
    /// [`Retryable`](Self::Retryable) honouring `retry_after` (seconds or an HTTP date); anything else →
    /// [`Permanent`](Self::Permanent). Code and message come from a WordPress error body (`{"code", "message"}`)
    /// when there is one.
    pub fn from_status(status: StatusCode, retry_after: Option<&str>, body: &[u8]) -> Self {
        let (code, message) = site_error(body);
        let label = match &code {
            Some(code) => format!("HTTP {} ({code})", status.as_u16()),
            None => format!("HTTP {}", status.as_u16()),
        };
        let message = message.unwrap_or_else(|| status.canonical_reason().unwrap_or("no message").to_owned());
        match status.as_u16() {
            401 | 403 => Self::Auth { message: format!("{label}: {message}") },
            408 | 429 | 500..=599 => Self::Retryable {
                message: format!("{label}: {message}"),
                retry_after: retry_after.and_then(|value| parse_retry_after(value, SystemTime::now())),
            },
            other => Self::Permanent { code: code.unwrap_or_else(|| format!("http_{other}")), message },
        }
    }

    /// [`from_status`](Self::from_status) for a response from the guarded client.
    pub fn from_response(response: &GuardedResponse) -> Self {
        let retry_after = response.headers.get(RETRY_AFTER).and_then(|value| value.to_str().ok());
        Self::from_status(response.status, retry_after, &response.body)
    }
}

/// Timeouts and network failures are worth retrying; every other guard error is a refusal.
impl From<GuardError> for PublishError {
    fn from(err: GuardError) -> Self {
        if err.is_transient() {
            Self::Retryable { message: err.to_string(), retry_after: None }
        } else {
            Self::Refused(err)
        }
    }
}

/// `code` and `message` from a WordPress REST error (`{"code", "message", "data"}`), falling back to an `error`
/// string (the bridge plugin's shape) or a short plain-text body. HTML pages (proxies, WAFs) give no message.
fn site_error(body: &[u8]) -> (Option<String>, Option<String>) {
    let text = |value: Option<&serde_json::Value>| {
        value.and_then(serde_json::Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(shorten)
    };
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let message = text(value.get("message")).or_else(|| text(value.get("error")));
        return (text(value.get("code")), message);
    }
    let body = String::from_utf8_lossy(body);
    let body = body.trim();
    if body.is_empty() || body.starts_with('<') { (None, None) } else { (None, Some(shorten(body))) }
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// `Retry-After` is either delay-seconds or an HTTP date; a date in the past means "now".
fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests;
