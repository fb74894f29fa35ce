//! Notifications: list, filters, unread count, read state, delete, and the live stream.

use futures_util::StreamExt;
use serde_json::json;
use server::modules::notifications::service::{self, New};

use crate::fixtures::ids;
use crate::helpers::{TestApp, each_backend, spawn_app};

fn note(account_id: i64, kind: &'static str, severity: &'static str, title: &str) -> New {
    New {
        account_id,
        notification_type: kind,
        severity,
        title: title.into(),
        message: format!("{title} message"),
        action: Some(("Open".into(), "/planner/clusters".into())),
    }
}

async fn create(app: &TestApp, events: &server::events::Events, new: New) -> i64 {
    service::create(&app.db, events, new).await.unwrap().id
}

#[tokio::test]
async fn list_count_mark_and_delete() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("bell@example.com").await;
        let events = server::events::Events::default();
        let first =
            create(&app, &events, note(owner.account_id, "ai_task_succeeded", "success", "Clusters ready")).await;
        let second = create(&app, &events, note(owner.account_id, "ai_task_failed", "error", "Ideas failed")).await;
        let third = create(&app, &events, note(owner.account_id, "low_credits", "warning", "Credits low")).await;

        let (status, list) = app.as_user("GET", "/api/v1/notifications/", &owner, None).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(ids(&list), [third, second, first], "newest first");
        assert_eq!(list["results"][0]["action_route"], "/planner/clusters");
        let (_, count) = app.as_user("GET", "/api/v1/notifications/unread_count/", &owner, None).await;
        assert_eq!(count["data"]["unread"], 3);
        let (_, errors) = app.as_user("GET", "/api/v1/notifications/?severity=error", &owner, None).await;
        assert_eq!(ids(&errors), [second]);
        let (status, _) = app.as_user("GET", "/api/v1/notifications/?severity=fatal", &owner, None).await;
        assert_eq!(status, 400);

        let (status, one) = app.as_user("POST", &format!("/api/v1/notifications/{first}/read/"), &owner, None).await;
        assert_eq!(status, 200, "{one}");
        assert_eq!(one["data"]["is_read"], true);
        let (_, unread) = app.as_user("GET", "/api/v1/notifications/?is_read=false", &owner, None).await;
        assert_eq!(ids(&unread), [third, second]);
        let (_, marked) =
            app.as_user("POST", "/api/v1/notifications/mark_read/", &owner, Some(&json!({"ids": [second]}))).await;
        assert_eq!(marked["data"]["updated"], 1);
        let (_, marked) = app.as_user("POST", "/api/v1/notifications/mark_all_read/", &owner, None).await;
        assert_eq!(marked["data"]["updated"], 1);
        let (_, count) = app.as_user("GET", "/api/v1/notifications/unread_count", &owner, None).await;
        assert_eq!(count["data"]["unread"], 0);
        let (_, options) = app.as_user("GET", "/api/v1/notifications/filter_options/", &owner, None).await;
        assert_eq!(options["data"]["severity"], json!(["error", "success", "warning"]));

        assert_eq!(app.as_user("DELETE", &format!("/api/v1/notifications/{first}/"), &owner, None).await.0, 204);
        assert_eq!(app.as_user("DELETE", &format!("/api/v1/notifications/{first}/"), &owner, None).await.0, 404);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn the_stream_carries_only_the_callers_account() {
    let app = spawn_app(crate::helpers::Backend::Sqlite).await;
    let owner = app.register("live@example.com").await;
    let other = app.register("elsewhere@example.com").await;
    let response =
        app.client.get(app.url("/api/v1/notifications/stream/")).bearer_auth(&owner.access).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    let mut next_chunk = async || {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), body.next()).await.expect("event in time");
        String::from_utf8(chunk.unwrap().unwrap().to_vec()).unwrap()
    };
    while !seen.contains("event: ready") {
        seen.push_str(&next_chunk().await);
    }
    // `ready` carries what the bell and the credit badge show, so the app need not ask for them.
    let ready = seen.lines().find(|l| l.starts_with("data:")).unwrap_or_default().trim_start_matches("data:").trim();
    let ready: serde_json::Value = serde_json::from_str(ready).unwrap();
    assert_eq!(ready["unread"], 0, "{seen}");
    let (_, balance) = app.as_user("GET", "/api/v1/billing/credits/balance/", &owner, None).await;
    assert_eq!(ready["balance"], balance["data"], "the balance as its endpoint answers it");
    // The server's own hub: notifications made through the running app's state reach the stream.
    let state_events = app.events().clone();
    service::create(&app.db, &state_events, note(other.account_id, "low_credits", "warning", "Not yours"))
        .await
        .unwrap();
    service::create(&app.db, &state_events, note(owner.account_id, "ai_task_succeeded", "success", "Yours"))
        .await
        .unwrap();
    let mut received = String::new();
    while !received.contains("event: notification") {
        received.push_str(&next_chunk().await);
    }
    assert!(received.contains("\"title\":\"Yours\""), "{received}");
    assert!(!received.contains("Not yours"), "{received}");
    // Then the new counts: one unread now.
    while !received.contains("event: counts")
        || !received.split("event: counts").nth(1).unwrap_or_default().contains("\n\n")
    {
        received.push_str(&next_chunk().await);
    }
    let counts = received.split("event: counts").nth(1).unwrap().lines().find(|l| l.starts_with("data:")).unwrap();
    let counts: serde_json::Value = serde_json::from_str(counts.trim_start_matches("data:").trim()).unwrap();
    assert_eq!(counts["unread"], 1, "{received}");
    assert!(counts["balance"]["total"].is_i64(), "{received}");
    app.cleanup().await;
}
