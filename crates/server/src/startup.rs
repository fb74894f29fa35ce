//! Startup steps shared by `serve`, `worker`, `migrate` and the test harness.

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::config::{Config, redact_url};
use crate::state::AppState;

/// Connects to the configured database and, when `migrate` is set, applies pending migrations.
pub async fn open_database(config: &Config, migrate: bool) -> anyhow::Result<DatabaseConnection> {
    let url = config.database_url();
    let options = db::DbOptions { max_connections: config.db_max_connections, ..Default::default() };
    let db = db::connect(&url, &options).await.with_context(|| format!("database {}", redact_url(&url)))?;
    if migrate {
        db::run_migrations(&db).await.context("running migrations")?;
        if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            // SQLite connections cache the schema; ones opened before the migrations may check an
            // `ON CONFLICT (…)` target against tables as they were. Fresh connections see the final schema.
            db.close().await.context("reopening the database after migrating")?;
            return db::connect(&url, &options).await.with_context(|| format!("database {}", redact_url(&url)));
        }
    }
    Ok(db)
}

/// Builds the application state: database (migrated if configured) and the secret key.
pub async fn state(mut config: Config) -> anyhow::Result<AppState> {
    // Outbound HTTPS (model providers, WordPress) uses rustls with ring; pick it once per process.
    ai::ensure_tls_provider();
    config.secret_key = crate::secrets::resolve(&config)?;
    let db = open_database(&config, config.auto_migrate).await?;
    if config.auto_migrate {
        crate::modules::catalog::seed::run(&db).await.context("loading plans and the industry catalogue")?;
    }
    AppState::new(db, config).await
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when this is called, not when the future is
/// first polled: a signal that arrives just after start-up (before a spawned task got to run) is then honoured
/// instead of ending the process with the default action.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        signal(SignalKind::interrupt()).and_then(|interrupt| Ok((interrupt, signal(SignalKind::terminate())?)))
    };
    async move {
        #[cfg(unix)]
        match signals {
            Ok((mut interrupt, mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {},
                    _ = terminate.recv() => {},
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutdown signal received; finishing in-flight work");
    }
}
