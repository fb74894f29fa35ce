use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Ping {
    /// Always `"ok"` when the process answers.
    pub status: &'static str,
    /// Version of the running binary.
    pub version: &'static str,
    /// Server time (UTC).
    pub time: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `"ok"` when the database answered a query.
    pub database: &'static str,
    /// This process's job loop: `"ok"`, or `"not_running"` when it runs none (`serve --no-worker`). A loop that
    /// cannot reach the database or has stopped makes the probe answer 503 with the reason.
    pub jobs: &'static str,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// `"current"`, or `"pending"` when migrations are waiting to run.
    pub migrations: &'static str,
    /// Names of migrations not yet applied.
    pub pending: Vec<String>,
}

/// The `connection_test` job's input, as [`super::routes`] queues it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ConnectionTestJob {
    /// Text the model should echo (200 characters at most).
    #[serde(default = "ConnectionTestJob::ping")]
    pub message: String,
}

impl ConnectionTestJob {
    fn ping() -> String {
        "ping".into()
    }
}

impl jobs::JobInput for ConnectionTestJob {
    const KIND: &'static str = "connection_test";
}
