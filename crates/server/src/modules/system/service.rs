use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use super::dto::Readiness;
use crate::http::AppError;

/// Checks that the database answers and its schema is current. `Err` means not ready, with the reason.
pub async fn readiness(db: &DatabaseConnection, queue: &jobs::Queue) -> Result<Readiness, AppError> {
    let not_ready = |message: String| AppError::Status {
        status: axum::http::StatusCode::SERVICE_UNAVAILABLE,
        code: "NOT_READY",
        message,
    };
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_string(backend, "SELECT 1"))
        .await
        .map_err(|e| not_ready(format!("Database unreachable: {e}")))?;
    let status = db::migration_status(db).await.map_err(|e| not_ready(format!("Cannot read migration state: {e}")))?;
    if !status.is_current() {
        return Err(not_ready(format!(
            "Database schema is behind: {} migration(s) pending; run `igny8 migrate`.",
            status.pending.len()
        )));
    }
    let jobs = match queue.health().status() {
        jobs::LoopStatus::NotRunning => "not_running",
        jobs::LoopStatus::Up => "ok",
        jobs::LoopStatus::Down { reason } => return Err(not_ready(format!("Job loop down: {reason}"))),
    };
    Ok(Readiness {
        database: "ok",
        jobs,
        backend: if backend == DbBackend::Postgres { "postgres" } else { "sqlite" },
        migrations: "current",
        pending: status.pending,
    })
}
