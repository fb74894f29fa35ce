//! `notifications`: account-wide messages (task results, low credits, publishing…).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub user_id: Option<i64>,
    pub notification_type: String,
    /// `info`, `success`, `warning` or `error`.
    pub severity: String,
    pub title: String,
    pub message: String,
    pub action_label: Option<String>,
    pub action_route: Option<String>,
    pub is_read: bool,
    pub read_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
