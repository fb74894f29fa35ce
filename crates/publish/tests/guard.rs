//! The outbound guard against local servers: address refusals (IP literals and names after resolution),
//! redirects (`guard/redirects.rs`) and the size and time caps (`guard/limits.rs`). Everything runs on loopback;
//! nothing depends on public DNS.

#[path = "guard/limits.rs"]
mod limits;
#[path = "guard/redirects.rs"]
mod redirects;
#[path = "guard/wordpress_checks.rs"]
mod wordpress_checks;

use std::net::{IpAddr, Ipv4Addr, TcpListener};

use publish::{AddressClass, GuardError, GuardPolicy, OutboundClient};
use reqwest::Method;
use reqwest::header::HeaderMap;
use wiremock::matchers::{body_string, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn client(policy: GuardPolicy) -> OutboundClient {
    OutboundClient::new(policy).expect("the client builds")
}

/// Only 127.0.0.1 is let through: enough to reach the mock servers, while every other refusal stays in force.
fn only_loopback_server() -> GuardPolicy {
    GuardPolicy { allowed_ips: vec![LOOPBACK], ..GuardPolicy::default() }
}

fn allow_private() -> GuardPolicy {
    GuardPolicy { allow_private: true, ..GuardPolicy::default() }
}

/// A mock server on `ip` (any 127.x.y.z works on Linux), answering `GET /` with `body`.
async fn server_on(ip: Ipv4Addr, body: &str) -> MockServer {
    let listener = TcpListener::bind((ip, 0)).expect("bind a loopback port");
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(&server)
        .await;
    server
}

async fn requests_to(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |requests| requests.len())
}

#[tokio::test]
async fn loopback_is_refused_by_default_and_the_error_says_why() {
    let server = server_on(Ipv4Addr::LOCALHOST, "hello").await;
    let err = client(GuardPolicy::default()).get(&server.uri(), HeaderMap::new()).await.expect_err("refused");
    match &err {
        GuardError::ForbiddenAddress { addr, class: AddressClass::Loopback, .. } => assert_eq!(*addr, LOOPBACK),
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(message.starts_with(&format!("refused {}", server.uri())), "{message}");
    assert!(message.contains("127.0.0.1 is a loopback address"), "{message}");
    assert!(message.contains("set IGNY8_PUBLISH_ALLOW_PRIVATE to allow private addresses"), "{message}");
    assert_eq!(requests_to(&server).await, 0, "nothing may be sent to a refused address");
}

#[tokio::test]
async fn allow_private_reaches_loopback_and_sends_the_request_as_given() {
    let server = server_on(Ipv4Addr::LOCALHOST, "hello").await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts"))
        .and(body_string(r#"{"title":"T"}"#))
        .respond_with(ResponseTemplate::new(201).set_body_string(r#"{"id":7}"#))
        .mount(&server)
        .await;
    let guarded = client(allow_private());
    let response = guarded.get(&server.uri(), HeaderMap::new()).await.expect("allowed");
    assert_eq!((response.status.as_u16(), response.body.as_slice()), (200, &b"hello"[..]));
    let url = format!("{}/wp-json/wp/v2/posts", server.uri());
    let body = Some(br#"{"title":"T"}"#.to_vec());
    let created = guarded.send(Method::POST, &url, HeaderMap::new(), body).await.expect("allowed");
    assert_eq!((created.status.as_u16(), created.body.as_slice()), (201, &br#"{"id":7}"#[..]));
}

#[tokio::test]
async fn a_name_that_resolves_to_loopback_is_refused_after_resolution() {
    let server = server_on(Ipv4Addr::LOCALHOST, "hello").await;
    let url = format!("http://localhost:{}/", server.address().port());
    let err = client(GuardPolicy::default()).get(&url, HeaderMap::new()).await.expect_err("refused");
    match &err {
        GuardError::ForbiddenAddress { host, class: AddressClass::Loopback, .. } => assert_eq!(host, "localhost"),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("localhost resolves to 127.0.0.1, a loopback address"), "{err}");
    assert_eq!(requests_to(&server).await, 0);
    // The same name with the policy lifted: the refusal above came from the guard, not from a failed lookup.
    let response = client(allow_private()).get(&url, HeaderMap::new()).await.expect("allowed");
    assert_eq!(response.body, b"hello");
    let response = client(only_loopback_server()).get(&url, HeaderMap::new()).await.expect("allowed by address");
    assert_eq!(response.body, b"hello");
}

#[tokio::test]
async fn unusable_urls_are_refused_without_a_request() {
    let guarded = client(allow_private());
    for url in ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/"] {
        let err = guarded.get(url, HeaderMap::new()).await.expect_err(url);
        assert!(matches!(err, GuardError::UnsupportedScheme { .. }), "{url}: {err:?}");
    }
    for url in ["", "127.0.0.1:8080", "http://", "http://exa mple.com/"] {
        let err = guarded.get(url, HeaderMap::new()).await.expect_err(url);
        assert!(matches!(err, GuardError::InvalidUrl { .. }), "{url:?}: {err:?}");
    }
}
