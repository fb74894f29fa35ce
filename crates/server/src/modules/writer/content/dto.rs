use chrono::{DateTime, Utc};
use db::entities::content;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ContentOut {
    pub id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub task_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub idea_id: Option<i64>,
    pub title: String,
    pub content_html: String,
    pub word_count: i32,
    pub meta_title: String,
    pub meta_description: String,
    pub primary_keyword: String,
    pub secondary_keywords: Vec<String>,
    pub content_type: String,
    pub content_structure: String,
    /// Editorial: `draft`, `review` or `approved`.
    pub status: String,
    /// On the site: `not_published`, `scheduled`, `publishing`, `published` or `failed`.
    pub site_status: String,
    /// `ai`, `offline` (an offline draft) or `manual`.
    pub source: String,
    pub review_note: String,
    /// An offline draft that still carries its "Offline draft … rewrite before publishing" note (`source` is
    /// `offline` and the note is in the body): approving it warns, and publishing it needs an explicit
    /// confirmation. Taking the note out of the body (after rewriting) clears it.
    pub offline_draft: bool,
    /// What the caller should know about this answer, e.g. that an approved article is still an offline draft.
    pub warnings: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<content::Model> for ContentOut {
    fn from(c: content::Model) -> Self {
        let offline_draft = super::label::still_offline_draft(&c.source, &c.content_html);
        Self {
            id: c.id,
            site_id: c.site_id,
            sector_id: c.sector_id,
            task_id: c.task_id,
            cluster_id: c.cluster_id,
            idea_id: c.idea_id,
            title: c.title,
            content_html: c.content_html,
            word_count: c.word_count,
            meta_title: c.meta_title,
            meta_description: c.meta_description,
            primary_keyword: c.primary_keyword,
            secondary_keywords: serde_json::from_value(c.secondary_keywords).unwrap_or_default(),
            content_type: c.content_type,
            content_structure: c.content_structure,
            status: c.status,
            site_status: c.site_status,
            source: c.source,
            review_note: c.review_note,
            offline_draft,
            warnings: Vec::new(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentIn {
    pub site_id: i64,
    pub sector_id: i64,
    pub title: String,
    #[serde(default)]
    pub content_html: String,
    #[serde(default)]
    pub meta_title: String,
    #[serde(default)]
    pub meta_description: String,
    #[serde(default)]
    pub primary_keyword: String,
    #[serde(default)]
    pub secondary_keywords: Vec<String>,
    pub content_type: Option<String>,
    pub content_structure: Option<String>,
}

/// Editor changes; the HTML is sanitised and re-counted.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentPatch {
    pub title: Option<String>,
    pub content_html: Option<String>,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub primary_keyword: Option<String>,
    pub secondary_keywords: Option<Vec<String>>,
    pub content_type: Option<String>,
    pub content_structure: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewIn {
    /// Why (required when rejecting).
    pub reason: Option<String>,
}

/// An article as `generate_content` saves it (before sanitising).
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleDraft {
    pub title: String,
    pub meta_title: String,
    pub meta_description: String,
    pub html: String,
    pub primary_keyword: String,
    pub secondary_keywords: Vec<String>,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
}

/// The `generate_content` job's input, as `writer::tasks::service::start_generation` queues it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerateContentJob {
    /// Writer tasks of one site, at most 10.
    pub task_ids: Vec<i64>,
}

impl jobs::JobInput for GenerateContentJob {
    const KIND: &'static str = "generate_content";
}
