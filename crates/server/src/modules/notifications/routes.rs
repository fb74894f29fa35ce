use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use db::entities::notification;
use db::tenancy::scoped;
use futures_util::Stream;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{Counts, MarkIn, Marked, NotificationOut, UnreadCount};
use super::service;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{AppError, Data, Json, ListParams, ListResponse, NoContent};
use crate::state::AppState;

/// Routes under `/api/v1/notifications`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(notification_filter_options))
        .routes(routes!(unread_count))
        .routes(routes!(mark_read))
        .routes(routes!(mark_all_read))
        .routes(routes!(mark_one_read))
        .routes(routes!(delete_notification))
        .routes(routes!(notification_stream))
}

/// The account's notifications, newest first.
#[utoipa::path(get, path = "/", tag = "notifications", security(("bearer" = [])),
    params(ListQueryDoc, ("is_read" = Option<bool>, Query), ("notification_type" = Option<String>, Query),
        ("severity" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<NotificationOut>), (status = 400, body = ErrorBody)))]
async fn list_notifications(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<NotificationOut>, AppError> {
    let select = scoped::<notification::Entity>(caller.account_id);
    Ok(service::list_spec().fetch(&state.db, select, &params).await?.map(Into::into))
}

/// Types and severities present, given the other filters.
#[utoipa::path(get, path = "/filter_options", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Object>)))]
async fn notification_filter_options(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<Data<BTreeMap<String, Vec<serde_json::Value>>>, AppError> {
    let select = scoped::<notification::Entity>(caller.account_id);
    service::list_spec().filter_options(&state.db, select, &params).await.map(Data)
}

/// How many notifications are unread (for the bell badge).
#[utoipa::path(get, path = "/unread_count", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Envelope<UnreadCount>)))]
async fn unread_count(State(state): State<AppState>, caller: Caller) -> Result<Data<UnreadCount>, AppError> {
    Ok(Data(UnreadCount { unread: service::unread(&state.db, caller.account_id).await? }))
}

/// Mark some notifications read (`ids`), or all of them without `ids`.
#[utoipa::path(post, path = "/mark_read", tag = "notifications", security(("bearer" = [])), request_body = MarkIn,
    responses((status = 200, body = Envelope<Marked>)))]
async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<MarkIn>,
) -> Result<Data<Marked>, AppError> {
    let updated = service::mark_read(&state.db, caller.account_id, input.ids.as_deref()).await?;
    Ok(Data(Marked { updated }))
}

/// Mark every notification read.
#[utoipa::path(post, path = "/mark_all_read", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Marked>)))]
async fn mark_all_read(State(state): State<AppState>, caller: Caller) -> Result<Data<Marked>, AppError> {
    Ok(Data(Marked { updated: service::mark_read(&state.db, caller.account_id, None).await? }))
}

/// Mark one notification read.
#[utoipa::path(post, path = "/{id}/read", tag = "notifications", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Envelope<NotificationOut>), (status = 404, body = ErrorBody)))]
async fn mark_one_read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<NotificationOut>, AppError> {
    service::mark_one_read(&state.db, caller.account_id, id).await.map(|n| Data(n.into()))
}

/// Delete a notification.
#[utoipa::path(delete, path = "/{id}", tag = "notifications", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_notification(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    service::delete(&state.db, caller.account_id, id).await.map(|()| NoContent)
}

/// Live stream (server-sent events): `ready` on connecting, one `notification` event per new notification of the
/// account, the account's `task` events, and `counts` (`{"unread": …, "balance": {…}}`, the unread count and
/// the credit balance as `unread_count/` and `billing/credits/balance/` answer them) whenever one of them may have
/// changed: in `ready`'s data, after each notification, and after a task ends. The web app keeps its bell and
/// credit badge current from these instead of asking again.
#[utoipa::path(get, path = "/stream", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, description = "text/event-stream of `ready`, `notification`, `task` and `counts` events", content_type = "text/event-stream")))]
async fn notification_stream(
    State(state): State<AppState>,
    caller: Caller,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let mut receiver = state.events.subscribe();
    let account_id = caller.account_id;
    let db = state.db.clone();
    let stream = async_stream::stream! {
        let ready = counts(&db, account_id).await.unwrap_or_else(|| "{}".to_owned());
        yield Ok(SseEvent::default().event("ready").data(ready));
        loop {
            match receiver.recv().await {
                Ok(event) if event.account_id == account_id => {
                    let changes_counts = event.name == "notification" || (event.name == "task" && ended(&event.data));
                    yield Ok(SseEvent::default().event(event.name).data(event.data.to_string()));
                    if changes_counts && let Some(data) = counts(&db, account_id).await {
                        yield Ok(SseEvent::default().event("counts").data(data));
                    }
                }
                Ok(_) => {}
                // A slow reader missed events: tell it to refetch.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    yield Ok(SseEvent::default().event("resync").data("{}"));
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    };
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Whether a `task` event is a task's final state (its credits are charged by then).
fn ended(task: &serde_json::Value) -> bool {
    matches!(task.get("status").and_then(|s| s.as_str()), Some("succeeded" | "failed" | "cancelled"))
}

/// The `counts` event's data; `None` when the database cannot say just now (the client keeps what it has).
async fn counts(db: &sea_orm::DatabaseConnection, account_id: i64) -> Option<String> {
    let read = async {
        let unread = service::unread(db, account_id).await?;
        let balance = crate::modules::billing::service::balance(db, account_id).await?;
        Ok::<_, AppError>(Counts { unread, balance })
    };
    match read.await {
        Ok(counts) => serde_json::to_string(&counts).ok(),
        Err(error) => {
            tracing::warn!(%error, account_id, "could not read the counts for the notification stream");
            None
        }
    }
}
