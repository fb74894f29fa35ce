use std::time::Duration;

use ai::providers::{JsonMode, MaxTokensField, OpenAiChat};
use ai::{AiError, Finish, ProviderConfig, TextModel, TextRequest, TextResponse, TokenUsage};
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

use crate::common::{self, KEY};

const PATH: &str = "/v1/chat/completions";
const MODEL: &str = "gpt-4.1-mini";

fn config(server: &MockServer) -> ProviderConfig {
    common::config(format!("{}/v1", server.uri()), MODEL)
}

fn schema() -> Value {
    json!({"type": "object", "properties": {"clusters": {"type": "array", "items": {"type": "string"}}}})
}

fn json_request() -> TextRequest {
    TextRequest::new("Cluster these keywords")
        .with_system("You are an SEO expert.")
        .with_json_schema("cluster list", schema())
        .with_max_tokens(800)
        .with_temperature(0.2)
}

fn reply_with(content: Value, finish_reason: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "gpt-4.1-mini-2025-04-14",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 57, "completion_tokens": 21, "total_tokens": 78}
    }))
}

fn good_reply() -> ResponseTemplate {
    reply_with(json!("{\"clusters\": [\"seo tools\"]}"), "stop")
}

async fn generate(config: ProviderConfig) -> Result<TextResponse, AiError> {
    OpenAiChat::new(config)?.generate(&json_request()).await
}

#[tokio::test]
async fn good_reply_gives_text_usage_and_model() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    let response = generate(config(&server)).await.unwrap();
    assert_eq!(response.text, "{\"clusters\": [\"seo tools\"]}");
    assert_eq!(response.usage, TokenUsage { input_tokens: 57, output_tokens: 21 });
    assert_eq!(response.model, "gpt-4.1-mini-2025-04-14");
    assert_eq!(response.finish, Finish::Stop);
}

#[tokio::test]
async fn sends_bearer_key_model_messages_and_json_schema() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    generate(config(&server)).await.unwrap();
    let sent = common::requests(&server).await;
    assert_eq!(common::header(&sent[0], "authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(common::header(&sent[0], "content-type"), Some("application/json"));
    let body = common::json_body(&sent[0]);
    assert_eq!(body["model"], MODEL);
    assert_eq!(
        body["messages"],
        json!([
            {"role": "system", "content": "You are an SEO expert."},
            {"role": "user", "content": "Cluster these keywords"}
        ])
    );
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "cluster_list", "schema": schema(), "strict": false}})
    );
    assert_eq!(body["max_completion_tokens"], 800);
    assert!(body.get("max_tokens").is_none());
    assert_eq!(body["temperature"], 0.2);
}

#[tokio::test]
async fn json_object_mode_and_local_servers_without_key() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    let mut local = config(&server);
    local.api_key = None;
    let client = OpenAiChat::new(local)
        .unwrap()
        .with_json_mode(JsonMode::JsonObject)
        .with_max_tokens_field(MaxTokensField::MaxTokens);
    client.generate(&json_request()).await.unwrap();
    let sent = common::requests(&server).await;
    assert!(sent[0].headers.get("authorization").is_none());
    let body = common::json_body(&sent[0]);
    assert_eq!(body["response_format"], json!({"type": "json_object"}));
    let system = body["messages"][0]["content"].as_str().unwrap();
    assert!(system.starts_with("You are an SEO expert."));
    assert!(system.contains("JSON Schema") && system.contains("\"clusters\""), "{system}");
    assert_eq!(body["max_tokens"], 800);
}

#[tokio::test]
async fn plain_text_request_has_no_response_format_or_system() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    OpenAiChat::new(config(&server)).unwrap().generate(&TextRequest::new("hi")).await.unwrap();
    let body = common::json_body(&common::requests(&server).await[0]);
    assert!(body.get("response_format").is_none());
    assert!(body.get("temperature").is_none());
    assert_eq!(body["messages"], json!([{"role": "user", "content": "hi"}]));
}

#[tokio::test]
async fn finish_length_is_reported() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, reply_with(json!("{\"clusters\": [\"se"), "length")).await;
    assert_eq!(generate(config(&server)).await.unwrap().finish, Finish::Length);
}

#[tokio::test]
async fn refusal_is_content_filtered() {
    let server = MockServer::start().await;
    let refusal = ResponseTemplate::new(200).set_body_json(json!({
        "choices": [{"message": {"role": "assistant", "content": null, "refusal": "I can't help with that."},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1}
    }));
    common::reply(&server, PATH, refusal).await;
    let result = generate(config(&server)).await;
    assert!(
        matches!(&result, Err(AiError::ContentFiltered { reason, .. }) if reason.contains("can't help")),
        "{result:?}"
    );
}

#[tokio::test]
async fn missing_content_or_choices_is_invalid() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, ResponseTemplate::new(200).set_body_json(json!({"choices": []}))).await;
    let result = generate(config(&server)).await;
    assert!(
        matches!(&result, Err(AiError::InvalidResponse { detail, .. }) if detail.contains("choices")),
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
    let body = json!({"error": {"message": "Invalid schema for response_format 'cluster_list'", "type": "invalid_request_error"}});
    common::bad_request_is_final(&server, PATH, body, "Invalid schema", async || generate(config(&server)).await).await;
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
async fn unreachable_server_is_a_network_error_after_retries() {
    // Bind and drop a listener to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let result = generate(common::config(format!("http://127.0.0.1:{port}/v1"), MODEL)).await;
    assert!(matches!(&result, Err(AiError::Network { .. })), "{result:?}");
}
