//! The contract every publishing target implements (WordPress core REST, the IGNY8 bridge plugin), and the plain
//! data that crosses it. No HTTP here: adapters make their requests through [`crate::guard::OutboundClient`].

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::PublishError;

/// One publishing target, already configured with its site URL and credentials. Object-safe: the server holds
/// `Arc<dyn PublishAdapter>` and picks the implementation per site.
#[async_trait]
pub trait PublishAdapter: Send + Sync {
    /// Runs the adapter's checks against the site (reachable, API present, credentials accepted, allowed to
    /// publish). Failed checks are reported in the `Ok` report with a detail for the user; `Err` means the checks
    /// could not run at all (guard refusal, site unreachable).
    async fn test_connection(&self) -> Result<ConnectionReport, PublishError>;

    /// Creates the post, or updates it when `post.external_id` is set. Must be idempotent per `post.marker`: a job
    /// retried after a lost response finds the post the first attempt created and updates it instead of creating a
    /// second one.
    async fn publish(&self, post: &PostPayload) -> Result<PublishedPost, PublishError>;

    /// Takes a published post off the site (each adapter documents whether that means draft or trash). A post that
    /// is already gone counts as success, so a retried unpublish does not fail.
    async fn unpublish(&self, external_id: &str) -> Result<(), PublishError>;
}

/// The outcome of [`PublishAdapter::test_connection`]: named checks in the order they ran.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConnectionReport {
    pub checks: Vec<ConnectionCheck>,
}

impl ConnectionReport {
    /// True when at least one check ran and none failed.
    pub fn is_ok(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|check| check.passed)
    }
}

/// One named check, e.g. `rest_api` "WordPress REST API found at /wp-json/" or `authentication` "user editor
/// cannot publish posts".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCheck {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

impl ConnectionCheck {
    pub fn pass(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { name: name.into(), passed: true, detail: detail.into() }
    }

    pub fn fail(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { name: name.into(), passed: false, detail: detail.into() }
    }
}

/// The status a post is published with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostStatus {
    #[default]
    Draft,
    Publish,
}

/// One piece of content to publish, complete: the adapter fetches nothing from the IGNY8 database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPayload {
    /// Idempotency marker, stable for this content on this site (e.g. `igny8-content-<uuid>`). Adapters store it on
    /// the post and look it up before creating one.
    pub marker: String,
    /// The site's id of the post when it was published before: update instead of create.
    #[serde(default)]
    pub external_id: Option<String>,
    pub title: String,
    /// The article body, HTML.
    pub html: String,
    #[serde(default)]
    pub excerpt: Option<String>,
    /// `None` lets the site derive one from the title.
    #[serde(default)]
    pub slug: Option<String>,
    pub status: PostStatus,
    /// Category names; adapters resolve or create the site's terms.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Tag names; adapters resolve or create the site's terms.
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub featured_image: Option<PostImage>,
    /// In-article images in article order (the first fills slot `in_article_1`).
    #[serde(default)]
    pub images: Vec<PostImage>,
    #[serde(default)]
    pub seo: SeoMeta,
}

/// An image the adapter uploads (WordPress core) or hands to the site to download (bridge plugin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostImage {
    /// Absolute URL the image can be fetched from.
    pub url: String,
    /// Alternative text; required for accessibility and image SEO.
    pub alt: String,
    #[serde(default)]
    pub caption: Option<String>,
}

/// SEO-plugin fields (Yoast, Rank Math, AIOSEO, SEOPress); written where the target can write them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SeoMeta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub focus_keyword: Option<String>,
}

/// Where the post ended up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedPost {
    /// The site's id for the post (WordPress post id, as text).
    pub external_id: String,
    /// Public URL (WordPress `link`).
    pub url: String,
    /// The site's own status word (WordPress `publish`, `draft`, `future`, `pending`, `private`); the server maps it.
    pub status: String,
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Compile-time proof of what the server relies on: a shareable trait object with `Send` futures.
    fn _object_safe_and_sendable(adapter: Arc<dyn PublishAdapter>, post: PostPayload) {
        fn is_send<T: Send>(_: T) {}
        is_send(async move { adapter.publish(&post).await });
    }

    #[test]
    fn payload_wire_format_is_stable_and_defaults_fill_optional_fields() {
        let minimal = r#"{"marker":"igny8-content-1","title":"T","html":"<p>x</p>","status":"publish"}"#;
        let post: PostPayload = serde_json::from_str(minimal).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(post.status, PostStatus::Publish);
        assert_eq!((post.external_id, post.slug, post.featured_image), (None, None, None));
        assert!(post.categories.is_empty() && post.images.is_empty() && post.seo == SeoMeta::default());
        assert_eq!(serde_json::to_value(PostStatus::Draft).ok(), Some(serde_json::json!("draft")));
        assert!(serde_json::from_str::<PostStatus>(r#""future""#).is_err());
    }

    #[test]
    fn a_report_is_ok_only_when_checks_ran_and_all_passed() {
        assert!(!ConnectionReport::default().is_ok());
        let mut report = ConnectionReport { checks: vec![ConnectionCheck::pass("rest_api", "found")] };
        assert!(report.is_ok());
        report.checks.push(ConnectionCheck::fail("authentication", "wrong application password"));
        assert!(!report.is_ok());
    }
}
