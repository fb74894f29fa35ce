use std::time::Duration;

use ai::providers::{RunwareImages, RunwareOutput};
use ai::{AiError, ImageModel, ImageRequest, ImageResponse, ProviderConfig};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::{self, KEY, PNG};

const PATH: &str = "/v1";
const MODEL: &str = "runware:100@1";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];

fn config(server: &MockServer) -> ProviderConfig {
    common::config(format!("{}/v1", server.uri()), MODEL)
}

fn request() -> ImageRequest {
    ImageRequest {
        prompt: "A lighthouse at dusk".into(),
        negative_prompt: Some("blurry".into()),
        width: 1024,
        height: 576,
    }
}

/// Echoes the task's `taskUUID`, as Runware does, with the image inline.
struct InlineImage;

impl Respond for InlineImage {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let tasks: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        ResponseTemplate::new(200).set_body_json(json!({"data": [{
            "taskType": "imageInference",
            "taskUUID": tasks[0]["taskUUID"],
            "imageUUID": "b7db282d-2943-4f12-992f-77df3ad3ec71",
            "imageBase64Data": STANDARD.encode(JPEG)
        }]}))
    }
}

fn good_reply() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"data": [{"taskType": "imageInference", "imageBase64Data": STANDARD.encode(PNG)}]}))
}

async fn generate(config: ProviderConfig) -> Result<ImageResponse, AiError> {
    RunwareImages::new(config)?.generate(&request()).await
}

#[tokio::test]
async fn base64_reply_gives_bytes_and_mime() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path(PATH)).respond_with(InlineImage).mount(&server).await;
    let image = generate(config(&server)).await.unwrap();
    assert_eq!(image.bytes, JPEG);
    assert_eq!(image.mime, "image/jpeg");
    assert_eq!(image.model, MODEL);
}

#[tokio::test]
async fn sends_one_image_inference_task_with_bearer_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path(PATH)).respond_with(InlineImage).mount(&server).await;
    generate(config(&server)).await.unwrap();
    let sent = common::requests(&server).await;
    assert_eq!(common::header(&sent[0], "authorization"), Some(format!("Bearer {KEY}").as_str()));
    let tasks = common::json_body(&sent[0]);
    let tasks = tasks.as_array().expect("the body is an array of tasks");
    assert_eq!(tasks.len(), 1);
    let task_uuid = tasks[0]["taskUUID"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(task_uuid).is_ok(), "{task_uuid}");
    let mut task = tasks[0].clone();
    task.as_object_mut().unwrap().remove("taskUUID");
    assert_eq!(
        task,
        json!({
            "taskType": "imageInference",
            "positivePrompt": "A lighthouse at dusk",
            "negativePrompt": "blurry",
            "width": 1024,
            "height": 576,
            "model": MODEL,
            "numberResults": 1,
            "outputType": "base64Data"
        })
    );
}

#[tokio::test]
async fn url_output_is_downloaded_without_the_key() {
    let server = MockServer::start().await;
    let url = format!("{}/image/ws/2/ii/b7db282d.png", server.uri());
    let reply =
        ResponseTemplate::new(200).set_body_json(json!({"data": [{"taskType": "imageInference", "imageURL": url}]}));
    common::reply(&server, PATH, reply).await;
    Mock::given(method("GET"))
        .and(path("/image/ws/2/ii/b7db282d.png"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(PNG))
        .mount(&server)
        .await;
    let client = RunwareImages::new(config(&server)).unwrap().with_output(RunwareOutput::Url);
    let image = client.generate(&request()).await.unwrap();
    assert_eq!(image.bytes, PNG);
    let sent = common::requests(&server).await;
    assert_eq!(common::json_body(&sent[0])[0]["outputType"], "URL");
    assert!(sent[1].headers.get("authorization").is_none());
}

#[tokio::test]
async fn a_failed_download_is_retried_then_reported() {
    let server = MockServer::start().await;
    let url = format!("{}/missing.png", server.uri());
    let reply = ResponseTemplate::new(200).set_body_json(json!({"data": [{"imageURL": url}]}));
    common::reply(&server, PATH, reply).await;
    Mock::given(method("GET")).and(path("/missing.png")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let result = generate(config(&server)).await;
    assert!(matches!(result, Err(AiError::Http { status: 503, .. })), "{result:?}");
    assert_eq!(common::requests(&server).await.len(), 4, "one task + three download attempts");
}

#[tokio::test]
async fn errors_without_data_are_invalid_response() {
    let server = MockServer::start().await;
    let reply = ResponseTemplate::new(200)
        .set_body_json(json!({"errors": [{"code": "timeout", "message": "Inference timed out"}]}));
    common::reply(&server, PATH, reply).await;
    let result = generate(config(&server)).await;
    assert!(
        matches!(&result, Err(AiError::InvalidResponse { detail, .. }) if detail.contains("Inference timed out")),
        "{result:?}"
    );
}

#[tokio::test]
async fn retries_after_429_honouring_retry_after() {
    let server = MockServer::start().await;
    common::rate_limited_then_ok(&server, PATH, good_reply(), async || generate(config(&server)).await).await;
}

#[tokio::test]
async fn retries_a_500() {
    let server = MockServer::start().await;
    common::server_error_then_ok(&server, PATH, good_reply(), async || generate(config(&server)).await).await;
}

#[tokio::test]
async fn a_400_is_final_and_carries_the_message() {
    let server = MockServer::start().await;
    let body = json!({"errors": [{"code": "invalidModel", "message": "Invalid value for model parameter", "parameter": "model", "taskType": "imageInference"}]});
    common::bad_request_is_final(&server, PATH, body, "Invalid value for model", async || {
        generate(config(&server)).await
    })
    .await;
}

#[tokio::test]
async fn times_out_after_all_retries() {
    let server = MockServer::start().await;
    let call = async || generate(config(&server).with_timeout(Duration::from_millis(200))).await;
    common::times_out(&server, PATH, good_reply(), call).await;
}

#[tokio::test]
async fn malformed_body_is_invalid_response() {
    let server = MockServer::start().await;
    common::malformed_body(&server, PATH, async || generate(config(&server)).await).await;
}
