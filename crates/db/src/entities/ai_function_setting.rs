//! `ai_function_settings`: per AI function, the chosen model, its fallback, and the minimum charge.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ai_function_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub function: String,
    pub model_id: Option<i64>,
    pub fallback_model_id: Option<i64>,
    pub min_credits: i64,
    pub temperature: f64,
    pub max_tokens: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
