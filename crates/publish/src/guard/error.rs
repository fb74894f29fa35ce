//! What the outbound guard refuses, and the transport failures of the requests it lets through.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Method;

use super::AddressClass;

/// The setting (read by the server) that lifts the address refusal; named in every address refusal so whoever
/// reads the error knows the way out.
pub const ALLOW_PRIVATE_ENV: &str = "IGNY8_PUBLISH_ALLOW_PRIVATE";

/// A request the guard refused or could not complete. URLs in here have any `user:password@` removed.
///
/// Only [`Timeout`](Self::Timeout) and [`Network`](Self::Network) are transient ([`is_transient`](Self::is_transient));
/// every other variant is a refusal that the same request would meet again.
#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    /// Not an absolute URL, or one without a host.
    #[error("refused {url:?}: not a usable absolute URL ({reason})")]
    InvalidUrl { url: String, reason: String },
    /// Only `http` and `https` are fetched.
    #[error("refused {url}: only http and https URLs are allowed, not {scheme}")]
    UnsupportedScheme { url: String, scheme: String },
    /// The host is, or resolves only to, an address that is not on the public internet. `host` is the URL's host
    /// as written (the address itself for IP literals).
    #[error(
        "refused {url}: {} (set {ALLOW_PRIVATE_ENV} to allow private addresses)",
        address_reason(host, *addr, *class)
    )]
    ForbiddenAddress { url: String, host: String, addr: IpAddr, class: AddressClass },
    /// A write answered with a redirect. Never followed: clients that follow it tend to replay a POST as a GET, which
    /// "succeeds" without writing anything, and replaying the write itself could create the post twice.
    #[error(
        "refused to follow the {status} redirect of {method} {url} to {location}: redirects are never followed on \
         writes (use the address the site redirects to as the site URL)"
    )]
    RedirectOnWrite { method: Method, url: String, status: u16, location: String },
    /// A read was redirected more than the policy allows.
    #[error("refused {url}: more than {max} redirects")]
    TooManyRedirects { url: String, max: usize },
    /// The response body is larger than the policy allows (declared or actually sent).
    #[error("refused {url}: the response is larger than {max_bytes} bytes")]
    ResponseTooLarge { url: String, max_bytes: usize },
    /// The whole exchange (resolution, connection, redirects, body) took longer than the policy allows.
    #[error("{url} did not answer completely within {timeout:?}")]
    Timeout { url: String, timeout: Duration },
    /// Resolution, connection, TLS or protocol failure.
    #[error("could not reach {url}: {message}")]
    Network { url: String, message: String },
    /// The HTTP client could not be built (TLS set-up); a deployment problem, not a per-request one.
    #[error("cannot build the outbound HTTP client: {0}")]
    Client(String),
}

impl GuardError {
    /// Whether the same request may succeed later (timeouts and network failures).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Timeout { .. } | Self::Network { .. })
    }
}

fn address_reason(host: &str, addr: IpAddr, class: AddressClass) -> String {
    if host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok() {
        format!("{addr} is {class}")
    } else {
        format!("{host} resolves to {addr}, {class}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_refusals_name_the_address_the_reason_and_the_way_out() {
        let literal = GuardError::ForbiddenAddress {
            url: "http://127.0.0.1:8080/".into(),
            host: "127.0.0.1".into(),
            addr: [127, 0, 0, 1].into(),
            class: AddressClass::Loopback,
        };
        assert_eq!(
            literal.to_string(),
            "refused http://127.0.0.1:8080/: 127.0.0.1 is a loopback address \
             (set IGNY8_PUBLISH_ALLOW_PRIVATE to allow private addresses)"
        );
        let resolved = GuardError::ForbiddenAddress {
            url: "http://intranet.example/".into(),
            host: "intranet.example".into(),
            addr: [10, 1, 2, 3].into(),
            class: AddressClass::Private,
        };
        assert!(resolved.to_string().contains("intranet.example resolves to 10.1.2.3, a private address"));
        assert!(!resolved.is_transient());
    }
}
