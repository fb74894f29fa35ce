//! `tasks`: the user-facing record of an AI or batch job.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub site_id: Option<i64>,
    pub user_id: Option<i64>,
    /// The job kind, e.g. `auto_cluster`.
    pub kind: String,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    /// `INIT`, `PREP`, `AI_CALL`, `PARSE`, `SAVE` or `DONE`.
    pub phase: String,
    pub percent: i16,
    pub current: i64,
    pub total: i64,
    pub item: Option<String>,
    pub message: Option<String>,
    pub input: Json,
    pub result: Option<Json>,
    pub error: Option<String>,
    pub error_code: Option<String>,
    pub cost_credits: i64,
    pub attempts: i32,
    pub cancel_requested: bool,
    /// While running: the worker holding it must renew this lease; after it passes, another worker may
    /// take the task over (its worker died).
    pub lease_expires_at: Option<DateTimeUtc>,
    /// While queued: when it may start (now, or later for a retry's backoff). The task row is the job.
    pub run_after: DateTimeUtc,
    /// Credits held for this task while it is queued or running (the start's estimate); released when it ends,
    /// when the job's charge settles the actual use.
    pub reserved_credits: i64,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
