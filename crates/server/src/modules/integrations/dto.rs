use chrono::{DateTime, Utc};
use db::entities::site_integration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Connect a site to its WordPress.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationIn {
    pub site_id: i64,
    /// `wordpress` (the default; the only platform for now).
    #[serde(default)]
    pub platform: Option<String>,
    /// `application_password` (WordPress core REST: give `username` and `app_password`) or `bridge` (the IGNY8 bridge
    /// plugin: a key is issued and shown once in the answer, to paste into the plugin's settings).
    pub auth_mode: String,
    /// The WordPress address, e.g. `https://example.com` or `https://example.com/blog`.
    pub site_url: String,
    #[serde(default)]
    pub username: Option<String>,
    /// An application password (Users → Profile → Application Passwords in WordPress). Stored sealed.
    #[serde(default)]
    pub app_password: Option<String>,
}

/// Change a connection; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationUpdateIn {
    pub site_url: Option<String>,
    pub username: Option<String>,
    /// A new application password (core REST only).
    pub app_password: Option<String>,
    pub is_active: Option<bool>,
    /// Bridge only: issue a new key (shown once in the answer); the old one stops working.
    #[serde(default)]
    pub rotate_bridge_key: bool,
}

/// One named check of a connection test.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckOut {
    /// `reachable`, `wordpress`, `rest_api`, `plugin`, `credentials`, `can_publish`, `version`, `post_types`,
    /// `taxonomies`.
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationOut {
    pub id: i64,
    pub site_id: i64,
    pub platform: String,
    pub auth_mode: String,
    pub site_url: String,
    pub username: Option<String>,
    /// Whether a credential is stored (it is never returned).
    pub secret_set: bool,
    /// The stored credential's last characters, to recognise it.
    pub secret_hint: Option<String>,
    pub is_active: bool,
    /// `unknown` (never tested), `connected` or `error`.
    pub connection_status: String,
    pub connection_error: Option<String>,
    /// The last connection test's checks.
    pub checks: Vec<CheckOut>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bridge only, and only in the answer that issued it: the key to paste into the plugin. Not shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bridge_key: Option<String>,
}

impl From<site_integration::Model> for IntegrationOut {
    fn from(row: site_integration::Model) -> Self {
        let checks = row.checks.and_then(|value| serde_json::from_value(value).ok()).unwrap_or_default();
        Self {
            id: row.id,
            site_id: row.site_id,
            platform: row.platform,
            auth_mode: row.auth_mode,
            site_url: row.site_url,
            username: row.username,
            secret_set: row.secret_sealed.is_some(),
            secret_hint: row.secret_hint,
            is_active: row.is_active,
            connection_status: row.connection_status,
            connection_error: row.connection_error,
            checks,
            last_checked_at: row.last_checked_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            bridge_key: None,
        }
    }
}

/// The outcome of a connection test (also stored on the connection).
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionTestOut {
    /// `connected` when every check passed, otherwise `error`.
    pub connection_status: String,
    /// The first failed check's detail, or why the checks could not run.
    pub connection_error: Option<String>,
    pub checks: Vec<CheckOut>,
    pub checked_at: DateTime<Utc>,
}
