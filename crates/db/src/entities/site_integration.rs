//! `site_integrations`: a site's connection to its WordPress.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "site_integrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub site_id: i64,
    /// `wordpress`.
    pub platform: String,
    /// `application_password` (WordPress core REST) or `bridge` (the IGNY8 bridge plugin).
    pub auth_mode: String,
    pub site_url: String,
    /// The WordPress user (core REST only).
    pub username: Option<String>,
    /// The application password or bridge key, sealed with the server's key; never returned.
    pub secret_sealed: Option<String>,
    /// The secret's last characters, to recognise it.
    pub secret_hint: Option<String>,
    pub is_active: bool,
    /// `unknown` (never tested), `connected` or `error`.
    pub connection_status: String,
    pub connection_error: Option<String>,
    /// The last connection test's named checks.
    pub checks: Option<Json>,
    pub last_checked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
