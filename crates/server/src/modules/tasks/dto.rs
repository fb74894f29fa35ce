use chrono::{DateTime, Utc};
use db::entities::task;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgressOut {
    /// `INIT`, `PREP`, `AI_CALL`, `PARSE`, `SAVE` or `DONE`.
    pub phase: String,
    pub percent: i16,
    pub current: i64,
    pub total: i64,
    /// What is being worked on now (a keyword, a title…).
    pub item: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskOut {
    pub id: i64,
    pub kind: String,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    pub progress: ProgressOut,
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    pub error_code: Option<String>,
    pub cost_credits: i64,
    pub attempts: i32,
    pub cancel_requested: bool,
    pub site_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<task::Model> for TaskOut {
    fn from(t: task::Model) -> Self {
        Self {
            id: t.id,
            kind: t.kind,
            status: t.status,
            progress: ProgressOut {
                phase: t.phase,
                percent: t.percent,
                current: t.current,
                total: t.total,
                item: t.item,
                message: t.message,
            },
            result: t.result,
            error: t.error,
            error_code: t.error_code,
            cost_credits: t.cost_credits,
            attempts: t.attempts,
            cancel_requested: t.cancel_requested,
            site_id: t.site_id,
            created_at: t.created_at,
            started_at: t.started_at,
            finished_at: t.finished_at,
        }
    }
}

impl crate::http::envelope::QueuedWork for TaskOut {
    fn task_id(&self) -> i64 {
        self.id
    }
}
