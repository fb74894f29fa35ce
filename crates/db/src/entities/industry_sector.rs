//! `industry_sectors`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "industry_sectors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub industry_id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub sort_order: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
