//! Which image model draws, and what one image costs: the `generate_images` function's chosen model, else the
//! catalogue's default image model, else the Offline provider's title card (1 credit).

use std::sync::Arc;

use ai::ImageModel;
use ai::providers::{OfflineImages, OpenAiImages, RunwareImages};
use jobs::JobError;
use sea_orm::ConnectionTrait;

use super::deps::{permanent, retry};
use super::models::provider_config;
use crate::http::AppError;
use crate::modules::ai_settings::catalogue::{self, Resolved};
use crate::security::cipher::Cipher;

/// The function whose catalogue setting chooses the image model.
const FUNCTION: &str = "generate_images";

/// The image model to use and what one image costs.
pub struct ImagePick {
    pub model: Arc<dyn ImageModel>,
    pub credits_per_image: i64,
    pub usd_micros_per_image: i64,
}

async fn resolve<C: ConnectionTrait>(db: &C) -> Result<Option<Resolved>, AppError> {
    let setting = catalogue::setting_for(db, FUNCTION).await?;
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

/// The image model for one run, its provider's key opened.
pub async fn image_plan<C: ConnectionTrait>(db: &C, cipher: &Cipher) -> Result<ImagePick, JobError> {
    let resolved = resolve(db).await.map_err(retry)?;
    let Some(r) = resolved else {
        return Ok(ImagePick { model: Arc::new(OfflineImages::new()), credits_per_image: 1, usd_micros_per_image: 0 });
    };
    let setup = |e: ai::AiError| permanent("AI_CONFIGURATION", e.to_string());
    let config = |default: &str| provider_config(&r, cipher, default).map_err(setup);
    let model: Arc<dyn ImageModel> = match r.provider.kind.as_str() {
        "openai" => {
            Arc::new(OpenAiImages::new(config(ai::providers::openai_images::DEFAULT_BASE_URL)?).map_err(setup)?)
        }
        "runware" => Arc::new(RunwareImages::new(config(ai::providers::runware::DEFAULT_BASE_URL)?).map_err(setup)?),
        _ => Arc::new(OfflineImages::new()),
    };
    Ok(ImagePick {
        model,
        credits_per_image: r.model.credits_per_image.max(0),
        usd_micros_per_image: (r.model.usd_per_image * 1_000_000.0).round() as i64,
    })
}
