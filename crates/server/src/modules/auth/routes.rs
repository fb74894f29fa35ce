use axum::extract::{FromRequestParts, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::cookie::{self, Client};
use super::dto::{
    AccountSecurityIn, AccountSecurityOut, ChallengeIn, ChallengeOut, CodeIn, Done, EndedOut, LoginCodeIn, LoginIn,
    MeIn, MeOut, PasswordChangeIn, PasswordCodeIn, RecoveryCodesOut, RefreshIn, RegisterIn, ResetConfirmIn,
    ResetRequestIn, SessionInfoOut, SessionOut, TokensOut, TwoFactorOut, TwoFactorSetupOut,
};
use super::service::Login;
use super::{service, sessions, two_factor};
use crate::config::Config;
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
        .routes(routes!(login_two_factor))
        .routes(routes!(login_two_factor_setup))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(request_reset))
        .routes(routes!(confirm_reset))
        .routes(routes!(two_factor_status))
        .routes(routes!(two_factor_setup))
        .routes(routes!(two_factor_enable))
        .routes(routes!(two_factor_disable))
        .routes(routes!(two_factor_recovery_codes))
        .routes(routes!(list_sessions))
        .routes(routes!(end_session))
        .routes(routes!(end_other_sessions))
}

/// Routes under `/api/v1/account` that belong to account security.
pub fn account_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_account_security, update_account_security))
        .routes(routes!(end_member_sessions))
}

/// The session of the request's access token, if it names one.
pub struct CurrentSession(pub Option<i64>);

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, AppError> {
        let sid = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .and_then(|jwt| state.keys.verify(jwt.trim()).ok())
            .and_then(|claims| claims.sid);
        Ok(Self(sid))
    }
}

/// Answers that may carry a refresh token.
trait CarriesRefresh: Serialize {
    fn take_refresh(&mut self) -> Option<String>;
    fn refresh_expires_at(&self) -> DateTime<Utc>;
}

impl CarriesRefresh for SessionOut {
    fn take_refresh(&mut self) -> Option<String> {
        self.refresh.take()
    }
    fn refresh_expires_at(&self) -> DateTime<Utc> {
        self.refresh_expires_at
    }
}

impl CarriesRefresh for TokensOut {
    fn take_refresh(&mut self) -> Option<String> {
        self.refresh.take()
    }
    fn refresh_expires_at(&self) -> DateTime<Utc> {
        self.refresh_expires_at
    }
}

/// The answer; in cookie mode the refresh token moves from the body into the `HttpOnly` cookie.
fn deliver<T: CarriesRefresh>(config: &Config, cookie_mode: bool, mut out: T, status: StatusCode) -> Response {
    let cookie = if cookie_mode {
        let max_age = (out.refresh_expires_at() - Utc::now()).num_seconds();
        out.take_refresh().map(|token| cookie::set(&token, max_age, config.is_https()))
    } else {
        None
    };
    let mut response =
        if status == StatusCode::CREATED { Created(out).into_response() } else { Data(out).into_response() };
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Create an account (Free plan) with you as its owner, and sign in.
#[utoipa::path(post, path = "/register", tag = "auth", request_body = RegisterIn,
    params(("X-Refresh-Mode" = Option<String>, Header, description = "`cookie`: get the refresh token as an HttpOnly cookie instead of in the body")),
    responses((status = 201, body = Envelope<SessionOut>), (status = 400, body = ErrorBody),
        (status = 409, description = "Email taken", body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Client(client): Client,
    headers: HeaderMap,
    Json(input): Json<RegisterIn>,
) -> Result<Response, AppError> {
    let allowance = state.limiters.auth_ip.check(&ip.to_string())?;
    let result = service::register(&state.db, &state.keys, input, &client).await;
    let cookie_mode = cookie::wants_cookie(&headers);
    Ok(allowance.apply(result.map(|s| deliver(&state.config, cookie_mode, s, StatusCode::CREATED))))
}

/// Sign in with email and password. With two-factor sign-in (or an account that requires it) the answer is a 202
/// with a challenge: send it with a code to `login/two_factor/`.
#[utoipa::path(post, path = "/login", tag = "auth", request_body = LoginIn,
    params(("X-Refresh-Mode" = Option<String>, Header, description = "`cookie`: get the refresh token as an HttpOnly cookie instead of in the body")),
    responses((status = 200, body = Envelope<SessionOut>),
        (status = 202, description = "A second step is needed", body = Envelope<ChallengeOut>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "User or account inactive", body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Client(client): Client,
    headers: HeaderMap,
    Json(input): Json<LoginIn>,
) -> Result<Response, AppError> {
    let allowance = state.limiters.strict(ip, input.email.trim())?;
    let result = service::login(&state.db, &state.keys, input, &client).await;
    let cookie_mode = cookie::wants_cookie(&headers);
    Ok(allowance.apply(result.map(|outcome| match outcome {
        Login::Session(session) => deliver(&state.config, cookie_mode, *session, StatusCode::OK),
        Login::Challenge(challenge) => (StatusCode::ACCEPTED, Data(challenge)).into_response(),
    })))
}

/// The second sign-in step: the challenge from `login/` with a code from the authenticator app or a recovery
/// code. After an enrolment the answer also holds the ten recovery codes (shown once).
#[utoipa::path(post, path = "/login/two_factor", tag = "auth", request_body = LoginCodeIn,
    params(("X-Refresh-Mode" = Option<String>, Header, description = "`cookie`: get the refresh token as an HttpOnly cookie instead of in the body")),
    responses((status = 200, body = Envelope<SessionOut>), (status = 400, description = "Wrong or used code", body = ErrorBody),
        (status = 401, description = "Challenge expired or unknown", body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login_two_factor(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Client(client): Client,
    headers: HeaderMap,
    Json(input): Json<LoginCodeIn>,
) -> Result<Response, AppError> {
    let allowance = state.limiters.auth_ip.check(&ip.to_string())?;
    let (user, _) = two_factor::challenge_user(&state.db, &input.challenge).await?;
    state.limiters.two_factor.check(&user.id.to_string())?;
    let result = service::login_code(&state.db, &state.keys, &state.cipher, input, &client).await;
    let cookie_mode = cookie::wants_cookie(&headers);
    Ok(allowance.apply(result.map(|s| deliver(&state.config, cookie_mode, s, StatusCode::OK))))
}

/// For a sign-in whose account requires two-factor: a new authenticator secret and its QR code, confirmed by
/// sending its first code to `login/two_factor/`.
#[utoipa::path(post, path = "/login/two_factor/setup", tag = "auth", request_body = ChallengeIn,
    responses((status = 200, body = Envelope<TwoFactorSetupOut>), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login_two_factor_setup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(input): Json<ChallengeIn>,
) -> Result<Response, AppError> {
    let allowance = state.limiters.auth_ip.check(&ip.to_string())?;
    let result = two_factor::challenge_setup(&state.db, &state.cipher, &input.challenge).await;
    Ok(allowance.apply(result.map(Data)))
}

/// Exchange a refresh token for a new access and refresh token. A refresh token works once; presenting it
/// again signs out every session that descends from it. API clients send `{"refresh": …}`; the web app sends
/// `{}` and the `igny8_refresh` cookie (accepted only from the app's own origin), and gets the next cookie.
#[utoipa::path(post, path = "/token/refresh", tag = "auth", request_body = RefreshIn,
    responses((status = 200, body = Envelope<TokensOut>), (status = 401, body = ErrorBody),
        (status = 403, description = "Cookie sent from another site", body = ErrorBody)))]
async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Json(input): Json<RefreshIn>,
) -> Result<Response, AppError> {
    let allowance = state.limiters.auth_ip.check(&ip.to_string())?;
    let from_body = input.refresh.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    let from_cookie = from_body.is_none();
    let presented = match from_body.or_else(|| cookie::read(&headers)) {
        Some(token) => token,
        None => {
            let missing = AppError::Unauthorized {
                code: "TOKEN_INVALID",
                message: "No refresh token: send `refresh` in the body, or sign in again.".into(),
            };
            return Ok(allowance.apply::<Response>(Err(missing)));
        }
    };
    if from_cookie && let Err(refused) = cookie::check_origin(&headers, &state.config) {
        tracing::warn!(origin = ?headers.get(header::ORIGIN), "cross-site refresh refused");
        return Ok(allowance.apply::<Response>(Err(refused)));
    }
    let cookie_mode = from_cookie || cookie::wants_cookie(&headers);
    let secure = state.config.is_https();
    let mut response = allowance.apply(
        sessions::rotate(&state.db, &state.keys, &presented)
            .await
            .map(|tokens| deliver(&state.config, cookie_mode, tokens, StatusCode::OK)),
    );
    if from_cookie && !response.status().is_success() {
        response.headers_mut().append(header::SET_COOKIE, cookie::clear(secure));
    }
    Ok(response)
}

/// Sign out: the session ends (its refresh and access tokens stop working). API clients send their refresh token;
/// the web app sends `{}` with its access token. The refresh cookie is removed.
#[utoipa::path(post, path = "/logout", tag = "auth", request_body = RefreshIn,
    responses((status = 200, body = Envelope<Done>)))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(input): Json<RefreshIn>,
) -> Result<Response, AppError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        // An access token that expired meanwhile still says which session to end.
        .and_then(|jwt| state.keys.verify_signature(jwt.trim()).ok());
    if let Some(refresh) = input.refresh.filter(|r| !r.trim().is_empty()) {
        service::logout(&state.db, refresh.trim()).await?;
    } else if let Some(claims) = bearer
        && let Some(sid) = claims.sid
    {
        let user_id: i64 = claims.sub.parse().unwrap_or_default();
        match sessions::end(&state.db, user_id, sid).await {
            Ok(()) | Err(AppError::NotFound(_)) => {}
            Err(error) => return Err(error),
        }
    }
    let mut response = Data(Done { ok: true }).with_message("Signed out.").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie::clear(state.config.is_https()));
    Ok(response)
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

/// Change your password; other sessions are signed out, this one continues with new tokens.
#[utoipa::path(post, path = "/password/change", tag = "auth", security(("bearer" = [])), request_body = PasswordChangeIn,
    params(("X-Refresh-Mode" = Option<String>, Header, description = "`cookie`: get the refresh token as an HttpOnly cookie instead of in the body")),
    responses((status = 200, body = Envelope<SessionOut>), (status = 400, body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    current: CurrentSession,
    Client(client): Client,
    headers: HeaderMap,
    Json(input): Json<PasswordChangeIn>,
) -> Result<Response, AppError> {
    let session = service::change_password(&state.db, &state.keys, &caller, current.0, input, &client).await?;
    Ok(deliver(&state.config, cookie::wants_cookie(&headers), session, StatusCode::OK))
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

/// Your two-factor sign-in: on or off, recovery codes left, whether the account requires it.
#[utoipa::path(get, path = "/two_factor", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Envelope<TwoFactorOut>), (status = 401, body = ErrorBody)))]
async fn two_factor_status(State(state): State<AppState>, caller: Caller) -> Result<Data<TwoFactorOut>, AppError> {
    two_factor::status(&state.db, &caller).await.map(Data)
}

/// Start setting up two-factor sign-in: a new secret and its QR code for an authenticator app. It is in force
/// once `two_factor/enable/` confirms a first code.
#[utoipa::path(post, path = "/two_factor/setup", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Envelope<TwoFactorSetupOut>), (status = 409, description = "Already on", body = ErrorBody)))]
async fn two_factor_setup(State(state): State<AppState>, caller: Caller) -> Result<Data<TwoFactorSetupOut>, AppError> {
    two_factor::setup(&state.db, &state.cipher, &caller).await.map(Data)
}

/// Turn two-factor sign-in on with a first code from the app; answers the ten recovery codes (shown once). Your
/// other sessions are signed out.
#[utoipa::path(post, path = "/two_factor/enable", tag = "auth", security(("bearer" = [])), request_body = CodeIn,
    responses((status = 200, body = Envelope<RecoveryCodesOut>), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn two_factor_enable(
    State(state): State<AppState>,
    caller: Caller,
    session: CurrentSession,
    Json(input): Json<CodeIn>,
) -> Result<Data<RecoveryCodesOut>, AppError> {
    state.limiters.two_factor.check(&caller.user_id()?.to_string())?;
    two_factor::enable(&state.db, &state.cipher, &caller, session.0, &input.code).await.map(Data)
}

/// Turn two-factor sign-in off with your password and a code. Your other sessions are signed out.
#[utoipa::path(post, path = "/two_factor/disable", tag = "auth", security(("bearer" = [])), request_body = PasswordCodeIn,
    responses((status = 200, body = Envelope<Done>), (status = 400, body = ErrorBody),
        (status = 403, description = "The account requires it", body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn two_factor_disable(
    State(state): State<AppState>,
    caller: Caller,
    session: CurrentSession,
    Json(input): Json<PasswordCodeIn>,
) -> Result<WithMessage<Done>, AppError> {
    state.limiters.two_factor.check(&caller.user_id()?.to_string())?;
    two_factor::disable(&state.db, &state.cipher, &caller, session.0, input.password, &input.code).await?;
    Ok(Data(Done { ok: true }).with_message("Two-factor sign-in is off."))
}

/// New recovery codes (password and a code); the old ones stop working.
#[utoipa::path(post, path = "/two_factor/recovery_codes", tag = "auth", security(("bearer" = [])), request_body = PasswordCodeIn,
    responses((status = 200, body = Envelope<RecoveryCodesOut>), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn two_factor_recovery_codes(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<PasswordCodeIn>,
) -> Result<Data<RecoveryCodesOut>, AppError> {
    state.limiters.two_factor.check(&caller.user_id()?.to_string())?;
    two_factor::regenerate_codes(&state.db, &state.cipher, &caller, input.password, &input.code).await.map(Data)
}

/// Your active sign-ins: device, IP, first and last use; `current` marks this one.
#[utoipa::path(get, path = "/sessions", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Vec<SessionInfoOut>>), (status = 401, body = ErrorBody)))]
async fn list_sessions(
    State(state): State<AppState>,
    caller: Caller,
    session: CurrentSession,
) -> Result<Data<Vec<SessionInfoOut>>, AppError> {
    sessions::list(&state.db, caller.user_id()?, session.0).await.map(Data)
}

/// End one of your sessions: its tokens stop working at once.
#[utoipa::path(delete, path = "/sessions/{id}", tag = "auth", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<Done>), (status = 404, body = ErrorBody)))]
async fn end_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<WithMessage<Done>, AppError> {
    sessions::end(&state.db, caller.user_id()?, id).await?;
    tracing::info!(user_id = caller.user_id, session_id = id, "session ended");
    Ok(Data(Done { ok: true }).with_message("Session ended."))
}

/// End every session but this one.
#[utoipa::path(post, path = "/sessions/end_others", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Envelope<EndedOut>), (status = 401, body = ErrorBody)))]
async fn end_other_sessions(
    State(state): State<AppState>,
    caller: Caller,
    session: CurrentSession,
) -> Result<Data<EndedOut>, AppError> {
    let user_id = caller.user_id()?;
    let ended = sessions::revoke_user_except(&state.db, user_id, session.0).await?;
    tracing::info!(user_id, ended, "other sessions ended");
    Ok(Data(EndedOut { ended }))
}

/// The account's security rules (owners and admins).
#[utoipa::path(get, path = "/security", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Envelope<AccountSecurityOut>), (status = 403, body = ErrorBody)))]
async fn get_account_security(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Data<AccountSecurityOut>, AppError> {
    two_factor::security_rules(&state.db, &caller).await.map(Data)
}

/// Require two-factor sign-in of every member (owners, who must use it themselves). Members without it are
/// signed out and set it up at their next sign-in.
#[utoipa::path(patch, path = "/security", tag = "account", security(("bearer" = [])), request_body = AccountSecurityIn,
    responses((status = 200, body = Envelope<AccountSecurityOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn update_account_security(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<AccountSecurityIn>,
) -> Result<Data<AccountSecurityOut>, AppError> {
    two_factor::set_security_rules(&state.db, &caller, input).await.map(Data)
}

/// End every session of a team member (owners and admins).
#[utoipa::path(post, path = "/team/{id}/end_sessions", tag = "account", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<EndedOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn end_member_sessions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<EndedOut>, AppError> {
    caller.require_admin()?;
    let member = db::tenancy::find_scoped::<db::entities::user::Entity, _>(&state.db, caller.account_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("Team member"))?;
    let ended = sessions::revoke_user_except(&state.db, member.id, None).await?;
    tracing::info!(by = caller.user_id, user_id = member.id, ended, "member's sessions ended");
    Ok(Data(EndedOut { ended }))
}
