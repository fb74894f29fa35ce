//! Tenancy in one place. `Caller` authenticates the request (Bearer JWT or site `ApiKey`) and is the only
//! way handlers reach tenant rows: every lookup goes through its scoped helpers, so a row of another account,
//! or of a site the caller was not granted, is a 404.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use db::entities::{account, sector, site, site_user_access, user, user_session};
use db::tenancy::{find_scoped, scoped};
use domain::Role;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select,
};

use super::AppError;
use crate::security::jwt::{Keys, TokenError};
use crate::security::token;
use crate::state::AppState;

/// Who is calling, on behalf of which account.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user, or `None` for a site API key.
    pub user_id: Option<i64>,
    pub account_id: i64,
    pub role: Role,
    /// Set when an API key authenticated the request: the only site it may touch.
    pub key_site_id: Option<i64>,
}

fn unauthorized(code: &'static str, message: &str) -> AppError {
    AppError::Unauthorized { code, message: message.into() }
}

fn forbidden(code: &'static str, message: &str) -> AppError {
    AppError::Forbidden { code, message: message.into() }
}

/// Refuses suspended or cancelled accounts.
pub fn ensure_account_active(account: &account::Model) -> Result<(), AppError> {
    match account.status.as_str() {
        "active" | "trial" => Ok(()),
        _ => Err(forbidden("ACCOUNT_INACTIVE", "This account is not active; contact the account owner or support.")),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let header = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or_else(|| {
            unauthorized("NOT_AUTHENTICATED", "Sign in to continue: send `Authorization: Bearer <token>`.")
        })?;
        let caller = if let Some(jwt) = header.strip_prefix("Bearer ") {
            from_jwt(&state.db, &state.keys, jwt.trim()).await?
        } else if let Some(key) = header.strip_prefix("ApiKey ") {
            from_api_key(&state.db, key.trim()).await?
        } else {
            return Err(unauthorized("NOT_AUTHENTICATED", "Use `Authorization: Bearer <token>` or `ApiKey <key>`."));
        };
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

async fn from_jwt(db: &DatabaseConnection, keys: &Keys, jwt: &str) -> Result<Caller, AppError> {
    let claims = keys.verify(jwt).map_err(|e| match e {
        TokenError::Expired => {
            unauthorized("TOKEN_EXPIRED", "Your session expired; refresh the token or sign in again.")
        }
        TokenError::Invalid => unauthorized("TOKEN_INVALID", "The access token is not valid."),
    })?;
    let user_id: i64 =
        claims.sub.parse().map_err(|_| unauthorized("TOKEN_INVALID", "The access token is not valid."))?;
    let (user, account) = user::Entity::find_by_id(user_id)
        .find_also_related(account::Entity)
        .one(db)
        .await?
        .and_then(|(user, account)| account.map(|a| (user, a)))
        .filter(|(user, _)| user.account_id == claims.acc)
        .ok_or_else(|| unauthorized("TOKEN_INVALID", "The access token is not valid."))?;
    if !user.is_active {
        return Err(forbidden("USER_INACTIVE", "This user is deactivated; ask an account owner to reactivate it."));
    }
    ensure_account_active(&account)?;
    // A token of an ended session (signed out elsewhere, ended from the sessions list) stops working at once.
    if let Some(sid) = claims.sid {
        let open = user_session::Entity::find_by_id(sid)
            .one(db)
            .await?
            .is_some_and(|s| s.user_id == user.id && s.ended_at.is_none());
        if !open {
            return Err(unauthorized("SESSION_ENDED", "This session was ended; sign in again."));
        }
    }
    let role =
        Role::parse(&user.role).ok_or_else(|| AppError::internal(anyhow::anyhow!("unknown role {}", user.role)))?;
    Ok(Caller { user_id: Some(user.id), account_id: account.id, role, key_site_id: None })
}

async fn from_api_key(db: &DatabaseConnection, key: &str) -> Result<Caller, AppError> {
    let invalid = || unauthorized("API_KEY_INVALID", "The API key is not valid.");
    if key.is_empty() {
        return Err(invalid());
    }
    let site = site::Entity::find()
        .filter(site::Column::ApiKeyHash.eq(token::digest(key)))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    let account = account::Entity::find_by_id(site.account_id).one(db).await?.ok_or_else(invalid)?;
    ensure_account_active(&account)?;
    // A site key acts like an editor confined to its site (the WordPress bridge and scripts).
    Ok(Caller { user_id: None, account_id: account.id, role: Role::Editor, key_site_id: Some(site.id) })
}

impl Caller {
    /// The user id, for endpoints that only make sense for a signed-in person.
    pub fn user_id(&self) -> Result<i64, AppError> {
        self.user_id.ok_or_else(|| forbidden("USER_REQUIRED", "This endpoint needs a signed-in user, not an API key."))
    }

    /// Editors and above (SPEC.md §3).
    pub fn require_write(&self) -> Result<(), AppError> {
        if self.role.can_write() {
            Ok(())
        } else {
            Err(forbidden("PERMISSION_DENIED", "Your role can read but not change this."))
        }
    }

    /// Owners, admins (and platform developers), signed in as a person.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.role.is_admin() && self.user_id.is_some() {
            Ok(())
        } else {
            Err(forbidden("PERMISSION_DENIED", "Only account owners and admins can do this."))
        }
    }

    /// Platform staff (role `developer`), signed in as a person: global settings such as the model catalogue.
    pub fn require_staff(&self, what: &str) -> Result<(), AppError> {
        if self.role == Role::Developer && self.user_id.is_some() {
            Ok(())
        } else {
            Err(AppError::Forbidden { code: "PERMISSION_DENIED", message: format!("Only platform staff {what}.") })
        }
    }

    /// Sites this caller may see: all of the account's for admins, the granted ones for others,
    /// only its own for an API key.
    pub fn sites(&self) -> Select<site::Entity> {
        let select = scoped::<site::Entity>(self.account_id);
        match (self.key_site_id, self.user_id) {
            (Some(site_id), _) => select.filter(site::Column::Id.eq(site_id)),
            (None, Some(_)) if self.role.is_admin() => select,
            (None, Some(user_id)) => select.filter(
                site::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(site_user_access::Column::SiteId)
                        .from(site_user_access::Entity)
                        .and_where(site_user_access::Column::UserId.eq(user_id))
                        .to_owned(),
                ),
            ),
            (None, None) => select.filter(site::Column::Id.eq(-1)),
        }
    }

    /// One site the caller may see, else 404.
    pub async fn site<C: ConnectionTrait>(&self, db: &C, site_id: i64) -> Result<site::Model, AppError> {
        self.sites().filter(site::Column::Id.eq(site_id)).one(db).await?.ok_or_else(|| AppError::not_found("Site"))
    }

    /// A site given in a request field: 404 when not visible is reported against that field as 400, since the
    /// caller chose the value (`site_id` in a body or query).
    pub async fn site_field<C: ConnectionTrait>(
        &self,
        db: &C,
        field: &str,
        site_id: i64,
    ) -> Result<site::Model, AppError> {
        match self.site(db, site_id).await {
            Err(AppError::NotFound(_)) => Err(AppError::field(field, "No such site.")),
            other => other,
        }
    }

    /// Rows of a site-scoped table on the sites this caller may see.
    pub fn site_rows<E: db::tenancy::SiteScoped>(&self) -> Select<E> {
        let visible = self.sites().select_only().column(site::Column::Id).into_query();
        scoped::<E>(self.account_id).filter(E::site_column().in_subquery(visible))
    }

    /// Sectors of the sites this caller may see.
    pub fn sectors(&self) -> Select<sector::Entity> {
        let visible = self.sites().select_only().column(site::Column::Id).into_query();
        scoped::<sector::Entity>(self.account_id).filter(sector::Column::SiteId.in_subquery(visible))
    }

    /// One sector the caller may see, else 404.
    pub async fn sector<C: ConnectionTrait>(&self, db: &C, sector_id: i64) -> Result<sector::Model, AppError> {
        self.sectors()
            .filter(sector::Column::Id.eq(sector_id))
            .one(db)
            .await?
            .ok_or_else(|| AppError::not_found("Sector"))
    }

    /// A site and one of its sectors, as given in a request (`site_id`, `sector_id`). A sector of another site
    /// is a 400 naming `sector_id`.
    pub async fn site_sector<C: ConnectionTrait>(
        &self,
        db: &C,
        site_id: i64,
        sector_id: i64,
    ) -> Result<(site::Model, sector::Model), AppError> {
        let site = self.site_field(db, "site_id", site_id).await?;
        let sector = find_scoped::<sector::Entity, _>(db, self.account_id, sector_id)
            .await?
            .filter(|s| s.site_id == site.id)
            .ok_or_else(|| AppError::field("sector_id", "This sector does not belong to the given site."))?;
        Ok((site, sector))
    }
}
