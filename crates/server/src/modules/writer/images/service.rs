//! Images: listing (with signed file links), grouping per content, bulk status changes, and the starts of
//! `generate_image_prompts` and `generate_images`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use db::entities::{content, image};
use domain::writer::{IMAGE_STATUSES, IMAGE_TYPES};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Select};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::{DrawnImage, GenerateImagesJob, ImagePromptsJob, ImageSubjects};
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListSpec};
use crate::modules::tasks::service::TaskStarter;
use crate::modules::writer::content::figures;
use crate::modules::writer::content::service as content_service;
use crate::security::signed_url::UrlSigner;

/// Images per `generate_images` request.
pub const MAX_IMAGES: usize = 30;
/// Articles per `generate_image_prompts` request.
pub const MAX_CONTENT: usize = 10;
/// How long a signed file link works.
const LINK_TTL_SECS: i64 = 24 * 3600;

#[derive(Debug, Serialize, ToSchema)]
pub struct ImageOut {
    pub id: i64,
    pub content_id: i64,
    pub site_id: i64,
    /// `featured` or `in_article`.
    pub image_type: String,
    pub position: i32,
    pub prompt: String,
    pub negative_prompt: String,
    /// `pending`, `generated` or `failed`.
    pub status: String,
    pub error: Option<String>,
    pub mime: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub size_bytes: Option<i64>,
    pub model: Option<String>,
    /// A signed link to the file (no sign-in needed, valid for a day) once generated.
    pub file_url: Option<String>,
    pub updated_at: DateTime<Utc>,
}

pub fn out(i: image::Model, signer: &UrlSigner) -> ImageOut {
    let file_url = (i.status == "generated").then(|| {
        let expires = Utc::now().timestamp() + LINK_TTL_SECS;
        format!("/api/v1/writer/images/{}/file/?expires={expires}&sig={}", i.id, signer.sign(i.id, expires))
    });
    ImageOut {
        id: i.id,
        content_id: i.content_id,
        site_id: i.site_id,
        image_type: i.image_type,
        position: i.position,
        prompt: i.prompt,
        negative_prompt: i.negative_prompt,
        status: i.status,
        error: i.error,
        mime: i.mime,
        width: i.width,
        height: i.height,
        size_bytes: i.size_bytes,
        model: i.model,
        file_url,
        updated_at: i.updated_at,
    }
}

/// The images of one article: the featured one and the in-article ones in reading order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentImagesOut {
    pub content_id: i64,
    pub title: String,
    pub featured: Option<ImageOut>,
    pub in_article: Vec<ImageOut>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageBulkIn {
    pub ids: Vec<i64>,
    /// Only `pending` (to retry failed images) is accepted; generation sets the others.
    pub status: String,
}

pub fn list_spec() -> ListSpec<image::Entity> {
    ListSpec::new()
        .order_by("content_id", image::Column::ContentId)
        .order_by("position", image::Column::Position)
        .order_by("created_at", image::Column::CreatedAt)
        .default_ordering("-content_id,position")
        .filter(Filter::int("site_id", image::Column::SiteId))
        .filter(Filter::int("content_id", image::Column::ContentId))
        .filter(Filter::choice("image_type", image::Column::ImageType, IMAGE_TYPES).with_options())
        .filter(Filter::choice("status", image::Column::Status, IMAGE_STATUSES).with_options())
}

pub fn visible(caller: &Caller) -> Select<image::Entity> {
    caller.site_rows::<image::Entity>()
}

pub async fn find<C: ConnectionTrait>(db: &C, caller: &Caller, id: i64) -> Result<image::Model, AppError> {
    visible(caller).filter(image::Column::Id.eq(id)).one(db).await?.ok_or_else(|| AppError::not_found("Image"))
}

/// Images grouped per content (two queries: the contents, then all their images).
pub async fn grouped(
    db: &DatabaseConnection,
    caller: &Caller,
    signer: &UrlSigner,
    content_ids: &[i64],
) -> Result<Vec<ContentImagesOut>, AppError> {
    let contents = caller
        .site_rows::<content::Entity>()
        .filter(content::Column::Id.is_in(content_ids.iter().copied()))
        .order_by_desc(content::Column::Id)
        .all(db)
        .await?;
    let images = visible(caller)
        .filter(image::Column::ContentId.is_in(contents.iter().map(|c| c.id)))
        .order_by_asc(image::Column::Position)
        .all(db)
        .await?;
    let mut by_content: BTreeMap<i64, Vec<image::Model>> = BTreeMap::new();
    for i in images {
        by_content.entry(i.content_id).or_default().push(i);
    }
    Ok(contents
        .into_iter()
        .map(|c| {
            let mut featured = None;
            let mut in_article = Vec::new();
            for i in by_content.remove(&c.id).unwrap_or_default() {
                if i.image_type == "featured" {
                    featured = Some(out(i, signer))
                } else {
                    in_article.push(out(i, signer))
                }
            }
            ContentImagesOut { content_id: c.id, title: c.title, featured, in_article }
        })
        .collect())
}

pub async fn bulk_update(db: &DatabaseConnection, caller: &Caller, input: ImageBulkIn) -> Result<u64, AppError> {
    caller.require_write()?;
    if input.ids.is_empty() || input.ids.len() > 1_000 {
        return Err(AppError::field("ids", "Choose 1 to 1000 images."));
    }
    if input.status != "pending" {
        return Err(AppError::field("status", "Only pending can be set (to generate an image again)."));
    }
    let own: Vec<i64> = visible(caller)
        .filter(image::Column::Id.is_in(input.ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    Ok(image::Entity::update_many()
        .col_expr(image::Column::Status, Expr::value("pending"))
        .col_expr(image::Column::Error, Expr::value(Option::<String>::None))
        .col_expr(image::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(image::Column::Id.is_in(own))
        .exec(db)
        .await?
        .rows_affected)
}

/// Queues image prompts for up to 10 articles of one site.
pub async fn start_prompts(
    state: &TaskStarter,
    caller: &Caller,
    ids: &[i64],
) -> Result<crate::modules::tasks::dto::TaskOut, AppError> {
    use jobs::JobInput;
    const KIND: &str = ImagePromptsJob::KIND;
    caller.require_write()?;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_CONTENT {
        return Err(AppError::field("ids", format!("Choose 1 to {MAX_CONTENT} articles.")));
    }
    let contents = caller
        .site_rows::<content::Entity>()
        .filter(content::Column::Id.is_in(ids.iter().copied()))
        .all(&state.db)
        .await?;
    if contents.len() != ids.len() {
        return Err(AppError::field("ids", "Some of these articles do not exist."));
    }
    let site_id = contents[0].site_id;
    if contents.iter().any(|c| c.site_id != site_id) {
        return Err(AppError::field("ids", "Choose articles of one site at a time."));
    }
    let min = crate::modules::ai_settings::catalogue::setting_for(&state.db, KIND).await?.min_credits;
    let required = min * ids.len() as i64;
    crate::modules::tasks::service::start(state, caller, Some(site_id), &ImagePromptsJob { content_ids: ids }, required)
        .await
}

/// Queues generation of images (pending or failed ones; generated ones are regenerated only when named alone
/// through `regenerate`).
pub async fn start_images(
    state: &TaskStarter,
    caller: &Caller,
    ids: &[i64],
    regenerate: bool,
) -> Result<crate::modules::tasks::dto::TaskOut, AppError> {
    caller.require_write()?;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_IMAGES {
        return Err(AppError::field("ids", format!("Choose 1 to {MAX_IMAGES} images.")));
    }
    let images = visible(caller).filter(image::Column::Id.is_in(ids.iter().copied())).all(&state.db).await?;
    if images.len() != ids.len() {
        return Err(AppError::field("ids", "Some of these images do not exist."));
    }
    let site_id = images[0].site_id;
    if images.iter().any(|i| i.site_id != site_id) {
        return Err(AppError::field("ids", "Choose images of one site at a time."));
    }
    if !regenerate && images.iter().all(|i| i.status == "generated") {
        return Err(AppError::field("ids", "These images are already generated; use regenerate to make a new one."));
    }
    // The charge is per successful image; the pre-check asks for one image's worth of each.
    let per_image = crate::ai_runtime::images::credits_per_image(&state.db).await?;
    let required = per_image * ids.len() as i64;
    let job = GenerateImagesJob { image_ids: ids, regenerate };
    crate::modules::tasks::service::start(state, caller, Some(site_id), &job, required).await
}

/// Replaces an article's images that are not generated yet with new prompts (generated ones stay), inside the
/// job's transaction. `prompt` wraps a subject in the account's style. Answers how many were created.
pub async fn save_prompts<C: ConnectionTrait>(
    txn: &C,
    article: &content::Model,
    subjects: &ImageSubjects,
    prompt: impl Fn(&str) -> String,
    negative: &str,
) -> Result<usize, sea_orm::DbErr> {
    let of_article = || {
        image::Entity::find()
            .filter(image::Column::AccountId.eq(article.account_id))
            .filter(image::Column::ContentId.eq(article.id))
    };
    let kept: Vec<i32> = of_article()
        .filter(image::Column::Status.eq("generated"))
        .all(txn)
        .await?
        .into_iter()
        .map(|i| i.position)
        .collect();
    image::Entity::delete_many()
        .filter(image::Column::AccountId.eq(article.account_id))
        .filter(image::Column::ContentId.eq(article.id))
        .filter(image::Column::Status.ne("generated"))
        .exec(txn)
        .await?;
    let now = Utc::now();
    let mut rows = Vec::new();
    for (position, subject) in std::iter::once(&subjects.featured).chain(subjects.inline.iter()).enumerate() {
        let position = i32::try_from(position).unwrap_or(0);
        if kept.contains(&position) {
            continue;
        }
        rows.push(image::ActiveModel {
            account_id: Set(article.account_id),
            site_id: Set(article.site_id),
            sector_id: Set(article.sector_id),
            content_id: Set(article.id),
            image_type: Set(if position == 0 { "featured" } else { "in_article" }.into()),
            position: Set(position),
            prompt: Set(prompt(subject)),
            negative_prompt: Set(negative.to_owned()),
            status: Set("pending".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    let created = rows.len();
    if created > 0 {
        image::Entity::insert_many(rows).exec_without_returning(txn).await?;
    }
    Ok(created)
}

/// Records a drawn image (inside the transaction that charges it); an in-article image is also placed in its
/// article, after the section its prompt was made for, with its subject as alt text (once: drawing it again keeps
/// the figure, whose link now serves the new file).
pub async fn save_drawn<C: ConnectionTrait>(
    txn: &C,
    img: &image::Model,
    drawn: &DrawnImage,
) -> Result<(), sea_orm::DbErr> {
    image::Entity::update_many()
        .col_expr(image::Column::Status, Expr::value("generated"))
        .col_expr(image::Column::Error, Expr::value(Option::<String>::None))
        .col_expr(image::Column::FilePath, Expr::value(drawn.file_path.clone()))
        .col_expr(image::Column::Mime, Expr::value(drawn.mime.clone()))
        .col_expr(image::Column::Width, Expr::value(i32::try_from(drawn.width).unwrap_or(0)))
        .col_expr(image::Column::Height, Expr::value(i32::try_from(drawn.height).unwrap_or(0)))
        .col_expr(image::Column::SizeBytes, Expr::value(i64::try_from(drawn.size_bytes).unwrap_or(0)))
        .col_expr(image::Column::Model, Expr::value(drawn.model.clone()))
        .col_expr(image::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(image::Column::AccountId.eq(img.account_id))
        .filter(image::Column::Id.eq(img.id))
        .exec(txn)
        .await?;
    if img.image_type == "in_article" {
        let alt = figures::alt_from_prompt(&img.prompt);
        content_service::place_image(txn, img, &alt, drawn.width, drawn.height).await?;
    }
    Ok(())
}

/// Records why an image could not be made; it can be generated again.
pub async fn mark_failed<C: ConnectionTrait>(db: &C, img: &image::Model, reason: &str) -> Result<(), sea_orm::DbErr> {
    image::Entity::update_many()
        .col_expr(image::Column::Status, Expr::value("failed"))
        .col_expr(image::Column::Error, Expr::value(reason.chars().take(1_000).collect::<String>()))
        .col_expr(image::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(image::Column::AccountId.eq(img.account_id))
        .filter(image::Column::Id.eq(img.id))
        .exec(db)
        .await?;
    Ok(())
}
