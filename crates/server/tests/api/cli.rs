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
fn seed_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let first = igny8(dir.path()).args(["seed"]).output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert!(stdout.contains("seed: 4 plans,"), "{stdout}");
    let library: usize = stdout.split(", ").nth(3).and_then(|p| p.split(' ').next()).unwrap().parse().unwrap();
    assert!(library >= 3_000, "the starter keyword library: {stdout}");
    let second = igny8(dir.path()).args(["seed"]).output().unwrap();
    let stdout = String::from_utf8(second.stdout).unwrap();
    assert!(stdout.contains("seed: 0 plans, 0 industries, 0 sectors, 0 library keywords added"), "{stdout}");
}

#[test]
fn create_user_makes_an_owner_then_a_member() {
    let dir = tempfile::tempdir().unwrap();
    let output = igny8(dir.path())
        .args(["create-user", "--email", "Ops@Example.com", "--account-name", "Ops Team", "--plan", "growth"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("created ops@example.com (owner) in account ops-team"), "{stdout}");
    assert!(stdout.contains("password: "), "a generated password is printed: {stdout}");

    let output = igny8(dir.path())
        .args(["create-user", "--email", "ed@example.com", "--role", "editor", "--account", "ops-team"])
        .env("IGNY8_PASSWORD", "a good long password")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("(editor) in account ops-team") && !stdout.contains("password:"), "{stdout}");

    let output =
        igny8(dir.path()).args(["create-user", "--email", "ed@example.com", "--account", "ops-team"]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8(output.stderr).unwrap().contains("already exists"));
    let output =
        igny8(dir.path()).args(["create-user", "--email", "x@example.com", "--role", "king"]).output().unwrap();
    assert!(String::from_utf8(output.stderr).unwrap().contains("--role"));
}

#[test]
fn rotate_secret_reseals_and_keeps_the_old_key_as_previous() {
    let dir = tempfile::tempdir().unwrap();
    let first = igny8(dir.path()).args(["migrate"]).output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let output = igny8(dir.path()).args(["rotate-secret"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("re-sealed 0 stored secret(s) in one transaction"), "{stdout}");
    assert!(
        stdout.contains("ai_providers.api_key_cipher: 0") && stdout.contains("two_factor.secret_cipher: 0"),
        "{stdout}"
    );
    let key = std::fs::read_to_string(dir.path().join("data/secret.key")).unwrap();
    let previous = std::fs::read_to_string(dir.path().join("data/secret.key.previous")).unwrap();
    assert_eq!((key.len(), previous.len()), (64, 64));
    assert_ne!(key, previous);
    let output = igny8(dir.path()).args(["rotate-secret", "--new-key", "short"]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8(output.stderr).unwrap().contains("at least 32 characters"));
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

/// A running `igny8 serve` on a free port, with its output collected.
struct Served {
    child: std::process::Child,
    address: String,
    stderr: std::sync::mpsc::Receiver<String>,
    stdout: std::thread::JoinHandle<String>,
}

fn serve(dir: &std::path::Path) -> Served {
    let mut child = igny8(dir)
        .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stdout = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
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
    Served { child, address, stderr: rx, stdout }
}

impl Served {
    /// Sends SIGTERM; returns whether it exited cleanly, its later log lines and everything it printed.
    fn stop(mut self) -> (bool, Vec<String>, String) {
        let kill = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let status = self.child.wait().unwrap();
        let stdout = self.stdout.join().unwrap();
        (status.success(), self.stderr.try_iter().collect(), stdout)
    }
}

#[tokio::test]
async fn serve_starts_with_no_configuration_and_stops_on_sigterm() {
    ai::ensure_tls_provider();
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    let body: serde_json::Value =
        reqwest::get(format!("http://{}/readyz", served.address)).await.unwrap().json().await.unwrap();
    assert_eq!(body["data"]["backend"], "sqlite");
    assert!(dir.path().join("data/secret.key").exists(), "the embedded shape generates its key");
    let (clean, logs, printed) = served.stop();
    assert!(clean, "graceful shutdown exits 0");
    assert!(logs.iter().any(|l| l.contains("shutdown signal received")), "{logs:?}");

    // The fresh start created a demo account and printed its login once.
    let password = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("password: "))
        .unwrap_or_else(|| panic!("no demo login printed: {printed}"))
        .trim()
        .to_owned();
    let served = serve(dir.path());
    let response = reqwest::Client::new()
        .post(format!("http://{}/api/v1/auth/login/", served.address))
        .json(&serde_json::json!({"email": "demo@igny8.local", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["data"]["account"]["plan"]["slug"], "growth");
    let (_, _, printed) = served.stop();
    assert!(!printed.contains("Demo account ready"), "printed only on the first start: {printed}");
}

#[test]
fn worker_starts_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = igny8(dir.path()).args(["worker", "--log-format", "json"]).stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    loop {
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("the worker logged its start");
        if line.contains("job worker started") {
            break;
        }
    }
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "the worker exits cleanly on SIGTERM: {status:?}");
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(rest.iter().any(|l| l.contains("worker stopped")), "{rest:?}");
}

#[test]
fn cluster_writes_csv_groups_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keywords.csv");
    std::fs::write(
        &file,
        "Keyword,Volume\nrunning shoes,9000\nbest running shoes,4000\nrunning shoes for women,2000\n\
         sourdough starter,5000\nhow to make sourdough starter,1200\nsourdough starter recipe,3000\nlawn mower,100\n",
    )
    .unwrap();
    let output = igny8(dir.path()).arg("cluster").arg(&file).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "keyword,cluster,pillar,intent");
    assert!(lines.contains(&"best running shoes,Running Shoes,running shoes,commercial"), "{text}");
    assert!(lines.contains(&"sourdough starter recipe,Sourdough Starter,sourdough starter,informational"), "{text}");
    assert!(lines.contains(&"lawn mower,,,"), "unclustered keywords keep their row: {text}");
    assert_eq!(lines.len(), 8, "every keyword once: {text}");
    assert!(!dir.path().join("data").exists(), "no database needed");

    let missing = igny8(dir.path()).args(["cluster", "nope.csv"]).output().unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.csv"));
}

#[test]
fn import_keywords_loads_a_file_into_a_sector() {
    let dir = tempfile::tempdir().unwrap();
    let output = igny8(dir.path())
        .args([
            "create-user",
            "--email",
            "cli-import@example.com",
            "--password",
            "correct horse battery",
            "--plan",
            "scale",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // A site with a sector for the new account, written straight into the embedded database.
    let db = dir.path().join("data/igny8.db");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (site, sector) = runtime.block_on(async {
        use db::sea_orm::{ConnectionTrait, Statement};
        let conn = db::connect(&format!("sqlite://{}", db.display()), &db::DbOptions::default()).await.unwrap();
        let backend = conn.get_database_backend();
        let account: i64 = conn
            .query_one_raw(Statement::from_string(backend, "SELECT id FROM accounts LIMIT 1"))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "id")
            .unwrap();
        let now = "2026-01-01 00:00:00";
        conn.execute_raw(Statement::from_string(backend, format!(
            "INSERT INTO sites (account_id, name, slug, is_active, created_at, updated_at) VALUES ({account}, 'S', 's', 1, '{now}', '{now}')"
        )))
        .await
        .unwrap();
        conn.execute_raw(Statement::from_string(backend, format!(
            "INSERT INTO sectors (account_id, site_id, name, slug, description, is_active, created_at, updated_at) \
             VALUES ({account}, (SELECT id FROM sites WHERE slug = 's'), 'T', 't', '', 1, '{now}', '{now}')"
        )))
        .await
        .unwrap();
        let id = |sql: &'static str| {
            let conn = conn.clone();
            async move {
                conn.query_one_raw(Statement::from_string(backend, sql)).await.unwrap().unwrap().try_get::<i64>("", "id").unwrap()
            }
        };
        (id("SELECT id FROM sites WHERE slug = 's'").await, id("SELECT id FROM sectors WHERE slug = 't'").await)
    });
    let file = dir.path().join("kw.csv");
    let rows: String = (0..2500).map(|i| format!("keyword number {i},{i}\n")).collect();
    std::fs::write(&file, format!("keyword,volume\n{rows}")).unwrap();
    let run = |extra: &[&str]| {
        igny8(dir.path())
            .arg("import-keywords")
            .arg(&file)
            .args(["--site", &site.to_string(), "--sector", &sector.to_string()])
            .args(extra)
            .output()
            .unwrap()
    };
    let preview = run(&["--dry-run"]);
    assert!(preview.status.success(), "{}", String::from_utf8_lossy(&preview.stderr));
    assert!(String::from_utf8_lossy(&preview.stdout).contains("(dry run, nothing written) 2500 rows: 2500 created"));
    let done = run(&[]);
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert!(done.status.success() && stdout.contains("2500 rows: 2500 created"), "{stdout}");
    let again = run(&[]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 created, 0 restored, 2500 already there"));

    std::fs::write(&file, "keyword,volume\nok,1\nbad,lots\n").unwrap();
    let refused = run(&[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains(":3 (volume)") && stderr.contains("nothing was imported"), "{stderr}");
    std::fs::write(&file, "keyword\nfine\n").unwrap();
    let wrong =
        igny8(dir.path()).arg("import-keywords").arg(&file).args(["--site", "999", "--sector", "1"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success() && stderr.contains("--site: no site 999"), "{stderr}");
}
