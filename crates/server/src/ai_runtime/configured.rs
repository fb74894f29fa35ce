//! The text model named in configuration (`IGNY8_AI_PROVIDER`, the Offline provider by default): what AI
//! functions use when the model catalogue names none. Built once at start-up, so a wrong setting stops the
//! program with its name.

use std::sync::Arc;
use std::time::Duration;

use ai::providers::{anthropic::AnthropicChat, gemini::GeminiChat, openai::OpenAiChat};
use ai::{ProviderConfig, TextModel};

use super::offline::text_model as offline;
use crate::config::{AiProvider, Config};

/// The model from configuration: what runs when the catalogue names none.
pub fn text_model(config: &Config) -> anyhow::Result<Arc<dyn TextModel>> {
    let (default_url, default_model) = match config.ai_provider {
        AiProvider::Offline => return Ok(Arc::new(offline())),
        AiProvider::Openai => (ai::providers::openai::DEFAULT_BASE_URL, "gpt-4o-mini"),
        AiProvider::Anthropic => (ai::providers::anthropic::DEFAULT_BASE_URL, "claude-sonnet-4-5"),
        AiProvider::Gemini => (ai::providers::gemini::DEFAULT_BASE_URL, "gemini-2.5-flash"),
    };
    let base = if config.ai_base_url.is_empty() { default_url } else { config.ai_base_url.as_str() };
    let model = if config.ai_model.is_empty() { default_model } else { config.ai_model.as_str() };
    let mut provider = ProviderConfig::new(base, model).with_timeout(Duration::from_secs(config.ai_timeout_secs));
    if !config.ai_api_key.is_empty() {
        provider = provider.with_api_key(config.ai_api_key.expose());
    }
    let model: Arc<dyn TextModel> = match config.ai_provider {
        AiProvider::Openai => Arc::new(OpenAiChat::new(provider)?),
        AiProvider::Anthropic => Arc::new(AnthropicChat::new(provider)?),
        AiProvider::Gemini => Arc::new(GeminiChat::new(provider)?),
        AiProvider::Offline => Arc::new(offline()),
    };
    Ok(model)
}
