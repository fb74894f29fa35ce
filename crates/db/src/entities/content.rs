//! `contents`: an article with its SEO meta. Two statuses: editorial (`draft → review → approved`) and on the
//! site (`not_published → scheduled → publishing → published | failed`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub task_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub idea_id: Option<i64>,
    pub title: String,
    /// Sanitised HTML (allow-list): no scripts, handlers or frames.
    pub content_html: String,
    /// Counted by the server from the HTML's text.
    pub word_count: i32,
    pub meta_title: String,
    pub meta_description: String,
    pub primary_keyword: String,
    pub secondary_keywords: Json,
    pub content_type: String,
    pub content_structure: String,
    pub status: String,
    pub site_status: String,
    /// `ai`, `offline` or `manual`.
    pub source: String,
    /// Why a reviewer sent it back, or approved it.
    pub review_note: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
