use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::modules::planner::keywords::csv_import::RowError;

/// A library keyword, read straight into this shape by the list query.
#[derive(Debug, Serialize, ToSchema, sea_orm::FromQueryResult)]
pub struct SeedKeywordOut {
    pub id: i64,
    pub industry_sector_id: i64,
    pub keyword: String,
    pub volume: i64,
    pub difficulty: i32,
    pub intent: String,
    pub country: String,
    /// With `site_id` in the request: whether that site already has this keyword (live, same text, in its sector
    /// made from this keyword's industry sector). Absent without `site_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_site: Option<bool>,
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
