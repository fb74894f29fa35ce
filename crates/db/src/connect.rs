//! Opening a database from a URL: SQLite for the embedded shape, PostgreSQL for production.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sea_orm::{DatabaseConnection, SqlxPostgresConnector, SqlxSqliteConnector};
use sqlx::pool::PoolOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

/// Which kind of database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, ConnectError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(ConnectError::UnsupportedUrl)
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Pool settings; the defaults suit one process on a small machine.
#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// How long SQLite waits on a locked database before giving up.
    pub sqlite_busy_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            // Generous: under a burst, waiting for a connection beats failing the request (the request timeout
            // still bounds the wait).
            acquire_timeout: Duration::from_secs(30),
            sqlite_busy_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("database URL is not valid: {0}")]
    InvalidUrl(#[source] sqlx::Error),
    #[error("cannot create the folder for the SQLite file {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
}

/// Opens a pool for `url` and wraps it for SeaORM.
pub async fn connect(url: &str, options: &DbOptions) -> Result<DatabaseConnection, ConnectError> {
    match Backend::from_url(url)? {
        Backend::Sqlite => connect_sqlite(url, options).await,
        Backend::Postgres => connect_postgres(url, options).await,
    }
}

/// A pooled connection is pinged before use only after sitting idle this long. sqlx pings on every acquire by
/// default: one extra round trip per query (SeaORM takes a connection per statement), which cost a third of the
/// time of a small authenticated request. A connection in steady use is known to be alive; one that idled may
/// have been cut (a database restart, a firewall), and a failed ping makes the pool open a fresh one instead.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(30);

/// The pool settings both databases share: size, acquire timeout, and a ping only for connections that idled, or
/// for every connection for a few seconds after a lost one was seen (`lost::suspect`).
fn pool_options<DB: sqlx::Database>(options: &DbOptions) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_WHEN_IDLE_FOR || crate::lost::suspected() {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

async fn connect_sqlite(url: &str, options: &DbOptions) -> Result<DatabaseConnection, ConnectError> {
    let connect_options = SqliteConnectOptions::from_str(url)
        .map_err(ConnectError::InvalidUrl)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(options.sqlite_busy_timeout)
        .foreign_keys(true);
    if let Some(parent) = Path::new(connect_options.get_filename()).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|source| ConnectError::CreateDir { path: parent.display().to_string(), source })?;
    }
    let pool =
        pool_options::<sqlx::Sqlite>(options).connect_with(connect_options).await.map_err(ConnectError::Connect)?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

async fn connect_postgres(url: &str, options: &DbOptions) -> Result<DatabaseConnection, ConnectError> {
    let connect_options = PgConnectOptions::from_str(url).map_err(ConnectError::InvalidUrl)?;
    let pool =
        pool_options::<sqlx::Postgres>(options).connect_with(connect_options).await.map_err(ConnectError::Connect)?;
    Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Statement};

    #[test]
    fn backend_from_url() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("postgres://h/db").unwrap(), Backend::Postgres);
        assert_eq!(Backend::from_url("postgresql://h/db").unwrap(), Backend::Postgres);
        assert!(matches!(Backend::from_url("mysql://h/db"), Err(ConnectError::UnsupportedUrl)));
    }

    #[tokio::test]
    async fn sqlite_pragmas_are_set_and_folder_created() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("nested/deeper/app.db");
        let db = connect(&format!("sqlite://{}", file.display()), &DbOptions::default()).await.unwrap();
        assert!(file.exists());
        let pragma = |sql: &'static str| {
            let db = db.clone();
            async move {
                let row =
                    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
                row.try_get_by_index::<String>(0)
                    .or_else(|_| row.try_get_by_index::<i64>(0).map(|v| v.to_string()))
                    .unwrap()
            }
        };
        assert_eq!(pragma("PRAGMA journal_mode").await, "wal");
        assert_eq!(pragma("PRAGMA foreign_keys").await, "1");
        assert_eq!(pragma("PRAGMA busy_timeout").await, "5000");
    }
}
