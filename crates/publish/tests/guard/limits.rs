//! The response-size cap and the overall timeout.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::*;

const CAP: usize = 1024;

/// A bare HTTP/1.1 server (a thread per connection) that answers any request with a chunked body of 512-byte chunks,
/// one every `pause`, until the client hangs up. No `Content-Length`: only counting while streaming can stop it.
fn endless_chunked_server(pause: Duration) -> SocketAddr {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a loopback port");
    let address = listener.local_addr().expect("bound address");
    std::thread::spawn(move || {
        for mut socket in listener.incoming().map_while(Result::ok) {
            std::thread::spawn(move || {
                let _ = socket.read(&mut [0; 4096]);
                let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: text/plain\r\n\r\n";
                let chunk = format!("200\r\n{}\r\n", "a".repeat(512));
                let mut sent = socket.write_all(head);
                while sent.is_ok() {
                    std::thread::sleep(pause);
                    sent = socket.write_all(chunk.as_bytes()).and_then(|()| socket.flush());
                }
            });
        }
    });
    address
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused_and_bodies_at_the_cap_pass() {
    let server = MockServer::start().await;
    for (route, size) in [("/exact", CAP), ("/over", CAP + 1)] {
        let body = vec![b'x'; size];
        Mock::given(path(route)).respond_with(ResponseTemplate::new(200).set_body_bytes(body)).mount(&server).await;
    }
    let guarded = client(GuardPolicy { max_response_bytes: CAP, ..allow_private() });
    let exact = guarded.get(&format!("{}/exact", server.uri()), HeaderMap::new()).await.expect("at the cap");
    assert_eq!(exact.body.len(), CAP);
    let over = guarded.get(&format!("{}/over", server.uri()), HeaderMap::new()).await.expect_err("over the cap");
    assert!(matches!(over, GuardError::ResponseTooLarge { max_bytes: CAP, .. }), "{over:?}");
    assert!(over.to_string().contains("larger than 1024 bytes"), "{over}");
    // HEAD announces the length without sending a body; nothing to refuse.
    let url = format!("{}/over", server.uri());
    let head = guarded.send(Method::HEAD, &url, HeaderMap::new(), None).await.expect("HEAD has no body");
    assert!(head.body.is_empty());
}

#[tokio::test]
async fn a_streamed_body_is_cut_off_at_the_cap() {
    let address = endless_chunked_server(Duration::ZERO);
    let policy = GuardPolicy { max_response_bytes: CAP, timeout: Duration::from_secs(20), ..allow_private() };
    let started = Instant::now();
    let err = client(policy).get(&format!("http://{address}/"), HeaderMap::new()).await.expect_err("endless body");
    assert!(matches!(err, GuardError::ResponseTooLarge { max_bytes: CAP, .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "stopped by the cap, not the timeout");
}

#[tokio::test]
async fn a_slow_answer_hits_the_timeout() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(30));
    Mock::given(path("/slow")).respond_with(slow).mount(&server).await;
    let timeout = Duration::from_millis(300);
    let guarded = client(GuardPolicy { timeout, ..allow_private() });
    let started = Instant::now();
    let err = guarded.get(&format!("{}/slow", server.uri()), HeaderMap::new()).await.expect_err("too slow");
    assert!(matches!(&err, GuardError::Timeout { timeout: got, .. } if *got == timeout), "{err:?}");
    assert!(err.is_transient());
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn the_timeout_covers_reading_the_body() {
    // Headers arrive at once; the body trickles in and would never end.
    let address = endless_chunked_server(Duration::from_millis(50));
    let timeout = Duration::from_millis(500);
    let guarded = client(GuardPolicy { timeout, ..allow_private() });
    let started = Instant::now();
    let err = guarded.get(&format!("http://{address}/"), HeaderMap::new()).await.expect_err("never completes");
    assert!(matches!(err, GuardError::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}
