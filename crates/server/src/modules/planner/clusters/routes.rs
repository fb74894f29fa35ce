use std::collections::BTreeMap;

use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{ClusterIn, ClusterOut, ClusterPatch};
use super::service;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{AppError, Created, Data, Json, ListParams, ListResponse, NoContent};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_clusters, create_cluster))
        .routes(routes!(cluster_filter_options))
        .routes(routes!(get_cluster, update_cluster, delete_cluster))
}

/// Clusters with keywords_count, volume, difficulty, ideas_count and content_count.
#[utoipa::path(get, path = "/clusters", tag = "planner", security(("bearer" = [])),
    params(ListQueryDoc, ("site_id" = Option<i64>, Query), ("sector_id" = Option<i64>, Query), ("status" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<ClusterOut>), (status = 400, body = ErrorBody)))]
async fn list_clusters(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<ClusterOut>, AppError> {
    service::list(&state.db, &caller, &params).await
}

#[utoipa::path(post, path = "/clusters", tag = "planner", security(("bearer" = [])), request_body = ClusterIn,
    responses((status = 201, body = Envelope<ClusterOut>), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_cluster(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ClusterIn>,
) -> Result<Created<ClusterOut>, AppError> {
    service::create(&state.db, &caller, input).await.map(Created)
}

#[utoipa::path(get, path = "/clusters/filter_options", tag = "planner", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Object>)))]
async fn cluster_filter_options(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<Data<BTreeMap<String, Vec<serde_json::Value>>>, AppError> {
    service::list_spec().filter_options(&state.db, service::visible(&caller), &params).await.map(Data)
}

#[utoipa::path(get, path = "/clusters/{id}", tag = "planner", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<ClusterOut>), (status = 404, body = ErrorBody)))]
async fn get_cluster(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<ClusterOut>, AppError> {
    service::get(&state.db, &caller, id).await.map(Data)
}

#[utoipa::path(patch, path = "/clusters/{id}", tag = "planner", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ClusterPatch,
    responses((status = 200, body = Envelope<ClusterOut>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn update_cluster(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ClusterPatch>,
) -> Result<Data<ClusterOut>, AppError> {
    service::update(&state.db, &caller, id, input).await.map(Data)
}

/// Delete a cluster; its keywords return to `new`.
#[utoipa::path(delete, path = "/clusters/{id}", tag = "planner", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_cluster(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    service::delete(&state.db, &caller, id).await.map(|()| NoContent)
}
