use std::collections::BTreeMap;

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::header;
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{
    AddFromSeedIn, Affected, AutoClusterIn, BulkUpdateIn, IdsIn, ImportQuery, ImportReport, KeywordIn, KeywordOut,
    KeywordPatch,
};
use super::{listing, service};
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{Accepted, AppError, Created, Data, Json, ListParams, ListResponse, NoContent, Query};
use crate::modules::tasks::dto::TaskOut;
use crate::modules::tasks::service::TaskStarter;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keywords, create_keyword))
        .routes(routes!(keyword_filter_options))
        .routes(routes!(export_keywords))
        .routes(routes!(import_keywords))
        .routes(routes!(bulk_delete_keywords))
        .routes(routes!(bulk_update_keywords))
        .routes(routes!(bulk_add_from_seed))
        .routes(routes!(auto_cluster))
        .routes(routes!(get_keyword, update_keyword, delete_keyword))
}

/// Keywords of the sites you can see (filter with `site_id` and `sector_id`).
#[utoipa::path(get, path = "/keywords", tag = "planner", security(("bearer" = [])),
    params(ListQueryDoc, ("site_id" = Option<i64>, Query), ("sector_id" = Option<i64>, Query),
        ("status" = Option<String>, Query), ("intent" = Option<String>, Query), ("cluster_id" = Option<i64>, Query),
        ("seed_keyword_id" = Option<i64>, Query), ("volume_min" = Option<i64>, Query), ("volume_max" = Option<i64>, Query),
        ("difficulty_min" = Option<i32>, Query), ("difficulty_max" = Option<i32>, Query)),
    responses((status = 200, body = ListResponse<KeywordOut>), (status = 400, body = ErrorBody)))]
async fn list_keywords(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<KeywordOut>, AppError> {
    Ok(listing::list(&state.db, &caller, &params, &state.list_memo).await?.map(Into::into))
}

/// Add one keyword to a site's sector (409 when it is already there).
#[utoipa::path(post, path = "/keywords", tag = "planner", security(("bearer" = [])), request_body = KeywordIn,
    responses((status = 201, body = Envelope<KeywordOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn create_keyword(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<KeywordIn>,
) -> Result<Created<KeywordOut>, AppError> {
    service::create(&state.db, &caller, input).await.map(Created)
}

/// Status, intent and cluster values present, given the other filters.
#[utoipa::path(get, path = "/keywords/filter_options", tag = "planner", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Object>)))]
async fn keyword_filter_options(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<Data<BTreeMap<String, Vec<serde_json::Value>>>, AppError> {
    let scope = listing::list_scope(&state.db, &caller, &params).await?;
    listing::list_spec().filter_options(&state.db, scope, &params).await.map(Data)
}

/// The keywords matching the list filters as a CSV file (keyword, volume, difficulty, intent, cpc, status,
/// cluster_id).
#[utoipa::path(get, path = "/keywords/export", tag = "planner", security(("bearer" = [])), params(ListQueryDoc),
    responses((status = 200, description = "CSV file", content_type = "text/csv")))]
async fn export_keywords(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<impl IntoResponse, AppError> {
    let csv = service::export(&state.db, &caller, &params).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"keywords.csv\""),
        ],
        csv,
    ))
}

/// Import a CSV file into a site's sector: `multipart/form-data` with `file`, `site_id` and `sector_id`, or a
/// `text/csv` body with `?site_id=&sector_id=`. All rows or none: rows with problems are reported with their
/// line numbers (422) and nothing is written. `dry_run=true` previews without writing.
#[utoipa::path(post, path = "/keywords/import_keywords", tag = "planner", security(("bearer" = [])), params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Envelope<ImportReport>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn import_keywords(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ImportQuery>,
    request: Request,
) -> Result<Data<ImportReport>, AppError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (mut site_id, mut sector_id, mut dry_run) = (query.site_id, query.sector_id, query.dry_run.unwrap_or(false));
    let bytes = if multipart {
        let mut form = axum::extract::Multipart::from_request(request, &state)
            .await
            .map_err(|e| AppError::field("file", format!("The upload cannot be read: {e}")))?;
        let mut file = None;
        let bad = |e: axum::extract::multipart::MultipartError| {
            AppError::field("file", format!("The upload cannot be read: {e}"))
        };
        while let Some(field) = form.next_field().await.map_err(bad)? {
            let name = field.name().unwrap_or_default().to_owned();
            let data = field.bytes().await.map_err(bad)?;
            let text = || String::from_utf8_lossy(&data).trim().to_owned();
            match name.as_str() {
                "file" => file = Some(data.to_vec()),
                "site_id" => site_id = Some(text().parse().map_err(|_| AppError::field("site_id", "Give a site id."))?),
                "sector_id" => {
                    sector_id = Some(text().parse().map_err(|_| AppError::field("sector_id", "Give a sector id."))?)
                }
                "dry_run" => dry_run = matches!(text().as_str(), "true" | "1" | "yes"),
                _ => {}
            }
        }
        file.ok_or_else(|| AppError::field("file", "Attach the CSV file as `file`."))?
    } else {
        axum::body::to_bytes(request.into_body(), usize::MAX).await.map_err(|_| AppError::PayloadTooLarge)?.to_vec()
    };
    let site_id = site_id.ok_or_else(|| AppError::field("site_id", "This field is required."))?;
    let sector_id = sector_id.ok_or_else(|| AppError::field("sector_id", "This field is required."))?;
    let report = service::import(&state.db, &caller, site_id, sector_id, &bytes, dry_run).await?;
    if dry_run { Ok(Data(report)) } else { service::refuse_if_errors(report).map(Data) }
}

/// Delete keywords (soft: adding them again restores them). Ids you cannot see are ignored.
#[utoipa::path(post, path = "/keywords/bulk_delete", tag = "planner", security(("bearer" = [])), request_body = IdsIn,
    responses((status = 200, body = Envelope<Affected>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn bulk_delete_keywords(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<IdsIn>,
) -> Result<Data<Affected>, AppError> {
    Ok(Data(Affected { count: service::bulk_delete(&state.db, &caller, &input.ids).await? }))
}

/// Change the status, intent or cluster of several keywords.
#[utoipa::path(post, path = "/keywords/bulk_update", tag = "planner", security(("bearer" = [])), request_body = BulkUpdateIn,
    responses((status = 200, body = Envelope<Affected>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn bulk_update_keywords(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<BulkUpdateIn>,
) -> Result<Data<Affected>, AppError> {
    Ok(Data(Affected { count: service::bulk_update(&state.db, &caller, input).await? }))
}

/// Add keywords from the library to a site's sector; ones already there are skipped and counted.
#[utoipa::path(post, path = "/keywords/bulk_add_from_seed", tag = "planner", security(("bearer" = [])),
    request_body = AddFromSeedIn,
    responses((status = 200, body = Envelope<ImportReport>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn bulk_add_from_seed(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<AddFromSeedIn>,
) -> Result<Data<ImportReport>, AppError> {
    crate::modules::keywords_library::service::add_to_site(&state.db, &caller, input).await.map(Data)
}

#[utoipa::path(get, path = "/keywords/{id}", tag = "planner", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<KeywordOut>), (status = 404, body = ErrorBody)))]
async fn get_keyword(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<KeywordOut>, AppError> {
    service::find(&state.db, &caller, id).await.map(|k| Data(k.into()))
}

/// Override volume or difficulty (`null` clears), change intent, CPC or cluster.
#[utoipa::path(patch, path = "/keywords/{id}", tag = "planner", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = KeywordPatch,
    responses((status = 200, body = Envelope<KeywordOut>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_keyword(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<KeywordPatch>,
) -> Result<Data<KeywordOut>, AppError> {
    service::update(&state.db, &caller, id, input).await.map(Data)
}

/// Delete a keyword (soft).
#[utoipa::path(delete, path = "/keywords/{id}", tag = "planner", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_keyword(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    service::delete(&state.db, &caller, id).await.map(|()| NoContent)
}

/// Group keywords of a sector into clusters (202 with the task to watch). Without `ids`, every `new` keyword of
/// the sector is clustered.
#[utoipa::path(post, path = "/keywords/auto_cluster", tag = "planner", extensions(("x-throttle-scope" = json!("ai"))), security(("bearer" = [])), request_body = AutoClusterIn,
    responses((status = 202, body = Envelope<TaskOut>), (status = 400, body = ErrorBody), (status = 402, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn auto_cluster(
    State(tasks): State<TaskStarter>,
    caller: Caller,
    Json(input): Json<AutoClusterIn>,
) -> Result<Accepted<TaskOut>, AppError> {
    service::start_auto_cluster(&tasks, &caller, input).await.map(Accepted)
}
