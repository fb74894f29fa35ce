//! Planner vocabulary: search intent, and the statuses of keywords, clusters and ideas with their transitions.

/// Why someone searches (SPEC.md §6: a label per keyword and per cluster).
pub const INTENTS: &[&str] = &["informational", "commercial", "transactional", "navigational"];

/// Keyword status: `new` until it is in a cluster, then `mapped`.
pub const KEYWORD_STATUSES: &[&str] = &["new", "mapped"];

/// Cluster status: `new` when created, `mapped` once ideas exist for it.
pub const CLUSTER_STATUSES: &[&str] = &["new", "mapped"];

/// Idea status: `new → queued` (a writer task exists) `→ completed` (its article is written).
pub const IDEA_STATUSES: &[&str] = &["new", "queued", "completed"];

/// What kind of page an idea or article is (the original's choices).
pub const CONTENT_TYPES: &[&str] = &["post", "page", "product", "taxonomy"];

/// How the article is built (the original's 14 structures).
pub const CONTENT_STRUCTURES: &[&str] = &[
    "article",
    "guide",
    "comparison",
    "review",
    "listicle",
    "landing_page",
    "business_page",
    "service_page",
    "general",
    "cluster_hub",
    "product_page",
    "category_archive",
    "tag_archive",
    "attribute_archive",
];

/// Whether an idea may move from `from` to `to` (re-queuing a completed idea is allowed: it writes a new version).
pub fn idea_transition_allowed(from: &str, to: &str) -> bool {
    matches!((from, to), ("new", "queued") | ("queued", "completed") | ("queued", "new") | ("completed", "queued"))
        || from == to
}

/// Reads an intent leniently (`Commercial`, ` transactional `), `None` when it is none of the four.
pub fn parse_intent(raw: &str) -> Option<&'static str> {
    let lowered = raw.trim().to_lowercase();
    INTENTS.iter().copied().find(|i| *i == lowered).or(match lowered.as_str() {
        "info" | "i" => Some("informational"),
        "comm" | "c" | "commercial investigation" => Some("commercial"),
        "trans" | "t" | "transaction" => Some("transactional"),
        "nav" | "n" => Some("navigational"),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_parse_leniently() {
        assert_eq!(parse_intent(" Commercial "), Some("commercial"));
        assert_eq!(parse_intent("T"), Some("transactional"));
        assert_eq!(parse_intent("info"), Some("informational"));
        assert_eq!(parse_intent("curious"), None);
    }

    #[test]
    fn idea_transitions() {
        assert!(idea_transition_allowed("new", "queued"));
        assert!(idea_transition_allowed("queued", "completed"));
        assert!(!idea_transition_allowed("new", "completed"));
        assert!(!idea_transition_allowed("completed", "new"));
    }
}
