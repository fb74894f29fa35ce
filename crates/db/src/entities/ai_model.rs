//! `ai_models`: the model catalogue — what each model costs and how it is billed in credits.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ai_models")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub provider_id: i64,
    /// The provider's name for the model (`gpt-4o-mini`, `claude-sonnet-4-5`, `runware:97@1`…).
    pub model_id: String,
    pub display_name: String,
    /// `text`, `image` or `embedding`.
    pub model_type: String,
    /// Provider prices in USD per million tokens, for the usage log's cost.
    pub input_usd_per_mtok: f64,
    pub output_usd_per_mtok: f64,
    /// Text models: one credit per this many tokens (SPEC.md §7).
    pub tokens_per_credit: i64,
    /// Image models: credits per successful image.
    pub credits_per_image: i64,
    pub usd_per_image: f64,
    pub max_output_tokens: i32,
    pub supports_json: bool,
    pub is_active: bool,
    /// The model functions use when none is chosen for them; one per type.
    pub is_default: bool,
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
