//! Which image model draws, and what one image costs: the `generate_images` function's chosen model, else the
//! catalogue's default image model, else the Offline provider's title card (1 credit).

use std::sync::Arc;
use std::time::Duration;

use ai::providers::{OfflineImages, OpenAiImages, RunwareImages};
use ai::{ImageModel, ProviderConfig};
use jobs::JobError;
use sea_orm::ConnectionTrait;

use super::deps::{permanent, retry};
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
    let setup = |e: String| permanent("AI_CONFIGURATION", e);
    let provider = &r.provider;
    let config = |default: &str| -> Result<ProviderConfig, JobError> {
        let base = if provider.base_url.is_empty() { default.to_owned() } else { provider.base_url.clone() };
        let mut config = ProviderConfig::new(base, r.model.model_id.clone())
            .with_timeout(Duration::from_secs(u64::try_from(provider.timeout_secs).unwrap_or(120)));
        if let Some(sealed) = &provider.api_key_cipher {
            let key = cipher
                .open(sealed)
                .map_err(|e| setup(format!("the API key of provider '{}' cannot be used: {e}", provider.slug)))?;
            config = config.with_api_key(key);
        }
        Ok(config)
    };
    let model: Arc<dyn ImageModel> = match provider.kind.as_str() {
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
