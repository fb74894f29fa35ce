use chrono::{DateTime, Utc};
use db::entities::{account, plan, user};
use domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::modules::catalog::dto::PlanOut;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// `owner`, `admin`, `editor`, `viewer` (or `developer`, `system_bot`).
    pub role: String,
    pub is_active: bool,
    pub account_id: i64,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<user::Model> for UserOut {
    fn from(u: user::Model) -> Self {
        Self {
            id: u.id,
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            role: u.role,
            is_active: u.is_active,
            account_id: u.account_id,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    pub id: i64,
    pub name: String,
    pub slug: String,
    /// `active`, `trial`, `suspended` or `cancelled`.
    pub status: String,
    /// IANA time zone used for schedules.
    pub timezone: String,
    pub billing_email: Option<String>,
    /// Plan-pool credits (reset at renewal).
    pub credits: i64,
    /// Purchased credits (never expire).
    pub bonus_credits: i64,
    pub plan: PlanOut,
    pub created_at: DateTime<Utc>,
}

impl AccountOut {
    pub fn new(a: account::Model, plan: plan::Model) -> Self {
        Self {
            id: a.id,
            name: a.name,
            slug: a.slug,
            status: a.status,
            timezone: a.timezone,
            billing_email: a.billing_email,
            credits: a.credits,
            bonus_credits: a.bonus_credits,
            plan: plan.into(),
            created_at: a.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountSettingsIn {
    pub name: Option<String>,
    /// IANA time zone, e.g. `Europe/Berlin`.
    pub timezone: Option<String>,
    /// Where invoices go; `null` clears it.
    #[serde(default, deserialize_with = "crate::http::extract::nullable")]
    #[schema(value_type = Option<String>)]
    pub billing_email: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamMemberOut {
    #[serde(flatten)]
    pub user: UserOut,
    /// False until an invited member sets a password.
    pub has_password: bool,
    /// Sites granted to this member (admins see every site regardless).
    pub site_ids: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteIn {
    pub email: String,
    #[schema(value_type = String, example = "editor")]
    pub role: Role,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// Sites the member may work on (not needed for owners and admins).
    #[serde(default)]
    pub site_ids: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberUpdateIn {
    #[schema(value_type = Option<String>)]
    pub role: Option<Role>,
    pub is_active: Option<bool>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Replaces the member's site grants.
    pub site_ids: Option<Vec<i64>>,
}
