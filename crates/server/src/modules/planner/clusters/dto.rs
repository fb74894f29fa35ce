use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A cluster with its figures, computed in the same query as the row.
#[derive(Debug, Serialize, ToSchema, sea_orm::FromQueryResult)]
pub struct ClusterOut {
    pub id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub name: String,
    pub description: String,
    pub status: String,
    /// The pillar cluster this one sits under (a related, broader intent of the same sector), as grouped by the
    /// clustering engine; `null` for a pillar or a cluster on its own.
    pub parent_id: Option<i64>,
    pub keywords_count: i64,
    /// Sum of the keywords' volumes.
    pub volume: i64,
    /// Average difficulty of the keywords (0 without keywords).
    pub difficulty: f64,
    pub ideas_count: i64,
    pub content_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterIn {
    pub site_id: i64,
    pub sector_id: i64,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `new` or `mapped`.
    pub status: Option<String>,
}

/// The `auto_cluster` job's input, as `keywords::service::start_auto_cluster` queues it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AutoClusterJob {
    pub sector_id: i64,
    /// The keywords to cluster; `None`: the sector's `new` keywords.
    #[serde(default)]
    pub keyword_ids: Option<Vec<i64>>,
}

/// A cluster the `auto_cluster` job made, ready to save.
#[derive(Debug, Clone)]
pub struct GeneratedCluster {
    pub name: String,
    pub description: String,
    pub keyword_ids: Vec<i64>,
    /// Index (among the job's clusters) of the pillar cluster this one sits under.
    pub parent: Option<usize>,
}

impl AutoClusterJob {
    /// Keywords per request: enough for a whole sector's backlog, small enough to answer in seconds.
    pub const MAX_KEYWORDS: usize = 2_000;
}

impl jobs::JobInput for AutoClusterJob {
    const KIND: &'static str = "auto_cluster";
}

/// What saving generated clusters did.
#[derive(Debug, Default)]
pub struct SavedClusters {
    pub created: usize,
    pub reused: usize,
    pub keywords_mapped: u64,
    pub cluster_ids: Vec<i64>,
}
