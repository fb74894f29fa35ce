//! Error envelopes: 400/404/405/408/409/413/415/500, each with a stable code and the request id.

use serde_json::json;

use crate::helpers::{Backend, Options, TestApp, assert_error, each_backend, spawn_app_with};
use crate::widgets;

async fn app_with_widgets(backend: Backend) -> TestApp {
    let options = Options {
        configure: Box::new(|c| {
            c.body_limit_bytes = 2048;
            c.request_timeout_secs = 1;
        }),
        extra: Some(widgets::router()),
        ..Options::default()
    };
    let app = spawn_app_with(backend, options).await;
    widgets::create_table(&app.db).await;
    app
}

#[tokio::test]
async fn json_body_errors_name_the_field() {
    each_backend(|backend| async move {
        let app = app_with_widgets(backend).await;
        let path = "/api/v1/test/widgets/";

        let (status, body) = app.post_raw(path, Some("application/json"), "{\"name\": \"a\",").await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(assert_error(&body), "INVALID_JSON");

        let (status, body) = app.post_json(path, &json!({"name": "a", "status": "new", "size": "big"})).await;
        assert_eq!(status, 400);
        assert_eq!(assert_error(&body), "VALIDATION_ERROR");
        assert!(body["errors"]["size"][0].as_str().unwrap().contains("expected i64"), "{body}");

        let (status, body) = app.post_json(path, &json!({"name": "a", "status": "gone", "size": 1})).await;
        assert_eq!(status, 400);
        let message = body["errors"]["status"][0].as_str().unwrap();
        assert!(message.contains("`new`") && message.contains("`mapped`"), "{body}");

        let (status, body) = app.post_json(path, &json!({"status": "new", "size": 1})).await;
        assert_eq!(status, 400);
        assert_eq!(body["errors"]["name"][0], "This field is required.");

        let (status, body) = app.post_json(path, &json!({"name": " ", "status": "new", "size": 1})).await;
        assert_eq!(status, 400);
        assert_eq!(body["errors"]["name"][0], "Enter a name.");

        let (status, body) = app.post_raw(path, None, "{}").await;
        assert_eq!(status, 415);
        assert_eq!(assert_error(&body), "UNSUPPORTED_MEDIA_TYPE");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn created_then_duplicate_is_409_naming_the_field() {
    each_backend(|backend| async move {
        let app = app_with_widgets(backend).await;
        let widget = json!({"name": "blue", "status": "new", "size": 3});
        let (status, body) = app.post_json("/api/v1/test/widgets", &widget).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["success"], true);
        assert_eq!(body["data"]["name"], "blue");

        let (status, body) = app.post_json("/api/v1/test/widgets", &widget).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(assert_error(&body), "CONFLICT");
        assert!(body["errors"]["name"].is_array(), "{body}");

        let id = app.get_json("/api/v1/test/widgets").await.1["results"][0]["id"].as_i64().unwrap();
        let (status, body) = app.get_json(&format!("/api/v1/test/widgets/{id}/")).await;
        assert_eq!(status, 200, "{body}");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn oversized_body_is_413_in_the_envelope() {
    each_backend(|backend| async move {
        let app = app_with_widgets(backend).await;
        let big = json!({"name": "x".repeat(5000), "status": "new", "size": 1});
        let (status, body) = app.post_json("/api/v1/test/widgets", &big).await;
        assert_eq!(status, 413, "{body}");
        assert_eq!(assert_error(&body), "PAYLOAD_TOO_LARGE");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn framework_errors_are_enveloped() {
    let app = app_with_widgets(Backend::Sqlite).await;

    let response = app.client.delete(app.url("/api/v1/test/widgets")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let (_, body) = crate::helpers::json_of(response).await;
    assert_eq!(assert_error(&body), "METHOD_NOT_ALLOWED");

    let (status, body) = app.get_json("/api/v1/test/widgets/abc").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(assert_error(&body), "BAD_REQUEST");

    let (status, body) = app.get_json("/api/v1/test/widgets/999999").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "Widget not found.");

    let (status, body) = app.get_json("/api/v1/test/slow").await;
    assert_eq!(status, 408, "{body}");
    assert_eq!(assert_error(&body), "REQUEST_TIMEOUT");
    app.cleanup().await;
}

#[tokio::test]
async fn internal_errors_hide_their_cause() {
    let app = app_with_widgets(Backend::Sqlite).await;
    let (status, body) = app.get_json("/api/v1/test/boom").await;
    assert_eq!(status, 500);
    assert_eq!(assert_error(&body), "INTERNAL_ERROR");
    assert!(!body.to_string().contains("disk on fire"), "{body}");
    app.cleanup().await;
}
