use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use db::entities::task;
use db::tenancy::{find_scoped, scoped};
use domain::TaskStatus;
use futures_util::Stream;
use sea_orm::EntityTrait;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::TaskOut;
use super::service::{self, TaskFeed};
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{AppError, Data, ListParams, ListResponse};
use crate::state::AppState;

/// Routes under `/api/v1/tasks`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tasks))
        .routes(routes!(get_task))
        .routes(routes!(cancel_task))
        .routes(routes!(task_events))
}

async fn load(state: &AppState, caller: &Caller, id: i64) -> Result<task::Model, AppError> {
    let task = find_scoped::<task::Entity, _>(&state.db, caller.account_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("Task"))?;
    // A task of a site the caller cannot see is not theirs to watch.
    if let Some(site_id) = task.site_id {
        caller.site(&state.db, site_id).await.map_err(|_| AppError::not_found("Task"))?;
    }
    Ok(task)
}

/// The account's tasks, newest first.
#[utoipa::path(get, path = "/", tag = "tasks", security(("bearer" = [])),
    params(ListQueryDoc, ("status" = Option<String>, Query), ("kind" = Option<String>, Query), ("site_id" = Option<i64>, Query)),
    responses((status = 200, body = ListResponse<TaskOut>), (status = 400, body = ErrorBody)))]
async fn list_tasks(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<TaskOut>, AppError> {
    let select = scoped::<task::Entity>(caller.account_id);
    Ok(service::list_spec().fetch(&state.db, select, &params).await?.map(Into::into))
}

/// A task's status, progress, result or error.
#[utoipa::path(get, path = "/{id}", tag = "tasks", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Envelope<TaskOut>), (status = 404, body = ErrorBody)))]
async fn get_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<TaskOut>, AppError> {
    load(&state, &caller, id).await.map(|t| Data(t.into()))
}

/// Stop a task: a queued one now, a running one between its steps. Finished tasks answer 409.
#[utoipa::path(post, path = "/{id}/cancel", tag = "tasks", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<TaskOut>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<TaskOut>, AppError> {
    caller.require_write()?;
    let task = load(&state, &caller, id).await?;
    let saved = jobs::tasks::request_cancel(&state.db, &TaskFeed::new(state.events.clone()), task.id).await?;
    Ok(Data(saved.into()))
}

/// Server-sent events: `task` events with the task's state, the current one first, until it finishes.
#[utoipa::path(get, path = "/{id}/events", tag = "tasks", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "text/event-stream of `task` events", content_type = "text/event-stream"),
        (status = 404, body = ErrorBody)))]
async fn task_events(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, AppError> {
    // Subscribe before reading, so no change between the read and the subscription is lost.
    let mut receiver = state.events.subscribe();
    let first = TaskOut::from(load(&state, &caller, id).await?);
    let account_id = caller.account_id;
    let db = state.db.clone();
    let stream = async_stream::stream! {
        let finished = |t: &TaskOut| TaskStatus::parse(&t.status).is_some_and(TaskStatus::is_terminal);
        let done = finished(&first);
        yield Ok(SseEvent::default().event("task").data(serde_json::to_string(&first).unwrap_or_default()));
        if !done {
            loop {
                match receiver.recv().await {
                    Ok(event) if event.account_id == account_id && event.name == "task" && event.data["id"] == id => {
                        let terminal = event.data["status"].as_str().and_then(TaskStatus::parse).is_some_and(TaskStatus::is_terminal);
                        yield Ok(SseEvent::default().event("task").data(event.data.to_string()));
                        if terminal {
                            break;
                        }
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        // Missed some updates: send the stored state instead.
                        if let Ok(Some(task)) = task::Entity::find_by_id(id).one(&db).await {
                            let out = TaskOut::from(task);
                            let terminal = finished(&out);
                            yield Ok(SseEvent::default().event("task").data(serde_json::to_string(&out).unwrap_or_default()));
                            if terminal {
                                break;
                            }
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        }
    };
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
