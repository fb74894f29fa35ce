//! `seed_keywords`: the global keyword library, per industry sector.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seed_keywords")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub industry_sector_id: i64,
    pub keyword: String,
    /// The matching key (`ai::normalise::normalise_keyword`): unique per sector and country.
    pub normalized: String,
    pub volume: i64,
    /// 0–100.
    pub difficulty: i32,
    pub intent: String,
    pub country: String,
    pub is_active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
