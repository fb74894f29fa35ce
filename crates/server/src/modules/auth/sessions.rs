//! Sessions: a short-lived access token plus a refresh token in a family. Refreshing uses up the presented
//! token and issues the next one in the same family; presenting a used or revoked token revokes the family.

use chrono::Utc;
use db::entities::{refresh_token, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::dto::{SessionOut, TokensOut};
use crate::http::AppError;
use crate::modules::account::service::account_out;
use crate::security::jwt::{Keys, REFRESH_TTL};
use crate::security::token;

fn unauthorized(code: &'static str, message: &str) -> AppError {
    AppError::Unauthorized { code, message: message.into() }
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

async fn tokens(db: &DatabaseConnection, keys: &Keys, user: &user::Model, family: &str) -> Result<TokensOut, AppError> {
    let (access, access_expires_at) = keys.issue(user.id, user.account_id).map_err(AppError::internal)?;
    let (refresh, refresh_expires_at) = new_refresh(db, user.id, family).await?;
    Ok(TokensOut { access, refresh, access_expires_at, refresh_expires_at })
}

/// A new session (new token family) for a user who just proved who they are.
pub async fn issue_session(db: &DatabaseConnection, keys: &Keys, user: user::Model) -> Result<SessionOut, AppError> {
    let family = uuid::Uuid::new_v4().to_string();
    let tokens = tokens(db, keys, &user, &family).await?;
    let account = account_out(db, user.account_id).await?;
    Ok(SessionOut {
        user: user.into(),
        account,
        access: tokens.access,
        refresh: tokens.refresh,
        access_expires_at: tokens.access_expires_at,
        refresh_expires_at: tokens.refresh_expires_at,
    })
}

/// Revokes every token of a family.
pub async fn revoke_family<C: ConnectionTrait>(db: &C, family: &str) -> Result<(), AppError> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every session of a user (after a password change or reset).
pub async fn revoke_user<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<(), AppError> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Exchanges a refresh token for the next pair.
pub async fn rotate(db: &DatabaseConnection, keys: &Keys, presented: &str) -> Result<TokensOut, AppError> {
    let invalid = || unauthorized("TOKEN_INVALID", "The refresh token is not valid; sign in again.");
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token::digest(presented)))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
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
    tokens(db, keys, &user, &row.family_id).await
}
