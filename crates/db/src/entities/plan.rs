//! `plans`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub price_cents: i64,
    pub billing_cycle: String,
    pub included_credits: i64,
    pub max_sites: i32,
    pub max_users: i32,
    pub max_keywords: i32,
    pub max_sectors_per_site: i32,
    pub is_active: bool,
    pub is_internal: bool,
    pub sort_order: i32,
    pub features: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
