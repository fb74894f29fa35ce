use chrono::{DateTime, Utc};
use db::entities::credit_transaction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceOut {
    /// Plan credits (reset at renewal).
    pub credits: i64,
    /// Purchased credits (never expire).
    pub bonus_credits: i64,
    pub total: i64,
    /// Credits held by queued and running AI tasks (their estimates) until they end; new work can use
    /// `total - reserved`.
    pub reserved: i64,
    /// Plan credits granted each period.
    pub plan_included_credits: i64,
    pub plan: String,
    /// Credits spent in the current period.
    pub used_this_period: i64,
    pub period_start: Option<DateTime<Utc>>,
    pub period_end: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionOut {
    pub id: i64,
    /// `plan` or `bonus`.
    pub pool: String,
    /// Negative for spending.
    pub delta: i64,
    /// The pool's balance after this change.
    pub balance_after: i64,
    pub kind: String,
    pub reference: Option<String>,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

impl From<credit_transaction::Model> for TransactionOut {
    fn from(t: credit_transaction::Model) -> Self {
        Self {
            id: t.id,
            pool: t.pool,
            delta: t.delta,
            balance_after: t.balance_after,
            kind: t.kind,
            reference: t.reference,
            description: t.description,
            created_at: t.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UsageRow {
    pub operation: String,
    pub model: Option<String>,
    /// How many operations.
    pub count: i64,
    pub credits: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UsageOut {
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub total_credits: i64,
    pub rows: Vec<UsageRow>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// Start of the period (RFC 3339); default 30 days ago.
    pub start: Option<DateTime<Utc>>,
    /// End of the period (RFC 3339); default now.
    pub end: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustIn {
    pub account_id: i64,
    /// `plan` or `bonus`.
    pub pool: String,
    /// Credits to add (negative to remove).
    pub amount: i64,
    pub reason: String,
    /// Repeating a request with the same key changes nothing.
    pub idempotency_key: Option<String>,
}
