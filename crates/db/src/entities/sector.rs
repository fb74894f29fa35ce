//! `sectors`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sectors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub site_id: i64,
    pub industry_sector_id: Option<i64>,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub is_active: bool,
    /// Live (not deleted) keywords, maintained by the keyword service.
    pub keyword_count: i64,
    /// Raised by database triggers on every change to the sector's keywords (a cache key, never set by code).
    pub keywords_version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
