//! The refresh token as a cookie, for the web app: `HttpOnly` (no script can read it), `SameSite=Strict`,
//! `Secure` when the app is served over https, and scoped to `/api/v1/auth/token` (only the refresh request
//! carries it). API clients keep sending the token in the JSON body and never get the cookie unless they ask with
//! `X-Refresh-Mode: cookie`.
//!
//! A refresh authenticated by the cookie must also come from the app's own origin (`Origin`, else
//! `Sec-Fetch-Site`): SameSite stops other sites' requests in current browsers, the origin check in all.

use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, HeaderValue, header};

use super::sessions::ClientInfo;
use crate::config::Config;
use crate::http::AppError;
use crate::http::throttle::ClientIp;
use crate::state::AppState;

pub const COOKIE_NAME: &str = "igny8_refresh";
pub const COOKIE_PATH: &str = "/api/v1/auth/token";
/// The request header with which the web app asks for the cookie instead of the token in the body.
pub const MODE_HEADER: &str = "x-refresh-mode";

/// Whether the request asked for the refresh token as a cookie.
pub fn wants_cookie(headers: &HeaderMap) -> bool {
    headers.get(MODE_HEADER).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim().eq_ignore_ascii_case("cookie"))
}

/// `Set-Cookie` carrying a refresh token.
pub fn set(token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{COOKIE_NAME}={token}; Path={COOKIE_PATH}; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
        max_age_secs.max(0)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` removing the refresh cookie.
pub fn clear(secure: bool) -> HeaderValue {
    set("", 0, secure)
}

/// The refresh token from the cookie, if the request carries one.
pub fn read(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE_NAME && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// Refuses a cookie-authenticated request that does not come from the app's own origin: the configured
/// `public_url`, the host the request was sent to, or a configured CORS origin.
pub fn check_origin(headers: &HeaderMap, config: &Config) -> Result<(), AppError> {
    let refused = || AppError::Forbidden {
        code: "CSRF_REFUSED",
        message: "This request did not come from the app's own pages; sign in again from the app.".into(),
    };
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // No Origin (some same-origin requests): accept only what the browser marks as same-origin.
        let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        return if matches!(site, Some("same-origin")) { Ok(()) } else { Err(refused()) };
    };
    let origin = origin.trim().to_ascii_lowercase();
    let mut allowed: Vec<String> = Vec::new();
    if let Some(public) = origin_of(&config.public_url()) {
        allowed.push(public);
    }
    if let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) {
        let host = host.trim().to_ascii_lowercase();
        allowed.push(format!("http://{host}"));
        allowed.push(format!("https://{host}"));
    }
    allowed.extend(config.cors_origins.iter().filter(|o| *o != "*").filter_map(|o| origin_of(o)));
    if allowed.contains(&origin) { Ok(()) } else { Err(refused()) }
}

/// Device and address of the request, for the sessions list.
pub struct Client(pub ClientInfo);

impl FromRequestParts<AppState> for Client {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        let user_agent =
            parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        Ok(Self(ClientInfo { user_agent, ip: ip.to_string() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn cookie_attributes_and_reading() {
        let value = set("abc", 60, true);
        let text = value.to_str().unwrap();
        assert_eq!(text, "igny8_refresh=abc; Path=/api/v1/auth/token; Max-Age=60; HttpOnly; SameSite=Strict; Secure");
        assert!(!set("abc", 60, false).to_str().unwrap().contains("Secure"));
        assert_eq!(read(&headers(&[("cookie", "a=1; igny8_refresh=tok; b=2")])), Some("tok".into()));
        assert_eq!(read(&headers(&[("cookie", "igny8_refresh=")])), None);
    }

    #[test]
    fn origin_check() {
        let config = Config { public_url: "https://app.example.com/".into(), ..Config::default() };
        assert!(check_origin(&headers(&[("origin", "https://app.example.com")]), &config).is_ok());
        assert!(
            check_origin(&headers(&[("origin", "https://evil.example"), ("host", "app.example.com")]), &config)
                .is_err()
        );
        assert!(
            check_origin(&headers(&[("origin", "http://127.0.0.1:8080"), ("host", "127.0.0.1:8080")]), &config).is_ok()
        );
        assert!(check_origin(&headers(&[("sec-fetch-site", "same-origin")]), &config).is_ok());
        assert!(check_origin(&headers(&[("sec-fetch-site", "cross-site")]), &config).is_err());
        assert!(check_origin(&HeaderMap::new(), &config).is_err());
    }
}
