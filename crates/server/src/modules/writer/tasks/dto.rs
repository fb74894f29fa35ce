use chrono::{DateTime, Utc};
use db::entities::writer_task;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct WriterTaskOut {
    pub id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub cluster_id: Option<i64>,
    pub idea_id: Option<i64>,
    pub title: String,
    pub brief: String,
    /// The main keyword first.
    pub keywords: Vec<String>,
    pub content_type: String,
    pub content_structure: String,
    pub target_words: i32,
    /// `queued` or `completed`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<writer_task::Model> for WriterTaskOut {
    fn from(t: writer_task::Model) -> Self {
        Self {
            id: t.id,
            site_id: t.site_id,
            sector_id: t.sector_id,
            cluster_id: t.cluster_id,
            idea_id: t.idea_id,
            title: t.title,
            brief: t.brief,
            keywords: serde_json::from_value(t.keywords).unwrap_or_default(),
            content_type: t.content_type,
            content_structure: t.content_structure,
            target_words: t.target_words,
            status: t.status,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WriterTaskIn {
    pub site_id: i64,
    pub sector_id: i64,
    pub cluster_id: Option<i64>,
    pub title: String,
    pub brief: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub content_type: Option<String>,
    pub content_structure: Option<String>,
    pub target_words: Option<i32>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WriterTaskPatch {
    pub title: Option<String>,
    pub brief: Option<String>,
    pub keywords: Option<Vec<String>>,
    pub content_type: Option<String>,
    pub content_structure: Option<String>,
    pub target_words: Option<i32>,
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskBulkUpdateIn {
    pub ids: Vec<i64>,
    pub status: String,
}

/// What converting ideas into tasks did.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedOut {
    pub created: usize,
    /// Ideas that already had a task (left as they are).
    pub skipped: usize,
    pub task_ids: Vec<i64>,
}
