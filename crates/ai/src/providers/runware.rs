//! Runware image client (HTTP REST task API).
//!
//! Wire format: `POST {base}` with `Authorization: Bearer …` and a JSON **array** of tasks; we send one
//! `imageInference` task (`taskUUID`, `positivePrompt`, `negativePrompt`, `width`, `height`, `model`,
//! `numberResults: 1`, `outputType`). The answer is `{"data": [{"taskUUID", "imageUUID", "imageURL" |
//! "imageBase64Data", …}]}`; failures are `{"errors": [{"code", "message", …}]}`.

use async_trait::async_trait;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use serde::{Deserialize, Serialize};

use super::{image_from_base64, image_from_url};
use crate::http::{HttpClient, ProviderConfig, secret_header};
use crate::{AiError, ImageModel, ImageRequest, ImageResponse};

/// Runware's REST endpoint; tasks are posted to the base URL itself.
pub const DEFAULT_BASE_URL: &str = "https://api.runware.ai/v1";

const PROVIDER: &str = "runware";

/// How Runware should deliver the image.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RunwareOutput {
    /// `outputType: base64Data`: the image is in the response, one round trip.
    #[default]
    Base64,
    /// `outputType: URL`: the image is downloaded from Runware's CDN afterwards.
    Url,
}

/// `imageInference` client.
#[derive(Debug)]
pub struct RunwareImages {
    http: HttpClient,
    headers: HeaderMap,
    model: String,
    output: RunwareOutput,
}

impl RunwareImages {
    /// Builds the client; `config.base_url` is the task endpoint (e.g. [`DEFAULT_BASE_URL`]) and `config.model` an
    /// AIR id such as `runware:100@1`.
    pub fn new(config: ProviderConfig) -> Result<Self, AiError> {
        let http = HttpClient::new(PROVIDER, &config)?;
        let mut headers = HeaderMap::new();
        if let Some(key) = http.api_key() {
            secret_header(PROVIDER, AUTHORIZATION, &format!("Bearer {key}"), &mut headers)?;
        }
        Ok(Self { http, headers, model: config.model, output: RunwareOutput::default() })
    }

    /// Chooses how the image is delivered (default [`RunwareOutput::Base64`]).
    pub fn with_output(mut self, output: RunwareOutput) -> Self {
        self.output = output;
        self
    }
}

#[async_trait]
impl ImageModel for RunwareImages {
    async fn generate(&self, request: &ImageRequest) -> Result<ImageResponse, AiError> {
        let task_uuid = uuid::Uuid::new_v4().to_string();
        let task = InferenceTask {
            task_type: "imageInference",
            task_uuid: &task_uuid,
            positive_prompt: &request.prompt,
            negative_prompt: request.negative_prompt.as_deref().map(str::trim).filter(|text| !text.is_empty()),
            width: request.width,
            height: request.height,
            model: &self.model,
            number_results: 1,
            output_type: match self.output {
                RunwareOutput::Base64 => "base64Data",
                RunwareOutput::Url => "URL",
            },
        };
        let url = self.http.url("");
        let response: TaskResponse = self.http.post_json(&url, &self.headers, &[task]).await?;
        let result = response
            .data
            .iter()
            .find(|result| result.task_uuid.as_deref() == Some(task_uuid.as_str()))
            .or_else(|| response.data.first());
        let Some(result) = result else {
            let message = response.errors.first().map_or("no result in `data`", |error| error.message.as_str());
            return Err(self.http.invalid(format!("no image returned: {message}")));
        };
        match (&result.image_base64_data, &result.image_url) {
            (Some(data), _) => image_from_base64(&self.http, data, &self.model),
            (None, Some(url)) => image_from_url(&self.http, url, &self.model).await,
            (None, None) => Err(self.http.invalid("the result has neither `imageBase64Data` nor `imageURL`")),
        }
    }

    fn model_id(&self) -> &str {
        &self.model
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InferenceTask<'a> {
    task_type: &'static str,
    #[serde(rename = "taskUUID")]
    task_uuid: &'a str,
    positive_prompt: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    negative_prompt: Option<&'a str>,
    width: u32,
    height: u32,
    model: &'a str,
    number_results: u32,
    output_type: &'static str,
}

#[derive(Deserialize)]
struct TaskResponse {
    #[serde(default)]
    data: Vec<TaskResult>,
    #[serde(default)]
    errors: Vec<TaskError>,
}

#[derive(Deserialize)]
struct TaskResult {
    #[serde(default, rename = "taskUUID")]
    task_uuid: Option<String>,
    #[serde(default, rename = "imageURL")]
    image_url: Option<String>,
    #[serde(default, rename = "imageBase64Data")]
    image_base64_data: Option<String>,
}

#[derive(Deserialize)]
struct TaskError {
    #[serde(default)]
    message: String,
}
