use std::time::Duration;

use ai::providers::OpenAiEmbeddings;
use ai::{AiError, Embedder, EmbeddingResponse, ProviderConfig, TokenUsage};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::{self, KEY};

const PATH: &str = "/v1/embeddings";
const MODEL: &str = "text-embedding-3-small";

fn config(server: &MockServer) -> ProviderConfig {
    common::config(format!("{}/v1", server.uri()), MODEL)
}

fn texts(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("keyword {i}")).collect()
}

/// Answers with one 2-d vector per input, `[index, 0.5]`, listed in reverse order (the API may reorder; `index`
/// says where each belongs), and one prompt token per input.
struct EchoEmbeddings;

impl Respond for EchoEmbeddings {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let count = body["input"].as_array().map_or(0, Vec::len);
        let data: Vec<_> = (0..count)
            .rev()
            .map(|i| json!({"object": "embedding", "index": i, "embedding": [i as f32, 0.5]}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "data": data, "model": MODEL,
            "usage": {"prompt_tokens": count, "total_tokens": count}
        }))
    }
}

fn good_reply() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "data": [{"index": 1, "embedding": [0.3, 0.4]}, {"index": 0, "embedding": [0.1, 0.2]}],
        "usage": {"prompt_tokens": 9, "total_tokens": 9}
    }))
}

async fn embed(config: ProviderConfig) -> Result<EmbeddingResponse, AiError> {
    OpenAiEmbeddings::new(config)?.embed(&texts(2)).await
}

#[tokio::test]
async fn good_reply_gives_vectors_in_input_order_and_usage() {
    let server = MockServer::start().await;
    common::reply(&server, PATH, good_reply()).await;
    let response = embed(config(&server)).await.unwrap();
    assert_eq!(response.vectors, vec![vec![0.1, 0.2], vec![0.3, 0.4]]);
    assert_eq!(response.usage, TokenUsage { input_tokens: 9, output_tokens: 0 });
    let sent = common::requests(&server).await;
    assert_eq!(common::header(&sent[0], "authorization"), Some(format!("Bearer {KEY}").as_str()));
    let body = common::json_body(&sent[0]);
    assert_eq!(body, json!({"model": MODEL, "input": ["keyword 0", "keyword 1"], "encoding_format": "float"}));
}

#[tokio::test]
async fn large_inputs_are_batched_and_usage_summed() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path(PATH)).respond_with(EchoEmbeddings).mount(&server).await;
    let response = OpenAiEmbeddings::new(config(&server)).unwrap().embed(&texts(600)).await.unwrap();
    assert_eq!(response.vectors.len(), 600);
    assert_eq!(response.vectors[599], vec![87.0, 0.5], "second batch restarts at index 0");
    assert_eq!(response.usage.input_tokens, 600);
    let sizes: Vec<usize> = common::requests(&server)
        .await
        .iter()
        .map(|request| common::json_body(request)["input"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, vec![512, 88]);
}

#[tokio::test]
async fn empty_input_makes_no_request() {
    let server = MockServer::start().await;
    let response = OpenAiEmbeddings::new(config(&server)).unwrap().embed(&[]).await.unwrap();
    assert!(response.vectors.is_empty());
    assert!(common::requests(&server).await.is_empty());
}

#[tokio::test]
async fn wrong_vector_count_or_indices_are_invalid() {
    let server = MockServer::start().await;
    let short = ResponseTemplate::new(200).set_body_json(json!({"data": [{"index": 0, "embedding": [0.1]}]}));
    common::reply(&server, PATH, short).await;
    assert!(matches!(embed(config(&server)).await, Err(AiError::InvalidResponse { .. })));

    let server = MockServer::start().await;
    let duplicate = ResponseTemplate::new(200)
        .set_body_json(json!({"data": [{"index": 0, "embedding": [0.1]}, {"index": 0, "embedding": [0.2]}]}));
    common::reply(&server, PATH, duplicate).await;
    assert!(matches!(embed(config(&server)).await, Err(AiError::InvalidResponse { .. })));

    let server = MockServer::start().await;
    let ragged = ResponseTemplate::new(200)
        .set_body_json(json!({"data": [{"index": 0, "embedding": [0.1]}, {"index": 1, "embedding": [0.2, 0.3]}]}));
    common::reply(&server, PATH, ragged).await;
    assert!(matches!(embed(config(&server)).await, Err(AiError::InvalidResponse { .. })));
}

#[tokio::test]
async fn retries_after_429_honouring_retry_after() {
    let server = MockServer::start().await;
    common::rate_limited_then_ok(&server, PATH, good_reply(), async || embed(config(&server)).await).await;
}

#[tokio::test]
async fn retries_a_500() {
    let server = MockServer::start().await;
    common::server_error_then_ok(&server, PATH, good_reply(), async || embed(config(&server)).await).await;
}

#[tokio::test]
async fn a_400_is_final_and_carries_the_message() {
    let server = MockServer::start().await;
    let body = json!({"error": {"message": "This model's maximum context length is 8192 tokens"}});
    common::bad_request_is_final(&server, PATH, body, "maximum context length", async || embed(config(&server)).await)
        .await;
}

#[tokio::test]
async fn times_out_after_all_retries() {
    let server = MockServer::start().await;
    let call = async || embed(config(&server).with_timeout(Duration::from_millis(200))).await;
    common::times_out(&server, PATH, good_reply(), call).await;
}

#[tokio::test]
async fn malformed_body_is_invalid_response() {
    let server = MockServer::start().await;
    common::malformed_body(&server, PATH, async || embed(config(&server)).await).await;
}
