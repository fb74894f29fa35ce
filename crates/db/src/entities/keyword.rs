//! `keywords`: a site+sector's keywords. `volume` and `difficulty` are stored effective values (the override when
//! set, else the library's or imported value), so lists sort and filter on plain indexed columns.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "keywords")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub seed_keyword_id: Option<i64>,
    pub keyword: String,
    /// The matching key: unique per sector (a sector belongs to one site, so per site+sector too).
    pub normalized: String,
    /// Effective values: the override when set, else the base.
    pub volume: i64,
    pub difficulty: i32,
    /// From the library or the imported file.
    pub base_volume: i64,
    pub base_difficulty: i32,
    pub volume_override: Option<i64>,
    pub difficulty_override: Option<i32>,
    pub intent: String,
    pub cpc: Option<f64>,
    pub cluster_id: Option<i64>,
    /// `new` or `mapped` (in a cluster).
    pub status: String,
    /// Soft delete: hidden everywhere; adding the keyword again restores the row.
    pub deleted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
