use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::modules::account::dto::{AccountOut, UserOut};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterIn {
    pub email: String,
    pub password: String,
    /// When sent, must equal `password`.
    pub password_confirm: Option<String>,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// Defaults to the person's name or e-mail.
    pub account_name: Option<String>,
    /// Ignored in this version (every account starts on Free; upgrades come with billing).
    pub plan_slug: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    pub email: String,
    pub password: String,
}

/// The refresh token in the body (API clients), or nothing: then the `igny8_refresh` cookie is used (the web app).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshIn {
    #[serde(default)]
    pub refresh: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub user: UserOut,
    pub account: AccountOut,
    /// Access token for `Authorization: Bearer …` (15 minutes).
    pub access: String,
    /// Refresh token for `token/refresh/` (7 days, single use). Left out when the request asked for the
    /// refresh cookie instead (`X-Refresh-Mode: cookie`, as the web app does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh: Option<String>,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
    /// This sign-in, as listed by `auth/sessions/`.
    pub session_id: i64,
    /// Only when this sign-in completed a two-factor enrolment: the ten recovery codes, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_codes: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokensOut {
    pub access: String,
    /// Left out when the refresh token travels in the cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh: Option<String>,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
    pub session_id: i64,
}

/// Sign-in needs a second step: a code from the authenticator app (or a recovery code), or first an enrolment
/// when the account requires two-factor sign-in and this user has none yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeOut {
    /// Always `true`.
    pub two_factor_required: bool,
    /// `true`: set up an authenticator first (`login/two_factor/setup/`), then confirm with its code.
    pub enrolment_required: bool,
    /// Send it with the code to `login/two_factor/` (5 minutes, once).
    pub challenge: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengeIn {
    pub challenge: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginCodeIn {
    pub challenge: String,
    /// The six-digit code, or one of the recovery codes.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorOut {
    pub enabled: bool,
    /// An enrolment was started but not confirmed with a code.
    pub pending: bool,
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: u64,
    /// The account requires two-factor sign-in of every member.
    pub required_by_account: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorSetupOut {
    /// The secret in base32, for typing into an authenticator app by hand.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub otpauth_uri: String,
    /// The QR code as an SVG document (rendered by this server).
    pub qr_svg: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeIn {
    pub code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordCodeIn {
    pub password: String,
    /// A code from the authenticator app, or a recovery code.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodesOut {
    /// Ten one-time codes; shown only now.
    pub recovery_codes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfoOut {
    pub id: i64,
    /// "Firefox on Linux", from the user agent.
    pub device: String,
    pub user_agent: String,
    pub ip: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    /// The session of this request.
    pub current: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndedOut {
    /// How many sessions ended.
    pub ended: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountSecurityOut {
    pub require_two_factor: bool,
    /// Active members who have no two-factor sign-in yet.
    pub members_without_two_factor: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountSecurityIn {
    pub require_two_factor: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    pub user: UserOut,
    pub account: AccountOut,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeIn {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeIn {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequestIn {
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirmIn {
    /// The token from the reset or invitation mail.
    pub token: String,
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Done {
    pub ok: bool,
}
