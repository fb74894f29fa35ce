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
    id: i64,
    next: TaskStatus,
    edit: impl FnOnce(UpdateMany<task::Entity>) -> UpdateMany<task::Entity>,
) -> Result<task::Model, TaskError> {
    // One statement: the UPDATE only matches while the task is in a status that may become `next`, so the
    // check and the write cannot be split by another change (a cancel, another worker), and the row comes
    // back with RETURNING instead of a separate read before and after.
    let from: Vec<&str> = TaskStatus::ALL.into_iter().filter(|s| s.can_become(next)).map(TaskStatus::as_str).collect();
    let now = Utc::now();
    let mut update = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(next.as_str()))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::Status.is_in(from));
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
            Err(TaskError::Transition { id, from: current.status, to: next.as_str() })
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
    let claimable = Condition::any().add(task::Column::Status.eq("queued")).add(
        Condition::all().add(task::Column::Status.eq("running")).add(
            Condition::any().add(task::Column::LeaseExpiresAt.is_null()).add(task::Column::LeaseExpiresAt.lt(now)),
        ),
    );
    let claimed = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value("running"))
        .col_expr(task::Column::Attempts, Expr::col(task::Column::Attempts).add(1))
        .col_expr(task::Column::LeaseExpiresAt, Expr::value(lease_end(now, lease)))
        .col_expr(task::Column::StartedAt, Expr::value(now))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::CancelRequested.eq(false))
        .filter(claimable)
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
    renew_all(db, &[id], lease).await
}

/// Extends the leases of several running tasks in one statement (a worker renews everything it holds).
pub async fn renew_all<C: ConnectionTrait>(db: &C, ids: &[i64], lease: std::time::Duration) -> Result<(), TaskError> {
    if ids.is_empty() {
        return Ok(());
    }
    task::Entity::update_many()
        .col_expr(task::Column::LeaseExpiresAt, Expr::value(lease_end(Utc::now(), lease)))
        .filter(task::Column::Id.is_in(ids.iter().copied()))
        .filter(task::Column::Status.eq("running"))
        .exec(db)
        .await?;
    Ok(())
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
    id: i64,
    report: Progress,
) -> Result<task::Model, TaskError> {
    let percent = i16::from(report.phase.percent(report.current.max(0) as u64, report.total.max(0) as u64));
    transition(db, observer, id, TaskStatus::Running, |u| {
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
    id: i64,
    result: serde_json::Value,
    cost_credits: i64,
    message: String,
) -> Result<task::Model, TaskError> {
    transition(db, observer, id, TaskStatus::Succeeded, |u| {
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
    id: i64,
    code: &str,
    reason: &str,
) -> Result<task::Model, TaskError> {
    transition(db, observer, id, TaskStatus::Failed, |u| {
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
    id: i64,
) -> Result<task::Model, TaskError> {
    transition(db, observer, id, TaskStatus::Cancelled, |u| {
        u.col_expr(task::Column::Message, Expr::value("Cancelled."))
    })
    .await
}

/// A retryable failure: back to the queue with the reason and when it runs again.
pub async fn requeue<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    id: i64,
    reason: &str,
    delay: std::time::Duration,
) -> Result<task::Model, TaskError> {
    let message = format!("Will retry in {} s: {reason}", delay.as_secs().max(1));
    transition(db, observer, id, TaskStatus::Queued, |u| {
        u.col_expr(task::Column::Message, Expr::value(Some(message)))
            .col_expr(task::Column::Error, Expr::value(Some(reason)))
            .col_expr(task::Column::LeaseExpiresAt, Expr::value(None::<DateTime<Utc>>))
    })
    .await
}
