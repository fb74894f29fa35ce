use db::entities::task;
use jobs::{TaskError, TaskObserver};
use sea_orm::DatabaseConnection;

use crate::modules::notifications::service::New;

use super::dto::TaskOut;
use crate::events::{Event, Events};
use crate::http::{AppError, Filter, ListSpec};

/// Pushes every task change to the live event hub (`task` events, read by `tasks/{id}/events/`) and, for the
/// worker, leaves a notification when a task ends.
pub struct TaskFeed(pub Events, pub Option<DatabaseConnection>);

impl TaskFeed {
    /// Live events only.
    pub fn new(events: Events) -> Self {
        Self(events, None)
    }

    /// Live events, and a notification for each finished task (success, failure).
    pub fn notifying(events: Events, db: DatabaseConnection) -> Self {
        Self(events, Some(db))
    }
}

impl TaskObserver for TaskFeed {
    fn changed(&self, task: &task::Model) {
        self.0.publish(Event {
            account_id: task.account_id,
            name: "task".into(),
            data: serde_json::to_value(TaskOut::from(task.clone())).unwrap_or_default(),
        });
        let (Some(db), Some(new)) = (self.1.clone(), finished_notification(task)) else { return };
        let events = self.0.clone();
        tokio::spawn(async move {
            if let Err(error) = crate::modules::notifications::service::create(&db, &events, new).await {
                tracing::warn!(%error, "could not record the task notification");
            }
        });
    }
}

fn finished_notification(task: &task::Model) -> Option<New> {
    let label = task.kind.replace('_', " ");
    let (notification_type, severity, title, message) = match task.status.as_str() {
        "succeeded" => {
            ("ai_task_succeeded", "success", format!("Finished: {label}"), task.message.clone().unwrap_or_default())
        }
        "failed" => ("ai_task_failed", "error", format!("Failed: {label}"), task.error.clone().unwrap_or_default()),
        _ => return None,
    };
    Some(New {
        account_id: task.account_id,
        notification_type,
        severity,
        title,
        message,
        action: Some(("View task".into(), format!("/tasks/{}", task.id))),
    })
}

pub const STATUSES: &[&str] = &["queued", "running", "succeeded", "failed", "cancelled"];

pub fn list_spec() -> ListSpec<task::Entity> {
    ListSpec::new()
        .order_by("created_at", task::Column::CreatedAt)
        .default_ordering("-created_at")
        .filter(Filter::choice("status", task::Column::Status, STATUSES).with_options())
        .filter(Filter::text("kind", task::Column::Kind).with_options())
        .filter(Filter::int("site_id", task::Column::SiteId))
}

impl From<TaskError> for AppError {
    fn from(error: TaskError) -> Self {
        match error {
            TaskError::NotFound(_) => AppError::not_found("Task"),
            TaskError::Transition { from, .. } => {
                AppError::Conflict { message: format!("The task is already {from}."), field: None }
            }
            TaskError::LeaseLost { .. } => {
                AppError::Conflict { message: "Another worker took the task over.".into(), field: None }
            }
            TaskError::Db(e) => e.into(),
        }
    }
}

/// What starting a task reads: the database, the job queue and the live events. Handlers take it as a part of
/// the state (`State<TaskStarter>`) and hand it to the service that checks and starts the task.
#[derive(Clone)]
pub struct TaskStarter {
    pub db: DatabaseConnection,
    pub queue: jobs::Queue,
    pub events: Events,
}

impl axum::extract::FromRef<crate::state::AppState> for TaskStarter {
    fn from_ref(state: &crate::state::AppState) -> Self {
        Self { db: state.db.clone(), queue: state.queue.clone(), events: state.events.clone() }
    }
}

/// The start of every AI action: checks the role, reserves the estimated credits and records the task, which is
/// its job (one transaction: a request over the balance gets 402 and leaves nothing behind), then wakes this
/// process's worker. Answers with the task to watch (the handler replies 202).
pub async fn start<I: jobs::JobInput>(
    state: &TaskStarter,
    caller: &crate::http::tenant::Caller,
    site_id: Option<i64>,
    input: &I,
    required_credits: i64,
) -> Result<TaskOut, AppError> {
    caller.require_write()?;
    let feed = TaskFeed::new(state.events.clone());
    let new = jobs::NewTask {
        account_id: caller.account_id,
        site_id,
        user_id: caller.user_id,
        kind: I::KIND.into(),
        input: serde_json::to_value(input).map_err(AppError::internal)?,
        total: 1,
        reserved_credits: required_credits.max(0),
    };
    let txn = db::begin_write(&state.db).await?;
    crate::modules::billing::ledger::reserve(&txn, caller.account_id, required_credits).await?;
    let task = jobs::tasks::create(&txn, &jobs::tasks::Unobserved, new).await?;
    txn.commit().await?;
    feed.changed(&task);
    state.queue.wake();
    Ok(task.into())
}
