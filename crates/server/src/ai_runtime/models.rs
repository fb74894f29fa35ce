//! Which model an AI function talks to. The catalogue decides (SPEC.md §5): the function's chosen model, else
//! the default text model of the catalogue, else the provider given in configuration (`IGNY8_AI_PROVIDER`, the
//! Offline provider by default). A fallback model, when chosen, is tried once if the main one fails.

use std::sync::Arc;
use std::time::Duration;

use ai::providers::{anthropic::AnthropicChat, gemini::GeminiChat, openai::OpenAiChat};
use ai::{AiError, ProviderConfig, TextModel, TokenUsage};
use jobs::JobError;

use super::deps::AiDeps;
use super::offline::text_model as offline;
use crate::modules::ai_settings::catalogue::{self, Resolved};
use crate::security::cipher::Cipher;

/// A text model with what it costs and how much it may write.
#[derive(Clone)]
pub struct ModelPick {
    pub model: Arc<dyn TextModel>,
    pub tokens_per_credit: u64,
    pub usd_in_per_mtok: f64,
    pub usd_out_per_mtok: f64,
    /// The most output tokens the model may write in one answer (the catalogue's `max_output_tokens`); `None`
    /// for the configured model outside the catalogue.
    pub max_output_tokens: Option<u32>,
}

impl ModelPick {
    /// Provider cost of a call, in millionths of a dollar, for the usage log.
    pub fn cost_usd_micros(&self, usage: &TokenUsage) -> i64 {
        let usd = usage.input_tokens as f64 * self.usd_in_per_mtok + usage.output_tokens as f64 * self.usd_out_per_mtok;
        // Rates are per million tokens and the result is in micro-dollars: the two millions cancel.
        usd.round().clamp(0.0, i64::MAX as f64) as i64
    }
}

/// Everything a text function needs to call its model and price the answer.
#[derive(Clone)]
pub struct TextPlan {
    pub primary: ModelPick,
    pub fallback: Option<ModelPick>,
    pub min_credits: i64,
    pub temperature: f32,
    pub max_tokens: u32,
}

impl TextPlan {
    /// The Offline provider answers: functions build their labelled offline drafts instead of asking it.
    pub fn is_offline(&self) -> bool {
        self.primary.model.model_id() == ai::providers::offline::MODEL_ID
    }

    /// SPEC.md §7: `max(min_credits, ceil(tokens / tokens_per_credit))`, at the rate of the model that answered.
    pub fn credits(&self, pick: &ModelPick, usage: &TokenUsage) -> i64 {
        domain::credits::text_credits(usage.total(), pick.tokens_per_credit, self.min_credits)
    }
}

fn setup_error(error: impl std::fmt::Display) -> JobError {
    JobError::Permanent { code: "AI_CONFIGURATION".into(), message: error.to_string() }
}

/// Resolves the models of `function` for one run.
pub async fn text_plan(deps: &AiDeps, function: &str) -> Result<TextPlan, JobError> {
    let retry = |e: crate::http::AppError| JobError::Retryable(e.to_string());
    let setting = catalogue::setting_for(&deps.db, function).await.map_err(retry)?;
    let chosen = match setting.model_id {
        Some(id) => catalogue::usable(&deps.db, id).await.map_err(retry)?,
        None => None,
    };
    let chosen = match chosen {
        Some(found) => Some(found),
        None => catalogue::default_of(&deps.db, "text").await.map_err(retry)?,
    };
    let primary = match chosen {
        Some(resolved) => pick(&resolved, &deps.cipher).map_err(setup_error)?,
        None => ModelPick {
            model: deps.model.clone(),
            tokens_per_credit: 1_000,
            usd_in_per_mtok: 0.0,
            usd_out_per_mtok: 0.0,
            max_output_tokens: None,
        },
    };
    let fallback = match setting.fallback_model_id {
        Some(id) => match catalogue::usable(&deps.db, id).await.map_err(retry)? {
            Some(resolved) => Some(pick(&resolved, &deps.cipher).map_err(setup_error)?),
            None => None,
        },
        None => None,
    };
    Ok(TextPlan {
        primary,
        fallback,
        min_credits: setting.min_credits,
        temperature: setting.temperature as f32,
        max_tokens: u32::try_from(setting.max_tokens).unwrap_or(8_192),
    })
}

/// Builds the client of a catalogue text model, opening its provider's key.
fn pick(resolved: &Resolved, cipher: &Cipher) -> Result<ModelPick, AiError> {
    Ok(ModelPick {
        model: build_text(resolved, cipher)?,
        tokens_per_credit: u64::try_from(resolved.model.tokens_per_credit).unwrap_or(1).max(1),
        usd_in_per_mtok: resolved.model.input_usd_per_mtok,
        usd_out_per_mtok: resolved.model.output_usd_per_mtok,
        max_output_tokens: u32::try_from(resolved.model.max_output_tokens).ok().filter(|m| *m > 0),
    })
}

/// The client settings of a catalogue model: its provider's base URL (else `default_url`), timeout and opened key.
/// Text, image and embedding models all start here.
pub fn provider_config(resolved: &Resolved, cipher: &Cipher, default_url: &str) -> Result<ProviderConfig, AiError> {
    let provider = &resolved.provider;
    let base = if provider.base_url.is_empty() { default_url.to_owned() } else { provider.base_url.clone() };
    let mut config = ProviderConfig::new(base, resolved.model.model_id.clone())
        .with_timeout(Duration::from_secs(u64::try_from(provider.timeout_secs).unwrap_or(120)));
    if let Some(sealed) = &provider.api_key_cipher {
        let key = cipher.open(sealed).map_err(|e| {
            AiError::Configuration(format!("the API key of provider '{}' cannot be used: {e}", provider.slug))
        })?;
        config = config.with_api_key(key);
    }
    Ok(config)
}

fn build_text(resolved: &Resolved, cipher: &Cipher) -> Result<Arc<dyn TextModel>, AiError> {
    let config = |default: &str| provider_config(resolved, cipher, default);
    Ok(match resolved.provider.kind.as_str() {
        "offline" => Arc::new(offline()),
        "openai" => Arc::new(OpenAiChat::new(config(ai::providers::openai::DEFAULT_BASE_URL)?)?),
        "anthropic" => Arc::new(AnthropicChat::new(config(ai::providers::anthropic::DEFAULT_BASE_URL)?)?),
        "gemini" => Arc::new(GeminiChat::new(config(ai::providers::gemini::DEFAULT_BASE_URL)?)?),
        other => {
            return Err(AiError::Configuration(format!("provider kind '{other}' has no text models")));
        }
    })
}
