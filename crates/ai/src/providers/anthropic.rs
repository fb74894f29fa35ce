//! Anthropic Messages API client.
//!
//! Wire format: `POST {base}/v1/messages` with headers `x-api-key` and `anthropic-version: 2023-06-01`; `system` is
//! a top-level field and `max_tokens` is required. The answer is a list of content blocks; usage is
//! `usage.input_tokens` / `usage.output_tokens`.
//!
//! Structured output uses **forced tool use**: the schema becomes the `input_schema` of one tool and `tool_choice`
//! forces the model to call it, so the JSON arrives as that tool call's `input`. This is the portable way
//! (integration-facts §2): it works with every Claude model and any JSON Schema, whereas the newer
//! `output_config.format` is limited to recent models and a strict schema subset.

use async_trait::async_trait;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::http::{HttpClient, ProviderConfig, secret_header};
use crate::types::sanitised_schema_name;
use crate::{AiError, Finish, TextModel, TextRequest, TextResponse, TokenUsage};

/// Anthropic's API; the client appends `/v1/messages`.
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";

const PROVIDER: &str = "anthropic";
const API_VERSION: &str = "2023-06-01";

/// `max_tokens` is mandatory in the Messages API; used when the request leaves it open.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// Tool inputs must be JSON objects; any other schema is wrapped in an object under this property and unwrapped
/// from the answer.
const WRAPPED_PROPERTY: &str = "result";

/// Messages API client.
#[derive(Debug)]
pub struct AnthropicChat {
    http: HttpClient,
    headers: HeaderMap,
    model: String,
}

impl AnthropicChat {
    /// Builds the client; `config.base_url` ends before `/v1/messages` (e.g. [`DEFAULT_BASE_URL`]).
    pub fn new(config: ProviderConfig) -> Result<Self, AiError> {
        let http = HttpClient::new(PROVIDER, &config)?;
        let mut headers = HeaderMap::new();
        headers.insert(HeaderName::from_static("anthropic-version"), HeaderValue::from_static(API_VERSION));
        if let Some(key) = http.api_key() {
            secret_header(PROVIDER, HeaderName::from_static("x-api-key"), key, &mut headers)?;
        }
        Ok(Self { http, headers, model: config.model })
    }
}

#[async_trait]
impl TextModel for AnthropicChat {
    async fn generate(&self, request: &TextRequest) -> Result<TextResponse, AiError> {
        let tool = request.json_schema.as_ref().map(|schema| ForcedTool::new(&request.schema_name, schema));
        let body = MessagesRequest {
            model: &self.model,
            max_tokens: request.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            system: request.system.as_deref(),
            messages: [UserMessage { role: "user", content: &request.prompt }],
            temperature: request.temperature,
            tools: tool.as_ref().map(|tool| {
                [json!({
                    "name": tool.name,
                    "description": "Return the answer as this tool's input, following its schema exactly.",
                    "input_schema": tool.input_schema,
                })]
            }),
            tool_choice: tool.as_ref().map(|tool| json!({ "type": "tool", "name": tool.name })),
        };
        let url = self.http.url("/v1/messages");
        let response: MessagesResponse = self.http.post_json(&url, &self.headers, &body).await?;

        let finish = match response.stop_reason.as_deref() {
            Some("end_turn" | "stop_sequence" | "tool_use") => Finish::Stop,
            Some("max_tokens") => Finish::Length,
            Some("refusal") => {
                let words: String = response
                    .content
                    .iter()
                    .filter(|block| block.kind == "text")
                    .filter_map(|block| block.text.as_deref())
                    .collect();
                let reason = match words.trim() {
                    "" => "the model declined to answer (stop_reason: refusal)".to_owned(),
                    words => format!("the model declined to answer: {words}"),
                };
                return Err(self.http.filtered(reason));
            }
            Some(other) => Finish::Other(other.to_owned()),
            None => Finish::Other("unspecified".to_owned()),
        };
        let tool_input = tool.as_ref().and_then(|tool| {
            response.content.iter().find_map(|block| match (block.kind.as_str(), &block.name, &block.input) {
                ("tool_use", Some(name), Some(input)) if *name == tool.name => Some(tool.unwrap_input(input)),
                _ => None,
            })
        });
        // Without a tool call (unlikely when it is forced, but possible when the output was cut off) the text
        // blocks are returned for the tolerant parser.
        let text = match tool_input {
            Some(input) => input,
            None => response
                .content
                .iter()
                .filter(|block| block.kind == "text")
                .filter_map(|block| block.text.as_deref())
                .collect(),
        };
        let usage = TokenUsage {
            // Prompt-cache reads and writes are billed input tokens reported outside `input_tokens`.
            input_tokens: response
                .usage
                .input_tokens
                .saturating_add(response.usage.cache_creation_input_tokens)
                .saturating_add(response.usage.cache_read_input_tokens),
            output_tokens: response.usage.output_tokens,
        };
        Ok(TextResponse { text, usage, model: response.model.unwrap_or_else(|| self.model.clone()), finish })
    }

    fn model_id(&self) -> &str {
        &self.model
    }
}

/// The tool that carries the requested JSON.
struct ForcedTool {
    name: String,
    input_schema: Value,
    wrapped: bool,
}

impl ForcedTool {
    fn new(schema_name: &str, schema: &Value) -> Self {
        let is_object = schema.get("type").and_then(Value::as_str) == Some("object");
        let (input_schema, wrapped) = if is_object {
            (schema.clone(), false)
        } else {
            let wrapper = json!({
                "type": "object",
                "properties": { WRAPPED_PROPERTY: schema },
                "required": [WRAPPED_PROPERTY],
            });
            (wrapper, true)
        };
        Self { name: sanitised_schema_name(schema_name), input_schema, wrapped }
    }

    /// The answer in a tool call's input, as the text the provider sent (so an object's members keep their order).
    fn unwrap_input(&self, input: &RawValue) -> String {
        if !self.wrapped {
            return input.get().to_owned();
        }
        match serde_json::from_str::<Value>(input.get()) {
            Ok(value) => value.get(WRAPPED_PROPERTY).unwrap_or(&value).to_string(),
            Err(_) => input.get().to_owned(),
        }
    }
}

#[derive(Serialize)]
struct MessagesRequest<'a> {
    model: &'a str,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    messages: [UserMessage<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tools: Option<[Value; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<Value>,
}

#[derive(Serialize)]
struct UserMessage<'a> {
    role: &'static str,
    content: &'a str,
}

#[derive(Deserialize)]
struct MessagesResponse {
    #[serde(default)]
    model: Option<String>,
    content: Vec<ContentBlock>,
    #[serde(default)]
    stop_reason: Option<String>,
    usage: Usage,
}

/// One content block: `text`, `tool_use`, or one that is neither (thinking, redacted thinking, types added later).
/// A struct rather than a tagged enum, because a tagged enum buffers its fields and the tool input is kept raw.
#[derive(Deserialize)]
struct ContentBlock {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    input: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct Usage {
    input_tokens: u64,
    output_tokens: u64,
    #[serde(default)]
    cache_creation_input_tokens: u64,
    #[serde(default)]
    cache_read_input_tokens: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_schemas_are_used_as_they_are() {
        let schema = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let tool = ForcedTool::new("my schema", &schema);
        assert_eq!(tool.name, "my_schema");
        assert_eq!(tool.input_schema, schema);
        let input = RawValue::from_string(r#"{"z": 1, "a": "x"}"#.to_owned()).unwrap();
        assert_eq!(tool.unwrap_input(&input), r#"{"z": 1, "a": "x"}"#, "kept as sent, members in order");
    }

    #[test]
    fn other_schemas_are_wrapped_and_unwrapped() {
        let schema = json!({"type": "array", "items": {"type": "string"}});
        let tool = ForcedTool::new("list", &schema);
        assert_eq!(tool.input_schema["properties"]["result"], schema);
        let input = RawValue::from_string(r#"{"result": ["a", "b"]}"#.to_owned()).unwrap();
        assert_eq!(tool.unwrap_input(&input), r#"["a","b"]"#);
    }
}
