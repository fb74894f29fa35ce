//! The test harness: the real application on port 0 against a fresh database per test.

use std::future::Future;
use std::sync::Once;

use axum::Router;
use db::sea_orm::{ConnectionTrait, DatabaseConnection};
use server::config::Secret;
use server::{AppState, Config};
use sqlx::Connection;

pub const PG_ENV: &str = "IGNY8_TEST_DATABASE_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `test` once per available backend. In CI a missing PostgreSQL is a failure, never a skip.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    test(Backend::Sqlite).await;
    match std::env::var(PG_ENV) {
        Ok(_) => test(Backend::Postgres).await,
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{PG_ENV} is not set: CI must run every test on PostgreSQL too")
        }
        Err(_) => {}
    }
}

/// A fresh database: a temporary SQLite file, or a new PostgreSQL database dropped on `cleanup`.
pub struct TestDatabase {
    pub url: String,
    pg_name: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => {
                Self { url: format!("sqlite://{}", dir.path().join("test.db").display()), pg_name: None, _dir: dir }
            }
            Backend::Postgres => {
                let admin_url = std::env::var(PG_ENV).expect("PostgreSQL URL");
                drop_stale_databases(&admin_url).await;
                let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
                let name = format!("igny8_test_{secs}_{}", uuid::Uuid::new_v4().simple());
                let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connect to PostgreSQL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut admin)
                    .await
                    .expect("create db");
                let url = with_database(&admin_url, &name);
                Self { url, pg_name: Some(name), _dir: dir }
            }
        }
    }

    async fn drop_now(&self) {
        if let Some(name) = &self.pg_name {
            let admin_url = std::env::var(PG_ENV).expect("PostgreSQL URL");
            if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
                    .execute(&mut admin)
                    .await;
            }
        }
    }
}

/// Replaces the database name of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}

/// Databases left by tests that panicked are dropped after two hours (their name holds the time).
async fn drop_stale_databases(admin_url: &str) {
    static ONCE: Once = Once::new();
    let mut first = false;
    ONCE.call_once(|| first = true);
    if !first {
        return;
    }
    let Ok(mut admin) = sqlx::PgConnection::connect(admin_url).await else { return };
    let names: Vec<(String,)> = sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'igny8\\_test\\_%'")
        .fetch_all(&mut admin)
        .await
        .unwrap_or_default();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    for (name,) in names {
        let created: u64 = name.split('_').nth(2).and_then(|s| s.parse().ok()).unwrap_or(now);
        let safe = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if safe && now.saturating_sub(created) > 2 * 3600 {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
                .execute(&mut admin)
                .await;
        }
    }
}

/// The application under test.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub database: TestDatabase,
    events: server::events::Events,
    worker: Option<(tokio::sync::watch::Sender<bool>, tokio::task::JoinHandle<anyhow::Result<()>>)>,
}

pub struct Options {
    pub configure: Box<dyn FnOnce(&mut Config)>,
    pub extra: Option<Router<AppState>>,
    /// Also run the job worker in the background, as `igny8 serve` does.
    pub worker: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { configure: Box::new(|_| {}), extra: None, worker: false }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Options::default()).await
}

pub async fn spawn_app_with(backend: Backend, options: Options) -> TestApp {
    ai::ensure_tls_provider();
    server::telemetry::init(server::config::LogFormat::Pretty, "warn");
    let database = TestDatabase::create(backend).await;
    let mut config = Config {
        database_url: database.url.clone(),
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: database._dir.path().join("data"),
        secret_key: Secret::new("test-secret-key-that-is-long-enough-0123456789"),
        db_max_connections: 5,
        // Tests sign in often from one address; the throttling test sets its own limits.
        auth_rate_per_minute: 10_000,
        login_rate_per_minute: 10_000,
        ai_rate_per_minute: 10_000,
        image_rate_per_minute: 10_000,
        write_rate_per_minute: 10_000,
        read_rate_per_minute: 10_000,
        ..Config::default()
    };
    (options.configure)(&mut config);
    let state = server::startup::state(config).await.expect("application state");
    let db = state.db.clone();
    let events = state.events.clone();
    let (stop_worker, stopped) = tokio::sync::watch::channel(false);
    let worker =
        options.worker.then(|| (stop_worker, tokio::spawn(server::worker::run(state.clone(), "test", stopped))));
    let app = server::Application::build(state, options.extra).await.expect("bind");
    let address = format!("http://{}", app.local_addr().unwrap());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { address, client, db, database, events, worker }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The running server's live-event hub.
    pub fn events(&self) -> &server::events::Events {
        &self.events
    }

    /// The temporary folder holding this test's SQLite file and data folder.
    pub fn database_dir(&self) -> &std::path::Path {
        self.database._dir.path()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        json_of(self.get(path).await).await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        json_of(self.client.post(self.url(path)).json(body).send().await.expect("request")).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> (u16, serde_json::Value) {
        let mut request = self.client.post(self.url(path)).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        json_of(request.send().await.expect("request")).await
    }

    pub async fn execute(&self, sql: &str) {
        self.db.execute_unprepared(sql).await.expect(sql);
    }

    /// Drops the PostgreSQL database; SQLite files go with the temp folder.
    pub async fn cleanup(self) {
        if let Some((stop, worker)) = self.worker {
            let _ = stop.send(true);
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), worker).await;
        }
        self.db.clone().close().await.ok();
        self.database.drop_now().await;
    }
}

pub async fn json_of(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, json)
}

/// Asserts the error envelope and returns its code.
pub fn assert_error(body: &serde_json::Value) -> String {
    assert_eq!(body["success"], false, "{body}");
    assert!(body["error"].as_str().is_some_and(|s| !s.is_empty()), "{body}");
    assert!(body["request_id"].as_str().is_some_and(|s| !s.is_empty()), "{body}");
    body["code"].as_str().expect("code").to_owned()
}

#[test]
fn database_name_is_replaced() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(with_database("postgres://h/db?sslmode=disable", "y"), "postgres://h/y?sslmode=disable");
    assert_eq!(with_database("postgres://h", "z"), "postgres://h/z");
}
