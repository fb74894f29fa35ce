//! Shared HTTP plumbing for the provider clients: configuration, sending with retries, error classification,
//! bounded body reading and image downloads.
//!
//! Each client only builds its request body and reads its response type; everything about *how* a call is made
//! (timeouts, retries, what counts as retryable, keeping the API key out of errors) lives here once.

use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Client, RequestBuilder, Response, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{AiError, excerpt};
use crate::retry::{RetryPolicy, parse_retry_after};

/// Largest response body accepted (JSON with base64 images included). Protects workers from unbounded downloads.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Connection set-up gets at most this long, even when the whole-request timeout is longer, so an unreachable host
/// fails (and is retried) quickly.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how to reach one model of one provider.
#[derive(Clone, PartialEq)]
pub struct ProviderConfig {
    /// The provider's base URL; each client documents what it appends (see the `DEFAULT_BASE_URL` constants).
    pub base_url: String,
    /// `None` for servers without authentication (local Ollama, vLLM, llama.cpp).
    pub api_key: Option<String>,
    /// The provider's model id, e.g. `gpt-4.1-mini`, `claude-sonnet-4-5`, `gemini-2.5-flash`, `runware:100@1`.
    pub model: String,
    /// Limit for one attempt (connect + request + whole response body). Default 300 s: long articles take minutes.
    pub timeout: Duration,
    /// Retries after the first attempt for retryable errors (429, 5xx, timeout, network). Default 3.
    pub max_retries: u32,
    /// Backoff between attempts.
    pub retry: RetryPolicy,
}

impl ProviderConfig {
    /// A configuration with no API key and default timeout and retries.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: None,
            model: model.into(),
            timeout: Duration::from_secs(300),
            max_retries: 3,
            retry: RetryPolicy::default(),
        }
    }

    /// Sets the API key.
    pub fn with_api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Sets the per-attempt timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets how many times a retryable failure is retried.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the backoff policy.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
}

/// Hand-written so the API key never reaches a log line.
impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("retry", &self.retry)
            .finish()
    }
}

/// A reqwest client bound to one provider configuration.
pub(crate) struct HttpClient {
    client: Client,
    provider: &'static str,
    base_url: String,
    timeout: Duration,
    max_retries: u32,
    retry: RetryPolicy,
    /// Kept only to scrub it out of provider error messages.
    api_key: Option<String>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// Checks the configuration and builds the client. `provider` names the provider in errors and logs.
    pub(crate) fn new(provider: &'static str, config: &ProviderConfig) -> Result<Self, AiError> {
        let base = Url::parse(config.base_url.trim())
            .map_err(|err| AiError::Configuration(format!("{provider}: base URL is not a valid URL ({err})")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(AiError::Configuration(format!("{provider}: base URL must use http or https")));
        }
        if config.model.trim().is_empty() {
            return Err(AiError::Configuration(format!("{provider}: no model configured")));
        }
        ensure_tls_provider();
        let client = Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(MAX_CONNECT_TIMEOUT))
            .user_agent(concat!("igny8-ai/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| AiError::Configuration(format!("{provider}: cannot build the HTTP client ({err})")))?;
        Ok(Self {
            client,
            provider,
            base_url: config.base_url.trim().trim_end_matches('/').to_owned(),
            timeout: config.timeout,
            max_retries: config.max_retries,
            retry: config.retry,
            api_key: config.api_key.clone().filter(|key| !key.is_empty()),
        })
    }

    /// `path` (starting with `/`) appended to the configured base URL.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The API key, if one is configured and non-empty.
    pub(crate) fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }

    /// An [`AiError::InvalidResponse`] from this provider.
    pub(crate) fn invalid(&self, detail: impl Into<String>) -> AiError {
        AiError::InvalidResponse { provider: self.provider, detail: detail.into() }
    }

    /// An [`AiError::ContentFiltered`] from this provider.
    pub(crate) fn filtered(&self, reason: impl Into<String>) -> AiError {
        AiError::ContentFiltered { provider: self.provider, reason: reason.into() }
    }

    /// POSTs `body` as JSON with `headers`, retrying retryable failures, and decodes a 2xx answer as `T`.
    pub(crate) async fn post_json<T: DeserializeOwned>(
        &self,
        url: &str,
        headers: &HeaderMap,
        body: &impl Serialize,
    ) -> Result<T, AiError> {
        let body = serde_json::to_vec(body)
            .map_err(|err| AiError::Configuration(format!("{}: cannot encode the request ({err})", self.provider)))?;
        let bytes = self
            .with_retries(|| {
                let request = self
                    .client
                    .post(url)
                    .headers(headers.clone())
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
                self.send_once(request)
            })
            .await?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|err| self.invalid(format!("body does not match the API: {err}")))
    }

    /// GETs an image (or any file) the provider pointed to, with retries. No API key or other credential is sent:
    /// the URL may belong to a CDN or another host.
    pub(crate) async fn download(&self, url: &str) -> Result<Vec<u8>, AiError> {
        let parsed = Url::parse(url).map_err(|err| self.invalid(format!("download URL is not a URL ({err})")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(self.invalid("download URL is not http(s)"));
        }
        self.with_retries(|| self.send_once(self.client.get(parsed.clone()))).await
    }

    /// Runs `attempt` until it succeeds, fails with a final error, or `max_retries` retries are spent.
    async fn with_retries<T, F, Fut>(&self, mut attempt: F) -> Result<T, AiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AiError>>,
    {
        let mut retries = 0;
        loop {
            match attempt().await {
                Ok(value) => return Ok(value),
                Err(err) if err.is_retryable() && retries < self.max_retries => {
                    let delay = self.retry.delay(retries, err.retry_after());
                    tracing::warn!(
                        provider = self.provider,
                        retry = retries + 1,
                        max_retries = self.max_retries,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        error = %err,
                        "retrying AI provider call"
                    );
                    tokio::time::sleep(delay).await;
                    retries += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// One attempt: send, read the whole body, and turn a non-2xx status into the matching error.
    async fn send_once(&self, request: RequestBuilder) -> Result<Vec<u8>, AiError> {
        let response = request.send().await.map_err(|err| self.transport_error(&err))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| parse_retry_after(value, SystemTime::now()));
        let body = self.read_body(response).await?;
        if status.is_success() {
            return Ok(body);
        }
        let message = excerpt(&provider_error_message(&body), self.api_key());
        Err(if status == StatusCode::TOO_MANY_REQUESTS {
            AiError::RateLimited { provider: self.provider, retry_after, message }
        } else {
            AiError::Http {
                provider: self.provider,
                status: status.as_u16(),
                message,
                retry_after: retry_after.filter(|_| status == StatusCode::SERVICE_UNAVAILABLE),
            }
        })
    }

    async fn read_body(&self, mut response: Response) -> Result<Vec<u8>, AiError> {
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| self.transport_error(&err))? {
            if body.len().saturating_add(chunk.len()) > MAX_BODY_BYTES {
                return Err(self.invalid(format!("response body is larger than {MAX_BODY_BYTES} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn transport_error(&self, err: &reqwest::Error) -> AiError {
        if err.is_timeout() {
            return AiError::Timeout { provider: self.provider, timeout: self.timeout };
        }
        if err.is_builder() {
            return AiError::Configuration(format!("{}: invalid request ({})", self.provider, error_chain(err)));
        }
        AiError::Network { provider: self.provider, message: excerpt(&error_chain(err), self.api_key()) }
    }
}

/// A header value carrying a credential, marked sensitive so it is hidden from `Debug` output.
pub(crate) fn secret_header(
    provider: &'static str,
    name: HeaderName,
    value: &str,
    headers: &mut HeaderMap,
) -> Result<(), AiError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        AiError::Configuration(format!("{provider}: the API key contains characters not allowed in an HTTP header"))
    })?;
    value.set_sensitive(true);
    headers.insert(name, value);
    Ok(())
}

/// reqwest's top-level message is terse ("error sending request"); the causes say what actually failed. URLs are
/// left out: signed download URLs carry tokens.
fn error_chain(err: &reqwest::Error) -> String {
    let mut message = err.to_string();
    if let Some(url) = err.url() {
        message = message.replace(url.as_str(), "[url]");
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// The human-readable message from a provider's error body: `error.message` (OpenAI, Anthropic, Gemini),
/// `errors[0].message` (Runware), `error`, `message` or `detail` as a string, else the body itself.
fn provider_error_message(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let candidates = [
            value.pointer("/error/message"),
            value.pointer("/errors/0/message"),
            value.get("error"),
            value.get("message"),
            value.get("detail"),
        ];
        if let Some(message) = candidates.into_iter().flatten().find_map(|v| v.as_str()) {
            return message.to_owned();
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() { "(empty body)".to_owned() } else { text.to_owned() }
}

/// reqwest is built with `rustls-no-provider` (the workspace compiles `ring`, not `aws-lc`), so a process-wide
/// rustls crypto provider must exist before a client is built. Install `ring` unless the application already
/// installed one; an `Err` only means another thread won the race, which is equally fine.
pub fn ensure_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_message_in_each_provider_error_shape() {
        let openai = br#"{"error":{"message":"bad model","type":"invalid_request_error"}}"#;
        assert_eq!(provider_error_message(openai), "bad model");
        let anthropic =
            br#"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: required"}}"#;
        assert_eq!(provider_error_message(anthropic), "max_tokens: required");
        let runware = br#"{"errors":[{"code":"invalidModel","message":"unknown model"}]}"#;
        assert_eq!(provider_error_message(runware), "unknown model");
        assert_eq!(provider_error_message(br#"{"error":"plain"}"#), "plain");
        assert_eq!(provider_error_message(br#"{"detail":"fastapi"}"#), "fastapi");
        assert_eq!(provider_error_message(b"  Bad Gateway \n"), "Bad Gateway");
        assert_eq!(provider_error_message(b""), "(empty body)");
        assert_eq!(provider_error_message(&[0xff, 0xfe]), "\u{fffd}\u{fffd}");
    }

    #[test]
    fn debug_output_hides_the_key() {
        let config = ProviderConfig::new("http://localhost", "m").with_api_key("sk-secret");
        assert!(!format!("{config:?}").contains("sk-secret"));
    }

    #[test]
    fn rejects_unusable_configuration() {
        let bad_url = HttpClient::new("test", &ProviderConfig::new("not a url", "m"));
        assert!(matches!(bad_url, Err(AiError::Configuration(_))));
        let bad_scheme = HttpClient::new("test", &ProviderConfig::new("ftp://host", "m"));
        assert!(matches!(bad_scheme, Err(AiError::Configuration(_))));
        let no_model = HttpClient::new("test", &ProviderConfig::new("http://localhost", " "));
        assert!(matches!(no_model, Err(AiError::Configuration(_))));
        let client = HttpClient::new("test", &ProviderConfig::new("http://localhost/v1/", "m"));
        assert_eq!(client.map(|c| c.url("/chat")).ok().as_deref(), Some("http://localhost/v1/chat"));
    }

    #[test]
    fn secret_headers_reject_control_characters() {
        let mut headers = HeaderMap::new();
        let err = secret_header("test", reqwest::header::AUTHORIZATION, "Bearer a\nb", &mut headers);
        assert!(matches!(err, Err(AiError::Configuration(message)) if !message.contains("a\nb")));
        assert!(secret_header("test", reqwest::header::AUTHORIZATION, "Bearer ok", &mut headers).is_ok());
        assert!(headers.get(reqwest::header::AUTHORIZATION).is_some_and(HeaderValue::is_sensitive));
    }
}
