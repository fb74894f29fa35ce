use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{LibraryImportQuery, LibraryImportReport, SectorStatsOut, SeedKeywordOut};
use super::service;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{AppError, Data, ListParams, ListResponse, Query};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_library))
        .routes(routes!(library_filter_options))
        .routes(routes!(sector_stats))
        .routes(routes!(import_library))
}

/// The keyword library: search and filter by industry sector (`industry_sector_id` or `sector_ids=1,2`), intent,
/// volume and difficulty ranges. With `site_id`, each keyword says whether that site already has it (`in_site`).
#[utoipa::path(get, path = "/", tag = "keywords-library", security(("bearer" = [])),
    params(ListQueryDoc, ("site_id" = Option<i64>, Query, description = "Mark the keywords this site already has (`in_site`)."),
        ("industry_sector_id" = Option<i64>, Query), ("sector_ids" = Option<String>, Query),
        ("intent" = Option<String>, Query), ("country" = Option<String>, Query), ("volume_min" = Option<i64>, Query),
        ("volume_max" = Option<i64>, Query), ("difficulty_min" = Option<i32>, Query), ("difficulty_max" = Option<i32>, Query)),
    responses((status = 200, body = ListResponse<SeedKeywordOut>), (status = 400, body = ErrorBody)))]
async fn list_library(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<SeedKeywordOut>, AppError> {
    service::list(&state.db, &caller, &params).await
}

#[utoipa::path(get, path = "/filter_options", tag = "keywords-library", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Object>)))]
async fn library_filter_options(
    State(state): State<AppState>,
    _caller: Caller,
    params: ListParams,
) -> Result<Data<BTreeMap<String, Vec<serde_json::Value>>>, AppError> {
    service::list_spec().filter_options(&state.db, service::active(), &params).await.map(Data)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct StatsQuery {
    /// Only the sectors of this industry.
    industry_id: Option<i64>,
}

/// Keywords, total volume and average difficulty per industry sector.
#[utoipa::path(get, path = "/sector_stats", tag = "keywords-library", security(("bearer" = [])), params(StatsQuery),
    responses((status = 200, body = Envelope<Vec<SectorStatsOut>>)))]
async fn sector_stats(
    State(state): State<AppState>,
    _caller: Caller,
    Query(query): Query<StatsQuery>,
) -> Result<Data<Vec<SectorStatsOut>>, AppError> {
    service::sector_stats(&state.db, query.industry_id).await.map(Data)
}

/// Platform staff: import a CSV (`text/csv` body) into one industry sector; `dry_run=true` previews the rows to
/// create, update and reject.
#[utoipa::path(post, path = "/admin/import", tag = "keywords-library", security(("bearer" = [])), params(LibraryImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Envelope<LibraryImportReport>), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn import_library(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<LibraryImportQuery>,
    body: Bytes,
) -> Result<Data<LibraryImportReport>, AppError> {
    let dry_run = query.dry_run.unwrap_or(false);
    service::import(&state.db, &caller, query.industry_sector_id, query.country.as_deref(), &body, dry_run)
        .await
        .map(Data)
}
