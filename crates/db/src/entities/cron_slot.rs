//! `cron_slots`: the claim and the outcome of one scheduled run.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cron_slots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The schedule entry, e.g. `publish.check`.
    pub name: String,
    /// The slot this run is for (the time the schedule fired, whole seconds); unique with `name`.
    pub slot_at: DateTimeUtc,
    /// The scheduler (process) whose insert won the slot.
    pub claimed_by: Option<String>,
    pub started_at: Option<DateTimeUtc>,
    /// Unset while the handler runs, or when its process died mid-run.
    pub finished_at: Option<DateTimeUtc>,
    /// `succeeded` or `failed`.
    pub outcome: Option<String>,
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
