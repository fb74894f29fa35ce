//! Writer vocabulary: task, content and image statuses with their allowed transitions.

/// Writer task: `queued` until its article is written, then `completed`.
pub const TASK_STATUSES: &[&str] = &["queued", "completed"];

/// Editorial status of a content.
pub const CONTENT_STATUSES: &[&str] = &["draft", "review", "approved"];

/// Where the content stands on the site.
pub const SITE_STATUSES: &[&str] = &["not_published", "scheduled", "publishing", "published", "failed"];

pub const IMAGE_STATUSES: &[&str] = &["pending", "generated", "failed"];
pub const IMAGE_TYPES: &[&str] = &["featured", "in_article"];
pub const TAXONOMY_TYPES: &[&str] = &["category", "tag"];

/// Editorial moves: a draft goes to review; review is approved or sent back; approved content reopens as a
/// draft for edits. Anything else is a 409 naming the current status.
pub fn content_transition_allowed(from: &str, to: &str) -> bool {
    matches!((from, to), ("draft", "review") | ("review", "approved") | ("review", "draft") | ("approved", "draft"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editorial_table() {
        let allowed: Vec<(&str, &str)> = CONTENT_STATUSES
            .iter()
            .flat_map(|from| CONTENT_STATUSES.iter().map(move |to| (*from, *to)))
            .filter(|(from, to)| content_transition_allowed(from, to))
            .collect();
        assert_eq!(allowed, [("draft", "review"), ("review", "draft"), ("review", "approved"), ("approved", "draft")]);
    }
}
