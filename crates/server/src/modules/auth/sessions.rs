//! Sessions: a short-lived access token plus a refresh token in a family. Refreshing uses up the presented
//! token and issues the next one in the same family; presenting a used or revoked token revokes the family.
//!
//! Each family is one sign-in, recorded in `user_sessions` with its device, IP and first and last use. Access
//! tokens name their session (`sid`), so ending a session ends its access token at once as well as its refresh
//! token.

use chrono::Utc;
use db::entities::{refresh_token, user, user_session};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::dto::{SessionInfoOut, SessionOut, TokensOut};
use crate::http::AppError;
use crate::modules::account::service::account_out;
use crate::security::jwt::{Keys, REFRESH_TTL};
use crate::security::token;

fn unauthorized(code: &'static str, message: &str) -> AppError {
    AppError::Unauthorized { code, message: message.into() }
}

/// Where a sign-in comes from: shown in the sessions list.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub user_agent: String,
    pub ip: String,
}

async fn new_refresh<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    family: &str,
) -> Result<(String, chrono::DateTime<Utc>), AppError> {
    let secret = token::random();
    let now = Utc::now();
    let expires = now + REFRESH_TTL;
    refresh_token::ActiveModel {
        user_id: Set(user_id),
        family_id: Set(family.to_owned()),
        token_hash: Set(token::digest(&secret)),
        expires_at: Set(expires),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((secret, expires))
}

async fn tokens(
    db: &DatabaseConnection,
    keys: &Keys,
    user: &user::Model,
    session: &user_session::Model,
) -> Result<TokensOut, AppError> {
    let (access, access_expires_at) =
        keys.issue_for(user.id, user.account_id, Some(session.id)).map_err(AppError::internal)?;
    let (refresh, refresh_expires_at) = new_refresh(db, user.id, &session.family_id).await?;
    Ok(TokensOut { access, refresh: Some(refresh), access_expires_at, refresh_expires_at, session_id: session.id })
}

/// A new session (new token family) for a user who just proved who they are.
pub async fn issue_session(
    db: &DatabaseConnection,
    keys: &Keys,
    user: user::Model,
    client: &ClientInfo,
) -> Result<SessionOut, AppError> {
    let now = Utc::now();
    let session = user_session::ActiveModel {
        user_id: Set(user.id),
        family_id: Set(uuid::Uuid::new_v4().to_string()),
        user_agent: Set(client.user_agent.chars().take(300).collect()),
        ip: Set(client.ip.chars().take(45).collect()),
        created_at: Set(now),
        last_used_at: Set(now),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    session_out(db, keys, user, &session).await
}

/// The answer of a sign-in: fresh tokens for `session`, with the user and their account.
async fn session_out(
    db: &DatabaseConnection,
    keys: &Keys,
    user: user::Model,
    session: &user_session::Model,
) -> Result<SessionOut, AppError> {
    let tokens = tokens(db, keys, &user, session).await?;
    let account = account_out(db, user.account_id).await?;
    Ok(SessionOut {
        user: user.into(),
        account,
        access: tokens.access,
        refresh: tokens.refresh,
        access_expires_at: tokens.access_expires_at,
        refresh_expires_at: tokens.refresh_expires_at,
        session_id: session.id,
        recovery_codes: None,
    })
}

/// New tokens for a session that continues (after a password change): its earlier refresh tokens stop working.
/// Falls back to a new session when `session_id` names no open session of the user.
pub async fn continue_session(
    db: &DatabaseConnection,
    keys: &Keys,
    user: user::Model,
    session_id: Option<i64>,
    client: &ClientInfo,
) -> Result<SessionOut, AppError> {
    let open = match session_id {
        Some(id) => {
            user_session::Entity::find_by_id(id).one(db).await?.filter(|s| s.user_id == user.id && s.ended_at.is_none())
        }
        None => None,
    };
    let Some(session) = open else { return issue_session(db, keys, user, client).await };
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(&session.family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    session_out(db, keys, user, &session).await
}

/// Revokes every token of a family and ends its session.
pub async fn revoke_family<C: ConnectionTrait>(db: &C, family: &str) -> Result<(), AppError> {
    let now = Utc::now();
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    user_session::Entity::update_many()
        .col_expr(user_session::Column::EndedAt, Expr::value(now))
        .filter(user_session::Column::FamilyId.eq(family))
        .filter(user_session::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a user except `keep` (a session id); returns how many ended.
pub async fn revoke_user_except<C: ConnectionTrait>(db: &C, user_id: i64, keep: Option<i64>) -> Result<u64, AppError> {
    let mut open = user_session::Entity::find()
        .filter(user_session::Column::UserId.eq(user_id))
        .filter(user_session::Column::EndedAt.is_null());
    if let Some(keep) = keep {
        open = open.filter(user_session::Column::Id.ne(keep));
    }
    let sessions = open.all(db).await?;
    for session in &sessions {
        revoke_family(db, &session.family_id).await?;
    }
    // Families from before sessions were recorded have no session row.
    let keep_family = match keep {
        Some(id) => user_session::Entity::find_by_id(id).one(db).await?.map(|s| s.family_id),
        None => None,
    };
    let mut tokens = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null());
    if let Some(family) = keep_family {
        tokens = tokens.filter(refresh_token::Column::FamilyId.ne(family));
    }
    tokens.exec(db).await?;
    Ok(sessions.len() as u64)
}

/// Revokes every session of a user (after a password change or reset).
pub async fn revoke_user<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<(), AppError> {
    revoke_user_except(db, user_id, None).await.map(|_| ())
}

/// Whether the session an access token names is still open (tokens without one predate sessions).
pub async fn is_open<C: ConnectionTrait>(db: &C, user_id: i64, session_id: i64) -> Result<bool, AppError> {
    Ok(user_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .is_some_and(|s| s.user_id == user_id && s.ended_at.is_none()))
}

/// Exchanges a refresh token for the next pair.
pub async fn rotate(db: &DatabaseConnection, keys: &Keys, presented: &str) -> Result<TokensOut, AppError> {
    let invalid = || unauthorized("TOKEN_INVALID", "The refresh token is not valid; sign in again.");
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token::digest(presented)))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    let found = user_session::Entity::find().filter(user_session::Column::FamilyId.eq(&row.family_id)).one(db).await?;
    let session = match found {
        Some(session) => session,
        // A family from before sessions were recorded: record it now.
        None => {
            user_session::ActiveModel {
                user_id: Set(row.user_id),
                family_id: Set(row.family_id.clone()),
                user_agent: Set(String::new()),
                ip: Set(String::new()),
                created_at: Set(row.created_at),
                last_used_at: Set(Utc::now()),
                ended_at: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    if session.ended_at.is_some() {
        return Err(unauthorized("SESSION_ENDED", "This session was ended; sign in again."));
    }
    if row.revoked_at.is_some() || row.used_at.is_some() {
        // A token used twice was copied: end every session that descends from it.
        revoke_family(db, &row.family_id).await?;
        tracing::warn!(user_id = row.user_id, family = %row.family_id, "refresh token reused; family revoked");
        return Err(unauthorized("TOKEN_REUSED", "This session was signed out for safety; sign in again."));
    }
    if row.expires_at <= Utc::now() {
        return Err(unauthorized("TOKEN_EXPIRED", "The session expired; sign in again."));
    }
    // Use it up only if nobody else did in the meantime (two refreshes racing with one token).
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        revoke_family(db, &row.family_id).await?;
        return Err(unauthorized("TOKEN_REUSED", "This session was signed out for safety; sign in again."));
    }
    let user = user::Entity::find_by_id(row.user_id).one(db).await?.ok_or_else(invalid)?;
    if !user.is_active {
        return Err(AppError::Forbidden { code: "USER_INACTIVE", message: "This user is deactivated.".into() });
    }
    let (account, _) = crate::modules::account::limits::plan_of(db, user.account_id).await?;
    crate::http::tenant::ensure_account_active(&account)?;
    user_session::Entity::update_many()
        .col_expr(user_session::Column::LastUsedAt, Expr::value(Utc::now()))
        .filter(user_session::Column::Id.eq(session.id))
        .exec(db)
        .await?;
    tokens(db, keys, &user, &session).await
}

/// The user's open sessions, most recently used first.
pub async fn list(
    db: &DatabaseConnection,
    user_id: i64,
    current: Option<i64>,
) -> Result<Vec<SessionInfoOut>, AppError> {
    let rows = user_session::Entity::find()
        .filter(user_session::Column::UserId.eq(user_id))
        .filter(user_session::Column::EndedAt.is_null())
        // Its last refresh token was issued at its last use; a week later the session has lapsed.
        .filter(user_session::Column::LastUsedAt.gt(Utc::now() - REFRESH_TTL))
        .order_by_desc(user_session::Column::LastUsedAt)
        .order_by_desc(user_session::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionInfoOut {
            id: s.id,
            device: device(&s.user_agent),
            user_agent: s.user_agent,
            ip: s.ip,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            current: Some(s.id) == current,
        })
        .collect())
}

/// Ends one of the user's sessions; another user's (or an unknown) session is a 404.
pub async fn end(db: &DatabaseConnection, user_id: i64, session_id: i64) -> Result<(), AppError> {
    let session = user_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .filter(|s| s.user_id == user_id && s.ended_at.is_none())
        .ok_or_else(|| AppError::not_found("Session"))?;
    revoke_family(db, &session.family_id).await
}

/// "Firefox on Linux", "Chrome on Android", "curl": a short name for a user agent.
pub fn device(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Chrome (headless)"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
        ("python-requests", "Python"),
        ("reqwest", "API client"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(o)) => o.to_owned(),
        (None, None) if ua.is_empty() => "Unknown device".to_owned(),
        (None, None) => ua.split('/').next().unwrap_or(ua).chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn device_names() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(device(firefox), "Firefox on Linux");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      Chrome/131.0 Safari/537.36";
        assert_eq!(device(chrome), "Chrome on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 \
                      Mobile/15E148 Safari/604.1";
        assert_eq!(device(safari), "Safari on iPhone");
        assert_eq!(device("curl/8.5.0"), "curl");
        assert_eq!(device(""), "Unknown device");
    }
}
