//! `clusters`: a topic grouping a sector's keywords; the name is unique per site+sector (case-insensitively).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clusters")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub name: String,
    pub normalized_name: String,
    pub description: String,
    /// `new` (just created) or `mapped` (ideas generated).
    pub status: String,
    /// The pillar cluster this one sits under (same sector); `None` for a pillar or a cluster on its own.
    pub parent_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
