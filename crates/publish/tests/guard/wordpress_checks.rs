//! The WordPress connection test against a mock site that answers as WordPress 6.1 does (index, users/me with and
//! without a valid application password, types, taxonomies), and against sites that are not WordPress.

use std::net::{IpAddr, Ipv4Addr};

use publish::wordpress::{Site, check_connection};
use publish::{GuardPolicy, OutboundClient, PublishError};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client() -> OutboundClient {
    OutboundClient::new(GuardPolicy { allowed_ips: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)], ..GuardPolicy::default() })
        .expect("client")
}

const GOOD_AUTH: &str = "Basic ZWRpdG9yOmFiY2QgZWZnaCBpamts"; // editor:abcd efgh ijkl

fn site(server: &MockServer, password: &str) -> Site {
    Site { url: format!("{}/", server.uri()), username: "editor".into(), app_password: password.into() }
}

async fn wordpress(capabilities: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"<html><head><meta name="generator" content="WordPress 6.1.9" /></head><body>Blog</body></html>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "name": "Wellness Weekly", "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"], "routes": {}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .and(query_param("context", "edit"))
        .and(header("authorization", GOOD_AUTH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 2, "username": "editor", "roles": ["editor"], "capabilities": capabilities
        })))
        .mount(&server)
        .await;
    // Anything else signed in with a wrong password: WordPress answers 401 incorrect_password.
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "code": "incorrect_password", "message": "The provided password is an invalid application password.",
            "data": {"status": 401}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/types"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"post": {}, "page": {}, "attachment": {}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/taxonomies"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"category": {}, "post_tag": {}})))
        .mount(&server)
        .await;
    server
}

fn names(report: &publish::ConnectionReport) -> Vec<(String, bool)> {
    report.checks.iter().map(|c| (c.name.clone(), c.passed)).collect()
}

#[tokio::test]
async fn a_good_connection_passes_every_named_check_in_order() {
    let server = wordpress(json!({"publish_posts": true, "upload_files": true})).await;
    let report = check_connection(&client(), &site(&server, "abcd efgh ijkl")).await.expect("checks run");
    let expected =
        ["reachable", "wordpress", "rest_api", "credentials", "can_publish", "version", "post_types", "taxonomies"];
    assert_eq!(names(&report), expected.iter().map(|n| (n.to_string(), true)).collect::<Vec<_>>(), "{report:#?}");
    assert!(report.is_ok());
    let detail = |name: &str| report.checks.iter().find(|c| c.name == name).unwrap().detail.clone();
    assert!(detail("wordpress").contains("Wellness Weekly"));
    assert_eq!(detail("version"), "WordPress 6.1.9.");
    assert!(detail("credentials").contains("editor (editor)"));
    assert_eq!(detail("taxonomies"), "Taxonomies: category, post_tag.");
}

#[tokio::test]
async fn a_wrong_application_password_fails_the_credentials_check_and_stops() {
    let server = wordpress(json!({"publish_posts": true, "upload_files": true})).await;
    let report = check_connection(&client(), &site(&server, "wrong")).await.expect("checks run");
    let last = report.checks.last().unwrap();
    assert_eq!((last.name.as_str(), last.passed), ("credentials", false), "{report:#?}");
    assert!(
        last.detail.contains("incorrect_password") && last.detail.contains("application password"),
        "{}",
        last.detail
    );
    assert!(!report.is_ok());
}

#[tokio::test]
async fn a_user_who_cannot_publish_is_told_which_rights_are_missing() {
    let server = wordpress(json!({"publish_posts": false, "upload_files": false, "read": true})).await;
    let report = check_connection(&client(), &site(&server, "abcd efgh ijkl")).await.expect("checks run");
    let check = report.checks.iter().find(|c| c.name == "can_publish").unwrap();
    assert!(!check.passed);
    assert!(check.detail.contains("publish_posts and upload_files"), "{}", check.detail);
}

#[tokio::test]
async fn a_site_that_is_not_wordpress_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>shop</html>"))
        .mount(&server)
        .await;
    let report = check_connection(&client(), &site(&server, "x")).await.expect("checks run");
    assert_eq!(names(&report), [("reachable".to_string(), true), ("wordpress".to_string(), false)]);
    assert!(report.checks[1].detail.contains("does not look like a WordPress site"));
}

#[tokio::test]
async fn pretty_permalinks_off_uses_rest_route_and_a_restricted_api_fails_rest_api() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .and(query_param("rest_route", "/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "Plain", "namespaces": ["oembed/1.0"]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html></html>"))
        .mount(&server)
        .await;
    let report = check_connection(&client(), &site(&server, "x")).await.expect("checks run");
    assert_eq!(
        names(&report),
        [("reachable".to_string(), true), ("wordpress".to_string(), true), ("rest_api".to_string(), false)],
        "{report:#?}"
    );
    assert!(report.checks[1].detail.contains("pretty permalinks are off"));
}

#[tokio::test]
async fn an_unreachable_site_fails_reachable_and_a_private_address_is_refused() {
    // A port nothing listens on: the check runs and says the site did not answer.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let gone = Site { url: format!("http://127.0.0.1:{port}"), username: "a".into(), app_password: "b".into() };
    let report = check_connection(&client(), &gone).await.expect("checks run");
    assert_eq!(names(&report), [("reachable".to_string(), false)]);
    // The default policy refuses loopback before any request: the checks cannot run, and the error says why.
    let strict = OutboundClient::new(GuardPolicy::default()).unwrap();
    match check_connection(&strict, &gone).await {
        Err(PublishError::Refused(error)) => assert!(error.to_string().contains("IGNY8_PUBLISH_ALLOW_PRIVATE")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_bridge_check_finds_the_plugin_and_its_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html></html>"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/igny8/v1/status"))
        .and(header("x-igny8-api-key", "right-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "plugin_version": "1.0.0", "wordpress_version": "6.1.9", "can_publish": true
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/igny8/v1/status"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"code": "igny8_bad_key", "message": "Invalid API key."})),
        )
        .mount(&server)
        .await;
    let good = publish::wordpress::bridge::check_connection(&client(), &server.uri(), "right-key").await.unwrap();
    assert!(good.is_ok(), "{good:#?}");
    assert_eq!(good.checks.last().unwrap().detail, "WordPress 6.1.9, bridge plugin 1.0.0.");
    let bad = publish::wordpress::bridge::check_connection(&client(), &server.uri(), "wrong").await.unwrap();
    let last = bad.checks.last().unwrap();
    assert_eq!((last.name.as_str(), last.passed), ("credentials", false));
    assert!(last.detail.contains("igny8_bad_key"), "{}", last.detail);
    // No plugin: both REST forms answer 404.
    let bare = MockServer::start().await;
    Mock::given(method("GET")).and(path("/")).respond_with(ResponseTemplate::new(404)).mount(&bare).await;
    let none = publish::wordpress::bridge::check_connection(&client(), &bare.uri(), "k").await.unwrap();
    assert_eq!(
        none.checks.iter().map(|c| (c.name.as_str(), c.passed)).collect::<Vec<_>>(),
        [("reachable", true), ("plugin", false)]
    );
}
