//! Mail through SMTP (lettre) when `smtp_url` is set, against a minimal local SMTP server.

use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::{Backend, Options, spawn_app_with};

/// Accepts SMTP sessions and keeps each message's DATA.
async fn fake_smtp() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 fake ESMTP\r\n").await.ok();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(std::mem::take(body));
                            data = None;
                            write.write_all(b"250 queued\r\n").await.ok();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or_default().to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250-fake\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.ok();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(reply).await.ok();
                }
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn reset_mail_goes_through_smtp_when_configured() {
    let (port, received) = fake_smtp().await;
    let options = Options {
        configure: Box::new(move |c| c.smtp_url = server::config::Secret::new(format!("smtp://127.0.0.1:{port}"))),
        ..Options::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    app.register("smtp@example.com").await;
    let (status, _) = app.post_json("/api/v1/auth/password/reset/", &json!({"email": "smtp@example.com"})).await;
    assert_eq!(status, 200);
    let mut mail = None;
    for _ in 0..100 {
        if let Some(first) = received.lock().unwrap().first().cloned() {
            mail = Some(first);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mail = mail.expect("the SMTP server received the mail");
    assert!(mail.contains("To: smtp@example.com"), "{mail}");
    assert!(mail.contains("Subject: Reset your IGNY8 password"), "{mail}");
    assert!(mail.contains("token="), "{mail}");
    assert!(!app.database_dir().join("data/outbox").exists(), "nothing written to the folder");

    // The outbox row records the delivery.
    let mut status = String::new();
    for _ in 0..50 {
        let row = app.last_mail_status("smtp@example.com").await;
        if row == "sent" {
            status = row;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "sent");
    app.cleanup().await;
}
