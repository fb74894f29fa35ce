//! Shared fixtures and the failure scenarios every client must handle the same way.

use std::fmt::Debug;
use std::time::{Duration, Instant};

use ai::{AiError, ProviderConfig, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const KEY: &str = "test-key-123";

/// A minimal PNG header: enough for MIME detection.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Tiny backoff so retries cost milliseconds; two retries; a timeout far above any normal reply.
pub fn config(base_url: String, model: &str) -> ProviderConfig {
    ProviderConfig::new(base_url, model)
        .with_api_key(KEY)
        .with_timeout(Duration::from_secs(5))
        .with_max_retries(2)
        .with_retry_policy(RetryPolicy { base_delay: Duration::from_millis(1), max_delay: Duration::from_secs(2) })
}

pub async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

pub fn json_body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("request body is JSON")
}

pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

/// `first` answers the first request only; later ones fall through to lower-priority mocks.
fn first_only(at: &str, first: ResponseTemplate) -> Mock {
    Mock::given(method("POST")).and(path(at.to_owned())).respond_with(first).up_to_n_times(1).with_priority(1)
}

/// 429 with `Retry-After: 1`, then success: the call succeeds, waited the second, and made two requests.
pub async fn rate_limited_then_ok<T: Debug>(
    server: &MockServer,
    at: &str,
    ok: ResponseTemplate,
    call: impl AsyncFn() -> Result<T, AiError>,
) {
    let limited = ResponseTemplate::new(429)
        .insert_header("retry-after", "1")
        .set_body_json(serde_json::json!({"error": {"message": "slow down"}}));
    first_only(at, limited).mount(server).await;
    Mock::given(method("POST")).and(path(at.to_owned())).respond_with(ok).mount(server).await;
    let started = Instant::now();
    let result = call().await;
    assert!(result.is_ok(), "{result:?}");
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After was not honoured");
    assert_eq!(requests(server).await.len(), 2);
}

/// 500, then success: retried once.
pub async fn server_error_then_ok<T: Debug>(
    server: &MockServer,
    at: &str,
    ok: ResponseTemplate,
    call: impl AsyncFn() -> Result<T, AiError>,
) {
    first_only(at, ResponseTemplate::new(500).set_body_string("upstream exploded")).mount(server).await;
    Mock::given(method("POST")).and(path(at.to_owned())).respond_with(ok).mount(server).await;
    let result = call().await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(requests(server).await.len(), 2);
}

/// 400: not retried; the error carries the provider's message and never the key.
pub async fn bad_request_is_final<T: Debug>(
    server: &MockServer,
    at: &str,
    error_body: Value,
    expected_message: &str,
    call: impl AsyncFn() -> Result<T, AiError>,
) {
    let reply = ResponseTemplate::new(400).set_body_json(error_body);
    Mock::given(method("POST")).and(path(at.to_owned())).respond_with(reply).mount(server).await;
    let err = call().await.expect_err("a 400 must fail");
    let AiError::Http { status: 400, message, .. } = &err else { panic!("expected HTTP 400, got {err:?}") };
    assert!(message.contains(expected_message), "{message}");
    assert!(!err.to_string().contains(KEY), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(requests(server).await.len(), 1);
}

/// A reply slower than the timeout: `Timeout` after the first attempt and both retries.
pub async fn times_out<T: Debug>(
    server: &MockServer,
    at: &str,
    ok: ResponseTemplate,
    call: impl AsyncFn() -> Result<T, AiError>,
) {
    let slow = ok.set_delay(Duration::from_secs(3));
    Mock::given(method("POST")).and(path(at.to_owned())).respond_with(slow).mount(server).await;
    let result = call().await;
    assert!(matches!(result, Err(AiError::Timeout { .. })), "{result:?}");
    assert_eq!(requests(server).await.len(), 3);
}

/// A 200 whose body is not JSON: `InvalidResponse`, not retried.
pub async fn malformed_body<T: Debug>(server: &MockServer, at: &str, call: impl AsyncFn() -> Result<T, AiError>) {
    let reply = ResponseTemplate::new(200).set_body_string("<html>gateway</html>");
    Mock::given(method("POST")).and(path(at.to_owned())).respond_with(reply).mount(server).await;
    let result = call().await;
    assert!(matches!(result, Err(AiError::InvalidResponse { .. })), "{result:?}");
    assert_eq!(requests(server).await.len(), 1);
}

/// Answers every POST to `at` with `reply`.
pub async fn reply(server: &MockServer, at: &str, reply: ResponseTemplate) {
    Mock::given(method("POST")).and(path(at.to_owned())).respond_with(reply).mount(server).await;
}
