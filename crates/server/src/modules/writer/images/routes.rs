use axum::extract::{Path, Query as RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, ContentImagesOut, ImageBulkIn, ImageOut};
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{Accepted, AppError, Data, Json, ListParams, ListResponse};
use crate::modules::planner::keywords::dto::{Affected, IdsIn};
use crate::modules::tasks::dto::TaskOut;
use crate::modules::tasks::service::TaskStarter;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_images))
        .routes(routes!(content_images))
        .routes(routes!(bulk_update_images))
        .routes(routes!(generate_images))
        .routes(routes!(regenerate_image))
        .routes(routes!(image_file))
        .routes(routes!(generate_image_prompts))
}

/// Images (filters: site_id, content_id, image_type, status), each with a signed file link once generated.
#[utoipa::path(get, path = "/images", tag = "writer", security(("bearer" = [])),
    params(ListQueryDoc, ("site_id" = Option<i64>, Query), ("content_id" = Option<i64>, Query), ("image_type" = Option<String>, Query), ("status" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<ImageOut>)))]
async fn list_images(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<ImageOut>, AppError> {
    let signer = state.signer.clone();
    Ok(service::list_spec()
        .fetch(&state.db, service::visible(&caller), &params)
        .await?
        .map(|i| service::out(i, &signer)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct ContentIds {
    /// Comma-separated content ids (up to 100).
    content_ids: String,
}

/// Images grouped per article: the featured one and the in-article ones in order.
#[utoipa::path(get, path = "/images/content_images", tag = "writer", security(("bearer" = [])), params(ContentIds),
    responses((status = 200, body = Envelope<Vec<ContentImagesOut>>), (status = 400, body = ErrorBody)))]
async fn content_images(
    State(state): State<AppState>,
    caller: Caller,
    crate::http::Query(query): crate::http::Query<ContentIds>,
) -> Result<Data<Vec<ContentImagesOut>>, AppError> {
    let ids: Vec<i64> = query
        .content_ids
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim().parse::<i64>().map_err(|_| AppError::field("content_ids", "Give content ids separated by commas."))
        })
        .collect::<Result<_, _>>()?;
    if ids.is_empty() || ids.len() > 100 {
        return Err(AppError::field("content_ids", "Give 1 to 100 content ids."));
    }
    service::grouped(&state.db, &caller, &state.signer, &ids).await.map(Data)
}

/// Set images back to `pending` (to generate failed ones again).
#[utoipa::path(post, path = "/images/bulk_update", tag = "writer", security(("bearer" = [])), request_body = ImageBulkIn,
    responses((status = 200, body = Envelope<Affected>), (status = 400, body = ErrorBody)))]
async fn bulk_update_images(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ImageBulkIn>,
) -> Result<Data<Affected>, AppError> {
    Ok(Data(Affected { count: service::bulk_update(&state.db, &caller, input).await? }))
}

/// Generate pending or failed images (202 with the task to watch); credits are charged per image made.
#[utoipa::path(post, path = "/images/generate_images", tag = "writer", extensions(("x-throttle-scope" = json!("images"))), security(("bearer" = [])), request_body = IdsIn,
    responses((status = 202, body = Envelope<TaskOut>), (status = 400, body = ErrorBody), (status = 402, body = ErrorBody)))]
async fn generate_images(
    State(tasks): State<TaskStarter>,
    caller: Caller,
    Json(input): Json<IdsIn>,
) -> Result<Accepted<TaskOut>, AppError> {
    service::start_images(&tasks, &caller, &input.ids, false).await.map(Accepted)
}

/// Make a new version of one image (202).
#[utoipa::path(post, path = "/images/{id}/regenerate", tag = "writer", extensions(("x-throttle-scope" = json!("images"))), security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 202, body = Envelope<TaskOut>), (status = 404, body = ErrorBody), (status = 402, body = ErrorBody)))]
async fn regenerate_image(
    State(tasks): State<TaskStarter>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Accepted<TaskOut>, AppError> {
    let image = service::find(&tasks.db, &caller, id).await?;
    service::start_images(&tasks, &caller, &[image.id], true).await.map(Accepted)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct Signature {
    expires: Option<i64>,
    sig: Option<String>,
}

/// The image file, with its content type and caching headers. Open with the signed link from the image (no
/// sign-in), or with the usual credentials.
#[utoipa::path(get, path = "/images/{id}/file", tag = "writer", params(("id" = i64, Path), Signature),
    responses((status = 200, description = "The image", content_type = "image/png"), (status = 404, body = ErrorBody)))]
async fn image_file(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    RawQuery(signature): RawQuery<Signature>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    let signed = match (signature.expires, signature.sig.as_deref()) {
        (Some(expires), Some(sig)) => state.signer.verify(id, expires, sig, chrono::Utc::now().timestamp()),
        _ => false,
    };
    let image = if signed {
        db::entities::image::Entity::find_by_id(id).one(&state.db).await?
    } else {
        let (mut parts, _) = request.into_parts();
        let caller =
            <Caller as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, &state).await?;
        Some(service::find(&state.db, &caller, id).await?)
    };
    use sea_orm::EntityTrait;
    let image = image.filter(|i| i.status == "generated").ok_or_else(|| AppError::not_found("Image"))?;
    let key = image.file_path.clone().ok_or_else(|| AppError::not_found("Image"))?;
    let etag = format!("\"img-{}-{}\"", image.id, image.updated_at.timestamp());
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return Ok((axum::http::StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let bytes = state.images.get(&key).await.map_err(|e| match e {
        crate::storage::StorageError::NotFound => AppError::not_found("Image file"),
        other => AppError::internal(other),
    })?;
    let mime = image.mime.clone().unwrap_or_else(|| "application/octet-stream".into());
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400"));
    h.insert(header::ETAG, HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"img\"")));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    Ok(response)
}

/// Describe images for up to 10 articles: one featured and N in-article prompts each (N from the writer
/// settings), as `pending` images (202 with the task to watch).
#[utoipa::path(post, path = "/content/generate_image_prompts", tag = "writer", extensions(("x-throttle-scope" = json!("ai"))), security(("bearer" = [])), request_body = IdsIn,
    responses((status = 202, body = Envelope<TaskOut>), (status = 400, body = ErrorBody), (status = 402, body = ErrorBody)))]
async fn generate_image_prompts(
    State(tasks): State<TaskStarter>,
    caller: Caller,
    Json(input): Json<IdsIn>,
) -> Result<Accepted<TaskOut>, AppError> {
    service::start_prompts(&tasks, &caller, &input.ids).await.map(Accepted)
}
