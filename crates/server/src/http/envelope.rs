//! The response envelope of SPEC.md §4: `{success, data, message?, request_id}` for one object,
//! `{success, count, next, previous, results, request_id}` for lists.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::request_id;

/// Success envelope around one object (also the OpenAPI shape of every success body).
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// Always `true`.
    pub success: bool,
    pub data: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// On `202 Accepted` answers of actions that queue work: the id of the task to watch (also `data.id`), where
    /// the original product's clients read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<i64>,
    /// The `X-Request-ID` of this request, for log correlation.
    pub request_id: String,
}

fn envelope<T: Serialize>(status: StatusCode, data: T, message: Option<String>) -> Response {
    let body = Envelope { success: true, data, message, task_id: None, request_id: request_id::current() };
    (status, axum::Json(body)).into_response()
}

/// What a `202 Accepted` answer names: the task that will do the work.
pub trait QueuedWork {
    fn task_id(&self) -> i64;
}

/// `200 OK` with the object in the envelope.
pub struct Data<T>(pub T);

impl<T> Data<T> {
    pub fn with_message(self, message: impl Into<String>) -> WithMessage<T> {
        WithMessage { status: StatusCode::OK, data: self.0, message: message.into() }
    }
}

impl<T: Serialize> IntoResponse for Data<T> {
    fn into_response(self) -> Response {
        envelope(StatusCode::OK, self.0, None)
    }
}

/// `201 Created` with the new object in the envelope.
pub struct Created<T>(pub T);

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        envelope(StatusCode::CREATED, self.0, None)
    }
}

/// `202 Accepted`: the work was queued (the body names the task).
pub struct Accepted<T>(pub T);

impl<T: Serialize + QueuedWork> IntoResponse for Accepted<T> {
    fn into_response(self) -> Response {
        let task_id = Some(self.0.task_id());
        let body = Envelope { success: true, data: self.0, message: None, task_id, request_id: request_id::current() };
        (StatusCode::ACCEPTED, axum::Json(body)).into_response()
    }
}

/// Any success status with a human message beside the data.
pub struct WithMessage<T> {
    pub status: StatusCode,
    pub data: T,
    pub message: String,
}

impl<T: Serialize> IntoResponse for WithMessage<T> {
    fn into_response(self) -> Response {
        envelope(self.status, self.data, Some(self.message))
    }
}

/// `204 No Content`, for deletes.
pub struct NoContent;

impl IntoResponse for NoContent {
    fn into_response(self) -> Response {
        StatusCode::NO_CONTENT.into_response()
    }
}

/// A page of a list, in the list envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T> {
    /// Always `true`.
    pub success: bool,
    /// Rows matching the filters, over all pages.
    pub count: u64,
    /// Link to the next page, or null on the last one.
    pub next: Option<String>,
    /// Link to the previous page, or null on the first one.
    pub previous: Option<String>,
    pub results: Vec<T>,
    pub request_id: String,
}

impl<T> ListResponse<T> {
    pub fn new(count: u64, next: Option<String>, previous: Option<String>, results: Vec<T>) -> Self {
        Self { success: true, count, next, previous, results, request_id: request_id::current() }
    }

    /// Converts each row (a model into its DTO, say) keeping the page and its links.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> ListResponse<U> {
        ListResponse {
            success: self.success,
            count: self.count,
            next: self.next,
            previous: self.previous,
            results: self.results.into_iter().map(f).collect(),
            request_id: self.request_id,
        }
    }
}

impl<T: Serialize> IntoResponse for ListResponse<T> {
    fn into_response(self) -> Response {
        (StatusCode::OK, axum::Json(self)).into_response()
    }
}
