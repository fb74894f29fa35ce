use std::time::Duration;

use ai::providers::GeminiChat;
use ai::{AiError, Finish, ProviderConfig, TextModel, TextRequest, TextResponse, TokenUsage};
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

use crate::common::{self, KEY};

const MODEL: &str = "gemini-2.5-flash";
const PATH: &str = "/v1beta/models/gemini-2.5-flash:generateContent";

fn config(server: &MockServer) -> ProviderConfig {
    common::config(server.uri(), MODEL)
}

fn json_request() -> TextRequest {
    let schema = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {"title": {"type": "string"}, "words": {"type": ["integer", "null"]}},
        "required": ["title"]
    });
    TextRequest::new("Write an idea")
        .with_system("You plan content.")
        .with_json_schema("idea", schema)
        .with_max_tokens(1000)
        .with_temperature(0.7)
}

fn reply_with(candidate: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "candidates": [candidate],
        "usageMetadata": {"promptTokenCount": 88, "candidatesTokenCount": 12, "totalTokenCount": 100},
        "modelVersion": "gemini-2.5-flash-001"
    }))
}

fn good_reply() -> ResponseTemplate {
    reply_with(json!({
        "content": {"role": "model", "parts": [{"text": "{\"title\": "}, {"text": "\"Best SEO tools\"}"}]},
        "finishReason": "STOP", "index": 0
    }))
}

async fn generate(config: ProviderConfig) -> Result<TextResponse, AiError> {
    GeminiChat::new(config)?.generate(&json_request()).await
}

#[tokio::test]
async fn good_reply_joins_parts_and_reports_usage() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    let response = generate(config(&server)).await.unwrap();
    assert_eq!(response.text, "{\"title\": \"Best SEO tools\"}");
    assert_eq!(response.usage, TokenUsage { input_tokens: 88, output_tokens: 12 });
    assert_eq!(response.model, "gemini-2.5-flash-001");
    assert_eq!(response.finish, Finish::Stop);
}

#[tokio::test]
async fn sends_key_header_system_instruction_and_response_schema() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    generate(config(&server)).await.unwrap();
    let sent = common::requests(&server).await;
    assert_eq!(common::header(&sent[0], "x-goog-api-key"), Some(KEY));
    assert!(sent[0].url.query().is_none(), "the key must not travel in the URL");
    let body = common::json_body(&sent[0]);
    assert_eq!(body["contents"], json!([{"role": "user", "parts": [{"text": "Write an idea"}]}]));
    assert_eq!(body["systemInstruction"], json!({"parts": [{"text": "You plan content."}]}));
    let config = &body["generationConfig"];
    assert_eq!(config["responseMimeType"], "application/json");
    assert_eq!(
        config["responseSchema"],
        json!({
            "type": "OBJECT",
            "properties": {"title": {"type": "STRING"}, "words": {"type": "INTEGER", "nullable": true}},
            "required": ["title"]
        })
    );
    assert_eq!(config["maxOutputTokens"], 1000);
    assert!((config["temperature"].as_f64().unwrap() - 0.7).abs() < 1e-6);
}

#[tokio::test]
async fn plain_text_request_has_no_schema_or_system() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    GeminiChat::new(config(&server)).unwrap().generate(&TextRequest::new("hi")).await.unwrap();
    let body = common::json_body(&common::requests(&server).await[0]);
    assert!(body.get("systemInstruction").is_none());
    assert_eq!(body["generationConfig"], json!({}));
}

#[tokio::test]
async fn max_tokens_is_length_and_thoughts_count_as_output() {
    let server = MockServer::start().await;
    let reply = ResponseTemplate::new(200).set_body_json(json!({
        "candidates": [{"content": {"parts": [{"text": "thinking…", "thought": true}, {"text": "{\"title\": \"Be"}]},
                        "finishReason": "MAX_TOKENS"}],
        "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 20, "thoughtsTokenCount": 300}
    }));
    common::reply(&server, PATH, reply).await;
    let response = generate(config(&server)).await.unwrap();
    assert_eq!(response.finish, Finish::Length);
    assert_eq!(response.text, "{\"title\": \"Be");
    assert_eq!(response.usage, TokenUsage { input_tokens: 10, output_tokens: 320 });
    assert_eq!(response.model, MODEL);
}

#[tokio::test]
async fn blocked_prompt_and_blocked_answer_are_content_filtered() {
    let server = MockServer::start().await;
    let blocked = ResponseTemplate::new(200)
        .set_body_json(json!({"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 5}}));
    common::reply(&server, PATH, blocked).await;
    let result = generate(config(&server)).await;
    assert!(matches!(&result, Err(AiError::ContentFiltered { reason, .. }) if reason.contains("SAFETY")), "{result:?}");

    let server = MockServer::start().await;
    common::reply(&server, PATH, reply_with(json!({"finishReason": "PROHIBITED_CONTENT"}))).await;
    assert!(matches!(generate(config(&server)).await, Err(AiError::ContentFiltered { .. })));
}

#[tokio::test]
async fn no_candidates_is_invalid_response() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    assert!(matches!(generate(config(&server)).await, Err(AiError::InvalidResponse { .. })));
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
    let body = json!({"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT"}});
    common::bad_request_is_final(&server, PATH, body, "API key not valid", async || generate(config(&server)).await)
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
