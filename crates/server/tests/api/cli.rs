//! The `igny8` binary as a newcomer meets it: help, config errors, migrate, openapi, serve and shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn igny8(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_igny8"));
    command.current_dir(dir).env_remove("IGNY8_DATABASE_URL").env_remove("IGNY8_BIND").env_remove("RUST_LOG");
    command
}

#[test]
fn help_lists_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let output = igny8(dir.path()).arg("--help").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for command in ["serve", "worker", "migrate", "openapi"] {
        assert!(text.contains(command), "{command} missing from help:\n{text}");
    }
}

#[test]
fn invalid_setting_is_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = igny8(dir.path()).arg("migrate").env("IGNY8_BIND", "not-an-address").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("IGNY8_BIND"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn unreachable_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = igny8(dir.path())
        .arg("migrate")
        .env("IGNY8_DATABASE_URL", "postgres://nobody:secretpw@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("cannot connect"), "{stderr}");
    assert!(!stderr.contains("secretpw"), "password leaked: {stderr}");
}

#[test]
fn migrate_creates_the_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let output = igny8(dir.path()).arg("migrate").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.path().join("data/igny8.db").exists());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("0 pending"), "{stdout}");
    let output = igny8(dir.path()).args(["migrate", "--status"]).output().unwrap();
    assert!(String::from_utf8(output.stdout).unwrap().contains("applied  m20261125_000001_system_settings"));
}

#[test]
fn openapi_prints_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let output = igny8(dir.path()).arg("openapi").output().unwrap();
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema["openapi"], "3.1.0");
    assert!(schema["paths"]["/api/v1/system/ping"].is_object());
}

#[tokio::test]
async fn serve_starts_with_no_configuration_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = igny8(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let address = loop {
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("serve printed its address");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    let body: serde_json::Value = reqwest::get(format!("http://{address}/readyz")).await.unwrap().json().await.unwrap();
    assert_eq!(body["data"]["backend"], "sqlite");
    assert!(dir.path().join("data/secret.key").exists(), "the embedded shape generates its key");

    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status:?}");
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(rest.iter().any(|l| l.contains("shutdown signal received")), "{rest:?}");
}
