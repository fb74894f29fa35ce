//! The outbound-URL guard: the one HTTP client through which every request to a user-given URL goes (SSRF defence,
//! SPEC.md §9).
//!
//! Addresses are checked in two places, because reqwest only calls a resolver for host *names*: IP-literal hosts are
//! checked here before each request (first hop and every redirect hop), and names inside the resolver
//! (`guard/resolve.rs`), after resolution, so a DNS answer cannot change between the check and the connection.
//! Redirects are followed by hand for the same reason (each hop is checked before it is sent), and never on writes.

mod address;
mod error;
mod policy;
mod redirect;
mod resolve;
mod target;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, Response, StatusCode, Url};

pub use address::{AddressClass, classify_ip};
pub use error::{ALLOW_PRIVATE_ENV, GuardError};
pub use policy::GuardPolicy;
use redirect::{redirect_location, without_credentials};
use resolve::{GuardedResolver, find_refusal};
use target::{check_scheme, invalid, parse_target, redact};

/// Connection set-up gets at most this long even when the overall timeout is longer, so a dead host fails fast.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A complete response, whatever its status: the body is fully read (and within the size cap).
#[derive(Debug, Clone)]
pub struct GuardedResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// Empty for HEAD.
    pub body: Vec<u8>,
    /// The URL that answered, after any redirects.
    pub url: Url,
}

/// The guarded HTTP client. Cheap to clone; build one per policy and share it.
#[derive(Debug, Clone)]
pub struct OutboundClient {
    client: reqwest::Client,
    policy: Arc<GuardPolicy>,
}

impl OutboundClient {
    /// Builds the client. Proxies from the environment are ignored: through a proxy the proxy would resolve and
    /// connect, out of the guard's sight.
    pub fn new(policy: GuardPolicy) -> Result<Self, GuardError> {
        ensure_tls_provider();
        let policy = Arc::new(policy);
        let client = reqwest::Client::builder()
            .dns_resolver(GuardedResolver { policy: Arc::clone(&policy) })
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(policy.timeout.min(MAX_CONNECT_TIMEOUT))
            .user_agent(concat!("igny8-publish/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| GuardError::Client(error_chain(&err.without_url())))?;
        Ok(Self { client, policy })
    }

    /// The policy this client enforces.
    pub fn policy(&self) -> &GuardPolicy {
        &self.policy
    }

    /// `GET url` with `headers`, following redirects as the policy allows.
    pub async fn get(&self, url: &str, headers: HeaderMap) -> Result<GuardedResponse, GuardError> {
        self.send(Method::GET, url, headers, None).await
    }

    /// Sends one request and reads the whole response, whatever its status.
    ///
    /// GET and HEAD follow redirects (up to `max_redirects`, each hop checked like the first); any other method
    /// answered with a redirect fails with [`GuardError::RedirectOnWrite`]. When a redirect leaves the origin, the
    /// credential headers (`Authorization`, `Cookie`, `Proxy-Authorization`) and every value marked sensitive
    /// ([`reqwest::header::HeaderValue::set_sensitive`], e.g. an API-key header) are dropped. `body` is sent with
    /// the first request only.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        headers: HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<GuardedResponse, GuardError> {
        let start = parse_target(url)?;
        let shown = redact(&start);
        let timeout = self.policy.timeout;
        tokio::time::timeout(timeout, self.follow(method, start, headers, body))
            .await
            .unwrap_or_else(|_| Err(GuardError::Timeout { url: shown, timeout }))
    }

    async fn follow(
        &self,
        method: Method,
        mut url: Url,
        mut headers: HeaderMap,
        mut body: Option<Vec<u8>>,
    ) -> Result<GuardedResponse, GuardError> {
        let mut redirects = 0;
        loop {
            self.check_literal_host(&url)?;
            let mut request = self.client.request(method.clone(), url.clone()).headers(headers.clone());
            if let Some(body) = body.take() {
                request = request.body(body);
            }
            let response = request.send().await.map_err(|err| self.transport_error(&url, err))?;
            let Some(location) = redirect_location(response.status(), response.headers()) else {
                return self.read(url, response).await;
            };
            let next = url.join(&location);
            if !matches!(method, Method::GET | Method::HEAD) {
                let location = next.as_ref().map_or(location, redact);
                let status = response.status().as_u16();
                return Err(GuardError::RedirectOnWrite { method, url: redact(&url), status, location });
            }
            if redirects >= self.policy.max_redirects {
                return Err(GuardError::TooManyRedirects { url: redact(&url), max: self.policy.max_redirects });
            }
            redirects += 1;
            let next = next.map_err(|err| invalid(&location, err.to_string())).and_then(check_scheme)?;
            if next.origin() != url.origin() {
                headers = without_credentials(&headers);
            }
            url = next;
        }
    }

    /// reqwest does not call the resolver for IP-literal hosts, so those are checked here.
    fn check_literal_host(&self, url: &Url) -> Result<(), GuardError> {
        // The URL parser has already normalised every IPv4 spelling (`2130706433`, `0x7f.1`) to dotted decimal.
        let Some(host) = url.host_str() else {
            return Err(invalid(url.as_str(), "no host"));
        };
        let bare = host.strip_prefix('[').and_then(|host| host.strip_suffix(']')).unwrap_or(host);
        let Ok(ip) = bare.parse::<IpAddr>() else {
            return Ok(());
        };
        match self.policy.refusal(ip) {
            None => Ok(()),
            Some(class) => {
                Err(GuardError::ForbiddenAddress { url: redact(url), host: ip.to_string(), addr: ip, class })
            }
        }
    }

    async fn read(&self, url: Url, mut response: Response) -> Result<GuardedResponse, GuardError> {
        let max_bytes = self.policy.max_response_bytes;
        let too_large = |url: &Url| GuardError::ResponseTooLarge { url: redact(url), max_bytes };
        if response.content_length().is_some_and(|len| usize::try_from(len).map_or(true, |len| len > max_bytes)) {
            return Err(too_large(&url));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| self.transport_error(&url, err))? {
            if body.len().saturating_add(chunk.len()) > max_bytes {
                return Err(too_large(&url));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(GuardedResponse { status: response.status(), headers: response.headers().clone(), body, url })
    }

    fn transport_error(&self, url: &Url, err: reqwest::Error) -> GuardError {
        if let Some(refused) = find_refusal(&err) {
            let (host, addr, class) = (refused.host.clone(), refused.addr, refused.class);
            return GuardError::ForbiddenAddress { url: redact(url), host, addr, class };
        }
        if err.is_timeout() {
            return GuardError::Timeout { url: redact(url), timeout: self.policy.timeout.min(MAX_CONNECT_TIMEOUT) };
        }
        GuardError::Network { url: redact(url), message: error_chain(&err.without_url()) }
    }
}

/// reqwest's top-level message is terse ("error sending request"); the causes say what actually failed.
fn error_chain(err: &reqwest::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// reqwest is built with `rustls-no-provider` (the workspace compiles `ring`, not `aws-lc`), so a process-wide
/// rustls crypto provider must exist before a client is built. Same shape as `ai::http::ensure_tls_provider`: install
/// `ring` unless one is installed; an `Err` only means another thread won the race.
fn ensure_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AddressClass::*;

    #[test]
    fn ip_literal_hosts_are_checked_in_every_spelling() {
        let client = OutboundClient::new(GuardPolicy::default()).unwrap_or_else(|err| panic!("{err}"));
        let check = |url: &str| parse_target(url).and_then(|url| client.check_literal_host(&url));
        let refused = [
            ("http://127.0.0.1/", Loopback),
            ("http://127.1:8080/", Loopback),
            ("http://2130706433/", Loopback),
            ("http://0x7f.0.0.1/", Loopback),
            ("http://[::1]:8080/", Loopback),
            ("http://[::ffff:127.0.0.1]/", Loopback),
            ("http://[::ffff:7f00:1]/", Loopback),
            ("https://169.254.169.254/latest/meta-data/", LinkLocal),
            ("http://10.0.0.1/", Private),
            ("http://[fd00::1]/", Private),
            ("http://0.0.0.0:8080/", Unspecified),
            ("http://100.64.1.1/", SharedCgnat),
        ];
        for (url, expected) in refused {
            match check(url) {
                Err(GuardError::ForbiddenAddress { class, .. }) => assert_eq!(class, expected, "{url}"),
                other => panic!("{url}: {other:?}"),
            }
        }
        // Public literals pass; names pass here and are checked by the resolver after resolution.
        for url in ["http://93.184.216.34/", "https://[2606:4700:4700::1111]/", "http://localhost/"] {
            assert!(check(url).is_ok(), "{url}");
        }
    }
}
