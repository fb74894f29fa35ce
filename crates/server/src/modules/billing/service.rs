//! Balances, ledger listing, usage summaries and admin adjustments.

use chrono::{DateTime, Duration, Utc};
use db::entities::{credit_transaction, credit_usage_log, subscription};
use db::tenancy::scoped;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::dto::{AdjustIn, BalanceOut, UsageOut, UsageRow};
use super::ledger::{self, Outcome};
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListSpec};
use crate::modules::account::limits::plan_of;

pub const POOLS: &[&str] = &["plan", "bonus"];
pub const KINDS: &[&str] = &["deduction", "reservation", "release", "subscription", "purchase", "adjustment", "refund"];

pub fn transactions_spec() -> ListSpec<credit_transaction::Entity> {
    ListSpec::new()
        .search([credit_transaction::Column::Description, credit_transaction::Column::Reference])
        .order_by("created_at", credit_transaction::Column::CreatedAt)
        .order_by("delta", credit_transaction::Column::Delta)
        .default_ordering("-created_at")
        .filter(Filter::choice("pool", credit_transaction::Column::Pool, POOLS).with_options())
        .filter(Filter::choice("kind", credit_transaction::Column::Kind, KINDS).with_options())
        .filter(Filter::datetime("created_at", credit_transaction::Column::CreatedAt).range())
}

#[derive(Debug, FromQueryResult)]
struct Spent {
    spent: Option<i64>,
}

pub async fn balance<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<BalanceOut, AppError> {
    let (account, plan) = plan_of(db, account_id).await?;
    let period = scoped::<subscription::Entity>(account_id)
        .order_by_desc(subscription::Column::CurrentPeriodStart)
        .one(db)
        .await?;
    let start = period.as_ref().map(|p| p.current_period_start).unwrap_or_else(|| Utc::now() - Duration::days(30));
    let spent = credit_transaction::Entity::find()
        .select_only()
        .column_as(Expr::expr(Func::sum(Expr::col(credit_transaction::Column::Delta))).cast_as("BIGINT"), "spent")
        .filter(credit_transaction::Column::AccountId.eq(account_id))
        .filter(credit_transaction::Column::Kind.is_in(["deduction", "reservation", "release"]))
        .filter(credit_transaction::Column::CreatedAt.gte(start))
        .into_model::<Spent>()
        .one(db)
        .await?
        .and_then(|s| s.spent)
        .unwrap_or(0);
    Ok(BalanceOut {
        credits: account.credits,
        bonus_credits: account.bonus_credits,
        total: account.credits + account.bonus_credits,
        reserved: super::ledger::reserved(db, account_id).await?,
        plan_included_credits: plan.included_credits,
        plan: plan.slug,
        used_this_period: -spent,
        period_start: period.as_ref().map(|p| p.current_period_start),
        period_end: period.map(|p| p.current_period_end),
    })
}

#[derive(Debug, FromQueryResult)]
struct UsageAggregate {
    operation: String,
    model: Option<String>,
    count: i64,
    credits: Option<i64>,
    tokens_in: Option<i64>,
    tokens_out: Option<i64>,
    cost: Option<i64>,
}

/// Credits, tokens and cost per operation and model over a period: one grouped query.
pub async fn usage<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<UsageOut, AppError> {
    let end = end.unwrap_or_else(Utc::now);
    let start = start.unwrap_or(end - Duration::days(30));
    if start > end {
        return Err(AppError::field("start", "The period starts after it ends."));
    }
    let sum = |column: credit_usage_log::Column| Expr::expr(Func::sum(Expr::col(column))).cast_as("BIGINT");
    let rows = credit_usage_log::Entity::find()
        .select_only()
        .column(credit_usage_log::Column::Operation)
        .column(credit_usage_log::Column::Model)
        .column_as(Expr::col(credit_usage_log::Column::Id).count(), "count")
        .column_as(sum(credit_usage_log::Column::Credits), "credits")
        .column_as(sum(credit_usage_log::Column::TokensIn), "tokens_in")
        .column_as(sum(credit_usage_log::Column::TokensOut), "tokens_out")
        .column_as(sum(credit_usage_log::Column::CostUsdMicros), "cost")
        .filter(credit_usage_log::Column::AccountId.eq(account_id))
        .filter(credit_usage_log::Column::CreatedAt.gte(start))
        .filter(credit_usage_log::Column::CreatedAt.lte(end))
        .group_by(credit_usage_log::Column::Operation)
        .group_by(credit_usage_log::Column::Model)
        .order_by_asc(credit_usage_log::Column::Operation)
        .into_model::<UsageAggregate>()
        .all(db)
        .await?;
    let rows: Vec<UsageRow> = rows
        .into_iter()
        .map(|r| UsageRow {
            operation: r.operation,
            model: r.model,
            count: r.count,
            credits: r.credits.unwrap_or(0),
            tokens_in: r.tokens_in.unwrap_or(0),
            tokens_out: r.tokens_out.unwrap_or(0),
            cost_usd: r.cost.unwrap_or(0) as f64 / 1_000_000.0,
        })
        .collect();
    Ok(UsageOut { period_start: start, period_end: end, total_credits: rows.iter().map(|r| r.credits).sum(), rows })
}

/// Platform staff (role `developer`) add or remove credits of any account, with a reason in the ledger.
pub async fn adjust(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AdjustIn,
) -> Result<super::dto::BalanceOut, AppError> {
    caller.require_staff("adjust credits")?;
    if !POOLS.contains(&input.pool.as_str()) {
        return Err(AppError::field("pool", "Choose plan or bonus."));
    }
    if input.amount == 0 {
        return Err(AppError::field("amount", "Give a non-zero amount."));
    }
    if input.reason.trim().is_empty() {
        return Err(AppError::field("reason", "Say why; it is kept in the ledger."));
    }
    db::entities::account::Entity::find_by_id(input.account_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("account_id", "No such account."))?;
    let key = input.idempotency_key.clone().unwrap_or_else(|| format!("adjust:{}", uuid::Uuid::new_v4()));
    let txn = db::begin_write(db).await?;
    let description = format!("Adjusted by user {}: {}", caller.user_id.unwrap_or_default(), input.reason.trim());
    let outcome =
        ledger::grant_in(&txn, input.account_id, &input.pool, input.amount, "adjustment", &key, None, &description)
            .await?;
    txn.commit().await?;
    if outcome == Outcome::AlreadyCharged {
        tracing::info!(key, "credit adjustment repeated; nothing changed");
    }
    balance(db, input.account_id).await
}
