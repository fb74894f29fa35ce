//! Which responses are redirects, and what a request may carry to the next hop.

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderMap, HeaderName, HeaderValue, LOCATION, PROXY_AUTHORIZATION};

/// The `Location` of a redirect the guard follows (on reads) or refuses (on writes). Other 3xx answers (300, 304)
/// are ordinary responses.
pub(super) fn redirect_location(status: StatusCode, headers: &HeaderMap) -> Option<String> {
    let redirects = [
        StatusCode::MOVED_PERMANENTLY,
        StatusCode::FOUND,
        StatusCode::SEE_OTHER,
        StatusCode::TEMPORARY_REDIRECT,
        StatusCode::PERMANENT_REDIRECT,
    ];
    if !redirects.contains(&status) {
        return None;
    }
    let location = headers.get(LOCATION)?;
    Some(String::from_utf8_lossy(location.as_bytes()).into_owned())
}

/// The headers without credentials, for a hop to another origin: the standard credential headers, and any value the
/// adapter marked sensitive (its API-key header, say).
pub(super) fn without_credentials(headers: &HeaderMap) -> HeaderMap {
    let credential = |name: &HeaderName, value: &HeaderValue| {
        value.is_sensitive() || [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION].contains(name)
    };
    let mut kept = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers.iter().filter(|(name, value)| !credential(name, value)) {
        kept.append(name.clone(), value.clone());
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_five_redirect_statuses_with_a_location_redirect() {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, HeaderValue::from_static("/next"));
        for status in [301, 302, 303, 307, 308] {
            let status = StatusCode::from_u16(status).unwrap_or_else(|err| panic!("{err}"));
            assert_eq!(redirect_location(status, &headers).as_deref(), Some("/next"), "{status}");
            assert_eq!(redirect_location(status, &HeaderMap::new()), None, "{status} without Location");
        }
        for status in [StatusCode::MULTIPLE_CHOICES, StatusCode::NOT_MODIFIED, StatusCode::OK, StatusCode::CREATED] {
            assert_eq!(redirect_location(status, &headers), None, "{status}");
        }
    }

    #[test]
    fn credentials_are_dropped_and_everything_else_kept() {
        let mut api_key = HeaderValue::from_static("secret-key");
        api_key.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic YTpi"));
        headers.insert(COOKIE, HeaderValue::from_static("session=1"));
        headers.insert(PROXY_AUTHORIZATION, HeaderValue::from_static("Basic YTpi"));
        headers.insert("x-igny8-api-key", api_key);
        headers.insert("accept", HeaderValue::from_static("application/json"));
        headers.append("x-trace", HeaderValue::from_static("1"));
        headers.append("x-trace", HeaderValue::from_static("2"));
        let kept = without_credentials(&headers);
        assert_eq!(kept.len(), 3, "{kept:?}");
        assert_eq!(kept.get_all("x-trace").iter().count(), 2);
        assert!(kept.contains_key("accept"));
    }
}
