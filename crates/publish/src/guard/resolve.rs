//! DNS resolution that never hands reqwest a refused address.
//!
//! Checking a host name and then letting the HTTP client resolve it again leaves a gap: a hostile DNS server can
//! answer the check with a public address and the connection with 127.0.0.1 (DNS rebinding). Here the check sits
//! inside the resolver reqwest uses, so the addresses checked are the addresses connected to.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::{AddressClass, GuardPolicy};

/// Resolves with the system resolver (through tokio) and drops every address the policy refuses.
pub(crate) struct GuardedResolver {
    pub(crate) policy: Arc<GuardPolicy>,
}

/// A name that resolved only to refused addresses. Travels through reqwest's error chain as the resolver's error and
/// is picked out again by [`find_refusal`] to become [`GuardError::ForbiddenAddress`](super::GuardError).
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves only to refused addresses ({addr} is {class})")]
pub(crate) struct ResolvedToRefused {
    pub(crate) host: String,
    pub(crate) addr: IpAddr,
    pub(crate) class: AddressClass,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // Port 0: reqwest puts the URL's port (or the scheme's default) in afterwards.
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut allowed = Vec::with_capacity(found.len());
            let mut first_refused = None;
            for addr in found {
                match policy.refusal(addr.ip()) {
                    None => allowed.push(addr),
                    Some(class) => {
                        first_refused.get_or_insert((addr.ip(), class));
                    }
                }
            }
            if let Some((addr, class)) = first_refused {
                tracing::debug!(host, refused = %addr, kept = allowed.len(), "outbound guard dropped addresses");
                if allowed.is_empty() {
                    return Err(Box::new(ResolvedToRefused { host, addr, class }) as _);
                }
            }
            if allowed.is_empty() {
                return Err(format!("{host} has no addresses").into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The resolver's refusal, if that is what made a request fail.
pub(crate) fn find_refusal(err: &reqwest::Error) -> Option<&ResolvedToRefused> {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(refusal) = cause.downcast_ref::<ResolvedToRefused>() {
            return Some(refusal);
        }
        source = cause.source();
    }
    None
}
