use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, TaxonomyIn, TaxonomyOut, TaxonomyPatch};
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{AppError, Created, Data, Json, ListParams, ListResponse, NoContent};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_taxonomies, create_taxonomy))
        .routes(routes!(get_taxonomy, update_taxonomy, delete_taxonomy))
        .routes(routes!(content_taxonomies))
}

/// Categories and tags (filters: site_id, taxonomy_type).
#[utoipa::path(get, path = "/taxonomies", tag = "writer", security(("bearer" = [])),
    params(ListQueryDoc, ("site_id" = Option<i64>, Query), ("taxonomy_type" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<TaxonomyOut>)))]
async fn list_taxonomies(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<TaxonomyOut>, AppError> {
    Ok(service::list_spec().fetch(&state.db, service::visible(&caller), &params).await?.map(Into::into))
}

#[utoipa::path(post, path = "/taxonomies", tag = "writer", security(("bearer" = [])), request_body = TaxonomyIn,
    responses((status = 201, body = Envelope<TaxonomyOut>), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_taxonomy(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<TaxonomyIn>,
) -> Result<Created<TaxonomyOut>, AppError> {
    service::create(&state.db, &caller, input).await.map(Created)
}

#[utoipa::path(get, path = "/taxonomies/{id}", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<TaxonomyOut>), (status = 404, body = ErrorBody)))]
async fn get_taxonomy(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<TaxonomyOut>, AppError> {
    service::find(&state.db, &caller, id).await.map(|t| Data(t.into()))
}

#[utoipa::path(patch, path = "/taxonomies/{id}", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = TaxonomyPatch,
    responses((status = 200, body = Envelope<TaxonomyOut>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_taxonomy(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<TaxonomyPatch>,
) -> Result<Data<TaxonomyOut>, AppError> {
    service::update(&state.db, &caller, id, input).await.map(Data)
}

#[utoipa::path(delete, path = "/taxonomies/{id}", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_taxonomy(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    service::delete(&state.db, &caller, id).await.map(|()| NoContent)
}

/// The categories and tags of one article.
#[utoipa::path(get, path = "/content/{id}/taxonomies", tag = "writer", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<Vec<TaxonomyOut>>), (status = 404, body = ErrorBody)))]
async fn content_taxonomies(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<Vec<TaxonomyOut>>, AppError> {
    let content = crate::modules::writer::content::service::find(&state.db, &caller, id).await?;
    service::of_content(&state.db, &caller, content.id).await.map(Data)
}
