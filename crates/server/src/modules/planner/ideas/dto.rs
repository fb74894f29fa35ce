use chrono::{DateTime, Utc};
use db::entities::content_idea;
use domain::outline::Outline;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::extract::nullable;

/// One H2 section of an outline with its H3s.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SectionOut {
    pub h2: String,
    #[serde(default)]
    pub h3: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdeaOut {
    pub id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub cluster_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub content_type: String,
    pub content_structure: String,
    pub primary_keywords: Vec<String>,
    pub covered_keywords: Vec<String>,
    pub outline: Vec<SectionOut>,
    pub target_word_count: i32,
    /// `new`, `queued` (a writer task exists) or `completed`.
    pub status: String,
    /// `ai`, `offline` (an offline draft) or `manual`.
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn strings(value: serde_json::Value) -> Vec<String> {
    serde_json::from_value(value).unwrap_or_default()
}

impl From<content_idea::Model> for IdeaOut {
    fn from(i: content_idea::Model) -> Self {
        let outline: Outline = serde_json::from_value(i.outline).unwrap_or_default();
        Self {
            id: i.id,
            site_id: i.site_id,
            sector_id: i.sector_id,
            cluster_id: i.cluster_id,
            title: i.title,
            description: i.description,
            content_type: i.content_type,
            content_structure: i.content_structure,
            primary_keywords: strings(i.primary_keywords),
            covered_keywords: strings(i.covered_keywords),
            outline: outline.0.into_iter().map(|s| SectionOut { h2: s.h2, h3: s.h3 }).collect(),
            target_word_count: i.target_word_count,
            status: i.status,
            source: i.source,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaIn {
    pub site_id: i64,
    pub sector_id: i64,
    pub cluster_id: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    pub content_type: Option<String>,
    pub content_structure: Option<String>,
    #[serde(default)]
    pub primary_keywords: Vec<String>,
    #[serde(default)]
    pub covered_keywords: Vec<String>,
    /// 6 to 10 H2 sections, each with its H3s; may be left empty for a rough idea.
    #[serde(default)]
    pub outline: Vec<SectionOut>,
    pub target_word_count: Option<i32>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub content_type: Option<String>,
    pub content_structure: Option<String>,
    pub primary_keywords: Option<Vec<String>>,
    pub covered_keywords: Option<Vec<String>>,
    pub outline: Option<Vec<SectionOut>>,
    pub target_word_count: Option<i32>,
    /// `new`, `queued` or `completed`, along the allowed transitions.
    pub status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub cluster_id: Option<Option<i64>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateIdeasIn {
    /// Clusters to write ideas for (1 to 10).
    pub ids: Vec<i64>,
    /// Ideas per cluster, 3 to 7 (4 by default).
    pub ideas_per_cluster: Option<u8>,
}

/// One idea as `generate_ideas` saves it.
#[derive(Debug, Clone, PartialEq)]
pub struct IdeaDraft {
    pub title: String,
    pub description: String,
    pub content_type: String,
    pub content_structure: String,
    pub primary_keywords: Vec<String>,
    pub covered_keywords: Vec<String>,
    pub outline: Outline,
    pub target_word_count: i32,
}

/// The `generate_ideas` job's input, as [`super::service::start_generation`] queues it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerateIdeasJob {
    pub cluster_ids: Vec<i64>,
    /// 3 to 7.
    #[serde(default = "GenerateIdeasJob::default_per_cluster")]
    pub ideas_per_cluster: usize,
}

impl GenerateIdeasJob {
    fn default_per_cluster() -> usize {
        4
    }
}

impl jobs::JobInput for GenerateIdeasJob {
    const KIND: &'static str = "generate_ideas";
}
