//! WordPress connections: create (core REST and bridge), the credential sealed at rest and never returned, clear
//! errors for bad input, the connection test against a mock WordPress stored on the connection, and the outbound
//! guard's refusal of a private address when private addresses are not allowed.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{Backend, Options, TestApp, assert_error, each_backend, spawn_app_with};

const PASSWORD: &str = "abcd efgh ijkl mnop qrst uvwx";

async fn app(backend: Backend, allow_private: bool) -> TestApp {
    let configure = Box::new(move |config: &mut server::config::Config| config.publish_allow_private = allow_private);
    spawn_app_with(backend, Options { configure, ..Options::default() }).await
}

/// A WordPress that knows user `editor` with [`PASSWORD`].
async fn wordpress() -> MockServer {
    use base64::Engine;
    let server = MockServer::start().await;
    let good = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("editor:{PASSWORD}")));
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"<meta name="generator" content="WordPress 6.1.9" />"#),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "Garden Blog", "namespaces": ["wp/v2"]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .and(query_param("context", "edit"))
        .and(header("authorization", good.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "username": "editor", "roles": ["editor"], "capabilities": {"publish_posts": true, "upload_files": true}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": "incorrect_password", "message": "Invalid application password."})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/types"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"post": {}, "page": {}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/taxonomies"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"category": {}, "post_tag": {}})))
        .mount(&server)
        .await;
    server
}

fn core_body(site_id: i64, url: &str, password: &str) -> Value {
    json!({"site_id": site_id, "auth_mode": "application_password", "site_url": url, "username": "editor", "app_password": password})
}

#[tokio::test]
async fn a_core_connection_is_sealed_tested_and_its_outcome_kept() {
    each_backend(|backend| async move {
        let app = app(backend, true).await;
        let t = app.tenant("wp@example.com").await;
        let wp = wordpress().await;
        let (status, made) = app
            .as_user(
                "POST",
                "/api/v1/integration/integrations/",
                &t.owner,
                Some(&core_body(t.site_id, &format!("{}/", wp.uri()), PASSWORD)),
            )
            .await;
        assert_eq!(status, 201, "{made}");
        let id = made["data"]["id"].as_i64().unwrap();
        assert_eq!(made["data"]["site_url"], wp.uri(), "stored without the trailing slash");
        assert_eq!(
            (made["data"]["secret_set"].as_bool(), made["data"]["secret_hint"].as_str()),
            (Some(true), Some("…uvwx"))
        );
        assert_eq!(made["data"]["connection_status"], "unknown");
        assert!(!made.to_string().contains("abcd efgh"), "the password is never echoed: {made}");
        let stored = {
            use db::sea_orm::EntityTrait;
            db::entities::site_integration::Entity::find_by_id(id)
                .one(&app.db)
                .await
                .unwrap()
                .unwrap()
                .secret_sealed
                .unwrap()
        };
        assert!(!stored.contains("abcd") && !stored.is_empty(), "sealed at rest");

        let (status, tested) = app
            .as_user("POST", &format!("/api/v1/integration/integrations/{id}/test_connection/"), &t.owner, None)
            .await;
        assert_eq!(status, 200, "{tested}");
        assert_eq!(tested["data"]["connection_status"], "connected", "{tested}");
        let names: Vec<&str> =
            tested["data"]["checks"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["reachable", "wordpress", "rest_api", "credentials", "can_publish", "version", "post_types", "taxonomies"]
        );
        let (_, again) = app.as_user("GET", &format!("/api/v1/integration/integrations/{id}/"), &t.owner, None).await;
        assert_eq!(again["data"]["connection_status"], "connected");
        assert_eq!(again["data"]["checks"].as_array().unwrap().len(), 8);
        assert!(again["data"]["last_checked_at"].is_string());

        // A wrong application password: the test says which check failed and why; the status is error.
        let (status, _) = app
            .as_user(
                "PATCH",
                &format!("/api/v1/integration/integrations/{id}/"),
                &t.owner,
                Some(&json!({"app_password": "wrong password here"})),
            )
            .await;
        assert_eq!(status, 200);
        let (_, changed) = app.as_user("GET", &format!("/api/v1/integration/integrations/{id}/"), &t.owner, None).await;
        assert_eq!(changed["data"]["connection_status"], "unknown", "a changed connection must be tested again");
        let (_, tested) = app
            .as_user("POST", &format!("/api/v1/integration/integrations/{id}/test_connection/"), &t.owner, None)
            .await;
        assert_eq!(tested["data"]["connection_status"], "error");
        let error = tested["data"]["connection_error"].as_str().unwrap();
        assert!(error.contains("incorrect_password") && error.contains("application password"), "{error}");

        // One connection per site.
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/integration/integrations/",
                &t.owner,
                Some(&core_body(t.site_id, &wp.uri(), PASSWORD)),
            )
            .await;
        assert_eq!(status, 409, "{body}");
        let (status, _) =
            app.as_user("DELETE", &format!("/api/v1/integration/integrations/{id}/"), &t.owner, None).await;
        assert_eq!(status, 204);
        let (_, list) = app.as_user("GET", "/api/v1/integration/integrations/", &t.owner, None).await;
        assert_eq!(list["count"], 0);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn bad_input_names_the_field_and_a_private_address_is_refused_with_the_reason() {
    each_backend(|backend| async move {
        let app = app(backend, false).await;
        let t = app.tenant("wpbad@example.com").await;
        let cases = [
            (core_body(t.site_id, "example.com", PASSWORD), "site_url"),
            (core_body(t.site_id, "ftp://example.com", PASSWORD), "site_url"),
            (core_body(t.site_id, "https://user:pw@example.com", PASSWORD), "site_url"),
            (core_body(t.site_id, "https://example.com", "short"), "app_password"),
            (json!({"site_id": t.site_id, "auth_mode": "application_password", "site_url": "https://example.com", "app_password": PASSWORD}), "username"),
            (json!({"site_id": t.site_id, "auth_mode": "ftp", "site_url": "https://example.com"}), "auth_mode"),
            (json!({"site_id": t.site_id, "platform": "shopify", "auth_mode": "bridge", "site_url": "https://example.com"}), "platform"),
            (json!({"site_id": 999_999, "auth_mode": "bridge", "site_url": "https://example.com"}), "site_id"),
        ];
        for (body, field) in cases {
            let (status, answer) = app.as_user("POST", "/api/v1/integration/integrations/", &t.owner, Some(&body)).await;
            assert_eq!(status, 400, "{body} → {answer}");
            assert_eq!(assert_error(&answer), "VALIDATION_ERROR");
            assert!(answer["errors"][field].is_array(), "{field}: {answer}");
        }
        // Loopback with private addresses not allowed: the test runs, is refused by the guard, says why.
        let (status, made) = app
            .as_user("POST", "/api/v1/integration/integrations/", &t.owner, Some(&json!({"site_id": t.site_id, "auth_mode": "bridge", "site_url": "http://127.0.0.1:9"})))
            .await;
        assert_eq!(status, 201, "{made}");
        let key = made["data"]["bridge_key"].as_str().unwrap().to_owned();
        assert!(key.starts_with("igny8_") && key.len() > 30, "the bridge key is shown once: {key}");
        let id = made["data"]["id"].as_i64().unwrap();
        let (_, shown) = app.as_user("GET", &format!("/api/v1/integration/integrations/{id}/"), &t.owner, None).await;
        assert!(shown["data"].get("bridge_key").is_none() && !shown.to_string().contains(&key), "never again: {shown}");
        let (status, tested) =
            app.as_user("POST", &format!("/api/v1/integration/integrations/{id}/test_connection/"), &t.owner, None).await;
        assert_eq!(status, 200, "{tested}");
        assert_eq!(tested["data"]["connection_status"], "error");
        let error = tested["data"]["connection_error"].as_str().unwrap();
        assert!(error.contains("loopback") && error.contains("IGNY8_PUBLISH_ALLOW_PRIVATE"), "{error}");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn viewers_cannot_connect_or_test() {
    each_backend(|backend| async move {
        let app = app(backend, true).await;
        let t = app.tenant("wpview@example.com").await;
        let viewer = app.add_member(&t.owner, "viewer@example.com", "viewer", &[t.site_id]).await;
        let body = json!({"site_id": t.site_id, "auth_mode": "bridge", "site_url": "https://wp.example.com"});
        let (status, _) = app.as_user("POST", "/api/v1/integration/integrations/", &viewer, Some(&body)).await;
        assert_eq!(status, 403);
        let (_, made) = app.as_user("POST", "/api/v1/integration/integrations/", &t.owner, Some(&body)).await;
        let id = made["data"]["id"].as_i64().unwrap();
        let (status, list) = app.as_user("GET", "/api/v1/integration/integrations/", &viewer, None).await;
        assert_eq!((status, list["count"].as_u64()), (200, Some(1)), "a viewer of the site sees it");
        let (status, _) = app
            .as_user("POST", &format!("/api/v1/integration/integrations/{id}/test_connection/"), &viewer, None)
            .await;
        assert_eq!(status, 403);
        app.cleanup().await;
    })
    .await;
}
