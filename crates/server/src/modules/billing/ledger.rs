//! The charging primitives. Every change of a balance happens here, inside a transaction that locks the
//! account row first (`SELECT … FOR UPDATE` on PostgreSQL; SQLite write transactions are already exclusive),
//! writes one ledger row per pool touched and is keyed so a retried job never charges twice.

use chrono::Utc;
use db::entities::{account, credit_transaction, credit_usage_log};
use domain::{Pools, Split};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::events::Events;
use crate::http::AppError;
use crate::modules::notifications::service as notifications;

/// Why a balance change did not happen. Callers decide what it means for them (a 402 at the HTTP edge, a task
/// failed with the reason in a job); `From<LedgerError> for AppError` is the HTTP edge.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("Not enough credits: {required} required, {available} available.")]
    Insufficient { required: i64, available: i64 },
    #[error("The {pool} pool holds {current}; it cannot go below zero.")]
    BelowZero { pool: String, current: i64 },
    #[error("account {0} not found")]
    NoAccount(i64),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<LedgerError> for AppError {
    fn from(error: LedgerError) -> Self {
        match error {
            LedgerError::Insufficient { required, available } => AppError::InsufficientCredits { required, available },
            LedgerError::BelowZero { .. } => AppError::field("amount", error.to_string()),
            LedgerError::NoAccount(_) => AppError::not_found("Account"),
            LedgerError::Db(e) => e.into(),
        }
    }
}

/// What an AI operation consumed, for the usage log.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    pub site_id: Option<i64>,
    pub operation: String,
    pub model: Option<String>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd_micros: i64,
    pub related: Option<(String, i64)>,
}

/// A deduction from an account's credits.
#[derive(Debug, Clone)]
pub struct Charge {
    pub account_id: i64,
    pub amount: i64,
    /// `deduction` or `reservation`.
    pub kind: &'static str,
    /// Unique per account for this charge: `job:42:charge`. Repeating it changes nothing.
    pub idempotency_key: String,
    pub reference: Option<String>,
    pub description: String,
    pub usage: Option<Usage>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Charged {
        before: Pools,
        after: Pools,
        split: Split,
    },
    /// The key was used before: nothing was charged this time.
    AlreadyCharged,
}

pub async fn lock_account<C: ConnectionTrait>(txn: &C, account_id: i64) -> Result<account::Model, LedgerError> {
    account::Entity::find_by_id(account_id).lock_exclusive().one(txn).await?.ok_or(LedgerError::NoAccount(account_id))
}

/// Whether a charge with this idempotency key was already recorded: a job re-run after its results were saved
/// uses this to skip the save instead of applying it twice.
pub async fn key_used<C: ConnectionTrait>(txn: &C, account_id: i64, key: &str) -> Result<bool, LedgerError> {
    let in_ledger = credit_transaction::Entity::find()
        .filter(credit_transaction::Column::AccountId.eq(account_id))
        .filter(credit_transaction::Column::IdempotencyKey.eq(key))
        .count(txn)
        .await?;
    let in_usage = credit_usage_log::Entity::find()
        .filter(credit_usage_log::Column::AccountId.eq(account_id))
        .filter(credit_usage_log::Column::IdempotencyKey.eq(key))
        .count(txn)
        .await?;
    Ok(in_ledger + in_usage > 0)
}

#[allow(clippy::too_many_arguments)]
async fn ledger_row<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    pool: &str,
    delta: i64,
    balance_after: i64,
    kind: &str,
    key: &str,
    reference: Option<String>,
    description: &str,
) -> Result<(), LedgerError> {
    credit_transaction::ActiveModel {
        account_id: Set(account_id),
        pool: Set(pool.into()),
        delta: Set(delta),
        balance_after: Set(balance_after),
        kind: Set(kind.into()),
        reference: Set(reference),
        idempotency_key: Set(Some(key.into())),
        description: Set(description.into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

async fn log_usage<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    key: &str,
    credits: i64,
    usage: &Usage,
) -> Result<(), LedgerError> {
    let (related_type, related_id) = usage.related.clone().map(|(t, i)| (Some(t), Some(i))).unwrap_or((None, None));
    credit_usage_log::ActiveModel {
        account_id: Set(account_id),
        site_id: Set(usage.site_id),
        operation: Set(usage.operation.clone()),
        model: Set(usage.model.clone()),
        tokens_in: Set(usage.tokens_in),
        tokens_out: Set(usage.tokens_out),
        cost_usd_micros: Set(usage.cost_usd_micros),
        credits: Set(credits),
        related_type: Set(related_type),
        related_id: Set(related_id),
        idempotency_key: Set(Some(key.to_owned())),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

async fn store_pools<C: ConnectionTrait>(txn: &C, account: account::Model, pools: Pools) -> Result<(), LedgerError> {
    let mut update: account::ActiveModel = account.into();
    update.credits = Set(pools.plan);
    update.bonus_credits = Set(pools.bonus);
    update.updated_at = Set(Utc::now());
    update.update(txn).await?;
    Ok(())
}

/// Charges inside the caller's transaction, so results and the charge commit together.
/// Not enough credits is a 402 with `required` and `available`; the transaction is left to roll back.
pub async fn charge_in<C: ConnectionTrait>(txn: &C, charge: &Charge) -> Result<Outcome, LedgerError> {
    let account = lock_account(txn, charge.account_id).await?;
    if key_used(txn, charge.account_id, &charge.idempotency_key).await? {
        return Ok(Outcome::AlreadyCharged);
    }
    let before = Pools { plan: account.credits, bonus: account.bonus_credits };
    let (after, split) = before
        .spend(charge.amount)
        .map_err(|e| LedgerError::Insufficient { required: e.required, available: e.available })?;
    store_pools(txn, account, after).await?;
    let key = &charge.idempotency_key;
    if split.from_plan > 0 {
        let reference = charge.reference.clone();
        ledger_row(
            txn,
            charge.account_id,
            "plan",
            -split.from_plan,
            after.plan,
            charge.kind,
            key,
            reference,
            &charge.description,
        )
        .await?;
    }
    if split.from_bonus > 0 {
        let reference = charge.reference.clone();
        ledger_row(
            txn,
            charge.account_id,
            "bonus",
            -split.from_bonus,
            after.bonus,
            charge.kind,
            key,
            reference,
            &charge.description,
        )
        .await?;
    }
    if let Some(usage) = &charge.usage {
        log_usage(txn, charge.account_id, key, charge.amount, usage).await?;
    }
    Ok(Outcome::Charged { before, after, split })
}

/// Charges in a transaction of its own, then warns the account when it just ran low.
pub async fn charge(db: &DatabaseConnection, events: &Events, charge: &Charge) -> Result<Outcome, LedgerError> {
    let txn = db::begin_write(db).await?;
    let outcome = charge_in(&txn, charge).await?;
    txn.commit().await?;
    after_charge(db, events, charge.account_id, outcome).await;
    Ok(outcome)
}

/// Adds (or, with a negative amount, removes) credits in one pool: subscription grants, purchases,
/// releases of unused reservations, admin adjustments. A pool never goes below zero.
#[allow(clippy::too_many_arguments)]
pub async fn grant_in<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    pool: &str,
    amount: i64,
    kind: &'static str,
    idempotency_key: &str,
    reference: Option<String>,
    description: &str,
) -> Result<Outcome, LedgerError> {
    let account = lock_account(txn, account_id).await?;
    if key_used(txn, account_id, idempotency_key).await? {
        return Ok(Outcome::AlreadyCharged);
    }
    let before = Pools { plan: account.credits, bonus: account.bonus_credits };
    let current = if pool == "bonus" { before.bonus } else { before.plan };
    let new = current
        .checked_add(amount)
        .filter(|v| *v >= 0)
        .ok_or_else(|| LedgerError::BelowZero { pool: pool.to_owned(), current })?;
    let after = if pool == "bonus" { Pools { bonus: new, ..before } } else { Pools { plan: new, ..before } };
    store_pools(txn, account, after).await?;
    ledger_row(txn, account_id, pool, amount, new, kind, idempotency_key, reference, description).await?;
    let split = Split { from_plan: 0, from_bonus: 0 };
    Ok(Outcome::Charged { before, after, split })
}

/// Settles a reservation against what the work actually cost: returns the unused part (to the pools it was
/// taken from, bonus first) or charges the rest, as far as the balance allows.
pub async fn settle(
    db: &DatabaseConnection,
    account_id: i64,
    job_key: &str,
    reserved: Split,
    actual: i64,
    usage: Option<Usage>,
) -> Result<(), LedgerError> {
    let reserved_total = reserved.from_plan + reserved.from_bonus;
    let key = format!("{job_key}:settle");
    let txn = db::begin_write(db).await?;
    if actual <= reserved_total {
        let mut unused = reserved_total - actual;
        let back_to_bonus = unused.min(reserved.from_bonus);
        unused -= back_to_bonus;
        if back_to_bonus > 0 {
            let key = format!("{key}:bonus");
            grant_in(&txn, account_id, "bonus", back_to_bonus, "release", &key, None, "Unused reservation returned")
                .await?;
        }
        if unused > 0 {
            let key = format!("{key}:plan");
            grant_in(&txn, account_id, "plan", unused, "release", &key, None, "Unused reservation returned").await?;
        }
    } else {
        let account = lock_account(&txn, account_id).await?;
        let extra = (actual - reserved_total).min(account.credits.max(0) + account.bonus_credits.max(0));
        if extra < actual - reserved_total {
            tracing::warn!(account_id, job_key, "work cost more than reserved and the balance ran out");
        }
        let charge = Charge {
            account_id,
            amount: extra,
            kind: "deduction",
            idempotency_key: key.clone(),
            reference: Some(job_key.to_owned()),
            description: "Cost beyond the reservation".into(),
            usage: None,
        };
        charge_in(&txn, &charge).await?;
    }
    if let Some(usage) = usage {
        let usage_key = format!("{job_key}:usage");
        if !key_used(&txn, account_id, &usage_key).await? {
            log_usage(&txn, account_id, &usage_key, actual, &usage).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Credits held by the account's queued and running tasks (each task's start estimate until it ends).
pub async fn reserved<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<i64, LedgerError> {
    use sea_orm::{QuerySelect, sea_query::Expr};
    let sum: Option<Option<i64>> = db::entities::task::Entity::find()
        .select_only()
        .expr(Expr::cust("CAST(COALESCE(SUM(reserved_credits), 0) AS BIGINT)"))
        .filter(db::entities::task::Column::AccountId.eq(account_id))
        .filter(db::entities::task::Column::Status.is_in(["queued", "running"]))
        .into_tuple()
        .one(db)
        .await?;
    Ok(sum.flatten().unwrap_or(0))
}

/// Before queueing work that will cost about `required` credits, inside the transaction that records its task:
/// takes the account's balance lock (so concurrent starts of one account are decided one after another), and
/// answers 402 unless the balance minus what the account's open tasks already hold covers it. The task then holds
/// `required` (its `reserved_credits`) until it ends; its job's charge settles the actual use.
pub async fn reserve<C: ConnectionTrait>(txn: &C, account_id: i64, required: i64) -> Result<(), LedgerError> {
    let account = lock_account(txn, account_id).await?;
    let held = reserved(txn, account_id).await?;
    let available = (account.credits.max(0) + account.bonus_credits.max(0) - held).max(0);
    if available < required {
        return Err(LedgerError::Insufficient { required, available });
    }
    Ok(())
}

/// After a charge made with [`charge_in`] has committed: warns the account if it just ran low.
pub async fn after_charge(db: &DatabaseConnection, events: &Events, account_id: i64, outcome: Outcome) {
    if let Outcome::Charged { before, after, .. } = outcome
        && let Err(error) = warn_if_low(db, events, account_id, before, after).await
    {
        tracing::warn!(%error, account_id, "could not record the low-credit notification");
    }
}

/// A notification when a charge takes the balance under a tenth of the plan's credits.
async fn warn_if_low(
    db: &DatabaseConnection,
    events: &Events,
    account_id: i64,
    before: Pools,
    after: Pools,
) -> Result<(), AppError> {
    let (_, plan) = crate::modules::account::limits::plan_of(db, account_id).await?;
    let threshold = (plan.included_credits / 10).max(1);
    if before.total() >= threshold && after.total() < threshold {
        let new = notifications::New {
            account_id,
            notification_type: "low_credits",
            severity: "warning",
            title: "Credits running low".into(),
            message: format!("{} credits left. AI work stops when they run out.", after.total()),
            action: Some(("View usage".into(), "/account/usage".into())),
        };
        notifications::create(db, events, new).await?;
    }
    Ok(())
}
