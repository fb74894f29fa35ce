//! `content_ideas`: an article idea with its persisted outline (SPEC.md §5: content generation follows it).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "content_ideas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub cluster_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub content_type: String,
    pub content_structure: String,
    /// JSON array of keyword texts.
    pub primary_keywords: Json,
    pub covered_keywords: Json,
    /// JSON array of sections: `[{"h2": "…", "h3": ["…"]}]` (`domain::outline::Outline`).
    pub outline: Json,
    pub target_word_count: i32,
    /// `new → queued → completed`.
    pub status: String,
    /// `ai`, `offline` or `manual`.
    pub source: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
