//! Liveness, readiness, schema, docs, metrics, headers and the web-app slot.

use crate::helpers::{Backend, Options, assert_error, each_backend, spawn_app, spawn_app_with};

#[tokio::test]
async fn ping_answers_in_the_envelope_with_the_request_id() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let response = app.get("/api/v1/system/ping/").await;
        assert_eq!(response.status(), 200);
        let header_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["success"], true);
        assert_eq!(body["data"]["status"], "ok");
        assert_eq!(body["data"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(body["request_id"], header_id.as_str());
        assert_eq!(header_id.len(), 36, "a generated id is a UUID: {header_id}");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn readyz_reports_backend_and_current_migrations() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let (status, body) = app.get_json("/readyz").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["database"], "ok");
        assert_eq!(body["data"]["migrations"], "current");
        let expected = if backend == Backend::Postgres { "postgres" } else { "sqlite" };
        assert_eq!(body["data"]["backend"], expected);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn readyz_is_503_when_migrations_are_pending() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        app.execute("DELETE FROM seaql_migrations").await;
        let (status, body) = app.get_json("/readyz/").await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(assert_error(&body), "NOT_READY");
        assert!(body["error"].as_str().unwrap().contains("igny8 migrate"), "{body}");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn caller_request_id_is_echoed_and_bad_ones_replaced() {
    let app = spawn_app(Backend::Sqlite).await;
    let response =
        app.client.get(app.url("/api/v1/system/ping")).header("x-request-id", "trace-42.a").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-42.a");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["request_id"], "trace-42.a");

    for bad in ["has space", &"x".repeat(200), "<script>"] {
        let response = app.client.get(app.url("/api/v1/system/ping")).header("x-request-id", bad).send().await.unwrap();
        let echoed = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(echoed, bad);
        assert_eq!(echoed.len(), 36);
    }
    app.cleanup().await;
}

#[tokio::test]
async fn routes_ignore_the_trailing_slash() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in ["/api/v1/system/ping", "/api/v1/system/ping/", "/readyz", "/readyz/", "/api/schema", "/api/schema/"] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    let (status, body) = app.get_json("/api/v1/system/ping/?x=1").await;
    assert_eq!(status, 200, "{body}");
    app.cleanup().await;
}

#[tokio::test]
async fn schema_is_openapi_31_and_docs_are_served() {
    let app = spawn_app(Backend::Sqlite).await;
    let (status, schema) = app.get_json("/api/schema/").await;
    assert_eq!(status, 200);
    assert_eq!(schema["openapi"], "3.1.0");
    assert!(schema["paths"]["/api/v1/system/ping"]["get"].is_object(), "{schema}");
    assert!(schema["paths"]["/readyz"]["get"].is_object());
    assert!(schema["components"]["securitySchemes"]["bearer"].is_object());

    let docs = app.get("/api/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().to_lowercase().contains("swagger"));
    // Without the slash, Swagger UI redirects to it (and the normaliser must not loop).
    let redirect = app.get("/api/docs").await;
    assert!(redirect.status().is_redirection());
    assert_eq!(redirect.headers()["location"], "/api/docs/");
    app.cleanup().await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let app = spawn_app(Backend::Sqlite).await;
    app.get("/api/v1/system/ping").await;
    app.get("/api/v1/system/ping").await;
    let text = app.get("/metrics").await.text().await.unwrap();
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("http_requests_total")
                && l.contains("route=\"/api/v1/system/ping\"")
                && l.contains("status=\"200\"")
        })
        .unwrap_or_else(|| panic!("no request counter in:\n{text}"));
    let count: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 2.0, "{line}");
    assert!(text.contains("http_request_duration_seconds_bucket"), "latency histogram missing");
    app.cleanup().await;
}

#[tokio::test]
async fn security_headers_and_compression() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.client.get(app.url("/api/schema/")).header("accept-encoding", "gzip").send().await.unwrap();
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(headers["content-encoding"], "gzip");
    app.cleanup().await;
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let options = Options {
        configure: Box::new(|c| c.cors_origins = vec!["https://app.example.com".into()]),
        ..Options::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/system/ping"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .send()
    };
    let allowed = preflight("https://app.example.com").await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.example.com");
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    app.cleanup().await;
}

#[tokio::test]
async fn web_paths_fall_back_to_the_app_and_api_paths_do_not() {
    let app = spawn_app(Backend::Sqlite).await;
    let page = app.get("/planner/keywords").await;
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("IGNY8"));

    let (status, body) = app.get_json("/api/v1/does-not-exist/").await;
    assert_eq!(status, 404);
    assert_eq!(assert_error(&body), "NOT_FOUND");
    assert!(body["error"].as_str().unwrap().contains("/api/v1/does-not-exist"), "{body}");

    let (status, body) = app.get_json("/missing-logo.png").await;
    assert_eq!(status, 404);
    assert_eq!(assert_error(&body), "NOT_FOUND");
    app.cleanup().await;
}

#[tokio::test]
async fn operation_ids_are_unique() {
    let app = spawn_app(Backend::Sqlite).await;
    let (_, schema) = app.get_json("/api/schema/").await;
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in schema["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(id) = operation["operationId"].as_str() else { continue };
            if let Some(previous) = seen.insert(id.to_owned(), format!("{method} {path}")) {
                panic!("operationId {id} used by {previous} and {method} {path}: generated clients would mix them up");
            }
        }
    }
    assert!(seen.len() >= 30);
    app.cleanup().await;
}

#[tokio::test]
async fn readyz_reports_this_processs_job_loop() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let (status, body) = app.get_json("/readyz").await;
        assert_eq!((status, &body["data"]["jobs"]), (200, &serde_json::json!("not_running")), "{body}");
        app.cleanup().await;
        let app = spawn_app_with(backend, Options { worker: true, ..Options::default() }).await;
        let mut jobs = serde_json::Value::Null;
        for _ in 0..100 {
            let (_, body) = app.get_json("/readyz").await;
            jobs = body["data"]["jobs"].clone();
            if jobs == "ok" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(jobs, "ok");
        app.cleanup().await;
    })
    .await;
}

/// A route that loses its database connection on the first call of each method, as the first statement on a
/// pool of connections a database restart has cut does.
fn flaky_connection_routes() -> axum::Router<server::state::AppState> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    let calls = Arc::new(AtomicU32::new(0));
    let answer = move |calls: Arc<AtomicU32>| async move {
        if calls.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
            let lost = db::sea_orm::DbErr::Conn(db::sea_orm::RuntimeErr::Internal("connection closed".into()));
            return Err(server::http::AppError::from(lost));
        }
        Ok(server::http::Data(serde_json::json!({"calls": calls.load(Ordering::SeqCst)})))
    };
    let (get_calls, put_calls, post_calls) = (calls.clone(), calls.clone(), calls);
    axum::Router::new().route(
        "/test/flaky-db",
        axum::routing::get(move || answer(get_calls.clone()))
            .put(move || answer(put_calls.clone()))
            .post(move || answer(post_calls.clone())),
    )
}

#[tokio::test]
async fn a_request_whose_connection_was_lost_is_run_once_more_when_that_is_harmless() {
    let app =
        spawn_app_with(Backend::Sqlite, Options { extra: Some(flaky_connection_routes()), ..Options::default() }).await;
    let (status, body) = app.get_json("/test/flaky-db").await;
    assert_eq!(status, 200, "a read is tried again: {body}");
    assert_eq!(body["data"]["calls"], 2);
    let response = app.client.put(app.url("/test/flaky-db")).json(&serde_json::json!({"a": 1})).send().await.unwrap();
    assert_eq!(response.status(), 200, "an idempotent write is tried again");
    let (status, body) = app.post_json("/test/flaky-db", &serde_json::json!({})).await;
    assert_eq!(status, 503, "a POST is not repeated: {body}");
    assert_eq!(assert_error(&body), "DATABASE_UNAVAILABLE");
    assert!(body["error"].as_str().unwrap().contains("try again"), "{body}");
    app.cleanup().await;
}

#[tokio::test]
async fn requests_after_the_database_cut_every_connection_succeed() {
    each_backend(|backend| async move {
        if backend != Backend::Postgres {
            return; // SQLite has no connections to cut.
        }
        let app = spawn_app(backend).await;
        let owner = app.register("cut@example.com").await;
        for _ in 0..10 {
            let (status, _) = app.as_user("GET", "/api/v1/auth/me/", &owner, None).await;
            assert_eq!(status, 200);
        }
        for round in 0..3 {
            app.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .await;
            for i in 0..10 {
                let (status, body) = app.as_user("GET", "/api/v1/auth/me/", &owner, None).await;
                assert_eq!(status, 200, "round {round}, request {i}: {body}");
            }
        }
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn an_unknown_action_is_404_and_a_refused_method_405() {
    let app = spawn_app(Backend::Sqlite).await;
    let owner = app.register("actions@example.com").await;
    let (status, body) =
        app.as_user("POST", "/api/v1/planner/keywords/add_to_workflow/", &owner, Some(&serde_json::json!({}))).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(assert_error(&body), "NOT_FOUND");
    assert!(body["error"].as_str().unwrap().contains("add_to_workflow"), "{body}");
    let (status, body) = app.as_user("POST", "/api/v1/planner/keywords/5/", &owner, Some(&serde_json::json!({}))).await;
    assert_eq!(status, 405, "an object that refuses a method still says so: {body}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_schema_has_a_second_reader_at_api_redoc() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.get("/api/redoc/").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = response.text().await.unwrap();
    assert!(
        page.contains("/api/v1/planner/keywords/{id}/auto_cluster") || page.contains("auto_cluster"),
        "operations listed"
    );
    assert!(page.contains("id=\"schema-TaskOut\""), "schemas listed");
    assert!(!page.contains("<script"), "no script: it works offline and under the CSP");
    app.cleanup().await;
}
