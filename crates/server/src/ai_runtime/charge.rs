//! Charging a job: the charge commits in the transaction that saves the job's results (both or neither), keyed
//! by the job's task so a re-run never charges twice, and a re-run after the save ends early.

use db::entities::task;
use jobs::{JobError, JobOutput};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use super::call::Spend;
use super::deps::{AiDeps, permanent, retry};
use crate::modules::billing::ledger::{self, Charge, LedgerError, Outcome, Usage};

/// The idempotency key of a job's charge: a re-run of the job finds it and never charges twice.
pub fn charge_key(task: &task::Model) -> String {
    format!("job:{}:charge", task.id)
}

/// When a job's results were already saved (the worker stopped before recording success), the re-run ends here.
pub async fn already_saved(deps: &AiDeps, task: &task::Model) -> Result<Option<JobOutput>, JobError> {
    if ledger::key_used(&deps.db, task.account_id, &charge_key(task)).await.map_err(retry)? {
        return Ok(Some(JobOutput {
            result: serde_json::json!({"already_saved": true}),
            cost_credits: 0,
            message: "Already saved.".into(),
        }));
    }
    Ok(None)
}

/// Opens the transaction that saves a job's results and charges for them, taking the account's balance row
/// first, then the task's row (still this worker's claim: see [`ensure_held`]). Every writer of an account takes that lock before anything else, so two jobs of one account queue
/// on it instead of deadlocking (a save that inserted rows referencing the account holds a share lock on it,
/// and a later `FOR UPDATE` of the balance by both waits on the other).
pub async fn begin_save(deps: &AiDeps, task: &task::Model) -> Result<DatabaseTransaction, JobError> {
    let txn = db::begin_write(&deps.db).await.map_err(retry)?;
    ledger::lock_account(&txn, task.account_id).await.map_err(refused)?;
    ensure_held(&txn, task).await?;
    Ok(txn)
}

/// Inside a save transaction, after the balance lock: the task's row is locked and still this worker's claim, or
/// the job stops without saving (its lease lapsed and another worker took the task over; that one saves).
pub async fn ensure_held<C: ConnectionTrait>(txn: &C, task: &task::Model) -> Result<(), JobError> {
    if jobs::tasks::still_held(txn, task).await.map_err(retry)? {
        Ok(())
    } else {
        tracing::warn!("another worker took this task over; this run saves nothing");
        Err(JobError::Cancelled)
    }
}

/// A ledger refusal as a job error: not enough credits ends the task with the reason (the caller's transaction
/// rolls back, so nothing is saved); anything else is worth another try.
pub fn refused(error: LedgerError) -> JobError {
    match error {
        LedgerError::Insufficient { required, available } => permanent(
            "INSUFFICIENT_CREDITS",
            format!("Not enough credits: {required} required, {available} available. Nothing was saved."),
        ),
        other => retry(other),
    }
}

/// What one model-backed job spent, as the usage log records it.
fn usage_of(task: &task::Model, operation: &str, spend: &Spend) -> Usage {
    Usage {
        site_id: task.site_id,
        operation: operation.into(),
        model: Some(spend.model.clone()),
        tokens_in: i64::try_from(spend.tokens_in).unwrap_or(i64::MAX),
        tokens_out: i64::try_from(spend.tokens_out).unwrap_or(i64::MAX),
        cost_usd_micros: spend.cost_usd_micros,
        related: Some(("task".into(), task.id)),
    }
}

/// Charges a job's spend inside the transaction that saves its results.
pub async fn charge_job<C: ConnectionTrait>(
    txn: &C,
    task: &task::Model,
    operation: &str,
    description: String,
    spend: &Spend,
) -> Result<Outcome, JobError> {
    let charge = Charge {
        account_id: task.account_id,
        amount: spend.credits,
        kind: "deduction",
        idempotency_key: charge_key(task),
        reference: Some(format!("task:{}", task.id)),
        description,
        usage: Some(usage_of(task, operation, spend)),
    };
    ledger::charge_in(txn, &charge).await.map_err(refused)
}
