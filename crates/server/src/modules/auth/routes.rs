use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{
    Done, LoginIn, MeIn, MeOut, PasswordChangeIn, RefreshIn, RegisterIn, ResetConfirmIn, ResetRequestIn, SessionOut,
    TokensOut,
};
use super::{service, sessions};
use crate::http::envelope::{Envelope, WithMessage};
use crate::http::error::ErrorBody;
use crate::http::tenant::Caller;
use crate::http::throttle::ClientIp;
use crate::http::{AppError, Created, Data, Json};
use crate::state::AppState;

/// Routes under `/api/v1/auth`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(request_reset))
        .routes(routes!(confirm_reset))
}

/// Create an account (Free plan) with you as its owner, and sign in.
#[utoipa::path(post, path = "/register", tag = "auth", request_body = RegisterIn,
    responses((status = 201, body = Envelope<SessionOut>), (status = 400, body = ErrorBody),
        (status = 409, description = "Email taken", body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(input): Json<RegisterIn>,
) -> Result<Response, AppError> {
    let allowance = state.limiters.auth_ip.check(&ip.to_string())?;
    Ok(allowance.apply(service::register(&state.db, &state.keys, input).await.map(Created)))
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/login", tag = "auth", request_body = LoginIn,
    responses((status = 200, body = Envelope<SessionOut>), (status = 401, body = ErrorBody),
        (status = 403, description = "User or account inactive", body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(input): Json<LoginIn>,
) -> Result<Response, AppError> {
    let allowance = state.limiters.strict(ip, input.email.trim())?;
    Ok(allowance.apply(service::login(&state.db, &state.keys, input).await.map(Data)))
}

/// Exchange a refresh token for a new access and refresh token. A refresh token works once; presenting it
/// again signs out every session that descends from it.
#[utoipa::path(post, path = "/token/refresh", tag = "auth", request_body = RefreshIn,
    responses((status = 200, body = Envelope<TokensOut>), (status = 401, body = ErrorBody)))]
async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(input): Json<RefreshIn>,
) -> Result<Response, AppError> {
    let allowance = state.limiters.auth_ip.check(&ip.to_string())?;
    Ok(allowance.apply(sessions::rotate(&state.db, &state.keys, input.refresh.trim()).await.map(Data)))
}

/// Sign out: the refresh token's whole session family stops working.
#[utoipa::path(post, path = "/logout", tag = "auth", request_body = RefreshIn,
    responses((status = 200, body = Envelope<Done>)))]
async fn logout(State(state): State<AppState>, Json(input): Json<RefreshIn>) -> Result<WithMessage<Done>, AppError> {
    service::logout(&state.db, input.refresh.trim()).await?;
    Ok(Data(Done { ok: true }).with_message("Signed out."))
}

/// The signed-in user and their account.
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Envelope<MeOut>), (status = 401, body = ErrorBody)))]
async fn me(State(state): State<AppState>, caller: Caller) -> Result<Data<MeOut>, AppError> {
    service::me(&state.db, &caller).await.map(Data)
}

/// Change your first or last name.
#[utoipa::path(patch, path = "/me", tag = "auth", security(("bearer" = [])), request_body = MeIn,
    responses((status = 200, body = Envelope<MeOut>), (status = 400, body = ErrorBody)))]
async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<MeIn>,
) -> Result<Data<MeOut>, AppError> {
    service::update_me(&state.db, &caller, input).await.map(Data)
}

/// Change your password; other sessions are signed out and a new one starts.
#[utoipa::path(post, path = "/password/change", tag = "auth", security(("bearer" = [])), request_body = PasswordChangeIn,
    responses((status = 200, body = Envelope<SessionOut>), (status = 400, body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<PasswordChangeIn>,
) -> Result<Data<SessionOut>, AppError> {
    service::change_password(&state.db, &state.keys, &caller, input).await.map(Data)
}

/// Ask for a password-reset mail. The answer never says whether the email has an account.
#[utoipa::path(post, path = "/password/reset", tag = "auth", request_body = ResetRequestIn,
    responses((status = 200, body = Envelope<Done>), (status = 429, body = ErrorBody)))]
async fn request_reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(input): Json<ResetRequestIn>,
) -> Result<Response, AppError> {
    let allowance = state.limiters.strict(ip, input.email.trim())?;
    let message = "If an account uses this email, a reset link is on its way.";
    let result = service::request_reset(&state.db, &state.mailer, &state.config.public_url(), &input.email).await;
    Ok(allowance.apply(result.map(|()| Data(Done { ok: true }).with_message(message))))
}

/// Set a new password with the token from a reset or invitation mail.
#[utoipa::path(post, path = "/password/reset/confirm", tag = "auth", request_body = ResetConfirmIn,
    responses((status = 200, body = Envelope<Done>), (status = 400, body = ErrorBody)))]
async fn confirm_reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(input): Json<ResetConfirmIn>,
) -> Result<Response, AppError> {
    let allowance = state.limiters.auth_ip.check(&ip.to_string())?;
    let result = service::confirm_reset(&state.db, input).await;
    Ok(allowance.apply(result.map(|()| Data(Done { ok: true }).with_message("Password set; sign in with it."))))
}
