//! `credit_usage_logs`: what each AI operation consumed (tokens, cost, credits).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_usage_logs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub site_id: Option<i64>,
    pub operation: String,
    pub model: Option<String>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// Provider cost in millionths of a US dollar.
    pub cost_usd_micros: i64,
    pub credits: i64,
    pub related_type: Option<String>,
    pub related_id: Option<i64>,
    pub idempotency_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
