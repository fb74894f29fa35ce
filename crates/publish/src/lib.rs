//! # publish — publishing adapters
//!
//! Purpose: the WordPress core REST adapter, the IGNY8 bridge protocol, publish error classes (auth,
//! retryable, permanent) and the guard for outbound requests to user-given URLs (SPEC.md §9).
//!
//! Status: empty until the publishing issue lands.
