//! OpenAI-compatible chat completions and embeddings: OpenAI itself and the many servers that copy its API
//! (Ollama, vLLM, llama.cpp server, OpenRouter, …).
//!
//! Wire format: `POST {base}/chat/completions` with `messages`, answer in `choices[0].message.content`, usage in
//! `usage.prompt_tokens` / `usage.completion_tokens`; `POST {base}/embeddings` with `input`, answer in
//! `data[].embedding`. The key is sent as `Authorization: Bearer …` and may be absent for local servers.

use std::borrow::Cow;

use async_trait::async_trait;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::http::{HttpClient, ProviderConfig, secret_header};
use crate::types::sanitised_schema_name;
use crate::{AiError, Embedder, EmbeddingResponse, Finish, TextModel, TextRequest, TextResponse, TokenUsage};

/// OpenAI's own API; for local servers use e.g. `http://localhost:11434/v1` (Ollama).
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

const PROVIDER: &str = "openai-compatible";

/// Inputs per embeddings request. OpenAI accepts up to 2048; a smaller batch keeps each request well inside its
/// per-request token limit and the timeout.
const EMBEDDING_BATCH: usize = 512;

/// How a JSON schema is requested from the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JsonMode {
    /// `response_format: {type: "json_schema", json_schema: {name, schema, strict: false}}` (OpenAI, vLLM,
    /// llama.cpp, recent Ollama, OpenRouter). Not strict: strict mode rejects common schema features (optional
    /// properties, open objects) and the tolerant parser handles the rest.
    #[default]
    JsonSchema,
    /// `response_format: {type: "json_object"}` with the schema written into the system prompt, for servers that
    /// only know JSON mode.
    JsonObject,
}

/// Which request field carries [`TextRequest::max_tokens`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MaxTokensField {
    /// `max_completion_tokens`: required by OpenAI's reasoning models (o-series, GPT-5), which reject `max_tokens`.
    #[default]
    MaxCompletionTokens,
    /// `max_tokens`: the older name, for servers that do not know the new one.
    MaxTokens,
}

/// Chat completions client.
#[derive(Debug)]
pub struct OpenAiChat {
    http: HttpClient,
    headers: HeaderMap,
    model: String,
    json_mode: JsonMode,
    max_tokens_field: MaxTokensField,
}

impl OpenAiChat {
    /// Builds the client; `config.base_url` ends before `/chat/completions` (e.g. [`DEFAULT_BASE_URL`]).
    pub fn new(config: ProviderConfig) -> Result<Self, AiError> {
        let http = HttpClient::new(PROVIDER, &config)?;
        let headers = bearer_headers(&http)?;
        Ok(Self {
            http,
            headers,
            model: config.model,
            json_mode: JsonMode::default(),
            max_tokens_field: MaxTokensField::default(),
        })
    }

    /// Chooses how JSON output is requested (default [`JsonMode::JsonSchema`]).
    pub fn with_json_mode(mut self, json_mode: JsonMode) -> Self {
        self.json_mode = json_mode;
        self
    }

    /// Chooses the output-limit field (default [`MaxTokensField::MaxCompletionTokens`]).
    pub fn with_max_tokens_field(mut self, field: MaxTokensField) -> Self {
        self.max_tokens_field = field;
        self
    }

    fn request_body<'a>(&'a self, request: &'a TextRequest) -> ChatRequest<'a> {
        let mut system = request.system.as_deref().map(Cow::Borrowed);
        let mut response_format = None;
        if let Some(schema) = &request.json_schema {
            match self.json_mode {
                JsonMode::JsonSchema => {
                    response_format = Some(json!({
                        "type": "json_schema",
                        "json_schema": {
                            "name": sanitised_schema_name(&request.schema_name),
                            "schema": schema,
                            "strict": false,
                        },
                    }));
                }
                JsonMode::JsonObject => {
                    // JSON mode needs the word "JSON" in the messages and says nothing about the shape: the
                    // schema goes into the instructions instead.
                    let instruction =
                        format!("Respond with a single JSON object that follows this JSON Schema:\n{schema}");
                    system = Some(Cow::Owned(match system {
                        Some(existing) => format!("{existing}\n\n{instruction}"),
                        None => instruction,
                    }));
                    response_format = Some(json!({ "type": "json_object" }));
                }
            }
        }
        let mut messages = Vec::with_capacity(2);
        if let Some(content) = system {
            messages.push(Message { role: "system", content });
        }
        messages.push(Message { role: "user", content: Cow::Borrowed(&request.prompt) });
        let (max_tokens, max_completion_tokens) = match self.max_tokens_field {
            MaxTokensField::MaxTokens => (request.max_tokens, None),
            MaxTokensField::MaxCompletionTokens => (None, request.max_tokens),
        };
        ChatRequest {
            model: &self.model,
            messages,
            max_tokens,
            max_completion_tokens,
            temperature: request.temperature,
            response_format,
        }
    }
}

#[async_trait]
impl TextModel for OpenAiChat {
    async fn generate(&self, request: &TextRequest) -> Result<TextResponse, AiError> {
        let url = self.http.url("/chat/completions");
        let response: ChatResponse = self.http.post_json(&url, &self.headers, &self.request_body(request)).await?;
        let choice = response.choices.into_iter().next().ok_or_else(|| self.http.invalid("`choices` is empty"))?;
        let finish = match choice.finish_reason.as_deref() {
            Some("stop") => Finish::Stop,
            Some("length") => Finish::Length,
            Some(other) => Finish::Other(other.to_owned()),
            None => Finish::Other("unspecified".to_owned()),
        };
        if let Some(refusal) = choice.message.refusal.filter(|refusal| !refusal.trim().is_empty()) {
            return Err(self.http.filtered(refusal));
        }
        let text = match choice.message.content {
            Some(text) => text,
            None if matches!(&finish, Finish::Other(reason) if reason == "content_filter") => {
                return Err(self.http.filtered("the answer was removed by the content filter"));
            }
            None => return Err(self.http.invalid("`choices[0].message.content` is missing")),
        };
        Ok(TextResponse {
            text,
            usage: usage_or_zero(response.usage, &self.model),
            model: response.model.unwrap_or_else(|| self.model.clone()),
            finish,
        })
    }

    fn model_id(&self) -> &str {
        &self.model
    }
}

/// Embeddings client (`POST {base}/embeddings`).
#[derive(Debug)]
pub struct OpenAiEmbeddings {
    http: HttpClient,
    headers: HeaderMap,
    model: String,
}

impl OpenAiEmbeddings {
    /// Builds the client; `config.base_url` ends before `/embeddings` (e.g. [`DEFAULT_BASE_URL`]).
    pub fn new(config: ProviderConfig) -> Result<Self, AiError> {
        let http = HttpClient::new(PROVIDER, &config)?;
        let headers = bearer_headers(&http)?;
        Ok(Self { http, headers, model: config.model })
    }

    async fn embed_batch(&self, texts: &[String]) -> Result<(Vec<Vec<f32>>, TokenUsage), AiError> {
        let body = EmbeddingRequest { model: &self.model, input: texts, encoding_format: "float" };
        let url = self.http.url("/embeddings");
        let mut response: EmbeddingApiResponse = self.http.post_json(&url, &self.headers, &body).await?;
        if response.data.len() != texts.len() {
            return Err(self.http.invalid(format!(
                "{} embeddings returned for {} inputs",
                response.data.len(),
                texts.len()
            )));
        }
        response.data.sort_by_key(|item| item.index);
        if response.data.iter().enumerate().any(|(position, item)| item.index != position) {
            return Err(self.http.invalid("embedding indices do not cover the inputs exactly once"));
        }
        let vectors: Vec<Vec<f32>> = response.data.into_iter().map(|item| item.embedding).collect();
        Ok((vectors, usage_or_zero(response.usage, &self.model)))
    }
}

#[async_trait]
impl Embedder for OpenAiEmbeddings {
    /// Sends the texts in batches of up to 512 and sums the usage. An empty slice makes no request.
    async fn embed(&self, texts: &[String]) -> Result<EmbeddingResponse, AiError> {
        let mut vectors = Vec::with_capacity(texts.len());
        let mut usage = TokenUsage::default();
        for batch in texts.chunks(EMBEDDING_BATCH) {
            let (batch_vectors, batch_usage) = self.embed_batch(batch).await?;
            vectors.extend(batch_vectors);
            usage.input_tokens = usage.input_tokens.saturating_add(batch_usage.input_tokens);
        }
        let dimensions = vectors.first().map(Vec::len);
        if vectors.iter().any(|vector| Some(vector.len()) != dimensions || vector.is_empty()) {
            return Err(self.http.invalid("embedding vectors are empty or differ in length"));
        }
        Ok(EmbeddingResponse { vectors, usage })
    }

    fn model_id(&self) -> &str {
        &self.model
    }
}

fn bearer_headers(http: &HttpClient) -> Result<HeaderMap, AiError> {
    let mut headers = HeaderMap::new();
    if let Some(key) = http.api_key() {
        secret_header(PROVIDER, AUTHORIZATION, &format!("Bearer {key}"), &mut headers)?;
    }
    Ok(headers)
}

/// Some local servers leave `usage` out. Their calls cost nothing to us, but a missing count on a paid endpoint
/// would mean unbilled work, so it is logged.
fn usage_or_zero(usage: Option<Usage>, model: &str) -> TokenUsage {
    match usage {
        Some(usage) => TokenUsage { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens },
        None => {
            tracing::warn!(provider = PROVIDER, model, "response has no `usage`; counting zero tokens");
            TokenUsage::default()
        }
    }
}

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: Vec<Message<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_completion_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<Value>,
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    content: Cow<'a, str>,
}

#[derive(Deserialize)]
struct ChatResponse {
    #[serde(default)]
    model: Option<String>,
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: ChoiceMessage,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    #[serde(default)]
    content: Option<String>,
    /// Set instead of `content` when a structured-output request is refused.
    #[serde(default)]
    refusal: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

#[derive(Serialize)]
struct EmbeddingRequest<'a> {
    model: &'a str,
    input: &'a [String],
    /// Explicit, because some clients and servers default to base64.
    encoding_format: &'static str,
}

#[derive(Deserialize)]
struct EmbeddingApiResponse {
    data: Vec<EmbeddingItem>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct EmbeddingItem {
    index: usize,
    embedding: Vec<f32>,
}
