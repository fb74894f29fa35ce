//! `writer_tasks`: an article to write — from an idea (with its outline) or by hand.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "writer_tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub cluster_id: Option<i64>,
    pub idea_id: Option<i64>,
    pub title: String,
    pub brief: String,
    /// JSON array of keyword texts, the primary one first.
    pub keywords: Json,
    pub content_type: String,
    pub content_structure: String,
    pub target_words: i32,
    /// `queued` until its article is written, then `completed`.
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
