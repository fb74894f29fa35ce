use db::entities::seed_keyword;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::modules::planner::keywords::csv_import::RowError;

#[derive(Debug, Serialize, ToSchema)]
pub struct SeedKeywordOut {
    pub id: i64,
    pub industry_sector_id: i64,
    pub keyword: String,
    pub volume: i64,
    pub difficulty: i32,
    pub intent: String,
    pub country: String,
}

impl From<seed_keyword::Model> for SeedKeywordOut {
    fn from(k: seed_keyword::Model) -> Self {
        Self {
            id: k.id,
            industry_sector_id: k.industry_sector_id,
            keyword: k.keyword,
            volume: k.volume,
            difficulty: k.difficulty,
            intent: k.intent,
            country: k.country,
        }
    }
}

/// Library totals of one industry sector.
#[derive(Debug, Serialize, ToSchema, sea_orm::FromQueryResult)]
pub struct SectorStatsOut {
    pub industry_sector_id: i64,
    pub keywords: i64,
    pub total_volume: i64,
    pub avg_difficulty: f64,
}

#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
pub struct LibraryImportQuery {
    /// The industry sector every row of the file belongs to (required).
    pub industry_sector_id: Option<i64>,
    /// Two-letter country code (US by default).
    pub country: Option<String>,
    /// Report what would change without writing.
    pub dry_run: Option<bool>,
}

/// What a library import did (or, for a preview, would do).
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct LibraryImportReport {
    pub total_rows: usize,
    pub created: usize,
    /// Present with other volume, difficulty or intent: updated.
    pub updated: usize,
    pub unchanged: usize,
    pub duplicates: usize,
    /// Rows refused, with the reason.
    pub rejected: Vec<RowError>,
    pub dry_run: bool,
}
