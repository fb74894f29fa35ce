//! OpenAI Images client (`POST {base}/images/generations`), also usable with OpenAI-compatible image servers.
//!
//! The image comes back as `data[0].b64_json` or as a short-lived `data[0].url`, which is downloaded through the
//! same client (without the API key). DALL·E models return a URL unless `response_format: b64_json` is sent;
//! GPT-image models always return base64 and reject that parameter, so it is only sent where it is supported.

use async_trait::async_trait;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use serde::{Deserialize, Serialize};

use super::{image_from_base64, image_from_url};
use crate::http::{HttpClient, ProviderConfig, secret_header};
use crate::{AiError, ImageModel, ImageRequest, ImageResponse};

/// OpenAI's API; the client appends `/images/generations`.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

const PROVIDER: &str = "openai-images";

/// Images API client.
#[derive(Debug)]
pub struct OpenAiImages {
    http: HttpClient,
    headers: HeaderMap,
    model: String,
    request_base64: bool,
}

impl OpenAiImages {
    /// Builds the client; `config.base_url` ends before `/images/generations` (e.g. [`DEFAULT_BASE_URL`]).
    /// `response_format: b64_json` is requested for `dall-e-*` models; see [`OpenAiImages::with_base64_response`].
    pub fn new(config: ProviderConfig) -> Result<Self, AiError> {
        let http = HttpClient::new(PROVIDER, &config)?;
        let mut headers = HeaderMap::new();
        if let Some(key) = http.api_key() {
            secret_header(PROVIDER, AUTHORIZATION, &format!("Bearer {key}"), &mut headers)?;
        }
        let request_base64 = config.model.starts_with("dall-e");
        Ok(Self { http, headers, model: config.model, request_base64 })
    }

    /// Overrides whether `response_format: b64_json` is sent (for compatible servers with other model names).
    pub fn with_base64_response(mut self, request_base64: bool) -> Self {
        self.request_base64 = request_base64;
        self
    }
}

#[async_trait]
impl ImageModel for OpenAiImages {
    async fn generate(&self, request: &ImageRequest) -> Result<ImageResponse, AiError> {
        // The Images API has no negative prompt; the instruction is appended in words instead.
        let prompt = match request.negative_prompt.as_deref().map(str::trim) {
            Some(avoid) if !avoid.is_empty() => format!("{}\n\nAvoid: {avoid}", request.prompt),
            _ => request.prompt.clone(),
        };
        let body = GenerationRequest {
            model: &self.model,
            prompt: &prompt,
            n: 1,
            size: format!("{}x{}", request.width, request.height),
            response_format: self.request_base64.then_some("b64_json"),
        };
        let url = self.http.url("/images/generations");
        let response: GenerationResponse = self.http.post_json(&url, &self.headers, &body).await?;
        let image = response.data.into_iter().next().ok_or_else(|| self.http.invalid("`data` is empty"))?;
        match (image.b64_json, image.url) {
            (Some(data), _) => image_from_base64(&self.http, &data, &self.model),
            (None, Some(url)) => image_from_url(&self.http, &url, &self.model).await,
            (None, None) => Err(self.http.invalid("`data[0]` has neither `b64_json` nor `url`")),
        }
    }

    fn model_id(&self) -> &str {
        &self.model
    }
}

#[derive(Serialize)]
struct GenerationRequest<'a> {
    model: &'a str,
    prompt: &'a str,
    n: u32,
    size: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<&'static str>,
}

#[derive(Deserialize)]
struct GenerationResponse {
    data: Vec<GeneratedImage>,
}

#[derive(Deserialize)]
struct GeneratedImage {
    #[serde(default)]
    b64_json: Option<String>,
    #[serde(default)]
    url: Option<String>,
}
