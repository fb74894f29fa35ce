//! `images`: a featured or in-article image of a content: its prompt, then its generated file.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "images")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub site_id: i64,
    pub sector_id: i64,
    pub content_id: i64,
    /// `featured` or `in_article`.
    pub image_type: String,
    /// 0 for the featured image, 1… for in-article images in reading order.
    pub position: i32,
    pub prompt: String,
    pub negative_prompt: String,
    /// `pending → generated | failed`.
    pub status: String,
    pub error: Option<String>,
    /// Key of the file in image storage.
    pub file_path: Option<String>,
    pub mime: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub size_bytes: Option<i64>,
    pub model: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
