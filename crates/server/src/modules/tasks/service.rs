use db::entities::task;
use jobs::{TaskError, TaskObserver};

use super::dto::TaskOut;
use crate::events::{Event, Events};
use crate::http::{AppError, Filter, ListSpec};

/// Pushes every task change to the live event hub (`task` events, read by `tasks/{id}/events/`).
pub struct Publisher(pub Events);

impl TaskObserver for Publisher {
    fn changed(&self, task: &task::Model) {
        self.0.publish(Event {
            account_id: task.account_id,
            name: "task",
            data: serde_json::to_value(TaskOut::from(task.clone())).unwrap_or_default(),
        });
    }
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
            TaskError::Db(e) => e.into(),
        }
    }
}
