//! Totals of filtered list queries, remembered under the version of the rows they counted.
//!
//! Counting a searched and filtered list is the expensive half of a page (every matching row is visited; the page
//! itself stops after 50). Paging through one result set repeats the same count, so it is kept here, keyed by the
//! scope (for example a sector), that scope's data version (raised by database triggers on every change to its
//! rows) and the request's filters. A change to the rows changes the version, so a remembered total is never
//! served for rows that have moved on; the version comes from the database, so this holds across server nodes.

use quick_cache::sync::Cache;

use super::ListParams;

/// Bounded: old versions simply age out.
const CAPACITY: usize = 10_000;

pub struct CountCache(Cache<String, u64>);

impl Default for CountCache {
    fn default() -> Self {
        Self(Cache::new(CAPACITY))
    }
}

impl CountCache {
    /// The key of `params`' filters and search over `scope` (for example `keywords:sector:7`) at `version`.
    pub fn key(scope: &str, version: i64, params: &ListParams) -> String {
        format!("{scope}@{version}?{}", params.filter_key())
    }

    pub fn get(&self, key: &str) -> Option<u64> {
        self.0.get(key)
    }

    pub fn insert(&self, key: String, count: u64) {
        self.0.insert(key, count);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> ListParams {
        ListParams::parse("/api/v1/planner/keywords", query).expect("valid query")
    }

    #[test]
    fn paging_and_ordering_share_a_key_filters_and_versions_do_not() {
        let base = CountCache::key("kw:1", 3, &params("search=shoe&intent=commercial&page=1&ordering=-volume"));
        assert_eq!(base, CountCache::key("kw:1", 3, &params("intent=commercial&search=shoe&page=9&page_size=50")));
        assert_ne!(base, CountCache::key("kw:1", 4, &params("search=shoe&intent=commercial")));
        assert_ne!(base, CountCache::key("kw:2", 3, &params("search=shoe&intent=commercial")));
        assert_ne!(base, CountCache::key("kw:1", 3, &params("search=shoe&intent=transactional")));
        assert_ne!(base, CountCache::key("kw:1", 3, &params("search=boot&intent=commercial")));
        // The last value of a repeated filter counts; a blank last value switches it off.
        assert_eq!(
            CountCache::key("kw:1", 3, &params("intent=navigational&search=shoe&intent=commercial")),
            CountCache::key("kw:1", 3, &params("search=shoe&intent=commercial"))
        );
        assert_eq!(
            CountCache::key("kw:1", 3, &params("intent=commercial&search=shoe&intent=")),
            CountCache::key("kw:1", 3, &params("search=shoe"))
        );
        // A value that looks like another parameter stays one value.
        assert_ne!(
            CountCache::key("kw:1", 3, &params("search=a%26intent%3Dx")),
            CountCache::key("kw:1", 3, &params("search=a&intent=x"))
        );
    }

    #[test]
    fn remembers_what_was_inserted() {
        let cache = CountCache::default();
        let key = CountCache::key("kw:1", 1, &params("search=shoe"));
        assert_eq!(cache.get(&key), None);
        cache.insert(key.clone(), 2665);
        assert_eq!(cache.get(&key), Some(2665));
    }
}
