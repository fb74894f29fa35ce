//! An AI function end to end: HTTP action → queued task → worker → provider → parsed reply → credits charged once
//! → notification; with the Offline provider and with a mock OpenAI-compatible server.

use futures_util::StreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::fixtures::Session;
use crate::helpers::{Backend, Options, TestApp, assert_error, each_backend, spawn_app_with};

pub(crate) async fn app(backend: Backend, mock: Option<String>) -> TestApp {
    let options = Options {
        configure: Box::new(move |c| {
            if let Some(url) = mock {
                c.ai_provider = server::config::AiProvider::Openai;
                c.ai_base_url = url;
                c.ai_api_key = server::config::Secret::new("sk-test-key");
                c.ai_model = "gpt-test".into();
                c.ai_timeout_secs = 5;
            }
        }),
        worker: true,
        ..Options::default()
    };
    spawn_app_with(backend, options).await
}

/// Starts the connection test and returns every state the task went through (from the server's live-event hub,
/// subscribed before the start so no early change is missed), checking that the SSE stream ends on the same state.
pub(crate) async fn run_test(app: &TestApp, owner: &Session, message: &str) -> Vec<Value> {
    let mut hub = app.events().subscribe();
    let (status, body) =
        app.as_user("POST", "/api/v1/system/ai/test_connection/", owner, Some(&json!({"message": message}))).await;
    assert_eq!(status, 202, "{body}");
    let id = body["data"]["id"].as_i64().unwrap();
    let mut states = Vec::new();
    let collect = async {
        loop {
            let event = hub.recv().await.expect("live events");
            if event.name == "task" && event.data["id"] == id {
                let status = event.data["status"].as_str().unwrap_or_default().to_owned();
                states.push(event.data);
                if matches!(status.as_str(), "succeeded" | "failed" | "cancelled") {
                    break;
                }
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), collect).await.expect("the task ends");
    // The SSE stream of a finished task sends its final state and closes.
    let response = app
        .client
        .get(app.url(&format!("/api/v1/tasks/{id}/events/")))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    let mut stream = response.bytes_stream();
    let mut text = String::new();
    while let Some(chunk) =
        tokio::time::timeout(std::time::Duration::from_secs(10), stream.next()).await.expect("stream ends")
    {
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
    }
    let last: Value = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .next_back()
        .map(|d| serde_json::from_str(d).unwrap())
        .unwrap();
    assert_eq!(last["status"], states.last().unwrap()["status"]);
    states
}

pub(crate) async fn balance(app: &TestApp, owner: &Session) -> i64 {
    app.as_user("GET", "/api/v1/billing/credits/balance/", owner, None).await.1["data"]["total"].as_i64().unwrap()
}

async fn notification_types(app: &TestApp, owner: &Session) -> Vec<String> {
    let mut kinds = Vec::new();
    for _ in 0..50 {
        let (_, list) = app.as_user("GET", "/api/v1/notifications/", owner, None).await;
        kinds = list["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["notification_type"].as_str().unwrap().to_owned())
            .collect();
        if !kinds.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    kinds
}

#[tokio::test]
async fn offline_provider_runs_the_function_through_the_queue() {
    each_backend(|backend| async move {
        let app = app(backend, None).await;
        let owner = app.register("offline-ai@example.com").await;
        let before = balance(&app, &owner).await;
        let states = run_test(&app, &owner, "hello offline").await;
        let phases: Vec<&str> = states.iter().map(|s| s["progress"]["phase"].as_str().unwrap()).collect();
        for phase in ["INIT", "PREP", "AI_CALL", "PARSE", "SAVE", "DONE"] {
            assert!(phases.contains(&phase), "phase {phase} streamed: {phases:?}");
        }
        let last = states.last().unwrap();
        assert_eq!(last["status"], "succeeded", "{last}");
        assert_eq!(last["result"]["echo"], "hello offline");
        assert_eq!(last["result"]["model"], "offline");
        assert_eq!(last["cost_credits"], 1);
        assert_eq!(balance(&app, &owner).await, before - 1, "charged exactly once");
        let (_, ledger) = app.as_user("GET", "/api/v1/billing/transactions/?kind=deduction", &owner, None).await;
        assert_eq!(ledger["count"], 1);
        let (_, usage) = app.as_user("GET", "/api/v1/billing/usage/", &owner, None).await;
        assert_eq!(usage["data"]["rows"][0]["operation"], "connection_test");
        assert_eq!(notification_types(&app, &owner).await, ["ai_task_succeeded"]);
        app.cleanup().await;
    })
    .await;
}

pub(crate) fn chat_reply(content: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-test",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500}
    })
}

#[tokio::test]
async fn openai_compatible_provider_with_usage_and_a_429() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("retry-after", "1")
                    .set_body_json(json!({"error": {"message": "slow down"}})),
            )
            .up_to_n_times(1)
            .mount(&mock)
            .await;
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .and(header("authorization", "Bearer sk-test-key"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(chat_reply("```json\n{\"ok\": true, \"echo\": \"hi mock\"}\n```")),
            )
            .mount(&mock)
            .await;
        let app = app(backend, Some(mock.uri())).await;
        let owner = app.register("mock-ai@example.com").await;
        let before = balance(&app, &owner).await;
        let states = run_test(&app, &owner, "hi mock").await;
        let last = states.last().unwrap();
        assert_eq!(last["status"], "succeeded", "{last}");
        assert_eq!(last["result"]["echo"], "hi mock");
        assert_eq!(last["result"]["tokens"], 1500);
        assert_eq!(last["cost_credits"], 2, "1,500 tokens at 1,000 per credit");
        assert_eq!(balance(&app, &owner).await, before - 2);
        let requests = mock.received_requests().await.unwrap();
        assert_eq!(requests.len(), 2, "one 429, then the answer");
        let sent: Value = serde_json::from_slice(&requests[1].body).unwrap();
        assert_eq!(sent["model"], "gpt-test");
        assert_eq!(sent["response_format"]["type"], "json_schema");
        let (_, usage) = app.as_user("GET", "/api/v1/billing/usage/", &owner, None).await;
        assert_eq!(usage["data"]["rows"][0]["tokens_in"], 1200);
        assert_eq!(usage["data"]["rows"][0]["model"], "gpt-test");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn an_unreadable_reply_saves_nothing_and_explains() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(chat_reply("Sure! Here is what you asked for, in prose.")),
            )
            .mount(&mock)
            .await;
        let app = app(backend, Some(mock.uri())).await;
        let owner = app.register("bad-ai@example.com").await;
        let before = balance(&app, &owner).await;
        let states = run_test(&app, &owner, "x").await;
        let last = states.last().unwrap();
        assert_eq!(last["status"], "failed", "{last}");
        assert_eq!(last["error_code"], "PARSE_ERROR");
        assert!(last["error"].as_str().unwrap().contains("after a retry"));
        assert_eq!(mock.received_requests().await.unwrap().len(), 2, "one repair request");
        assert_eq!(balance(&app, &owner).await, before, "nothing charged");
        assert_eq!(notification_types(&app, &owner).await, ["ai_task_failed"]);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn a_refusal_fails_at_once_with_the_models_words() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(chat_reply("I'm sorry, but I can't assist with that request.")),
            )
            .mount(&mock)
            .await;
        let app = app(backend, Some(mock.uri())).await;
        let owner = app.register("refused-ai@example.com").await;
        let before = balance(&app, &owner).await;
        let states = run_test(&app, &owner, "x").await;
        let last = states.last().unwrap();
        assert_eq!(
            (last["status"].as_str(), last["error_code"].as_str()),
            (Some("failed"), Some("AI_CONTENT_FILTERED"))
        );
        assert!(last["error"].as_str().unwrap().contains("I'm sorry, but I can't assist with that request."), "{last}");
        assert_eq!(mock.received_requests().await.unwrap().len(), 1, "no repair request: it would be refused again");
        assert_eq!(balance(&app, &owner).await, before, "nothing charged");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn a_reply_cut_off_at_the_token_limit_is_asked_again_with_a_higher_limit() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        let mut cut = chat_reply("{\"ok\": true, \"echo\": \"hi th");
        cut["choices"][0]["finish_reason"] = json!("length");
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(cut))
            .up_to_n_times(1)
            .mount(&mock)
            .await;
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(chat_reply("{\"ok\": true, \"echo\": \"hi there\"}")),
            )
            .mount(&mock)
            .await;
        let app = app(backend, Some(mock.uri())).await;
        let owner = app.register("cut-ai@example.com").await;
        let before = balance(&app, &owner).await;
        let states = run_test(&app, &owner, "hi there").await;
        let last = states.last().unwrap();
        assert_eq!(last["status"], "succeeded", "{last}");
        let requests = mock.received_requests().await.unwrap();
        assert_eq!(requests.len(), 2);
        let (first, repair): (Value, Value) =
            (serde_json::from_slice(&requests[0].body).unwrap(), serde_json::from_slice(&requests[1].body).unwrap());
        assert_eq!(first["max_completion_tokens"], 200);
        assert_eq!(repair["max_completion_tokens"], 400, "the repair request may write more");
        assert!(repair["messages"].to_string().contains("cut off at the length limit (200 output tokens)"), "{repair}");
        assert_eq!(last["result"]["tokens"], 3000, "both calls counted");
        assert_eq!(balance(&app, &owner).await, before - 3);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn credits_and_roles_are_checked_before_queueing() {
    each_backend(|backend| async move {
        let app = app(backend, None).await;
        let owner = app.register("broke@example.com").await;
        let viewer = app.add_member(&owner, "look@example.com", "viewer", &[]).await;
        let (status, body) = app.as_user("POST", "/api/v1/system/ai/test_connection/", &viewer, Some(&json!({}))).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PERMISSION_DENIED"));

        app.execute(&format!("UPDATE accounts SET credits = 0, bonus_credits = 0 WHERE id = {}", owner.account_id))
            .await;
        let (status, body) = app.as_user("POST", "/api/v1/system/ai/test_connection/", &owner, Some(&json!({}))).await;
        assert_eq!((status, assert_error(&body).as_str()), (402, "INSUFFICIENT_CREDITS"));
        assert_eq!((body["required"].as_i64(), body["available"].as_i64()), (Some(1), Some(0)));
        let (_, tasks) = app.as_user("GET", "/api/v1/tasks/", &owner, None).await;
        assert_eq!(tasks["count"], 0, "nothing queued");

        let long = "x".repeat(201);
        let (status, body) =
            app.as_user("POST", "/api/v1/system/ai/test_connection/", &owner, Some(&json!({"message": long}))).await;
        assert_eq!(status, 400);
        assert!(body["errors"]["message"].is_array());
        app.cleanup().await;
    })
    .await;
}

/// Lines written by the test's subscriber, for reading back.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Logs {
    fn take(&self) -> String {
        String::from_utf8_lossy(&std::mem::take(&mut *self.0.lock().unwrap())).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// A job's log lines can be found by its task id: the worker runs each job in a span with task id, kind, account
/// and attempt, and the model call inside it records the model and its tokens.
#[tokio::test]
async fn a_jobs_log_lines_carry_its_task_id() {
    // The test runtime is single-threaded, so this subscriber sees the in-process server and worker too.
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    each_backend(|backend| {
        let logs = logs.clone();
        async move {
            let mock = MockServer::start().await;
            Mock::given(method("POST"))
                .and(path("/chat/completions"))
                .respond_with(
                    ResponseTemplate::new(200).set_body_json(chat_reply("{\"ok\": true, \"echo\": \"traced\"}")),
                )
                .mount(&mock)
                .await;
            let app = app(backend, Some(mock.uri())).await;
            let owner = app.register("traced@example.com").await;
            logs.take();
            let states = run_test(&app, &owner, "traced").await;
            let last = states.last().unwrap();
            assert_eq!(last["status"], "succeeded", "{last}");
            let id = last["id"].as_i64().unwrap();
            let text = logs.take();
            let ours = format!("task_id={id}");
            let job_lines: Vec<&str> = text.lines().filter(|l| l.contains(&ours)).collect();
            let has = |needle: &str| job_lines.iter().any(|l| l.contains(needle));
            assert!(has("job started") && has("job succeeded"), "the job's own lines carry its id:\n{text}");
            assert!(has("kind=connection_test") && has(&format!("account_id={}", owner.account_id)), "{text}");
            assert!(has("attempt=1"), "{text}");
            let model_lines: Vec<&str> = text.lines().filter(|l| l.contains("model answered")).collect();
            assert_eq!(model_lines.len(), 1, "one model call:\n{text}");
            assert!(model_lines[0].contains(&ours), "the model call is logged under the task: {}", model_lines[0]);
            assert!(
                model_lines[0].contains("model=gpt-test")
                    && model_lines[0].contains("tokens_in=1200")
                    && model_lines[0].contains("tokens_out=300"),
                "model and tokens recorded: {}",
                model_lines[0]
            );
            app.cleanup().await;
        }
    })
    .await;
}

/// The AI scope sits on the AI actions themselves: past the AI allowance an action is refused (429), while
/// other writes of the same user go on.
#[tokio::test]
async fn ai_actions_spend_the_ai_allowance() {
    each_backend(|backend| async move {
        let options =
            Options { configure: Box::new(|c| c.ai_rate_per_minute = 1), worker: false, ..Options::default() };
        let app = spawn_app_with(backend, options).await;
        let owner = app.register("ai-scope@example.com").await;
        let path = "/api/v1/system/ai/test_connection/";
        let (status, body) = app.as_user("POST", path, &owner, Some(&json!({"message": "one"}))).await;
        assert_eq!(status, 202, "{body}");
        let (status, body) = app.as_user("POST", path, &owner, Some(&json!({"message": "two"}))).await;
        assert_eq!((status, assert_error(&body).as_str()), (429, "RATE_LIMITED"), "{body}");
        let (status, body) = app
            .as_user("PUT", "/api/v1/system/settings/modules/", &owner, Some(&json!({"modules": {"linker": true}})))
            .await;
        assert_eq!(status, 200, "an ordinary write is not an AI action: {body}");
        app.cleanup().await;
    })
    .await;
}
