//! WordPress targets. [`check_connection`] (core REST) and [`bridge::check_connection`] run the named checks of a connection; the publishing adapters build on the same [`Site`] and [`Api`].

pub mod bridge;
pub mod checks;

use base64::Engine;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

pub use checks::check_connection;

/// A WordPress site reached through its core REST API with an application password.
#[derive(Clone)]
pub struct Site {
    /// The site's address as the user gave it (`https://example.com` or `https://example.com/blog`).
    pub url: String,
    pub username: String,
    /// The application password (WordPress shows it with spaces; they are ignored by WordPress).
    pub app_password: String,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").field("url", &self.url).field("username", &self.username).finish_non_exhaustive()
    }
}

impl Site {
    /// `Authorization: Basic …` for the user and application password.
    pub fn auth_headers(&self) -> HeaderMap {
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", self.username, self.app_password));
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&format!("Basic {token}")) {
            headers.insert(AUTHORIZATION, value);
        }
        headers
    }

    /// The site URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.url.trim_end_matches('/')
    }
}

/// How the site's REST API is addressed: pretty `/wp-json/…` URLs, or `/?rest_route=/…` when permalinks are off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Pretty,
    Query,
}

impl Api {
    /// The URL of REST route `route` (starting with `/`, may carry a query after `?`).
    pub fn url(self, site: &Site, route: &str) -> String {
        match self {
            Self::Pretty => format!("{}/wp-json{route}", site.base()),
            Self::Query => {
                let (path, query) = route.split_once('?').map_or((route, None), |(p, q)| (p, Some(q)));
                match query {
                    Some(query) => format!("{}/?rest_route={path}&{query}", site.base()),
                    None => format!("{}/?rest_route={path}", site.base()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_urls_in_both_forms_and_no_password_in_debug() {
        let site =
            Site { url: "https://example.com/blog/".into(), username: "ed".into(), app_password: "abcd efgh".into() };
        assert_eq!(
            Api::Pretty.url(&site, "/wp/v2/users/me?context=edit"),
            "https://example.com/blog/wp-json/wp/v2/users/me?context=edit"
        );
        assert_eq!(
            Api::Query.url(&site, "/wp/v2/users/me?context=edit"),
            "https://example.com/blog/?rest_route=/wp/v2/users/me&context=edit"
        );
        assert_eq!(Api::Query.url(&site, "/"), "https://example.com/blog/?rest_route=/");
        assert!(!format!("{site:?}").contains("abcd"));
        let header = site.auth_headers()[AUTHORIZATION].to_str().unwrap().to_owned();
        assert_eq!(header, format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("ed:abcd efgh")));
    }
}
