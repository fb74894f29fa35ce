use chrono::{DateTime, Utc};
use db::entities::{ai_model, ai_provider};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::extract::nullable;

#[derive(Debug, Serialize, ToSchema)]
pub struct PromptVariableOut {
    pub name: &'static str,
    pub required: bool,
    pub description: &'static str,
}

/// A prompt as this account gets it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PromptOut {
    pub prompt_type: &'static str,
    pub label: &'static str,
    /// The text the AI function uses for this account.
    pub prompt_value: String,
    /// What a reset gives back: the platform's global text, else the built-in default.
    pub default_value: String,
    /// `account` (this account's own text), `global` or `default`.
    pub source: &'static str,
    pub is_customized: bool,
    pub variables: Vec<PromptVariableOut>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromptIn {
    pub prompt_value: String,
}

/// The original's `save_prompt/` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavePromptIn {
    pub prompt_type: String,
    pub prompt_value: String,
}

/// The original's `reset_prompt/` body and `by_type/` query.
#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PromptTypeIn {
    pub prompt_type: String,
}

/// A provider as staff see it: the key is never shown, only whether one is stored and its last characters.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderOut {
    pub id: i64,
    pub slug: String,
    pub display_name: String,
    pub kind: String,
    pub base_url: String,
    pub has_api_key: bool,
    pub api_key_hint: Option<String>,
    pub timeout_secs: i32,
    pub is_active: bool,
    pub updated_at: DateTime<Utc>,
}

impl From<ai_provider::Model> for ProviderOut {
    fn from(p: ai_provider::Model) -> Self {
        Self {
            id: p.id,
            slug: p.slug,
            display_name: p.display_name,
            kind: p.kind,
            base_url: p.base_url,
            has_api_key: p.api_key_cipher.is_some(),
            api_key_hint: p.api_key_hint,
            timeout_secs: p.timeout_secs,
            is_active: p.is_active,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderIn {
    /// Lower-case letters, digits and `-`/`_` (`openai`, `ollama-local`…).
    pub slug: String,
    pub display_name: Option<String>,
    /// `openai` (any OpenAI-compatible endpoint), `anthropic`, `gemini`, `runware` or `offline`.
    pub kind: String,
    #[serde(default)]
    pub base_url: Option<String>,
    /// Write-only: stored encrypted, never returned.
    #[serde(default)]
    pub api_key: Option<String>,
    pub timeout_secs: Option<i32>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderPatch {
    pub display_name: Option<String>,
    pub base_url: Option<String>,
    /// A new key; `null` removes the stored one.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub api_key: Option<Option<String>>,
    pub timeout_secs: Option<i32>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModelOut {
    pub id: i64,
    pub provider_id: i64,
    pub model_id: String,
    pub display_name: String,
    pub model_type: String,
    pub input_usd_per_mtok: f64,
    pub output_usd_per_mtok: f64,
    pub tokens_per_credit: i64,
    pub credits_per_image: i64,
    pub usd_per_image: f64,
    pub max_output_tokens: i32,
    pub supports_json: bool,
    pub is_active: bool,
    pub is_default: bool,
    pub sort_order: i32,
}

impl From<ai_model::Model> for ModelOut {
    fn from(m: ai_model::Model) -> Self {
        Self {
            id: m.id,
            provider_id: m.provider_id,
            model_id: m.model_id,
            display_name: m.display_name,
            model_type: m.model_type,
            input_usd_per_mtok: m.input_usd_per_mtok,
            output_usd_per_mtok: m.output_usd_per_mtok,
            tokens_per_credit: m.tokens_per_credit,
            credits_per_image: m.credits_per_image,
            usd_per_image: m.usd_per_image,
            max_output_tokens: m.max_output_tokens,
            supports_json: m.supports_json,
            is_active: m.is_active,
            is_default: m.is_default,
            sort_order: m.sort_order,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelIn {
    pub provider_id: i64,
    pub model_id: String,
    pub display_name: Option<String>,
    /// `text`, `image` or `embedding`.
    pub model_type: String,
    pub input_usd_per_mtok: Option<f64>,
    pub output_usd_per_mtok: Option<f64>,
    pub tokens_per_credit: Option<i64>,
    pub credits_per_image: Option<i64>,
    pub usd_per_image: Option<f64>,
    pub max_output_tokens: Option<i32>,
    pub supports_json: Option<bool>,
    pub is_active: Option<bool>,
    pub is_default: Option<bool>,
    pub sort_order: Option<i32>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelPatch {
    pub display_name: Option<String>,
    pub input_usd_per_mtok: Option<f64>,
    pub output_usd_per_mtok: Option<f64>,
    pub tokens_per_credit: Option<i64>,
    pub credits_per_image: Option<i64>,
    pub usd_per_image: Option<f64>,
    pub max_output_tokens: Option<i32>,
    pub supports_json: Option<bool>,
    pub is_active: Option<bool>,
    pub is_default: Option<bool>,
    pub sort_order: Option<i32>,
}

/// A model an account can see: what it is and what it costs, nothing about credentials.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelChoiceOut {
    pub id: i64,
    pub provider: String,
    pub model_id: String,
    pub display_name: String,
    pub model_type: String,
    pub tokens_per_credit: i64,
    pub credits_per_image: i64,
    pub is_default: bool,
}

/// Which model an AI function uses.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunctionSettingOut {
    pub function: &'static str,
    pub label: &'static str,
    pub model_type: &'static str,
    /// The chosen model; none means the catalogue's default for the type (or the configured provider).
    pub model_id: Option<i64>,
    /// Tried once when the chosen model fails.
    pub fallback_model_id: Option<i64>,
    pub min_credits: i64,
    pub temperature: f64,
    pub max_tokens: i32,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionSettingIn {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub model_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub fallback_model_id: Option<Option<i64>>,
    pub min_credits: Option<i64>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i32>,
}
