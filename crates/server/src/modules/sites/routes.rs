use axum::extract::{Path, State};
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{ApiKeyOut, SectorIn, SectorOut, SectorUpdateIn, SelectSectorsIn, SiteIn, SiteOut, SiteUpdateIn};
use super::{sectors, service};
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{AppError, Created, Data, Json, ListParams, ListResponse, NoContent};
use crate::state::AppState;

/// Site and sector routes under `/api/v1/auth`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sites, create_site))
        .routes(routes!(site_filter_options))
        .routes(routes!(get_site, update_site, delete_site))
        .routes(routes!(set_active))
        .routes(routes!(select_sectors))
        .routes(routes!(site_sectors))
        .routes(routes!(create_api_key, revoke_api_key))
        .routes(routes!(list_sectors, create_sector))
        .routes(routes!(get_sector, update_sector, delete_sector))
}

type Options = BTreeMap<String, Vec<serde_json::Value>>;

/// Sites you can see (admins: all of the account's; others: the ones granted to them).
#[utoipa::path(get, path = "/sites", tag = "sites", security(("bearer" = []), ("api_key" = [])),
    params(ListQueryDoc, ("is_active" = Option<bool>, Query), ("industry_id" = Option<i64>, Query)),
    responses((status = 200, body = ListResponse<SiteOut>), (status = 400, body = ErrorBody)))]
async fn list_sites(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<SiteOut>, AppError> {
    Ok(service::list_spec().fetch(&state.db, caller.sites(), &params).await?.map(Into::into))
}

/// Values of the site list's filters, given the other filters.
#[utoipa::path(get, path = "/sites/filter_options", tag = "sites", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Object>)))]
async fn site_filter_options(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<Data<Options>, AppError> {
    service::list_spec().filter_options(&state.db, caller.sites(), &params).await.map(Data)
}

/// Add a site (owners and admins; within the plan's site limit).
#[utoipa::path(post, path = "/sites", tag = "sites", security(("bearer" = [])), request_body = SiteIn,
    responses((status = 201, body = Envelope<SiteOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_site(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<SiteIn>,
) -> Result<Created<SiteOut>, AppError> {
    service::create(&state.db, &caller, input).await.map(|s| Created(s.into()))
}

/// One site.
#[utoipa::path(get, path = "/sites/{id}", tag = "sites", security(("bearer" = []), ("api_key" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Envelope<SiteOut>), (status = 404, body = ErrorBody)))]
async fn get_site(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<SiteOut>, AppError> {
    caller.site(&state.db, id).await.map(|s| Data(s.into()))
}

/// Change a site (owners and admins).
#[utoipa::path(patch, path = "/sites/{id}", tag = "sites", security(("bearer" = [])), request_body = SiteUpdateIn,
    params(("id" = i64, Path)), responses((status = 200, body = Envelope<SiteOut>), (status = 404, body = ErrorBody)))]
async fn update_site(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<SiteUpdateIn>,
) -> Result<Data<SiteOut>, AppError> {
    service::update(&state.db, &caller, id, input).await.map(|s| Data(s.into()))
}

/// Delete a site with everything in it (owners and admins).
#[utoipa::path(delete, path = "/sites/{id}", tag = "sites", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_site(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    service::delete(&state.db, &caller, id).await.map(|()| NoContent)
}

/// Mark a site active (other sites stay as they are).
#[utoipa::path(post, path = "/sites/{id}/set_active", tag = "sites", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Envelope<SiteOut>), (status = 404, body = ErrorBody)))]
async fn set_active(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<SiteOut>, AppError> {
    service::set_active(&state.db, &caller, id).await.map(|s| Data(s.into()))
}

/// Choose the site's industry and catalogue sectors (within the plan's sectors-per-site limit).
#[utoipa::path(post, path = "/sites/{id}/select_sectors", tag = "sites", security(("bearer" = [])),
    request_body = SelectSectorsIn, params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<Vec<SectorOut>>), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn select_sectors(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<SelectSectorsIn>,
) -> Result<Data<Vec<SectorOut>>, AppError> {
    service::select_sectors(&state.db, &caller, id, input).await.map(Data)
}

/// The site's sectors.
#[utoipa::path(get, path = "/sites/{id}/sectors", tag = "sites", security(("bearer" = []), ("api_key" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Envelope<Vec<SectorOut>>), (status = 404, body = ErrorBody)))]
async fn site_sectors(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<Vec<SectorOut>>, AppError> {
    service::sectors_of(&state.db, &caller, id).await.map(Data)
}

/// Create or rotate the site's API key; the key is shown only in this answer.
#[utoipa::path(post, path = "/sites/{id}/api_key", tag = "sites", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 201, body = Envelope<ApiKeyOut>), (status = 404, body = ErrorBody)))]
async fn create_api_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Created<ApiKeyOut>, AppError> {
    service::rotate_api_key(&state.db, &caller, id).await.map(Created)
}

/// Revoke the site's API key.
#[utoipa::path(delete, path = "/sites/{id}/api_key", tag = "sites", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Envelope<SiteOut>), (status = 404, body = ErrorBody)))]
async fn revoke_api_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<SiteOut>, AppError> {
    service::revoke_api_key(&state.db, &caller, id).await.map(|s| Data(s.into()))
}

/// Sectors of the sites you can see; filter with `site_id`.
#[utoipa::path(get, path = "/sectors", tag = "sites", security(("bearer" = []), ("api_key" = [])),
    params(ListQueryDoc, ("site_id" = Option<i64>, Query), ("is_active" = Option<bool>, Query)),
    responses((status = 200, body = ListResponse<SectorOut>)))]
async fn list_sectors(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<SectorOut>, AppError> {
    Ok(sectors::list_spec().fetch(&state.db, caller.sectors(), &params).await?.map(Into::into))
}

/// Add a custom sector to a site (owners and admins).
#[utoipa::path(post, path = "/sectors", tag = "sites", security(("bearer" = [])), request_body = SectorIn,
    responses((status = 201, body = Envelope<SectorOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_sector(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<SectorIn>,
) -> Result<Created<SectorOut>, AppError> {
    sectors::create(&state.db, &caller, input).await.map(|s| Created(s.into()))
}

/// One sector.
#[utoipa::path(get, path = "/sectors/{id}", tag = "sites", security(("bearer" = []), ("api_key" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Envelope<SectorOut>), (status = 404, body = ErrorBody)))]
async fn get_sector(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<SectorOut>, AppError> {
    caller.sector(&state.db, id).await.map(|s| Data(s.into()))
}

/// Rename, describe, activate or deactivate a sector (owners and admins).
#[utoipa::path(patch, path = "/sectors/{id}", tag = "sites", security(("bearer" = [])), request_body = SectorUpdateIn,
    params(("id" = i64, Path)), responses((status = 200, body = Envelope<SectorOut>), (status = 404, body = ErrorBody)))]
async fn update_sector(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<SectorUpdateIn>,
) -> Result<Data<SectorOut>, AppError> {
    sectors::update(&state.db, &caller, id, input).await.map(|s| Data(s.into()))
}

/// Delete a sector with its data (owners and admins).
#[utoipa::path(delete, path = "/sectors/{id}", tag = "sites", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_sector(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    sectors::delete(&state.db, &caller, id).await.map(|()| NoContent)
}
