//! `credit_transactions`: the append-only credit ledger. One row per pool touched by a change.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_transactions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    /// `plan` or `bonus`.
    pub pool: String,
    /// Negative for spending.
    pub delta: i64,
    /// The pool's balance right after this row.
    pub balance_after: i64,
    /// `deduction`, `reservation`, `release`, `subscription`, `purchase`, `adjustment`, `refund`.
    pub kind: String,
    pub reference: Option<String>,
    pub idempotency_key: Option<String>,
    pub description: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
