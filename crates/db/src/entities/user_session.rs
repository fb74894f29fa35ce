//! `user_sessions`: one sign-in (a refresh-token family) with its device, IP and first and last use.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// The refresh-token family of this sign-in.
    pub family_id: String,
    pub user_agent: String,
    pub ip: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
