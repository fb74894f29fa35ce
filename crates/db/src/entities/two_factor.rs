//! `two_factor`: a user's TOTP secret (sealed), whether it is confirmed, and the step of the last accepted code.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "two_factor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    /// The TOTP secret sealed with AES-256-GCM under the server's secret.
    pub secret_cipher: String,
    /// Set once a first code confirmed the enrolment; `None` while enrolment is pending.
    pub enabled_at: Option<DateTimeUtc>,
    /// The 30-second step of the last accepted code (a code is accepted once within its window).
    pub last_step: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
