use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{AccountOut, AccountSettingsIn, InviteIn, MemberUpdateIn, TeamMemberOut};
use super::{service, team};
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::tenant::Caller;
use crate::http::{AppError, Created, Data, Json, NoContent};
use crate::state::AppState;

/// Routes under `/api/v1/account`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, update_settings))
        .routes(routes!(list_team, invite))
        .routes(routes!(get_member, update_member, remove_member))
}

/// The caller's account: plan, credits, time zone.
#[utoipa::path(get, path = "/settings", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Envelope<AccountOut>), (status = 401, body = ErrorBody)))]
async fn get_settings(State(state): State<AppState>, caller: Caller) -> Result<Data<AccountOut>, AppError> {
    service::account_out(&state.db, caller.account_id).await.map(Data)
}

/// Change the account's name, time zone or billing email (owners and admins).
#[utoipa::path(patch, path = "/settings", tag = "account", security(("bearer" = [])), request_body = AccountSettingsIn,
    responses((status = 200, body = Envelope<AccountOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn update_settings(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<AccountSettingsIn>,
) -> Result<Data<AccountOut>, AppError> {
    service::update_settings(&state.db, &caller, input).await.map(Data)
}

/// Team members with their roles and site grants.
#[utoipa::path(get, path = "/team", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Vec<TeamMemberOut>>)))]
async fn list_team(State(state): State<AppState>, caller: Caller) -> Result<Data<Vec<TeamMemberOut>>, AppError> {
    caller.user_id()?;
    team::list(&state.db, &caller).await.map(Data)
}

/// Invite someone by email with a role; they get a link to set their password (owners and admins).
#[utoipa::path(post, path = "/team", tag = "account", security(("bearer" = [])), request_body = InviteIn,
    responses((status = 201, body = Envelope<TeamMemberOut>), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<InviteIn>,
) -> Result<Created<TeamMemberOut>, AppError> {
    team::invite(&state.db, &state.mailer, &state.config.public_url(), &caller, input).await.map(Created)
}

/// One team member.
#[utoipa::path(get, path = "/team/{id}", tag = "account", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = Envelope<TeamMemberOut>), (status = 404, body = ErrorBody)))]
async fn get_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<TeamMemberOut>, AppError> {
    caller.user_id()?;
    team::list(&state.db, &caller)
        .await?
        .into_iter()
        .find(|m| m.user.id == id)
        .map(Data)
        .ok_or_else(|| AppError::not_found("Team member"))
}

/// Change a member's role, activity, names or site grants (owners and admins).
#[utoipa::path(patch, path = "/team/{id}", tag = "account", security(("bearer" = [])), request_body = MemberUpdateIn,
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = Envelope<TeamMemberOut>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn update_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<MemberUpdateIn>,
) -> Result<Data<TeamMemberOut>, AppError> {
    team::update(&state.db, &caller, id, input).await.map(Data)
}

/// Remove a member from the account (owners and admins; never yourself or the last owner).
#[utoipa::path(delete, path = "/team/{id}", tag = "account", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    team::remove(&state.db, &caller, id).await.map(|()| NoContent)
}
