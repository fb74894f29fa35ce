//! Redirects: followed on reads with every hop checked, refused on writes, credentials kept to their origin.

use reqwest::header::{AUTHORIZATION, HeaderValue};
use wiremock::matchers::any;

use super::*;

fn redirect(status: u16, location: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("location", location)
}

async fn mount_redirect(server: &MockServer, from: &str, status: u16, to: &str) {
    Mock::given(method("GET")).and(path(from)).respond_with(redirect(status, to)).mount(server).await;
}

#[tokio::test]
async fn reads_follow_redirects_up_to_the_limit() {
    let server = server_on(Ipv4Addr::LOCALHOST, "end").await;
    mount_redirect(&server, "/start", 302, "/middle").await;
    mount_redirect(&server, "/middle", 301, &format!("{}/", server.uri())).await;
    let guarded = client(only_loopback_server());
    let response = guarded.get(&format!("{}/start", server.uri()), HeaderMap::new()).await.expect("followed");
    assert_eq!((response.status.as_u16(), response.body.as_slice()), (200, &b"end"[..]));
    assert_eq!(response.url.path(), "/");

    mount_redirect(&server, "/loop", 307, "/loop").await;
    let limited = client(GuardPolicy { max_redirects: 2, ..only_loopback_server() });
    let err = limited.get(&format!("{}/loop", server.uri()), HeaderMap::new()).await.expect_err("loop");
    assert!(matches!(err, GuardError::TooManyRedirects { max: 2, .. }), "{err:?}");
    let loops = server.received_requests().await.unwrap_or_default();
    assert_eq!(loops.iter().filter(|request| request.url.path() == "/loop").count(), 3, "first request + 2 hops");
}

#[tokio::test]
async fn a_redirect_to_a_refused_address_is_refused_before_it_is_sent() {
    let public = server_on(Ipv4Addr::LOCALHOST, "public").await;
    let internal = server_on(Ipv4Addr::new(127, 0, 0, 2), "internal").await;
    mount_redirect(&public, "/to-internal", 302, &format!("{}/", internal.uri())).await;
    let url = format!("{}/to-internal", public.uri());

    let err = client(only_loopback_server()).get(&url, HeaderMap::new()).await.expect_err("refused");
    match &err {
        GuardError::ForbiddenAddress { addr, class: AddressClass::Loopback, .. } => {
            assert_eq!(*addr, IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(requests_to(&internal).await, 0, "the refused hop must not be sent");
    // Control: with the second address allowed too, the same redirect lands, so the refusal was the guard's.
    let both =
        GuardPolicy { allowed_ips: vec![LOOPBACK, Ipv4Addr::new(127, 0, 0, 2).into()], ..GuardPolicy::default() };
    let response = client(both).get(&url, HeaderMap::new()).await.expect("allowed");
    assert_eq!(response.body, b"internal");
}

#[tokio::test]
async fn redirects_to_metadata_mapped_and_non_http_targets_are_refused() {
    let server = server_on(Ipv4Addr::LOCALHOST, "end").await;
    let port = server.address().port();
    let targets = [
        ("/metadata", "http://169.254.169.254/latest/meta-data/".to_owned()),
        ("/mapped", format!("http://[::ffff:127.0.0.1]:{port}/")),
        ("/file", "file:///etc/passwd".to_owned()),
    ];
    for (from, to) in &targets {
        mount_redirect(&server, from, 302, to).await;
    }
    let guarded = client(only_loopback_server());
    let url = |from: &str| format!("{}{from}", server.uri());
    let metadata = guarded.get(&url("/metadata"), HeaderMap::new()).await.expect_err("refused");
    assert!(matches!(metadata, GuardError::ForbiddenAddress { class: AddressClass::LinkLocal, .. }), "{metadata:?}");
    let mapped = guarded.get(&url("/mapped"), HeaderMap::new()).await.expect_err("refused");
    assert!(matches!(mapped, GuardError::ForbiddenAddress { class: AddressClass::Loopback, .. }), "{mapped:?}");
    assert!(mapped.to_string().contains("::ffff:127.0.0.1 is a loopback address"), "{mapped}");
    let file = guarded.get(&url("/file"), HeaderMap::new()).await.expect_err("refused");
    assert!(matches!(file, GuardError::UnsupportedScheme { .. }), "{file:?}");
    let root_hits = server.received_requests().await.unwrap_or_default();
    assert!(root_hits.iter().all(|request| request.url.path() != "/"), "no redirect may land");
}

#[tokio::test]
async fn writes_never_follow_redirects() {
    let server = MockServer::start().await;
    Mock::given(any()).and(path("/elsewhere")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let guarded = client(allow_private());
    for (verb, status) in [(Method::POST, 301), (Method::PUT, 307), (Method::PATCH, 308), (Method::DELETE, 302)] {
        let route = format!("/wp-json/wp/v2/posts/{status}");
        Mock::given(method(verb.as_str()))
            .and(path(route.as_str()))
            .respond_with(redirect(status, "/elsewhere"))
            .mount(&server)
            .await;
        let url = format!("{}{route}", server.uri());
        let err = guarded.send(verb.clone(), &url, HeaderMap::new(), Some(b"{}".to_vec())).await.expect_err("refused");
        match &err {
            GuardError::RedirectOnWrite { method, status: got, location, .. } => {
                assert_eq!((method, *got), (&verb, status));
                assert_eq!(location, &format!("{}/elsewhere", server.uri()));
            }
            other => panic!("{verb} {status}: {other:?}"),
        }
        assert!(err.to_string().contains("redirects are never followed on writes"), "{err}");
    }
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 4, "one request per write, no replay");
    assert!(requests.iter().all(|request| request.url.path() != "/elsewhere"));
}

#[tokio::test]
async fn credentials_do_not_follow_a_redirect_to_another_origin() {
    let server = MockServer::start().await;
    let port = server.address().port();
    // `localhost` and `127.0.0.1` are the same server but different origins; the hop also goes through the resolver.
    mount_redirect(&server, "/cross", 302, &format!("http://localhost:{port}/landing")).await;
    mount_redirect(&server, "/same", 302, "/landing").await;
    Mock::given(method("GET")).and(path("/landing")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let mut api_key = HeaderValue::from_static("site-key");
    api_key.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic YWRtaW46cHc="));
    headers.insert("x-igny8-api-key", api_key);
    headers.insert("x-trace", HeaderValue::from_static("1"));
    let guarded = client(only_loopback_server());
    for from in ["/cross", "/same"] {
        guarded.get(&format!("{}{from}", server.uri()), headers.clone()).await.expect("followed");
    }
    let landings: Vec<_> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == "/landing")
        .collect();
    assert_eq!(landings.len(), 2);
    let (cross, same) = (&landings[0].headers, &landings[1].headers);
    assert!(cross.get("authorization").is_none() && cross.get("x-igny8-api-key").is_none(), "{cross:?}");
    assert_eq!(cross.get("x-trace").map(|value| value.as_bytes()), Some(&b"1"[..]));
    assert!(same.get("authorization").is_some() && same.get("x-igny8-api-key").is_some(), "{same:?}");
}
