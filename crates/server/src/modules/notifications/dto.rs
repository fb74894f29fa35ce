use chrono::{DateTime, Utc};
use db::entities::notification;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: i64,
    /// `ai_task_succeeded`, `ai_task_failed`, `low_credits`, …
    pub notification_type: String,
    /// `info`, `success`, `warning` or `error`.
    pub severity: String,
    pub title: String,
    pub message: String,
    pub action_label: Option<String>,
    /// Web-app route to open, e.g. `/planner/clusters`.
    pub action_route: Option<String>,
    pub is_read: bool,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<notification::Model> for NotificationOut {
    fn from(n: notification::Model) -> Self {
        Self {
            id: n.id,
            notification_type: n.notification_type,
            severity: n.severity,
            title: n.title,
            message: n.message,
            action_label: n.action_label,
            action_route: n.action_route,
            is_read: n.is_read,
            read_at: n.read_at,
            created_at: n.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: u64,
}

/// The live stream's `counts` event: what the bell and the credit badge show.
#[derive(Debug, Serialize)]
pub struct Counts {
    pub unread: u64,
    pub balance: crate::modules::billing::dto::BalanceOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    /// How many notifications changed.
    pub updated: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkIn {
    /// Mark these; without ids every unread notification is marked.
    pub ids: Option<Vec<i64>>,
}
