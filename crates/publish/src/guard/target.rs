//! Checking a target URL before it is requested, and showing it in errors.

use reqwest::Url;

use super::GuardError;

/// Parses a user-given URL and checks its scheme and host (not its address: see [`super::OutboundClient`]).
pub(super) fn parse_target(url: &str) -> Result<Url, GuardError> {
    let parsed = Url::parse(url.trim()).map_err(|err| invalid(url, err.to_string()))?;
    check_scheme(parsed)
}

/// Only http(s) with a host: `file:`, `data:`, `ftp:` and the like never reach the HTTP client.
pub(super) fn check_scheme(url: Url) -> Result<Url, GuardError> {
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(url),
        "http" | "https" => Err(invalid(url.as_str(), "no host")),
        other => Err(GuardError::UnsupportedScheme { scheme: other.to_owned(), url: redact(&url) }),
    }
}

pub(super) fn invalid(url: &str, reason: impl Into<String>) -> GuardError {
    GuardError::InvalidUrl { url: redact_raw(url), reason: reason.into() }
}

/// The URL without `user:password@`, for errors and logs.
pub(super) fn redact(url: &Url) -> String {
    let mut shown = url.clone();
    // Both only fail for URLs that cannot carry credentials at all.
    let _ = shown.set_password(None);
    let _ = shown.set_username("");
    shown.to_string()
}

/// [`redact`] for text that did not parse as a URL: drops whatever sits between `://` and the last `@`.
fn redact_raw(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => format!("{}{}", &url[..scheme_end + 3], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_with_a_host_pass() {
        assert!(parse_target(" https://example.com/wp-json/ ").is_ok());
        assert!(parse_target("http://example.com:8080/?rest_route=/wp/v2/posts").is_ok());
        for url in ["file:///etc/passwd", "ftp://example.com/", "data:text/plain,hi", "gopher://example.com/"] {
            assert!(matches!(parse_target(url), Err(GuardError::UnsupportedScheme { .. })), "{url}");
        }
        for url in ["", "not a url", "http://", "http://:80/", "/relative/path", "http://exa mple.com/"] {
            assert!(matches!(parse_target(url), Err(GuardError::InvalidUrl { .. })), "{url:?}");
        }
    }

    #[test]
    fn credentials_in_urls_never_reach_an_error_message() {
        let url = Url::parse("https://admin:hunter2@example.com/wp-json/?a=b").unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(redact(&url), "https://example.com/wp-json/?a=b");
        let err = parse_target("ftp://admin:hunter2@example.com/").err().map(|err| err.to_string());
        assert!(err.as_deref().is_some_and(|err| !err.contains("hunter2")), "{err:?}");
        let err = parse_target("http://admin:hunter2@exa mple.com/").err().map(|err| err.to_string());
        assert!(err.as_deref().is_some_and(|err| !err.contains("hunter2") && err.contains("exa mple")), "{err:?}");
    }
}
