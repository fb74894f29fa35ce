//! What the outbound guard allows.

use std::net::IpAddr;
use std::time::Duration;

use super::{AddressClass, classify_ip};

/// What the guard allows. [`Default`] refuses every non-public address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardPolicy {
    /// Lifts the address refusal entirely (the server maps
    /// [`ALLOW_PRIVATE_ENV`](super::ALLOW_PRIVATE_ENV) here). For self-hosted setups
    /// whose WordPress lives on the private network, and for tests against loopback mock servers.
    pub allow_private: bool,
    /// Addresses allowed although their class is refused (exact match; `127.0.0.1` does not allow
    /// `::ffff:127.0.0.1`). Narrower than `allow_private`: one known internal site, or one mock server in a test.
    pub allowed_ips: Vec<IpAddr>,
    /// Limit for the whole exchange: resolution, connection, every redirect hop and reading the body.
    pub timeout: Duration,
    /// Largest response body accepted, in bytes.
    pub max_response_bytes: usize,
    /// Redirects followed on reads (GET, HEAD); writes follow none.
    pub max_redirects: usize,
}

impl Default for GuardPolicy {
    /// Private addresses refused, 30 s, 10 MiB, 5 redirects.
    fn default() -> Self {
        Self {
            allow_private: false,
            allowed_ips: Vec::new(),
            timeout: Duration::from_secs(30),
            max_response_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

impl GuardPolicy {
    /// `None` when a connection to `ip` is allowed, otherwise the reason it is refused.
    pub fn refusal(&self, ip: IpAddr) -> Option<AddressClass> {
        if self.allow_private || self.allowed_ips.contains(&ip) {
            return None;
        }
        classify_ip(ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_private_lifts_every_refusal_and_allowed_ips_only_the_exact_address() {
        let loopback: IpAddr = [127, 0, 0, 1].into();
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap_or_else(|err| panic!("{err}"));
        let default = GuardPolicy::default();
        assert_eq!(default.refusal(loopback), Some(AddressClass::Loopback));
        assert_eq!(default.refusal([93, 184, 216, 34].into()), None);
        let open = GuardPolicy { allow_private: true, ..GuardPolicy::default() };
        assert_eq!(open.refusal(loopback), None);
        assert_eq!(open.refusal(mapped), None);
        let one = GuardPolicy { allowed_ips: vec![loopback], ..GuardPolicy::default() };
        assert_eq!(one.refusal(loopback), None);
        assert_eq!(one.refusal(mapped), Some(AddressClass::Loopback));
        assert_eq!(one.refusal([127, 0, 0, 2].into()), Some(AddressClass::Loopback));
    }
}
