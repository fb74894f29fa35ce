//! Google Gemini client (native `generateContent`).
//!
//! Wire format: `POST {base}/v1beta/models/{model}:generateContent` with the key in the `x-goog-api-key` header
//! (never in the URL, where it would end up in logs); `contents` / `parts`, a separate `systemInstruction`, and
//! `generationConfig.responseMimeType: application/json` + `responseSchema` for structured output. The answer is
//! `candidates[0].content.parts[].text`; usage is `usageMetadata`. The native API is used rather than Google's
//! OpenAI-compatible endpoint because gateways advise it for structured output (integration-facts §2).

use async_trait::async_trait;
use reqwest::header::{HeaderMap, HeaderName};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::http::{HttpClient, ProviderConfig, secret_header};
use crate::{AiError, Finish, TextModel, TextRequest, TextResponse, TokenUsage};

/// Google's API; the client appends `/v1beta/models/{model}:generateContent`.
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";

const PROVIDER: &str = "gemini";

/// Finish reasons that mean the answer was withheld for policy reasons.
const BLOCKED_FINISH_REASONS: [&str; 6] =
    ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"];

/// `generateContent` client.
#[derive(Debug)]
pub struct GeminiChat {
    http: HttpClient,
    headers: HeaderMap,
    model: String,
    url: String,
}

impl GeminiChat {
    /// Builds the client; `config.base_url` ends before `/v1beta` (e.g. [`DEFAULT_BASE_URL`]). The model may be
    /// given with or without the `models/` prefix.
    pub fn new(config: ProviderConfig) -> Result<Self, AiError> {
        let http = HttpClient::new(PROVIDER, &config)?;
        let model = config.model.trim().trim_start_matches("models/").to_owned();
        if model.is_empty() || model.chars().any(|c| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '%')) {
            return Err(AiError::Configuration(format!("{PROVIDER}: `{model}` is not a valid model id")));
        }
        let mut headers = HeaderMap::new();
        if let Some(key) = http.api_key() {
            secret_header(PROVIDER, HeaderName::from_static("x-goog-api-key"), key, &mut headers)?;
        }
        let url = http.url(&format!("/v1beta/models/{model}:generateContent"));
        Ok(Self { http, headers, model, url })
    }
}

#[async_trait]
impl TextModel for GeminiChat {
    async fn generate(&self, request: &TextRequest) -> Result<TextResponse, AiError> {
        let body = GenerateRequest {
            contents: [Content { role: Some("user"), parts: [TextPart { text: &request.prompt }] }],
            system_instruction: request
                .system
                .as_deref()
                .map(|text| Content { role: None, parts: [TextPart { text }] }),
            generation_config: GenerationConfig {
                max_output_tokens: request.max_tokens,
                temperature: request.temperature,
                response_mime_type: request.json_schema.as_ref().map(|_| "application/json"),
                response_schema: request.json_schema.as_ref().map(to_gemini_schema),
            },
        };
        let response: GenerateResponse = self.http.post_json(&self.url, &self.headers, &body).await?;

        let Some(candidate) = response.candidates.into_iter().next() else {
            return Err(match response.prompt_feedback.and_then(|feedback| feedback.block_reason) {
                Some(reason) => self.http.filtered(format!("the prompt was blocked ({reason})")),
                None => self.http.invalid("`candidates` is empty"),
            });
        };
        let reason = candidate.finish_reason.unwrap_or_else(|| "unspecified".to_owned());
        // Thought summaries (`thought: true`) are reasoning, not the answer.
        let text: String = candidate
            .content
            .map(|content| content.parts)
            .unwrap_or_default()
            .into_iter()
            .filter(|part| !part.thought)
            .filter_map(|part| part.text)
            .collect();
        if text.is_empty() && BLOCKED_FINISH_REASONS.contains(&reason.as_str()) {
            return Err(self.http.filtered(format!("the answer was blocked ({reason})")));
        }
        let finish = match reason.as_str() {
            "STOP" => Finish::Stop,
            "MAX_TOKENS" => Finish::Length,
            _ => Finish::Other(reason),
        };
        let usage = response.usage_metadata.unwrap_or_default();
        Ok(TextResponse {
            text,
            usage: TokenUsage {
                input_tokens: usage.prompt_token_count,
                // Thinking tokens are billed as output but reported apart from the candidates.
                output_tokens: usage.candidates_token_count.saturating_add(usage.thoughts_token_count),
            },
            model: response.model_version.unwrap_or_else(|| self.model.clone()),
            finish,
        })
    }

    fn model_id(&self) -> &str {
        &self.model
    }
}

/// Translates a JSON Schema into Gemini's `responseSchema` dialect (an OpenAPI 3.0 subset). Gemini rejects the
/// whole request on any keyword it does not know (`additionalProperties`, `$schema`, `$ref`, …), so only known
/// keywords are kept; `type: ["string", "null"]` becomes `type: STRING, nullable: true`, and `oneOf` becomes
/// `anyOf`. Type names are upper-cased as in Google's documentation.
fn to_gemini_schema(schema: &Value) -> Value {
    const KEPT_AS_IS: [&str; 17] = [
        "format",
        "title",
        "description",
        "nullable",
        "enum",
        "maxItems",
        "minItems",
        "required",
        "minProperties",
        "maxProperties",
        "minLength",
        "maxLength",
        "pattern",
        "example",
        "propertyOrdering",
        "minimum",
        "maximum",
    ];
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        match key.as_str() {
            "type" => match value {
                Value::String(name) => {
                    out.insert("type".into(), Value::String(name.to_uppercase()));
                }
                Value::Array(names) => {
                    let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
                    if let Some(name) = names.iter().find(|name| **name != "null") {
                        out.insert("type".into(), Value::String(name.to_uppercase()));
                    }
                    if names.contains(&"null") {
                        out.insert("nullable".into(), Value::Bool(true));
                    }
                }
                _ => {}
            },
            "properties" => {
                if let Some(properties) = value.as_object() {
                    let converted = properties.iter().map(|(name, sub)| (name.clone(), to_gemini_schema(sub)));
                    out.insert(key.clone(), Value::Object(converted.collect()));
                }
            }
            "items" => {
                out.insert(key.clone(), to_gemini_schema(value));
            }
            "anyOf" | "oneOf" => {
                if let Some(variants) = value.as_array() {
                    out.insert("anyOf".into(), Value::Array(variants.iter().map(to_gemini_schema).collect()));
                }
            }
            other if KEPT_AS_IS.contains(&other) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    Value::Object(out)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenerateRequest<'a> {
    contents: [Content<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    system_instruction: Option<Content<'a>>,
    generation_config: GenerationConfig,
}

#[derive(Serialize)]
struct Content<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    parts: [TextPart<'a>; 1],
}

#[derive(Serialize)]
struct TextPart<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenerationConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    max_output_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_mime_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_schema: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GenerateResponse {
    #[serde(default)]
    candidates: Vec<Candidate>,
    #[serde(default)]
    prompt_feedback: Option<PromptFeedback>,
    #[serde(default)]
    usage_metadata: Option<UsageMetadata>,
    #[serde(default)]
    model_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate {
    #[serde(default)]
    content: Option<CandidateContent>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct CandidateContent {
    #[serde(default)]
    parts: Vec<CandidatePart>,
}

#[derive(Deserialize)]
struct CandidatePart {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    thought: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PromptFeedback {
    #[serde(default)]
    block_reason: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct UsageMetadata {
    #[serde(default)]
    prompt_token_count: u64,
    #[serde(default)]
    candidates_token_count: u64,
    #[serde(default)]
    thoughts_token_count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_json_schema_to_gemini_dialect() {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "additionalProperties": false,
            "required": ["clusters"],
            "properties": {
                "clusters": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "description": "cluster name"},
                            "volume": {"type": ["integer", "null"]},
                            "intent": {"oneOf": [{"type": "string", "enum": ["informational"]}, {"type": "null"}]}
                        }
                    }
                }
            }
        });
        let expected = json!({
            "type": "OBJECT",
            "required": ["clusters"],
            "properties": {
                "clusters": {
                    "type": "ARRAY",
                    "minItems": 1,
                    "items": {
                        "type": "OBJECT",
                        "properties": {
                            "name": {"type": "STRING", "description": "cluster name"},
                            "volume": {"type": "INTEGER", "nullable": true},
                            "intent": {"anyOf": [{"type": "STRING", "enum": ["informational"]}, {"type": "NULL"}]}
                        }
                    }
                }
            }
        });
        assert_eq!(to_gemini_schema(&schema), expected);
    }

    #[test]
    fn non_object_schemas_pass_through() {
        assert_eq!(to_gemini_schema(&json!(true)), json!(true));
    }

    #[test]
    fn rejects_model_ids_that_would_change_the_path() {
        for model in ["", "a/b", "x?y", "gemini 2"] {
            let config = ProviderConfig::new("http://localhost", model);
            assert!(matches!(GeminiChat::new(config), Err(AiError::Configuration(_))), "{model}");
        }
        let prefixed = GeminiChat::new(ProviderConfig::new("http://localhost", "models/gemini-2.5-flash"));
        assert_eq!(prefixed.map(|m| m.model).ok().as_deref(), Some("gemini-2.5-flash"));
    }
}
