use chrono::{DateTime, Utc};
use db::entities::keyword;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::csv_import::RowError;
use crate::http::extract::nullable;

#[derive(Debug, Serialize, ToSchema)]
pub struct KeywordOut {
    pub id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub seed_keyword_id: Option<i64>,
    pub keyword: String,
    /// Effective volume: the override when set, else the library's or imported value.
    pub volume: i64,
    pub difficulty: i32,
    pub volume_override: Option<i64>,
    pub difficulty_override: Option<i32>,
    pub intent: String,
    pub cpc: Option<f64>,
    pub cluster_id: Option<i64>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<keyword::Model> for KeywordOut {
    fn from(k: keyword::Model) -> Self {
        Self {
            id: k.id,
            site_id: k.site_id,
            sector_id: k.sector_id,
            seed_keyword_id: k.seed_keyword_id,
            keyword: k.keyword,
            volume: k.volume,
            difficulty: k.difficulty,
            volume_override: k.volume_override,
            difficulty_override: k.difficulty_override,
            intent: k.intent,
            cpc: k.cpc,
            cluster_id: k.cluster_id,
            status: k.status,
            created_at: k.created_at,
            updated_at: k.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeywordIn {
    pub site_id: i64,
    pub sector_id: i64,
    pub keyword: String,
    pub volume: Option<i64>,
    pub difficulty: Option<i32>,
    /// informational, commercial, transactional or navigational (informational when absent).
    pub intent: Option<String>,
    pub cpc: Option<f64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeywordPatch {
    /// `null` clears the override (back to the library or imported value).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub volume_override: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub difficulty_override: Option<Option<i32>>,
    pub intent: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>)]
    pub cpc: Option<Option<f64>>,
    /// A cluster of the same sector; `null` removes the keyword from its cluster.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub cluster_id: Option<Option<i64>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdsIn {
    pub ids: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkUpdateIn {
    pub ids: Vec<i64>,
    pub status: Option<String>,
    pub intent: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub cluster_id: Option<Option<i64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Affected {
    pub count: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddFromSeedIn {
    pub seed_keyword_ids: Vec<i64>,
    pub site_id: i64,
    pub sector_id: i64,
}

/// What an import or library add did (or, for a dry run, would do).
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ImportReport {
    /// Data rows read.
    pub total_rows: usize,
    pub created: usize,
    /// Soft-deleted keywords brought back.
    pub restored: usize,
    /// Already in this site+sector: left as they are.
    pub existing: usize,
    /// Repeated within the request: counted once.
    pub duplicates: usize,
    pub errors: Vec<RowError>,
    /// Rows without an intent in the file, whose intent was read from their wording instead ("best …" commercial,
    /// "cheap …" transactional, "how to …" informational; a bare topic informational).
    pub intents_inferred: usize,
    /// True when nothing was written (a preview, or errors).
    pub dry_run: bool,
}

#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
pub struct ImportQuery {
    pub site_id: Option<i64>,
    pub sector_id: Option<i64>,
    /// Check the file and report without writing.
    pub dry_run: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoClusterIn {
    /// Keywords to cluster (at most 2,000); all `new` keywords of the sector when absent.
    #[serde(default, alias = "keyword_ids")]
    pub ids: Option<Vec<i64>>,
    pub sector_id: i64,
}
