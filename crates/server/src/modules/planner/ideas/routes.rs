use std::collections::BTreeMap;

use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{GenerateIdeasIn, IdeaIn, IdeaOut, IdeaPatch};
use super::service;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{Accepted, AppError, Created, Data, Json, ListParams, ListResponse, NoContent};
use crate::modules::tasks::dto::TaskOut;
use crate::modules::tasks::service::TaskStarter;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_ideas, create_idea))
        .routes(routes!(idea_filter_options))
        .routes(routes!(get_idea, update_idea, delete_idea))
        .routes(routes!(auto_generate_ideas))
        .routes(routes!(bulk_queue_to_writer))
}

/// Ideas with their outlines.
#[utoipa::path(get, path = "/ideas", tag = "planner", security(("bearer" = [])),
    params(ListQueryDoc, ("site_id" = Option<i64>, Query), ("sector_id" = Option<i64>, Query), ("cluster_id" = Option<i64>, Query),
        ("status" = Option<String>, Query), ("content_type" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<IdeaOut>), (status = 400, body = ErrorBody)))]
async fn list_ideas(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<IdeaOut>, AppError> {
    Ok(service::list_spec().fetch(&state.db, service::visible(&caller), &params).await?.map(Into::into))
}

/// Write an idea by hand (an outline, when given, has 6 to 10 H2 sections).
#[utoipa::path(post, path = "/ideas", tag = "planner", security(("bearer" = [])), request_body = IdeaIn,
    responses((status = 201, body = Envelope<IdeaOut>), (status = 400, body = ErrorBody)))]
async fn create_idea(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<IdeaIn>,
) -> Result<Created<IdeaOut>, AppError> {
    service::create(&state.db, &caller, input).await.map(Created)
}

#[utoipa::path(get, path = "/ideas/filter_options", tag = "planner", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Object>)))]
async fn idea_filter_options(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<Data<BTreeMap<String, Vec<serde_json::Value>>>, AppError> {
    service::list_spec().filter_options(&state.db, service::visible(&caller), &params).await.map(Data)
}

#[utoipa::path(get, path = "/ideas/{id}", tag = "planner", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<IdeaOut>), (status = 404, body = ErrorBody)))]
async fn get_idea(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<IdeaOut>, AppError> {
    service::find(&state.db, &caller, id).await.map(|i| Data(i.into()))
}

/// Edit an idea; status moves `new → queued → completed` (409 with the current status otherwise).
#[utoipa::path(patch, path = "/ideas/{id}", tag = "planner", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = IdeaPatch,
    responses((status = 200, body = Envelope<IdeaOut>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn update_idea(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<IdeaPatch>,
) -> Result<Data<IdeaOut>, AppError> {
    service::update(&state.db, &caller, id, input).await.map(Data)
}

#[utoipa::path(delete, path = "/ideas/{id}", tag = "planner", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_idea(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    service::delete(&state.db, &caller, id).await.map(|()| NoContent)
}

/// Generate 3–7 ideas with outlines for each of up to 10 clusters (202 with the task to watch).
#[utoipa::path(post, path = "/clusters/auto_generate_ideas", tag = "planner", extensions(("x-throttle-scope" = json!("ai"))), security(("bearer" = [])),
    request_body = GenerateIdeasIn,
    responses((status = 202, body = Envelope<TaskOut>), (status = 400, body = ErrorBody), (status = 402, body = ErrorBody)))]
async fn auto_generate_ideas(
    State(tasks): State<TaskStarter>,
    caller: Caller,
    Json(input): Json<GenerateIdeasIn>,
) -> Result<Accepted<TaskOut>, AppError> {
    service::start_generation(&tasks, &caller, input).await.map(Accepted)
}

/// Turn ideas into writer tasks (one per idea; ideas that already have one are skipped); ideas become `queued`.
#[utoipa::path(post, path = "/ideas/bulk_queue_to_writer", tag = "planner", security(("bearer" = [])),
    request_body = crate::modules::planner::keywords::dto::IdsIn,
    responses((status = 200, body = Envelope<crate::modules::writer::tasks::dto::QueuedOut>), (status = 400, body = ErrorBody)))]
async fn bulk_queue_to_writer(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<crate::modules::planner::keywords::dto::IdsIn>,
) -> Result<Data<crate::modules::writer::tasks::dto::QueuedOut>, AppError> {
    crate::modules::writer::tasks::service::from_ideas(&state.db, &caller, &input.ids).await.map(Data)
}
