use std::collections::BTreeMap;

use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{ContentIn, ContentOut, ContentPatch, ReviewIn};
use super::seo::Validation;
use super::service;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{AppError, Created, Data, Json, ListParams, ListResponse, NoContent};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_content, create_content))
        .routes(routes!(content_filter_options))
        .routes(routes!(get_content, update_content, delete_content))
        .routes(routes!(content_validation))
        .routes(routes!(submit_for_review))
        .routes(routes!(approve_content))
        .routes(routes!(reject_content))
}

/// Articles (filters: site_id, sector_id, cluster_id, task_id, status, site_status, content_type, source; search on
/// the title).
#[utoipa::path(get, path = "/content", tag = "writer", security(("bearer" = [])),
    params(ListQueryDoc, ("site_id" = Option<i64>, Query), ("sector_id" = Option<i64>, Query), ("cluster_id" = Option<i64>, Query),
        ("task_id" = Option<i64>, Query), ("status" = Option<String>, Query), ("site_status" = Option<String>, Query),
        ("content_type" = Option<String>, Query), ("source" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<ContentOut>), (status = 400, body = ErrorBody)))]
async fn list_content(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<ContentOut>, AppError> {
    let page = service::list_spec().fetch(&state.db, service::visible(&caller), &params).await?;
    let links = service::image_links(&state.db, &state.signer, &page.results).await?;
    Ok(page.map(|c| links.out(c)))
}

/// Write an article by hand (its HTML is sanitised).
#[utoipa::path(post, path = "/content", tag = "writer", security(("bearer" = [])), request_body = ContentIn,
    responses((status = 201, body = Envelope<ContentOut>), (status = 400, body = ErrorBody)))]
async fn create_content(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ContentIn>,
) -> Result<Created<ContentOut>, AppError> {
    let created = service::create(&state.db, &caller, input).await?;
    service::present(&state.db, &state.signer, created).await.map(Created)
}

#[utoipa::path(get, path = "/content/filter_options", tag = "writer", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Object>)))]
async fn content_filter_options(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<Data<BTreeMap<String, Vec<serde_json::Value>>>, AppError> {
    service::list_spec().filter_options(&state.db, service::visible(&caller), &params).await.map(Data)
}

/// One article; links to its in-article images are signed (valid until the end of the next day).
#[utoipa::path(get, path = "/content/{id}", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<ContentOut>), (status = 404, body = ErrorBody)))]
async fn get_content(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<ContentOut>, AppError> {
    let found = service::find(&state.db, &caller, id).await?;
    service::present(&state.db, &state.signer, found).await.map(Data)
}

/// Edit title, HTML (sanitised, words re-counted) and meta.
#[utoipa::path(patch, path = "/content/{id}", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ContentPatch,
    responses((status = 200, body = Envelope<ContentOut>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_content(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ContentPatch>,
) -> Result<Data<ContentOut>, AppError> {
    let updated = service::update(&state.db, &caller, id, input).await?;
    service::present(&state.db, &state.signer, updated).await.map(Data)
}

#[utoipa::path(delete, path = "/content/{id}", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_content(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    service::delete(&state.db, &caller, id).await.map(|()| NoContent)
}

/// The SEO checklist: title and meta lengths, H1/H2, the main keyword's places, length against the target, images.
#[utoipa::path(get, path = "/content/{id}/validation", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<Validation>), (status = 404, body = ErrorBody)))]
async fn content_validation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<Validation>, AppError> {
    service::validation(&state.db, &caller, id).await.map(Data)
}

/// Draft → review.
#[utoipa::path(post, path = "/content/{id}/submit_review", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<ContentOut>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn submit_for_review(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<ContentOut>, AppError> {
    let moved = service::transition(&state.db, &caller, id, "review", None).await?;
    service::present(&state.db, &state.signer, moved).await.map(Data)
}

/// Review → approved, with an optional note. Approving an offline draft that still carries its note answers with a
/// warning (`warnings`): it needs rewriting before it is published.
#[utoipa::path(post, path = "/content/{id}/approve", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ReviewIn,
    responses((status = 200, body = Envelope<ContentOut>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn approve_content(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ReviewIn>,
) -> Result<Data<ContentOut>, AppError> {
    let approved = service::transition(&state.db, &caller, id, "approved", input.reason).await?;
    let warnings = service::approval_warnings(&approved);
    let mut out = service::present(&state.db, &state.signer, approved).await?;
    out.warnings = warnings;
    Ok(Data(out))
}

/// Review → draft, with the reason (required).
#[utoipa::path(post, path = "/content/{id}/reject", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ReviewIn,
    responses((status = 200, body = Envelope<ContentOut>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn reject_content(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ReviewIn>,
) -> Result<Data<ContentOut>, AppError> {
    let reason = input
        .reason
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| AppError::field("reason", "Say what to change."))?;
    let moved = service::transition(&state.db, &caller, id, "draft", Some(reason)).await?;
    service::present(&state.db, &state.signer, moved).await.map(Data)
}
