use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{ConnectionTestOut, IntegrationIn, IntegrationOut, IntegrationUpdateIn};
use super::service;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::tenant::Caller;
use crate::http::{AppError, Created, Data, Json, ListResponse, NoContent, Query};
use crate::state::AppState;

/// Integration routes under `/api/v1/integration`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_integrations, create_integration))
        .routes(routes!(get_integration, update_integration, delete_integration))
        .routes(routes!(test_integration))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IntegrationQuery {
    /// Only this site's connections.
    pub site_id: Option<i64>,
}

/// The WordPress connections of the sites you can see.
#[utoipa::path(get, path = "/integrations", tag = "integration", security(("bearer" = [])), params(IntegrationQuery),
    responses((status = 200, body = ListResponse<IntegrationOut>)))]
async fn list_integrations(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<IntegrationQuery>,
) -> Result<ListResponse<IntegrationOut>, AppError> {
    service::list(&state.db, &caller, query.site_id).await
}

/// Connect a site to its WordPress (editors and above). A bridge connection's key is in this answer only.
#[utoipa::path(post, path = "/integrations", tag = "integration", security(("bearer" = [])), request_body = IntegrationIn,
    responses((status = 201, body = Envelope<IntegrationOut>), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_integration(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<IntegrationIn>,
) -> Result<Created<IntegrationOut>, AppError> {
    service::create(&state.db, &state.cipher, &caller, input).await.map(Created)
}

/// One connection (its credential is never returned).
#[utoipa::path(get, path = "/integrations/{id}", tag = "integration", security(("bearer" = [])),
    responses((status = 200, body = Envelope<IntegrationOut>), (status = 404, body = ErrorBody)))]
async fn get_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<IntegrationOut>, AppError> {
    service::get(&state.db, &caller, id).await.map(Data)
}

/// Change a connection's address, user, application password or switch; a changed connection must be tested
/// again.
#[utoipa::path(patch, path = "/integrations/{id}", tag = "integration", security(("bearer" = [])),
    request_body = IntegrationUpdateIn,
    responses((status = 200, body = Envelope<IntegrationOut>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<IntegrationUpdateIn>,
) -> Result<Data<IntegrationOut>, AppError> {
    service::update(&state.db, &state.cipher, &caller, id, input).await.map(Data)
}

/// Remove a connection.
#[utoipa::path(delete, path = "/integrations/{id}", tag = "integration", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    service::delete(&state.db, &caller, id).await.map(|()| NoContent)
}

/// Test the connection now: named checks in order (reachable, wordpress, rest_api or plugin, credentials,
/// can_publish, version, post_types, taxonomies), stored on the connection with its status.
#[utoipa::path(post, path = "/integrations/{id}/test_connection", tag = "integration", security(("bearer" = [])),
    responses((status = 200, body = Envelope<ConnectionTestOut>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn test_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<ConnectionTestOut>, AppError> {
    service::test_connection(&state.db, &state.cipher, &state.outbound, &caller, id).await.map(Data)
}
