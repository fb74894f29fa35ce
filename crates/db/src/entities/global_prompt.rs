//! `global_prompts`: platform-wide prompt text replacing a built-in default (staff edit these).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "global_prompts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub prompt_type: String,
    pub prompt_value: String,
    pub updated_by: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
