use std::collections::BTreeMap;

use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{TaskBulkUpdateIn, WriterTaskIn, WriterTaskOut, WriterTaskPatch};
use super::service;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{Accepted, AppError, Created, Data, Json, ListParams, ListResponse, NoContent};
use crate::modules::planner::keywords::dto::{Affected, IdsIn};
use crate::modules::tasks::dto::TaskOut;
use crate::modules::tasks::service::TaskStarter;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_writer_tasks, create_writer_task))
        .routes(routes!(writer_task_filter_options))
        .routes(routes!(bulk_delete_writer_tasks))
        .routes(routes!(bulk_update_writer_tasks))
        .routes(routes!(auto_generate_content))
        .routes(routes!(get_writer_task, update_writer_task, delete_writer_task))
}

/// Writer tasks (filters: site_id, sector_id, cluster_id, status, content_type, content_structure).
#[utoipa::path(get, path = "/tasks", tag = "writer", security(("bearer" = [])),
    params(ListQueryDoc, ("site_id" = Option<i64>, Query), ("sector_id" = Option<i64>, Query), ("cluster_id" = Option<i64>, Query),
        ("status" = Option<String>, Query), ("content_type" = Option<String>, Query), ("content_structure" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<WriterTaskOut>), (status = 400, body = ErrorBody)))]
async fn list_writer_tasks(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<WriterTaskOut>, AppError> {
    Ok(service::list_spec().fetch(&state.db, service::visible(&caller), &params).await?.map(Into::into))
}

#[utoipa::path(post, path = "/tasks", tag = "writer", security(("bearer" = [])), request_body = WriterTaskIn,
    responses((status = 201, body = Envelope<WriterTaskOut>), (status = 400, body = ErrorBody)))]
async fn create_writer_task(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<WriterTaskIn>,
) -> Result<Created<WriterTaskOut>, AppError> {
    service::create(&state.db, &caller, input).await.map(Created)
}

#[utoipa::path(get, path = "/tasks/filter_options", tag = "writer", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Object>)))]
async fn writer_task_filter_options(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<Data<BTreeMap<String, Vec<serde_json::Value>>>, AppError> {
    service::list_spec().filter_options(&state.db, service::visible(&caller), &params).await.map(Data)
}

#[utoipa::path(post, path = "/tasks/bulk_delete", tag = "writer", security(("bearer" = [])), request_body = IdsIn,
    responses((status = 200, body = Envelope<Affected>), (status = 400, body = ErrorBody)))]
async fn bulk_delete_writer_tasks(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<IdsIn>,
) -> Result<Data<Affected>, AppError> {
    Ok(Data(Affected { count: service::bulk_delete(&state.db, &caller, &input.ids).await? }))
}

#[utoipa::path(post, path = "/tasks/bulk_update", tag = "writer", security(("bearer" = [])), request_body = TaskBulkUpdateIn,
    responses((status = 200, body = Envelope<Affected>), (status = 400, body = ErrorBody)))]
async fn bulk_update_writer_tasks(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<TaskBulkUpdateIn>,
) -> Result<Data<Affected>, AppError> {
    Ok(Data(Affected { count: service::bulk_update(&state.db, &caller, &input.ids, &input.status).await? }))
}

/// Write the articles of up to 10 tasks (202 with the task to watch).
#[utoipa::path(post, path = "/tasks/auto_generate_content", tag = "writer", extensions(("x-throttle-scope" = json!("ai"))), security(("bearer" = [])), request_body = IdsIn,
    responses((status = 202, body = Envelope<TaskOut>), (status = 400, body = ErrorBody), (status = 402, body = ErrorBody)))]
async fn auto_generate_content(
    State(tasks): State<TaskStarter>,
    caller: Caller,
    Json(input): Json<IdsIn>,
) -> Result<Accepted<TaskOut>, AppError> {
    service::start_generation(&tasks, &caller, &input.ids).await.map(Accepted)
}

#[utoipa::path(get, path = "/tasks/{id}", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<WriterTaskOut>), (status = 404, body = ErrorBody)))]
async fn get_writer_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<WriterTaskOut>, AppError> {
    service::find(&state.db, &caller, id).await.map(|t| Data(t.into()))
}

#[utoipa::path(patch, path = "/tasks/{id}", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = WriterTaskPatch,
    responses((status = 200, body = Envelope<WriterTaskOut>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_writer_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<WriterTaskPatch>,
) -> Result<Data<WriterTaskOut>, AppError> {
    service::update(&state.db, &caller, id, input).await.map(Data)
}

#[utoipa::path(delete, path = "/tasks/{id}", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_writer_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    service::delete(&state.db, &caller, id).await.map(|()| NoContent)
}
