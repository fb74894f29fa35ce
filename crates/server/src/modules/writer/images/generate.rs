//! `generate_images`: draws each image through the configured image model (OpenAI Images, Runware, or the
//! Offline provider's PNG title card), stores the file, and charges its credits one image at a time, so a failed
//! image costs nothing, keeps its reason, and can be retried. An article whose images are all done moves from
//! draft to review.

use ai::ImageRequest;
use chrono::Utc;
use db::entities::image;
use db::tenancy::scoped;
use domain::Phase;
use jobs::{JobContext, JobError, JobInput, JobOutput, Progress};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::dto::{DrawnImage, GenerateImagesJob};
use super::service;
use crate::ai_runtime::images::{ImagePick, image_plan};
use crate::ai_runtime::{AiDeps, AiJob, charge, permanent, retry};
use crate::modules::billing::ledger::{self, Charge, LedgerError, Usage};
use crate::modules::writer::content::service as content;

const KIND: &str = GenerateImagesJob::KIND;

pub struct GenerateImages;

/// What became of one image.
enum Drawn {
    Made,
    /// The model refused or failed: the image keeps the reason; the others go on.
    Failed(String),
    /// The balance ran out: this image and the rest wait for credits.
    OutOfCredits(String),
}

impl AiJob for GenerateImages {
    /// Each image is charged on its own (`job:{task}:image:{id}`), so a re-run skips only what was made.
    const CHARGES_ONCE: bool = false;
    type Input = GenerateImagesJob;

    async fn run(deps: &AiDeps, ctx: &JobContext, input: GenerateImagesJob) -> Result<JobOutput, JobError> {
        let account_id = ctx.task.account_id;
        let todo: Vec<image::Model> = scoped::<image::Entity>(account_id)
            .filter(image::Column::Id.is_in(input.image_ids.iter().copied()))
            .order_by_asc(image::Column::ContentId)
            .order_by_asc(image::Column::Position)
            .all(&deps.db)
            .await
            .map_err(retry)?
            .into_iter()
            .filter(|i| input.regenerate || i.status != "generated")
            .collect();
        let total = todo.len() as i64;
        ctx.progress(Progress::step(Phase::Init, 0, total, "Preparing images")).await?;
        let pick = image_plan(&deps.db, &deps.cipher).await?;
        let (mut generated, mut errors) = (0usize, Vec::<String>::new());
        let mut touched = std::collections::BTreeSet::new();
        for (n, img) in todo.iter().enumerate() {
            ctx.checkpoint().await?;
            let drawing = Progress::step(Phase::AiCall, n as i64, total, format!("Drawing image {} of {total}", n + 1));
            ctx.progress(drawing.on(format!("{} {}", img.image_type, img.position))).await?;
            touched.insert(img.content_id);
            match draw(deps, ctx, &pick, img).await? {
                Drawn::Made => generated += 1,
                Drawn::Failed(reason) => errors.push(reason),
                Drawn::OutOfCredits(reason) => {
                    errors.push(reason);
                    break;
                }
            }
        }
        ctx.progress(Progress::step(Phase::Save, total, total, "Updating articles")).await?;
        let to_review = content::review_when_illustrated(&deps.db, account_id, touched).await.map_err(retry)?;
        let failed = errors.len();
        if generated == 0 && failed > 0 {
            return Err(permanent("IMAGES_FAILED", format!("No image could be made: {}", errors[0])));
        }
        let failures = if failed > 0 { format!(", {failed} failed") } else { String::new() };
        Ok(JobOutput {
            result: json!({"images_generated": generated, "images_failed": failed, "total_images": total,
                "errors": errors, "content_in_review": to_review}),
            cost_credits: pick.credits_per_image * generated as i64,
            message: format!("{generated} of {total} images made{failures}."),
        })
    }
}

/// Draws one image, stores its file, and records it with its charge in one transaction.
async fn draw(deps: &AiDeps, ctx: &JobContext, pick: &ImagePick, img: &image::Model) -> Result<Drawn, JobError> {
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
            service::mark_failed(&deps.db, img, &error.to_string()).await.map_err(retry)?;
            return Ok(Drawn::Failed(format!("image {}: {error}", img.id)));
        }
    };
    tracing::info!(model = %drawn.model, image_id = img.id, bytes = drawn.bytes.len(), "image model answered");
    let stamp = Utc::now().timestamp_millis();
    let key = format!("{}/{}/{}-{stamp}.{}", img.account_id, img.content_id, img.id, extension(&drawn.mime));
    deps.images.put(&key, &drawn.bytes).await.map_err(retry)?;
    // The image and its charge commit together; the key makes a re-run of this job charge it once.
    let txn = db::begin_write(&deps.db).await.map_err(retry)?;
    let outcome = match ledger::charge_in(&txn, &image_charge(ctx, pick, img, &drawn.model)).await {
        Ok(outcome) => outcome,
        Err(LedgerError::Insufficient { required, available }) => {
            drop(txn);
            let _ = deps.images.delete(&key).await;
            let reason = format!("Not enough credits: {required} required, {available} available.");
            service::mark_failed(&deps.db, img, &reason).await.map_err(retry)?;
            return Ok(Drawn::OutOfCredits(reason));
        }
        Err(other) => return Err(charge::refused(other)),
    };
    charge::ensure_held(&txn, &ctx.task).await?;
    let record = DrawnImage {
        file_path: key.clone(),
        mime: drawn.mime.clone(),
        width,
        height,
        size_bytes: drawn.bytes.len(),
        model: drawn.model.clone(),
    };
    service::save_drawn(&txn, img, &record).await.map_err(retry)?;
    txn.commit().await.map_err(retry)?;
    if let Some(old) = img.file_path.as_deref().filter(|old| *old != key) {
        let _ = deps.images.delete(old).await;
    }
    ledger::after_charge(&deps.db, &deps.events, img.account_id, outcome).await;
    Ok(Drawn::Made)
}

fn image_charge(ctx: &JobContext, pick: &ImagePick, img: &image::Model, model: &str) -> Charge {
    Charge {
        account_id: img.account_id,
        amount: pick.credits_per_image,
        kind: "deduction",
        idempotency_key: format!("job:{}:image:{}", ctx.task.id, img.id),
        reference: Some(format!("image:{}", img.id)),
        description: "Image".into(),
        usage: Some(Usage {
            site_id: Some(img.site_id),
            operation: KIND.into(),
            model: Some(model.to_owned()),
            tokens_in: 0,
            tokens_out: 0,
            cost_usd_micros: pick.usd_micros_per_image,
            related: Some(("image".into(), img.id)),
        }),
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
