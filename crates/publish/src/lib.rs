//! # publish — publishing adapters
//!
//! Purpose (SPEC.md §9): the contract publishing targets implement ([`PublishAdapter`]), the classes its errors
//! fall into ([`PublishError`]: auth, retryable, permanent, refused) and the outbound-URL guard ([`OutboundClient`])
//! through which every request to a user-given URL goes. The WordPress core REST adapter and the IGNY8 bridge
//! adapter land with the publishing issue. No database code: the server loads content and credentials, calls an
//! adapter with plain data, and records the outcome.

pub mod adapter;
pub mod error;
pub mod guard;
pub mod wordpress;

pub use adapter::{
    ConnectionCheck, ConnectionReport, PostImage, PostPayload, PostStatus, PublishAdapter, PublishedPost, SeoMeta,
};
pub use error::PublishError;
pub use guard::{
    ALLOW_PRIVATE_ENV, AddressClass, GuardError, GuardPolicy, GuardedResponse, OutboundClient, classify_ip,
};
/// URLs as the outbound client parses them (so callers validate addresses the same way).
pub use reqwest::Url;
