//! `generate_images`: draws each image through the configured image model (OpenAI Images, Runware, or the
//! Offline provider's PNG title card), stores the file, and charges its credits — one image at a time, so a
//! failed image costs nothing, keeps its reason, and can be retried. An article whose images are all done moves
//! from draft to review.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use ai::providers::{OfflineImages, OpenAiImages, RunwareImages};
use ai::{ImageModel, ImageRequest, ProviderConfig};
use chrono::Utc;
use db::entities::{content, image};
use domain::Phase;
use jobs::{JobContext, JobError, JobFuture, JobHandler, JobOutput, Progress};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::runner::{AiDeps, retry};
use crate::http::AppError;
use crate::modules::ai_settings::catalogue::{self, Resolved};
use crate::modules::billing::ledger::{self, Charge, Usage};

pub const KIND: &str = "generate_images";

/// The image model to use and what one image costs.
struct ImagePick {
    model: Arc<dyn ImageModel>,
    credits_per_image: i64,
    usd_micros_per_image: i64,
}

async fn resolve<C: ConnectionTrait>(db: &C) -> Result<Option<Resolved>, AppError> {
    let setting = catalogue::setting_for(db, KIND).await?;
    let chosen = match setting.model_id {
        Some(id) => catalogue::usable(db, id).await?,
        None => None,
    };
    match chosen {
        Some(found) => Ok(Some(found)),
        None => catalogue::default_of(db, "image").await,
    }
}

/// Credits one image costs with the model in force (the Offline card when none is chosen: 1).
pub async fn credits_per_image<C: ConnectionTrait>(db: &C) -> Result<i64, AppError> {
    Ok(resolve(db).await?.map_or(1, |r| r.model.credits_per_image.max(0)))
}

fn pick(resolved: Option<Resolved>, deps: &AiDeps) -> Result<ImagePick, JobError> {
    let Some(r) = resolved else {
        return Ok(ImagePick { model: Arc::new(OfflineImages::new()), credits_per_image: 1, usd_micros_per_image: 0 });
    };
    let setup = |e: String| JobError::Permanent { code: "AI_CONFIGURATION".into(), message: e };
    let base =
        |default: &str| if r.provider.base_url.is_empty() { default.to_owned() } else { r.provider.base_url.clone() };
    let config = |default: &str| -> Result<ProviderConfig, JobError> {
        let mut config = ProviderConfig::new(base(default), r.model.model_id.clone())
            .with_timeout(Duration::from_secs(u64::try_from(r.provider.timeout_secs).unwrap_or(120)));
        if let Some(sealed) = &r.provider.api_key_cipher {
            let key = deps
                .cipher
                .open(sealed)
                .map_err(|e| setup(format!("the API key of provider '{}' cannot be used: {e}", r.provider.slug)))?;
            config = config.with_api_key(key);
        }
        Ok(config)
    };
    let model: Arc<dyn ImageModel> = match r.provider.kind.as_str() {
        "openai" => Arc::new(
            OpenAiImages::new(config(ai::providers::openai_images::DEFAULT_BASE_URL)?)
                .map_err(|e| setup(e.to_string()))?,
        ),
        "runware" => Arc::new(
            RunwareImages::new(config(ai::providers::runware::DEFAULT_BASE_URL)?).map_err(|e| setup(e.to_string()))?,
        ),
        _ => Arc::new(OfflineImages::new()),
    };
    Ok(ImagePick {
        model,
        credits_per_image: r.model.credits_per_image.max(0),
        usd_micros_per_image: (r.model.usd_per_image * 1_000_000.0).round() as i64,
    })
}

pub struct GenerateImages {
    pub deps: Arc<AiDeps>,
}

impl JobHandler for GenerateImages {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn concurrency(&self) -> usize {
        2
    }

    fn run(&self, ctx: JobContext) -> JobFuture {
        let deps = self.deps.clone();
        Box::pin(async move { run(&deps, &ctx).await })
    }
}

fn extension(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        _ => "png",
    }
}

async fn mark_failed(deps: &AiDeps, id: i64, reason: &str) -> Result<(), JobError> {
    image::Entity::update_many()
        .col_expr(image::Column::Status, Expr::value("failed"))
        .col_expr(image::Column::Error, Expr::value(reason.chars().take(1_000).collect::<String>()))
        .col_expr(image::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(image::Column::Id.eq(id))
        .exec(&deps.db)
        .await
        .map_err(retry)?;
    Ok(())
}

async fn run(deps: &AiDeps, ctx: &JobContext) -> Result<JobOutput, JobError> {
    let task = &ctx.task;
    let ids: Vec<i64> =
        task.input["image_ids"].as_array().map(|a| a.iter().filter_map(|v| v.as_i64()).collect()).unwrap_or_default();
    let regenerate = task.input["regenerate"].as_bool().unwrap_or(false);
    let images = image::Entity::find()
        .filter(image::Column::AccountId.eq(task.account_id))
        .filter(image::Column::Id.is_in(ids))
        .order_by_asc(image::Column::ContentId)
        .order_by_asc(image::Column::Position)
        .all(&deps.db)
        .await
        .map_err(retry)?;
    let todo: Vec<image::Model> = images.into_iter().filter(|i| regenerate || i.status != "generated").collect();
    let total = todo.len() as i64;
    ctx.progress(Progress {
        phase: Phase::Init,
        current: 0,
        total,
        item: None,
        message: Some("Preparing images".into()),
    })
    .await?;
    let resolved = resolve(&deps.db).await.map_err(retry)?;
    let pick = pick(resolved, deps)?;
    let (mut generated, mut failed, mut credits) = (0usize, 0usize, 0i64);
    let mut errors: Vec<String> = Vec::new();
    let mut touched = BTreeSet::new();
    for (n, img) in todo.iter().enumerate() {
        ctx.checkpoint().await?;
        ctx.progress(Progress {
            phase: Phase::AiCall,
            current: n as i64,
            total,
            item: Some(format!("{} {}", img.image_type, img.position)),
            message: Some(format!("Drawing image {} of {total}", n + 1)),
        })
        .await?;
        touched.insert(img.content_id);
        let (width, height) = if img.image_type == "featured" { (1536, 1024) } else { (1024, 1024) };
        let request = ImageRequest {
            prompt: img.prompt.clone(),
            negative_prompt: Some(img.negative_prompt.clone()).filter(|n| !n.trim().is_empty()),
            width,
            height,
        };
        let drawn = match pick.model.generate(&request).await {
            Ok(drawn) => drawn,
            Err(error) => {
                failed += 1;
                errors.push(format!("image {}: {error}", img.id));
                mark_failed(deps, img.id, &error.to_string()).await?;
                continue;
            }
        };
        let key = format!(
            "{}/{}/{}-{}.{}",
            img.account_id,
            img.content_id,
            img.id,
            Utc::now().timestamp_millis(),
            extension(&drawn.mime)
        );
        if let Err(error) = deps.images.put(&key, &drawn.bytes).await {
            return Err(retry(error));
        }
        // The image and its charge commit together; the key makes a re-run of this job charge it once.
        let txn = db::begin_write(&deps.db).await.map_err(retry)?;
        let charge = Charge {
            account_id: task.account_id,
            amount: pick.credits_per_image,
            kind: "deduction",
            idempotency_key: format!("job:{}:image:{}", task.id, img.id),
            reference: Some(format!("image:{}", img.id)),
            description: "Image".into(),
            usage: Some(Usage {
                site_id: Some(img.site_id),
                operation: KIND.into(),
                model: Some(drawn.model.clone()),
                tokens_in: 0,
                tokens_out: 0,
                cost_usd_micros: pick.usd_micros_per_image,
                related: Some(("image".into(), img.id)),
            }),
        };
        let outcome = match ledger::charge_in(&txn, &charge).await {
            Ok(outcome) => outcome,
            Err(AppError::InsufficientCredits { required, available }) => {
                drop(txn);
                let _ = deps.images.delete(&key).await;
                let reason = format!("Not enough credits: {required} required, {available} available.");
                mark_failed(deps, img.id, &reason).await?;
                failed += 1;
                errors.push(reason);
                break;
            }
            Err(other) => return Err(retry(other)),
        };
        image::Entity::update_many()
            .col_expr(image::Column::Status, Expr::value("generated"))
            .col_expr(image::Column::Error, Expr::value(Option::<String>::None))
            .col_expr(image::Column::FilePath, Expr::value(key.clone()))
            .col_expr(image::Column::Mime, Expr::value(drawn.mime.clone()))
            .col_expr(image::Column::Width, Expr::value(i32::try_from(width).unwrap_or(0)))
            .col_expr(image::Column::Height, Expr::value(i32::try_from(height).unwrap_or(0)))
            .col_expr(image::Column::SizeBytes, Expr::value(i64::try_from(drawn.bytes.len()).unwrap_or(0)))
            .col_expr(image::Column::Model, Expr::value(drawn.model.clone()))
            .col_expr(image::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(image::Column::Id.eq(img.id))
            .exec(&txn)
            .await
            .map_err(retry)?;
        txn.commit().await.map_err(retry)?;
        if let Some(old) = img.file_path.as_deref().filter(|old| *old != key) {
            let _ = deps.images.delete(old).await;
        }
        ledger::after_charge(&deps.db, &deps.events, task.account_id, outcome).await;
        generated += 1;
        credits += pick.credits_per_image;
    }
    ctx.progress(Progress {
        phase: Phase::Save,
        current: total,
        total,
        item: None,
        message: Some("Updating articles".into()),
    })
    .await?;
    let mut to_review = Vec::new();
    for content_id in touched {
        let open = image::Entity::find()
            .filter(image::Column::ContentId.eq(content_id))
            .filter(image::Column::Status.ne("generated"))
            .one(&deps.db)
            .await
            .map_err(retry)?;
        if open.is_none() {
            let moved = content::Entity::update_many()
                .col_expr(content::Column::Status, Expr::value("review"))
                .col_expr(content::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(content::Column::Id.eq(content_id))
                .filter(content::Column::Status.eq("draft"))
                .exec(&deps.db)
                .await
                .map_err(retry)?;
            if moved.rows_affected > 0 {
                to_review.push(content_id);
            }
        }
    }
    if generated == 0 && failed > 0 {
        return Err(JobError::Permanent {
            code: "IMAGES_FAILED".into(),
            message: format!("No image could be made: {}", errors.first().cloned().unwrap_or_default()),
        });
    }
    Ok(JobOutput {
        result: json!({"images_generated": generated, "images_failed": failed, "total_images": total, "errors": errors,
            "content_in_review": to_review}),
        cost_credits: credits,
        message: format!(
            "{generated} of {total} images made{}.",
            if failed > 0 { format!(", {failed} failed") } else { String::new() }
        ),
    })
}
