use std::time::Duration;

use ai::providers::AnthropicChat;
use ai::{AiError, Finish, ProviderConfig, TextModel, TextRequest, TextResponse, TokenUsage};
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

use crate::common::{self, KEY};

const PATH: &str = "/v1/messages";
const MODEL: &str = "claude-sonnet-4-5";

fn config(server: &MockServer) -> ProviderConfig {
    common::config(server.uri(), MODEL)
}

fn schema() -> Value {
    json!({"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]})
}

fn json_request() -> TextRequest {
    TextRequest::new("Write an idea").with_system("You plan content.").with_json_schema("idea", schema())
}

fn reply_with(content: Value, stop_reason: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
        "content": content, "stop_reason": stop_reason, "stop_sequence": null,
        "usage": {"input_tokens": 120, "output_tokens": 34}
    }))
}

fn good_reply() -> ResponseTemplate {
    reply_with(
        json!([{"type": "tool_use", "id": "toolu_1", "name": "idea", "input": {"title": "Best SEO tools"}}]),
        "tool_use",
    )
}

async fn generate(config: ProviderConfig) -> Result<TextResponse, AiError> {
    AnthropicChat::new(config)?.generate(&json_request()).await
}

#[tokio::test]
async fn good_reply_gives_the_tool_input_as_json_text_and_usage() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    let response = generate(config(&server)).await.unwrap();
    assert_eq!(serde_json::from_str::<Value>(&response.text).unwrap(), json!({"title": "Best SEO tools"}));
    assert_eq!(response.usage, TokenUsage { input_tokens: 120, output_tokens: 34 });
    assert_eq!(response.model, "claude-sonnet-4-5-20250929");
    assert_eq!(response.finish, Finish::Stop);
}

#[tokio::test]
async fn sends_headers_system_default_max_tokens_and_a_forced_tool() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    generate(config(&server)).await.unwrap();
    let sent = common::requests(&server).await;
    assert_eq!(common::header(&sent[0], "x-api-key"), Some(KEY));
    assert_eq!(common::header(&sent[0], "anthropic-version"), Some("2023-06-01"));
    assert!(sent[0].headers.get("authorization").is_none());
    let body = common::json_body(&sent[0]);
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["system"], "You plan content.");
    assert_eq!(body["max_tokens"], 4096);
    assert_eq!(body["messages"], json!([{"role": "user", "content": "Write an idea"}]));
    assert_eq!(body["tools"][0]["name"], "idea");
    assert_eq!(body["tools"][0]["input_schema"], schema());
    assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "idea"}));
    assert!(body.get("temperature").is_none());
}

#[tokio::test]
async fn plain_text_reply_and_cache_tokens() {
    let server = MockServer::start().await;
    let reply = ResponseTemplate::new(200).set_body_json(json!({
        "model": MODEL,
        "content": [{"type": "thinking", "thinking": "hmm", "signature": "x"}, {"type": "text", "text": "Hello "},
                    {"type": "text", "text": "world"}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 10, "output_tokens": 5, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 7}
    }));
    common::reply(&server, PATH, reply).await;
    let client = AnthropicChat::new(config(&server)).unwrap();
    let response = client.generate(&TextRequest::new("hi").with_max_tokens(50).with_temperature(0.5)).await.unwrap();
    assert_eq!(response.text, "Hello world");
    assert_eq!(response.usage, TokenUsage { input_tokens: 117, output_tokens: 5 });
    let body = common::json_body(&common::requests(&server).await[0]);
    assert_eq!(body["max_tokens"], 50);
    assert_eq!(body["temperature"], 0.5);
    assert!(body.get("tools").is_none() && body.get("tool_choice").is_none() && body.get("system").is_none());
}

#[tokio::test]
async fn array_schemas_are_wrapped_and_unwrapped() {
    let server = MockServer::start().await;
    let input = json!({"result": ["a", "b"]});
    common::reply(&server, PATH, reply_with(json!([{"type": "tool_use", "name": "list", "input": input}]), "tool_use"))
        .await;
    let request =
        TextRequest::new("list").with_json_schema("list", json!({"type": "array", "items": {"type": "string"}}));
    let response = AnthropicChat::new(config(&server)).unwrap().generate(&request).await.unwrap();
    assert_eq!(response.text, r#"["a","b"]"#);
    let body = common::json_body(&common::requests(&server).await[0]);
    assert_eq!(body["tools"][0]["input_schema"]["type"], "object");
}

#[tokio::test]
async fn max_tokens_stop_is_length() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, reply_with(json!([{"type": "text", "text": "{\"title\": \"Be"}]), "max_tokens")).await;
    let response = generate(config(&server)).await.unwrap();
    assert_eq!(response.finish, Finish::Length);
    assert_eq!(response.text, "{\"title\": \"Be");
}

#[tokio::test]
async fn refusal_is_content_filtered() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, reply_with(json!([]), "refusal")).await;
    assert!(matches!(generate(config(&server)).await, Err(AiError::ContentFiltered { .. })));
}

#[tokio::test]
async fn a_refusal_keeps_the_models_words() {
    let server = MockServer::start().await;
    let words = json!([{"type": "text", "text": "I can't help with that request."}]);
    common::reply(&server, PATH, reply_with(words, "refusal")).await;
    let Err(AiError::ContentFiltered { reason, .. }) = generate(config(&server)).await else { panic!("not filtered") };
    assert!(reason.contains("I can't help with that request."), "{reason}");
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
    let body = json!({"type": "error", "error": {"type": "invalid_request_error", "message": "tools.0.input_schema: JSON schema is invalid"}});
    common::bad_request_is_final(&server, PATH, body, "input_schema", async || generate(config(&server)).await).await;
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

#[tokio::test]
async fn missing_usage_is_invalid_response() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, ResponseTemplate::new(200).set_body_json(json!({"content": []}))).await;
    let result = generate(config(&server)).await;
    assert!(matches!(&result, Err(AiError::InvalidResponse { detail, .. }) if detail.contains("usage")), "{result:?}");
}
