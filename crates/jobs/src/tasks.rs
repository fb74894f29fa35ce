//! The task record's lifecycle. Every change goes through here, is checked against the allowed transitions
//! (domain::TaskStatus) and is reported to an observer (the server pushes it to live streams).

use chrono::Utc;
use db::entities::task;
use domain::{Phase, TaskStatus};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

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

async fn load<C: ConnectionTrait>(db: &C, id: i64) -> Result<task::Model, TaskError> {
    task::Entity::find_by_id(id).one(db).await?.ok_or(TaskError::NotFound(id))
}

fn status_of(task: &task::Model) -> TaskStatus {
    TaskStatus::parse(&task.status).unwrap_or(TaskStatus::Failed)
}

async fn transition<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    current: task::Model,
    next: TaskStatus,
    edit: impl FnOnce(&mut task::ActiveModel),
) -> Result<task::Model, TaskError> {
    if !status_of(&current).can_become(next) {
        return Err(TaskError::Transition { id: current.id, from: current.status, to: next.as_str() });
    }
    let mut update: task::ActiveModel = current.into();
    update.status = Set(next.as_str().into());
    update.updated_at = Set(Utc::now());
    if next.is_terminal() {
        update.finished_at = Set(Some(Utc::now()));
    }
    if next.is_terminal() {
        update.lease_expires_at = Set(None);
    }
    edit(&mut update);
    let saved = update.update(db).await?;
    observer.changed(&saved);
    Ok(saved)
}

/// Records a queued task.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    new: NewTask,
) -> Result<task::Model, TaskError> {
    let now = Utc::now();
    let saved = task::ActiveModel {
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
    .insert(db)
    .await?;
    observer.changed(&saved);
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

/// Takes the task for running, atomically: only a queued task, or a running one whose worker stopped
/// renewing its lease, can be claimed, so two workers never run one task at once.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    observer: &dyn TaskObserver,
    id: i64,
    lease: std::time::Duration,
) -> Result<Claim, TaskError> {
    use sea_orm::sea_query::{Condition, Expr, ExprTrait};
    use sea_orm::{ColumnTrait, QueryFilter};
    let now = Utc::now();
    let lease_end = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(30));
    let claimable = Condition::any().add(task::Column::Status.eq("queued")).add(
        Condition::all().add(task::Column::Status.eq("running")).add(
            Condition::any().add(task::Column::LeaseExpiresAt.is_null()).add(task::Column::LeaseExpiresAt.lt(now)),
        ),
    );
    let claimed = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value("running"))
        .col_expr(task::Column::Attempts, Expr::col(task::Column::Attempts).add(1))
        .col_expr(task::Column::LeaseExpiresAt, Expr::value(lease_end))
        .col_expr(task::Column::StartedAt, Expr::value(now))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::CancelRequested.eq(false))
        .filter(claimable)
        .exec(db)
        .await?;
    let current = load(db, id).await?;
    if claimed.rows_affected == 1 {
        observer.changed(&current);
        return Ok(Claim::Claimed(Box::new(current)));
    }
    match status_of(&current) {
        TaskStatus::Queued if current.cancel_requested => {
            transition(db, observer, current, TaskStatus::Cancelled, |t| {
                t.message = Set(Some("Cancelled before it started.".into()));
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
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    let lease_end = Utc::now() + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(30));
    task::Entity::update_many()
        .col_expr(task::Column::LeaseExpiresAt, Expr::value(lease_end))
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::Status.eq("running"))
        .exec(db)
        .await?;
    Ok(())
}

/// A worker picks the task up. A cancel requested while it waited ends it here instead.
pub async fn start<C: ConnectionTrait>(db: &C, observer: &dyn TaskObserver, id: i64) -> Result<task::Model, TaskError> {
    let current = load(db, id).await?;
    if current.cancel_requested && !status_of(&current).is_terminal() {
        return transition(db, observer, current, TaskStatus::Cancelled, |t| {
            t.message = Set(Some("Cancelled before it started.".into()));
        })
        .await;
    }
    let attempts = current.attempts + 1;
    transition(db, observer, current, TaskStatus::Running, |t| {
        t.attempts = Set(attempts);
        t.started_at = Set(Some(Utc::now()));
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
    let current = load(db, id).await?;
    let percent = i16::from(report.phase.percent(report.current.max(0) as u64, report.total.max(0) as u64));
    transition(db, observer, current, TaskStatus::Running, |t| {
        t.phase = Set(report.phase.as_str().into());
        t.percent = Set(percent);
        t.current = Set(report.current);
        t.total = Set(report.total);
        t.item = Set(report.item);
        t.message = Set(report.message);
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
    let current = load(db, id).await?;
    transition(db, observer, current, TaskStatus::Succeeded, |t| {
        t.phase = Set(Phase::Done.as_str().into());
        t.percent = Set(100);
        t.result = Set(Some(result));
        t.cost_credits = Set(cost_credits);
        t.message = Set(Some(message));
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
    let current = load(db, id).await?;
    transition(db, observer, current, TaskStatus::Failed, |t| {
        t.error = Set(Some(reason.into()));
        t.error_code = Set(Some(code.into()));
        t.message = Set(Some(reason.into()));
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
            transition(db, observer, current, TaskStatus::Cancelled, |t| {
                t.cancel_requested = Set(true);
                t.message = Set(Some("Cancelled before it started.".into()));
            })
            .await
        }
        TaskStatus::Running => {
            let mut update: task::ActiveModel = current.into();
            update.cancel_requested = Set(true);
            update.updated_at = Set(Utc::now());
            let saved = update.update(db).await?;
            observer.changed(&saved);
            Ok(saved)
        }
        _ => Err(TaskError::Transition { id, from: current.status, to: "cancelled" }),
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
    let current = load(db, id).await?;
    transition(db, observer, current, TaskStatus::Cancelled, |t| {
        t.message = Set(Some("Cancelled.".into()));
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
    let current = load(db, id).await?;
    let message = format!("Will retry in {} s: {reason}", delay.as_secs().max(1));
    transition(db, observer, current, TaskStatus::Queued, |t| {
        t.message = Set(Some(message));
        t.error = Set(Some(reason.into()));
        t.lease_expires_at = Set(None);
    })
    .await
}
