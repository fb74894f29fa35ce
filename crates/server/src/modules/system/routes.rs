use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{Ping, Readiness};
use super::service;
use crate::app::AppState;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::{AppError, Data};

/// Routes under `/api/v1/system`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ping))
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

/// Readiness: the database answers and no migration is pending.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses(
        (status = 200, description = "Ready to serve", body = Envelope<Readiness>),
        (status = 503, description = "Not ready; the message says why", body = ErrorBody),
    ))]
async fn readyz(State(state): State<AppState>) -> Result<Data<Readiness>, AppError> {
    service::readiness(&state.db).await.map(Data)
}
