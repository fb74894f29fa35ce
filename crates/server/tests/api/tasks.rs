//! The task API: status and structured progress, the live event stream, cancellation, failures.

use domain::Phase;
use futures_util::StreamExt;
use jobs::tasks::{self, NewTask, Progress};
use server::modules::tasks::TaskFeed;

use crate::fixtures::Session;
use crate::helpers::{TestApp, assert_error, each_backend, spawn_app};

async fn new_task(app: &TestApp, owner: &Session, site_id: Option<i64>) -> i64 {
    let new = NewTask {
        account_id: owner.account_id,
        site_id,
        user_id: Some(owner.user_id),
        kind: "auto_cluster".into(),
        input: serde_json::json!({"keyword_ids": [1, 2, 3]}),
        total: 6,
        reserved_credits: 0,
    };
    tasks::create(&app.db, &TaskFeed::new(app.events().clone()), new).await.unwrap().id
}

fn step(phase: Phase, current: i64, item: &str) -> Progress {
    Progress { phase, current, total: 6, item: Some(item.into()), message: Some(format!("{item}…")) }
}

#[tokio::test]
async fn status_progress_result_and_failure() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("tasks@example.com").await;
        let id = new_task(&app, &owner, None).await;
        let path = format!("/api/v1/tasks/{id}/");
        let (status, body) = app.as_user("GET", &path, &owner, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["status"], "queued");
        assert_eq!(body["data"]["progress"]["phase"], "INIT");

        let feed = TaskFeed::new(app.events().clone());
        tasks::start(&app.db, &feed, id).await.unwrap();
        tasks::progress(&app.db, &feed, id, step(Phase::AiCall, 3, "garden tools")).await.unwrap();
        let (_, body) = app.as_user("GET", &path, &owner, None).await;
        assert_eq!(body["data"]["status"], "running");
        assert_eq!(body["data"]["attempts"], 1);
        let progress = &body["data"]["progress"];
        assert_eq!((progress["phase"].as_str(), progress["percent"].as_i64()), (Some("AI_CALL"), Some(50)));
        assert_eq!((progress["current"].as_i64(), progress["total"].as_i64()), (Some(3), Some(6)));
        assert_eq!(progress["item"], "garden tools");

        tasks::succeed(&app.db, &feed, id, serde_json::json!({"clusters": 4}), 7, "4 clusters".into()).await.unwrap();
        let (_, body) = app.as_user("GET", &path, &owner, None).await;
        assert_eq!(body["data"]["status"], "succeeded");
        assert_eq!(body["data"]["progress"]["percent"], 100);
        assert_eq!(body["data"]["result"]["clusters"], 4);
        assert_eq!(body["data"]["cost_credits"], 7);
        assert!(body["data"]["finished_at"].is_string());
        let (status, body) = app.as_user("POST", &format!("/api/v1/tasks/{id}/cancel/"), &owner, None).await;
        assert_eq!((status, assert_error(&body).as_str()), (409, "CONFLICT"));
        assert!(tasks::start(&app.db, &feed, id).await.is_err(), "a finished task never runs again");

        let failing = new_task(&app, &owner, None).await;
        tasks::start(&app.db, &feed, failing).await.unwrap();
        tasks::fail(&app.db, &feed, failing, "PARSE_ERROR", "The model's reply was not valid JSON.").await.unwrap();
        let (_, body) = app.as_user("GET", &format!("/api/v1/tasks/{failing}"), &owner, None).await;
        assert_eq!(body["data"]["status"], "failed");
        assert_eq!(body["data"]["error_code"], "PARSE_ERROR");
        assert_eq!(body["data"]["error"], "The model's reply was not valid JSON.");

        let (_, list) = app.as_user("GET", "/api/v1/tasks/?status=failed", &owner, None).await;
        assert_eq!(list["count"], 1);
        assert_eq!(app.as_user("GET", "/api/v1/tasks/999999", &owner, None).await.0, 404);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn cancellation_now_or_between_steps() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let tenant = app.tenant("cancel@example.com").await;
        let owner = &tenant.owner;
        let feed = TaskFeed::new(app.events().clone());
        let queued = new_task(&app, owner, Some(tenant.site_id)).await;
        let (status, body) = app.as_user("POST", &format!("/api/v1/tasks/{queued}/cancel/"), owner, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["status"], "cancelled");

        let running = new_task(&app, owner, Some(tenant.site_id)).await;
        tasks::start(&app.db, &feed, running).await.unwrap();
        let (_, body) = app.as_user("POST", &format!("/api/v1/tasks/{running}/cancel"), owner, None).await;
        assert_eq!(body["data"]["status"], "running");
        assert_eq!(body["data"]["cancel_requested"], true);
        assert!(tasks::cancel_requested(&app.db, running).await.unwrap());
        tasks::mark_cancelled(&app.db, &feed, running).await.unwrap();
        let (_, body) = app.as_user("GET", &format!("/api/v1/tasks/{running}"), owner, None).await;
        assert_eq!(body["data"]["status"], "cancelled");

        // Viewers watch but cannot cancel; members without the site do not even see the task.
        let viewer = app.add_member(owner, "watcher@example.com", "viewer", &[tenant.site_id]).await;
        let another = new_task(&app, owner, Some(tenant.site_id)).await;
        assert_eq!(app.as_user("GET", &format!("/api/v1/tasks/{another}"), &viewer, None).await.0, 200);
        let (status, _) = app.as_user("POST", &format!("/api/v1/tasks/{another}/cancel"), &viewer, None).await;
        assert_eq!(status, 403);
        app.set_plan(owner.account_id, "growth").await;
        let outsider = app.add_member(owner, "outsider@example.com", "editor", &[]).await;
        assert_eq!(app.as_user("GET", &format!("/api/v1/tasks/{another}"), &outsider, None).await.0, 404);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn events_stream_progress_until_the_task_ends() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("stream@example.com").await;
        let id = new_task(&app, &owner, None).await;
        let response = app
            .client
            .get(app.url(&format!("/api/v1/tasks/{id}/events/")))
            .bearer_auth(&owner.access)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let mut body = response.bytes_stream();
        let mut text = String::new();
        while !text.contains("\"status\":\"queued\"") {
            let chunk =
                tokio::time::timeout(std::time::Duration::from_secs(5), body.next()).await.unwrap().unwrap().unwrap();
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
        let feed = TaskFeed::new(app.events().clone());
        tasks::start(&app.db, &feed, id).await.unwrap();
        for (n, item) in ["a", "b", "c"].iter().enumerate() {
            tasks::progress(&app.db, &feed, id, step(Phase::AiCall, n as i64 + 1, item)).await.unwrap();
        }
        tasks::succeed(&app.db, &feed, id, serde_json::json!({}), 1, "done".into()).await.unwrap();
        // The stream ends by itself after the final state.
        let rest = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            let mut rest = String::new();
            while let Some(chunk) = body.next().await {
                rest.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            }
            rest
        })
        .await
        .expect("the stream closes after the task ends");
        let events: Vec<serde_json::Value> =
            rest.lines().filter_map(|l| l.strip_prefix("data: ")).map(|d| serde_json::from_str(d).unwrap()).collect();
        let percents: Vec<i64> = events.iter().map(|e| e["progress"]["percent"].as_i64().unwrap()).collect();
        assert_eq!(percents, [0, 30, 40, 50, 100], "start, three steps, done: {events:?}");
        assert_eq!(events.last().unwrap()["status"], "succeeded");

        // A finished task's stream sends the final state and closes at once.
        let done = app
            .client
            .get(app.url(&format!("/api/v1/tasks/{id}/events")))
            .bearer_auth(&owner.access)
            .send()
            .await
            .unwrap();
        let text = tokio::time::timeout(std::time::Duration::from_secs(5), done.text()).await.unwrap().unwrap();
        assert_eq!(text.matches("event: task").count(), 1, "{text}");
        app.cleanup().await;
    })
    .await;
}
