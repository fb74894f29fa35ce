//! Startup steps shared by `serve`, `worker`, `migrate` and the test harness.

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::app::AppState;
use crate::config::{Config, redact_url};

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

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight work");
}
