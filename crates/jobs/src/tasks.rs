//! The task record's lifecycle. Every change goes through here, is checked against the allowed transitions
//! (domain::TaskStatus) and is reported to an observer (the server pushes it to live streams).

use chrono::{DateTime, Utc};
use db::entities::task;
use domain::{Phase, TaskStatus};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, UpdateMany,
};

/// Told about every change of a task (after it is stored).
pub trait TaskObserver: Send + Sync {
    fn changed(&self, task: &task::Model);
}

/// An observer that ignores changes (CLI tools, tests).
pub struct Unobserved;

impl TaskObserver for Unobserved {
    fn changed(&self, _: &task::Model) {}
}

#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error("task {0} not found")]
    NotFound(i64),
    #[error("task {id} is {from} and cannot become {to}")]
    Transition { id: i64, from: String, to: &'static str },
    /// A worker's claim is no longer the task's latest: its lease lapsed and another worker took the task over.
    #[error("task {id} was taken over by another worker")]
    LeaseLost { id: i64 },
    #[error(transparent)]
    Db(#[from] DbErr),
}

pub struct NewTask {
    pub account_id: i64,
    pub site_id: Option<i64>,
    pub user_id: Option<i64>,
    pub kind: String,
    pub input: serde_json::Value,
    /// Items to process, when known up front.
    pub total: i64,
    /// Credits held for the task until it ends (see `tasks.reserved_credits`); 0 for free work.
    pub reserved_credits: i64,
}

/// Which task a change is for, and, from a worker, which claim of it: a worker's change applies only while its
/// claim is the task's latest (`attempts` is the claim's number), so a worker whose lease lapsed and whose task
/// another worker took over cannot overwrite what the other one does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub attempt: Option<i32>,
}

impl From<i64> for Target {
    fn from(id: i64) -> Self {
        Self { id, attempt: None }
    }
}

impl From<&task::Model> for Target {
    /// The claim a worker holds: the task as `claim_due` handed it over.
    fn from(task: &task::Model) -> Self {
        Self { id: task.id, attempt: Some(task.attempts) }
    }
}

/// A progress report from a running job.
#[derive(Debug, Clone)]
pub struct Progress {
    pub phase: Phase,
    pub current: i64,
    pub total: i64,
    pub item: Option<String>,
    pub message: Option<String>,
}

impl Progress {
    /// A step of `total`, `current` done, with what the user should read.
    pub fn step(phase: Phase, current: i64, total: i64, message: impl Into<String>) -> Self {
        Self { phase, current, total, item: None, message: Some(message.into()) }
    }

    /// The item being worked on (a keyword, an article title).
    pub fn on(mut self, item: impl Into<String>) -> Self {
        self.item = Some(item.into());
        self
    }
}

async fn load<C: ConnectionTrait>(db: &C, id: i64) -> Result<task::Model, TaskError> {
    task::Entity::find_by_id(id).one(db).await?.ok_or(TaskError::NotFound(id))
}

fn status_of(task: &task::Model) -> TaskStatus {
    TaskStatus::parse(&task.status).unwrap_or(TaskStatus::Failed)
}

async fn transition<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    target: impl Into<Target>,
    next: TaskStatus,
    edit: impl FnOnce(UpdateMany<task::Entity>) -> UpdateMany<task::Entity>,
) -> Result<task::Model, TaskError> {
    // One statement: the UPDATE only matches while the task is in a status that may become `next`, so the
    // check and the write cannot be split by another change (a cancel, another worker), and the row comes
    // back with RETURNING instead of a separate read before and after.
    let Target { id, attempt } = target.into();
    let from: Vec<&str> = TaskStatus::ALL.into_iter().filter(|s| s.can_become(next)).map(TaskStatus::as_str).collect();
    let now = Utc::now();
    let mut update = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(next.as_str()))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::Status.is_in(from));
    if let Some(attempt) = attempt {
        update = update.filter(task::Column::Attempts.eq(attempt));
    }
    if next.is_terminal() {
        update = update
            .col_expr(task::Column::FinishedAt, Expr::value(Some(now)))
            .col_expr(task::Column::LeaseExpiresAt, Expr::value(None::<DateTime<Utc>>));
    }
    match edit(update).exec_with_returning(db).await?.pop() {
        Some(saved) => {
            observer.changed(&saved);
            Ok(saved)
        }
        None => {
            // Nothing matched: say why (no such task, or a status that cannot make this move).
            let current = load(db, id).await?;
            match attempt {
                Some(mine) if current.attempts != mine => Err(TaskError::LeaseLost { id }),
                _ => Err(TaskError::Transition { id, from: current.status, to: next.as_str() }),
            }
        }
    }
}

fn queued(new: NewTask, now: DateTime<Utc>) -> task::ActiveModel {
    task::ActiveModel {
        account_id: Set(new.account_id),
        site_id: Set(new.site_id),
        user_id: Set(new.user_id),
        kind: Set(new.kind),
        status: Set(TaskStatus::Queued.as_str().into()),
        phase: Set(Phase::Init.as_str().into()),
        percent: Set(0),
        current: Set(0),
        total: Set(new.total),
        item: Set(None),
        message: Set(None),
        input: Set(new.input),
        result: Set(None),
        error: Set(None),
        error_code: Set(None),
        cost_credits: Set(0),
        attempts: Set(0),
        cancel_requested: Set(false),
        lease_expires_at: Set(None),
        run_after: Set(now),
        reserved_credits: Set(new.reserved_credits.max(0)),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Records a queued task.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    new: NewTask,
) -> Result<task::Model, TaskError> {
    let saved = queued(new, Utc::now()).insert(db).await?;
    observer.changed(&saved);
    Ok(saved)
}

/// Records several queued tasks in one statement: all or none.
pub async fn create_many<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    new: Vec<NewTask>,
) -> Result<Vec<task::Model>, TaskError> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let saved = task::Entity::insert_many(new.into_iter().map(|n| queued(n, now))).exec_with_returning(db).await?;
    for task in &saved {
        observer.changed(task);
    }
    Ok(saved)
}

/// The outcome of trying to take a task for running.
#[derive(Debug)]
pub enum Claim {
    /// This worker runs it now, holding the lease.
    Claimed(Box<task::Model>),
    /// Another worker holds a live lease until then.
    Busy { until: chrono::DateTime<Utc> },
    /// Nothing to run: finished, or cancelled before it started.
    Done,
}

fn lease_end(from: DateTime<Utc>, lease: std::time::Duration) -> DateTime<Utc> {
    from + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(30))
}

/// Takes the task for running, atomically: only a queued task, or a running one whose worker stopped
/// renewing its lease, can be claimed, so two workers never run one task at once. Counts the attempt and
/// records the start in the same statement.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    id: i64,
    lease: std::time::Duration,
) -> Result<Claim, TaskError> {
    // Scoped here: at module level its `max` would shadow `Ord::max` on plain numbers.
    use sea_orm::sea_query::ExprTrait;
    let now = Utc::now();
    let claimed = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value("running"))
        .col_expr(task::Column::Attempts, Expr::col(task::Column::Attempts).add(1))
        .col_expr(task::Column::LeaseExpiresAt, Expr::value(lease_end(now, lease)))
        .col_expr(task::Column::StartedAt, Expr::value(now))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(id))
        .filter(claimable(now))
        .exec_with_returning(db)
        .await?;
    if let Some(task) = claimed.into_iter().next() {
        observer.changed(&task);
        return Ok(Claim::Claimed(Box::new(task)));
    }
    let current = load(db, id).await?;
    match status_of(&current) {
        TaskStatus::Queued if current.cancel_requested => {
            transition(db, observer, id, TaskStatus::Cancelled, |u| {
                u.col_expr(task::Column::Message, Expr::value("Cancelled before it started."))
            })
            .await?;
            Ok(Claim::Done)
        }
        TaskStatus::Running => Ok(Claim::Busy { until: current.lease_expires_at.unwrap_or(now) }),
        _ => Ok(Claim::Done),
    }
}

/// Extends the lease of a running task (the worker is alive and still working on it).
pub async fn renew<C: ConnectionTrait>(db: &C, id: i64, lease: std::time::Duration) -> Result<(), TaskError> {
    let task = load(db, id).await?;
    renew_all(db, &[Target::from(&task)], lease).await.map(|_| ())
}

/// Extends the leases of the tasks a worker holds, in one statement, each only while that worker's claim is the
/// task's latest. Answers how many were extended (fewer than asked: a claim was lost or a task ended).
pub async fn renew_all<C: ConnectionTrait>(
    db: &C,
    held: &[Target],
    lease: std::time::Duration,
) -> Result<u64, TaskError> {
    if held.is_empty() {
        return Ok(0);
    }
    let mut mine = Condition::any();
    for target in held {
        let mut one = Condition::all().add(task::Column::Id.eq(target.id));
        if let Some(attempt) = target.attempt {
            one = one.add(task::Column::Attempts.eq(attempt));
        }
        mine = mine.add(one);
    }
    let renewed = task::Entity::update_many()
        .col_expr(task::Column::LeaseExpiresAt, Expr::value(lease_end(Utc::now(), lease)))
        .filter(task::Column::Status.eq("running"))
        .filter(mine)
        .exec(db)
        .await?;
    Ok(renewed.rows_affected)
}

/// What a worker can start now: up to `n` tasks of `kind`.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    pub kind: &'static str,
    pub n: usize,
}

/// Tasks a worker may take: queued ones whose time has come (and not asked to stop), and running ones whose
/// worker stopped renewing the lease.
fn claimable(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(task::Column::Status.eq("queued"))
                .add(task::Column::RunAfter.lte(now))
                .add(task::Column::CancelRequested.eq(false)),
        )
        .add(Condition::all().add(task::Column::Status.eq("running")).add(
            Condition::any().add(task::Column::LeaseExpiresAt.is_null()).add(task::Column::LeaseExpiresAt.lt(now)),
        ))
}

/// Takes due tasks for a worker, at most `want.n` of each kind, oldest due first, and claims them: status
/// running, the attempt counted, the start and the lease recorded. Two statements whatever the numbers: one
/// reads candidates through the index of open tasks, one UPDATE claims them and returns the rows. The UPDATE
/// re-checks that each task is still claimable, so when two workers race for one task exactly one gets it (the
/// other simply takes fewer this time).
pub async fn claim_due<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    wants: &[Want],
    lease: std::time::Duration,
) -> Result<Vec<task::Model>, TaskError> {
    use sea_orm::{QueryOrder, QuerySelect, sea_query::ExprTrait};
    let total: usize = wants.iter().map(|w| w.n).sum();
    if total == 0 {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    // A few more candidates than slots, so that one busy kind does not hide another's due tasks.
    let candidates: Vec<(i64, String)> = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .column(task::Column::Kind)
        .filter(task::Column::Kind.is_in(wants.iter().map(|w| w.kind)))
        .filter(claimable(now))
        .order_by_asc(task::Column::RunAfter)
        .order_by_asc(task::Column::Id)
        .limit((total * 4).min(256) as u64)
        .into_tuple()
        .all(db)
        .await?;
    let mut left: std::collections::HashMap<&str, usize> = wants.iter().map(|w| (w.kind, w.n)).collect();
    let picked: Vec<i64> = candidates
        .into_iter()
        .filter_map(|(id, kind)| {
            let slots = left.get_mut(kind.as_str())?;
            (*slots > 0).then(|| {
                *slots -= 1;
                id
            })
        })
        .collect();
    if picked.is_empty() {
        return Ok(Vec::new());
    }
    let claimed = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value("running"))
        .col_expr(task::Column::Attempts, Expr::col(task::Column::Attempts).add(1))
        .col_expr(task::Column::LeaseExpiresAt, Expr::value(lease_end(now, lease)))
        .col_expr(task::Column::StartedAt, Expr::value(now))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.is_in(picked))
        .filter(claimable(now))
        .exec_with_returning(db)
        .await?;
    for task in &claimed {
        observer.changed(task);
    }
    Ok(claimed)
}

/// Fails queued tasks whose kind is not in `known` and that have waited longer than `grace`. Answers how many.
pub async fn fail_unknown_kinds<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    known: &[&'static str],
    grace: std::time::Duration,
) -> Result<usize, TaskError> {
    let now = Utc::now();
    let before = now - chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::minutes(10));
    let message = "No worker handles this kind of task; it may belong to a newer version of IGNY8.";
    let failed = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(TaskStatus::Failed.as_str()))
        .col_expr(task::Column::ErrorCode, Expr::value("UNKNOWN_JOB"))
        .col_expr(task::Column::Error, Expr::value(message))
        .col_expr(task::Column::Message, Expr::value(message))
        .col_expr(task::Column::FinishedAt, Expr::value(Some(now)))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Status.eq(TaskStatus::Queued.as_str()))
        .filter(task::Column::Kind.is_not_in(known.iter().copied()))
        .filter(task::Column::RunAfter.lte(before))
        .exec_with_returning(db)
        .await?;
    for task in &failed {
        observer.changed(task);
    }
    Ok(failed.len())
}

/// Inside a job's save transaction: locks the task's row and answers whether this worker's claim is still the
/// task's latest, so that a worker whose lease lapsed (and whose task another worker took over) saves nothing.
/// Take it after the account's balance lock, as every save does.
pub async fn still_held<C: ConnectionTrait>(txn: &C, task: &task::Model) -> Result<bool, TaskError> {
    use sea_orm::QuerySelect;
    let current =
        task::Entity::find_by_id(task.id).lock_exclusive().one(txn).await?.ok_or(TaskError::NotFound(task.id))?;
    Ok(current.status == "running" && current.attempts == task.attempts)
}

/// A worker picks the task up. A cancel requested while it waited ends it here instead.
pub async fn start<C: ConnectionTrait>(db: &C, observer: &dyn TaskObserver, id: i64) -> Result<task::Model, TaskError> {
    use sea_orm::sea_query::ExprTrait;
    let current = load(db, id).await?;
    if current.cancel_requested && !status_of(&current).is_terminal() {
        return transition(db, observer, id, TaskStatus::Cancelled, |u| {
            u.col_expr(task::Column::Message, Expr::value("Cancelled before it started."))
        })
        .await;
    }
    transition(db, observer, id, TaskStatus::Running, |u| {
        u.col_expr(task::Column::Attempts, Expr::col(task::Column::Attempts).add(1))
            .col_expr(task::Column::StartedAt, Expr::value(Some(Utc::now())))
    })
    .await
}

/// Stores structured progress; the percent follows the phase's band.
pub async fn progress<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    target: impl Into<Target>,
    report: Progress,
) -> Result<task::Model, TaskError> {
    let percent = i16::from(report.phase.percent(report.current.max(0) as u64, report.total.max(0) as u64));
    transition(db, observer, target, TaskStatus::Running, |u| {
        u.col_expr(task::Column::Phase, Expr::value(report.phase.as_str()))
            .col_expr(task::Column::Percent, Expr::value(percent))
            .col_expr(task::Column::Current, Expr::value(report.current))
            .col_expr(task::Column::Total, Expr::value(report.total))
            .col_expr(task::Column::Item, Expr::value(report.item))
            .col_expr(task::Column::Message, Expr::value(report.message))
    })
    .await
}

pub async fn succeed<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    target: impl Into<Target>,
    result: serde_json::Value,
    cost_credits: i64,
    message: String,
) -> Result<task::Model, TaskError> {
    transition(db, observer, target, TaskStatus::Succeeded, |u| {
        u.col_expr(task::Column::Phase, Expr::value(Phase::Done.as_str()))
            .col_expr(task::Column::Percent, Expr::value(100i16))
            .col_expr(task::Column::Result, Expr::value(Some(result)))
            .col_expr(task::Column::CostCredits, Expr::value(cost_credits))
            .col_expr(task::Column::Message, Expr::value(Some(message)))
    })
    .await
}

/// Ends the task with a reason users can read and a stable code; whatever it had saved stays as it was.
pub async fn fail<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    target: impl Into<Target>,
    code: &str,
    reason: &str,
) -> Result<task::Model, TaskError> {
    transition(db, observer, target, TaskStatus::Failed, |u| {
        u.col_expr(task::Column::Error, Expr::value(Some(reason)))
            .col_expr(task::Column::ErrorCode, Expr::value(Some(code)))
            .col_expr(task::Column::Message, Expr::value(Some(reason)))
    })
    .await
}

/// Asks a task to stop: a queued one is cancelled now, a running one between its steps.
pub async fn request_cancel<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    id: i64,
) -> Result<task::Model, TaskError> {
    let current = load(db, id).await?;
    match status_of(&current) {
        TaskStatus::Queued => {
            let cancelled = transition(db, observer, id, TaskStatus::Cancelled, |u| {
                // Only while still queued: a task a worker has just claimed is asked to stop instead.
                u.filter(task::Column::Status.eq(TaskStatus::Queued.as_str()))
                    .col_expr(task::Column::CancelRequested, Expr::value(true))
                    .col_expr(task::Column::Message, Expr::value("Cancelled before it started."))
            })
            .await;
            match cancelled {
                // A worker claimed it in the meantime: ask the running job to stop instead.
                Err(TaskError::Transition { .. }) => flag_cancel(db, observer, id).await,
                other => other,
            }
        }
        TaskStatus::Running => flag_cancel(db, observer, id).await,
        _ => Err(TaskError::Transition { id, from: current.status, to: "cancelled" }),
    }
}

/// Sets the cancel request on a running task; its job sees it at the next checkpoint.
async fn flag_cancel<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    id: i64,
) -> Result<task::Model, TaskError> {
    let flagged = task::Entity::update_many()
        .col_expr(task::Column::CancelRequested, Expr::value(true))
        .col_expr(task::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::Status.eq(TaskStatus::Running.as_str()))
        .exec_with_returning(db)
        .await?;
    match flagged.into_iter().next() {
        Some(saved) => {
            observer.changed(&saved);
            Ok(saved)
        }
        None => {
            let current = load(db, id).await?;
            Err(TaskError::Transition { id, from: current.status, to: "cancelled" })
        }
    }
}

/// A running job checks this between steps and stops cleanly when it is set.
pub async fn cancel_requested<C: ConnectionTrait>(db: &C, id: i64) -> Result<bool, TaskError> {
    Ok(load(db, id).await?.cancel_requested)
}

/// A running job that saw the cancel request ends here.
pub async fn mark_cancelled<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    target: impl Into<Target>,
) -> Result<task::Model, TaskError> {
    transition(db, observer, target, TaskStatus::Cancelled, |u| {
        u.col_expr(task::Column::Message, Expr::value("Cancelled."))
    })
    .await
}

/// A retryable failure: back to the queue with the reason and when it runs again.
pub async fn requeue<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    target: impl Into<Target>,
    reason: &str,
    delay: std::time::Duration,
) -> Result<task::Model, TaskError> {
    let message = format!("Will retry in {} s: {reason}", delay.as_secs().max(1));
    let run_after = Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(5));
    transition(db, observer, target, TaskStatus::Queued, |u| {
        u.col_expr(task::Column::Message, Expr::value(Some(message)))
            .col_expr(task::Column::Error, Expr::value(Some(reason)))
            .col_expr(task::Column::LeaseExpiresAt, Expr::value(None::<DateTime<Utc>>))
            .col_expr(task::Column::RunAfter, Expr::value(run_after))
    })
    .await
}
