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
