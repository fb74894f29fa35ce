//! `content_settings`: an account's writing defaults (tone, length, extra instructions, author profile, images).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "content_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub tone: String,
    pub default_words: i32,
    /// Appended to the article prompt.
    pub extra_instructions: String,
    /// Who writes and for whom, added to the article prompt.
    pub author_profile: String,
    /// In-article images per article (the featured one comes on top).
    pub in_article_images: i32,
    pub image_style: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
