use std::time::Duration;

use ai::providers::OpenAiImages;
use ai::{AiError, ImageModel, ImageRequest, ImageResponse, ProviderConfig};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{self, KEY, PNG};

const PATH: &str = "/v1/images/generations";

fn config(server: &MockServer, model: &str) -> ProviderConfig {
    common::config(format!("{}/v1", server.uri()), model)
}

fn request() -> ImageRequest {
    ImageRequest {
        prompt: "A lighthouse at dusk".into(),
        negative_prompt: Some("text, watermark".into()),
        width: 1792,
        height: 1024,
    }
}

fn good_reply() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"created": 1, "data": [{"b64_json": STANDARD.encode(PNG)}]}))
}

async fn generate(config: ProviderConfig) -> Result<ImageResponse, AiError> {
    OpenAiImages::new(config)?.generate(&request()).await
}

#[tokio::test]
async fn base64_reply_gives_bytes_and_mime() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    let image = generate(config(&server, "dall-e-3")).await.unwrap();
    assert_eq!(image.bytes, PNG);
    assert_eq!(image.mime, "image/png");
    assert_eq!(image.model, "dall-e-3");
}

#[tokio::test]
async fn sends_key_model_size_and_b64_format_for_dall_e() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    generate(config(&server, "dall-e-3")).await.unwrap();
    let sent = common::requests(&server).await;
    assert_eq!(common::header(&sent[0], "authorization"), Some(format!("Bearer {KEY}").as_str()));
    let body = common::json_body(&sent[0]);
    assert_eq!(
        body,
        json!({
            "model": "dall-e-3",
            "prompt": "A lighthouse at dusk\n\nAvoid: text, watermark",
            "n": 1,
            "size": "1792x1024",
            "response_format": "b64_json"
        })
    );
}

#[tokio::test]
async fn gpt_image_models_get_no_response_format() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    generate(config(&server, "gpt-image-1")).await.unwrap();
    let body = common::json_body(&common::requests(&server).await[0]);
    assert!(body.get("response_format").is_none());
}

#[tokio::test]
async fn url_reply_is_downloaded_without_the_key() {
    let server = MockServer::start().await;
    let url = format!("{}/files/generated.png?sig=abc", server.uri());
    common::reply(&server, PATH, ResponseTemplate::new(200).set_body_json(json!({"data": [{"url": url}]}))).await;
    Mock::given(method("GET"))
        .and(path("/files/generated.png"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(PNG))
        .mount(&server)
        .await;
    let client = OpenAiImages::new(config(&server, "dall-e-3")).unwrap().with_base64_response(false);
    let image = client.generate(&request()).await.unwrap();
    assert_eq!(image.bytes, PNG);
    let sent = common::requests(&server).await;
    assert!(common::json_body(&sent[0]).get("response_format").is_none());
    assert_eq!(sent[1].url.path(), "/files/generated.png");
    assert!(sent[1].headers.get("authorization").is_none(), "the API key must not go to the download host");
}

#[tokio::test]
async fn non_image_data_is_invalid_response() {
    let server = MockServer::start().await;
    let reply = ResponseTemplate::new(200).set_body_json(json!({"data": [{"b64_json": STANDARD.encode("<html>")}]}));
    common::reply(&server, PATH, reply).await;
    assert!(matches!(generate(config(&server, "dall-e-3")).await, Err(AiError::InvalidResponse { .. })));

    let server = MockServer::start().await;
    common::reply(&server, PATH, ResponseTemplate::new(200).set_body_json(json!({"data": [{"b64_json": "@@@"}]})))
        .await;
    assert!(matches!(generate(config(&server, "dall-e-3")).await, Err(AiError::InvalidResponse { .. })));

    let server = MockServer::start().await;
    common::reply(&server, PATH, ResponseTemplate::new(200).set_body_json(json!({"data": [{}]}))).await;
    assert!(matches!(generate(config(&server, "dall-e-3")).await, Err(AiError::InvalidResponse { .. })));
}

#[tokio::test]
async fn retries_after_429_honouring_retry_after() {
    let server = MockServer::start().await;
    common::rate_limited_then_ok(&server, PATH, good_reply(), async || generate(config(&server, "dall-e-3")).await)
        .await;
}

#[tokio::test]
async fn retries_a_500() {
    let server = MockServer::start().await;
    common::server_error_then_ok(&server, PATH, good_reply(), async || generate(config(&server, "dall-e-3")).await)
        .await;
}

#[tokio::test]
async fn a_400_is_final_and_carries_the_message() {
    let server = MockServer::start().await;
    let body = json!({"error": {"message": "Your request was rejected as a result of our safety system.", "code": "content_policy_violation"}});
    common::bad_request_is_final(&server, PATH, body, "safety system", async || {
        generate(config(&server, "dall-e-3")).await
    })
    .await;
}

#[tokio::test]
async fn times_out_after_all_retries() {
    let server = MockServer::start().await;
    let call = async || generate(config(&server, "dall-e-3").with_timeout(Duration::from_millis(200))).await;
    common::times_out(&server, PATH, good_reply(), call).await;
}

#[tokio::test]
async fn malformed_body_is_invalid_response() {
    let server = MockServer::start().await;
    common::malformed_body(&server, PATH, async || generate(config(&server, "dall-e-3")).await).await;
}
