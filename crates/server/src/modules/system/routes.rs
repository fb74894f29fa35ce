use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{Ping, Readiness};
use jobs::JobInput;

use super::dto::ConnectionTestJob;
use super::service;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::tenant::Caller;
use crate::http::{Accepted, AppError, Data, Json};
use crate::modules::tasks::dto::TaskOut;
use crate::modules::tasks::service::TaskStarter;
use crate::state::AppState;

/// Routes under `/api/v1/system`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ping)).routes(routes!(test_connection))
}

/// Probes at the root, for load balancers and orchestrators.
pub fn health_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(readyz))
}

/// Liveness: the process answers. Touches nothing else.
#[utoipa::path(get, path = "/ping", tag = "system",
    responses((status = 200, description = "The process is alive", body = Envelope<Ping>)))]
async fn ping() -> Data<Ping> {
    Data(Ping { status: "ok", version: env!("CARGO_PKG_VERSION"), time: chrono::Utc::now() })
}

/// Readiness: the database answers, no migration is pending, and this process's job loop (when it runs one) is
/// working.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses(
        (status = 200, description = "Ready to serve", body = Envelope<Readiness>),
        (status = 503, description = "Not ready; the message says why", body = ErrorBody),
    ))]
async fn readyz(State(state): State<AppState>) -> Result<Data<Readiness>, AppError> {
    service::readiness(&state.db, &state.queue).await.map(Data)
}

#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionTestIn {
    /// Text the model should echo (200 characters at most).
    pub message: Option<String>,
}

/// Check the configured AI provider end to end: queues a `connection_test` task (202) whose progress streams at
/// `/api/v1/tasks/{id}/events/`. Costs at least one credit.
#[utoipa::path(post, path = "/ai/test_connection", tag = "system", extensions(("x-throttle-scope" = json!("ai"))), security(("bearer" = [])),
    request_body = ConnectionTestIn,
    responses((status = 202, body = Envelope<TaskOut>), (status = 402, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn test_connection(
    State(tasks): State<TaskStarter>,
    caller: Caller,
    Json(input): Json<ConnectionTestIn>,
) -> Result<Accepted<TaskOut>, AppError> {
    let message = input.message.unwrap_or_else(|| "ping".into());
    if message.chars().count() > 200 {
        return Err(AppError::field("message", "Use at most 200 characters."));
    }
    let min =
        crate::modules::ai_settings::catalogue::setting_for(&tasks.db, ConnectionTestJob::KIND).await?.min_credits;
    let input = ConnectionTestJob { message };
    crate::modules::tasks::service::start(&tasks, &caller, None, &input, min).await.map(Accepted)
}
