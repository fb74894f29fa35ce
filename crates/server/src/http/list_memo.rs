//! What list queries remember between requests, keyed by the version of the rows they read.
//!
//! * **Totals.** Counting a searched and filtered list is the expensive half of a page (every matching row is
//!   visited; the page itself stops after 50). Paging through one result set repeats the same count.
//! * **Page anchors.** A page at offset N makes the database walk N index entries before the first row it returns
//!   (page 200 of 50: 10,000). The ordering key of the row just before a page (and of a page's last row) is kept,
//!   so the next request for that page, or for the following one, seeks straight to it (`(volume, id) < (…, …)`).
//!
//! Both are keyed by the scope (for example a sector), that scope's data version (raised by database triggers on
//! every change to its rows) and the request's filters and search. A change to the rows changes the version, so
//! nothing remembered is served for rows that have moved on; the version comes from the database, so this holds
//! across server nodes.

use quick_cache::sync::Cache;
use sea_orm::Value;
use sha2::{Digest, Sha256};

/// Bounded: old versions simply age out.
const CAPACITY: usize = 10_000;

/// Entries are kept under a SHA-256 of their canonical key: the key is built from the request's query string,
/// which a caller may make as long as the server accepts, and 32 bytes a key keeps the caches small whatever it
/// sends.
type Key = [u8; 32];

/// The ordering key of one row: the sort column's value and the primary key (the tie-breaker).
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub value: Value,
    pub id: Value,
}

pub struct ListMemo {
    counts: Cache<Key, u64>,
    anchors: Cache<Key, Anchor>,
}

impl Default for ListMemo {
    fn default() -> Self {
        Self { counts: Cache::new(CAPACITY), anchors: Cache::new(CAPACITY) }
    }
}

impl ListMemo {
    /// What is remembered for a list's filters and search (`ListParams::filter_key`, paging and ordering left
    /// out) over `scope` (for example `keywords:sector:7`) at `version`.
    pub fn scope<'a>(&'a self, scope: &str, version: i64, filter_key: &str) -> Memo<'a> {
        Memo { memo: self, key: digest(&[key(scope, version, filter_key).as_bytes()]) }
    }
}

/// The key of a list's filters and search over `scope` at `version`.
fn key(scope: &str, version: i64, filter_key: &str) -> String {
    format!("{scope}@{version}?{filter_key}")
}

/// One list's memory: its total, and anchors per ordering and offset.
pub struct Memo<'a> {
    memo: &'a ListMemo,
    /// The digest of the list's key (its total's key; anchors add their ordering and offset to it).
    key: Key,
}

impl Memo<'_> {
    pub fn count(&self) -> Option<u64> {
        self.memo.counts.get(&self.key)
    }

    pub fn remember_count(&self, count: u64) {
        self.memo.counts.insert(self.key, count);
    }

    /// The ordering key of the row at `offset` (0-based) under `ordering`.
    pub fn anchor(&self, ordering: &str, offset: u64) -> Option<Anchor> {
        self.memo.anchors.get(&self.anchor_key(ordering, offset))
    }

    pub fn remember_anchor(&self, ordering: &str, offset: u64, anchor: Anchor) {
        self.memo.anchors.insert(self.anchor_key(ordering, offset), anchor);
    }

    fn anchor_key(&self, ordering: &str, offset: u64) -> Key {
        digest(&[&self.key, ordering.as_bytes(), &offset.to_le_bytes()])
    }
}

/// SHA-256 over the parts, each preceded by its length (so no two lists of parts share an input).
fn digest(parts: &[&[u8]]) -> Key {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ListParams;

    fn params(query: &str) -> ListParams {
        ListParams::parse("/api/v1/planner/keywords", query).expect("valid query")
    }

    #[test]
    fn paging_and_ordering_share_a_key_filters_and_versions_do_not() {
        let base = key("kw:1", 3, &params("search=shoe&intent=commercial&page=1&ordering=-volume").filter_key());
        assert_eq!(base, key("kw:1", 3, &params("intent=commercial&search=shoe&page=9&page_size=50").filter_key()));
        assert_ne!(base, key("kw:1", 4, &params("search=shoe&intent=commercial").filter_key()));
        assert_ne!(base, key("kw:2", 3, &params("search=shoe&intent=commercial").filter_key()));
        assert_ne!(base, key("kw:1", 3, &params("search=shoe&intent=transactional").filter_key()));
        assert_ne!(base, key("kw:1", 3, &params("search=boot&intent=commercial").filter_key()));
        // The last value of a repeated filter counts; a blank last value switches it off.
        assert_eq!(
            key("kw:1", 3, &params("intent=navigational&search=shoe&intent=commercial").filter_key()),
            key("kw:1", 3, &params("search=shoe&intent=commercial").filter_key())
        );
        assert_eq!(
            key("kw:1", 3, &params("intent=commercial&search=shoe&intent=").filter_key()),
            key("kw:1", 3, &params("search=shoe").filter_key())
        );
        // A value that looks like another parameter stays one value.
        assert_ne!(
            key("kw:1", 3, &params("search=a%26intent%3Dx").filter_key()),
            key("kw:1", 3, &params("search=a&intent=x").filter_key())
        );
    }

    #[test]
    fn keys_are_digests_of_unambiguous_parts() {
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
        assert_ne!(digest(&[b"kw:1@3?", b"-volume", b"49"]), digest(&[b"kw:1@3?", b"-volume", b"4", b"9"]));
        let long = "x".repeat(60_000);
        let memo = ListMemo::default();
        let list = memo.scope("kw:1", 1, &params(&format!("search={long}")).filter_key());
        list.remember_count(1);
        assert_eq!(list.count(), Some(1));
        assert_eq!(memo.scope("kw:1", 1, &params(&format!("search={long}y")).filter_key()).count(), None);
    }

    #[test]
    fn remembers_what_was_inserted() {
        let memo = ListMemo::default();
        let list = memo.scope("kw:1", 1, &params("search=shoe").filter_key());
        assert_eq!(list.count(), None);
        list.remember_count(2665);
        assert_eq!(memo.scope("kw:1", 1, &params("search=shoe&page=4").filter_key()).count(), Some(2665));
        assert_eq!(memo.scope("kw:1", 2, &params("search=shoe").filter_key()).count(), None, "another version");

        let anchor = Anchor { value: Value::BigInt(Some(900)), id: Value::BigInt(Some(17)) };
        list.remember_anchor("-volume", 49, anchor.clone());
        assert_eq!(list.anchor("-volume", 49), Some(anchor));
        assert_eq!(list.anchor("volume", 49), None, "another ordering");
        assert_eq!(list.anchor("-volume", 50), None, "another offset");
        assert_eq!(
            memo.scope("kw:1", 2, &params("search=shoe").filter_key()).anchor("-volume", 49),
            None,
            "another version"
        );
    }
}
