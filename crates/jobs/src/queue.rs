//! The durable queue: apalis storage on PostgreSQL or SQLite, chosen by the database the app uses.
//! Only this file names the engine.

use std::time::Duration;

use apalis::prelude::{TaskBuilder, TaskSink};
use apalis_postgres::PostgresStorage;
use apalis_sqlite::SqliteStorage;
use sea_orm::{DatabaseBackend, DatabaseConnection};
use serde::{Deserialize, Serialize};

/// What the queue carries: which task record to run. The task row holds the input and the progress.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Job {
    pub task_id: i64,
    pub kind: String,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("job queue setup failed: {0}")]
    Setup(String),
    #[error("could not enqueue job: {0}")]
    Push(String),
}

/// Queue settings; the defaults suit production, tests shorten the heartbeat.
#[derive(Debug, Clone)]
pub struct QueueConfig {
    pub name: String,
    /// How often a worker says it is alive.
    pub heartbeat: Duration,
    /// Missed heartbeats after which a worker's jobs are handed to another worker.
    pub missed_heartbeats: usize,
    /// How often SQLite workers look for due jobs (PostgreSQL workers are woken by notifications).
    pub poll_interval: Duration,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            name: "igny8.jobs".into(),
            heartbeat: Duration::from_secs(10),
            missed_heartbeats: 3,
            poll_interval: Duration::from_millis(200),
        }
    }
}

/// Jobs a worker takes per fetch (the engine's default is 10). The engine's worker keeps fetching while its
/// service is ready, so this does not bound how many jobs a worker holds (only the per-kind concurrency
/// limits how many run); a larger batch just needs fewer fetch transactions (in the throughput bench on
/// PostgreSQL: 2.13 instead of 2.29 transactions and about 15 % less CPU per job).
const FETCH_BATCH: usize = 32;

#[derive(Clone)]
pub enum Queue {
    Postgres(PostgresStorage<Job>, QueueConfig),
    Sqlite(SqliteStorage<Job>, QueueConfig),
}

impl Queue {
    /// Creates the engine's tables if needed (its own migrations, beside ours) and opens the queue.
    ///
    /// The engine's per-job lock is off (`lock_tasks(false)`): a fetched job is already marked `Queued` and
    /// held by the fetching worker, and orphan recovery treats `Queued` and `Running` alike, so the lock
    /// (one more UPDATE of the engine's rows per batch of events) would only relabel it. Who runs a task is
    /// decided by the lease on our `tasks` row (`tasks::claim`).
    pub async fn open(db: &DatabaseConnection, config: QueueConfig) -> Result<Self, QueueError> {
        let setup = |e: &dyn std::fmt::Display| QueueError::Setup(e.to_string());
        match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let pool = db.get_postgres_connection_pool().clone();
                PostgresStorage::<()>::setup(&pool).await.map_err(|e| setup(&e))?;
                let engine_config = apalis_postgres::Config::default()
                    .queue(&config.name)
                    .heartbeat_interval(config.heartbeat)
                    .missed_heartbeats(config.missed_heartbeats)
                    .lock_tasks(false)
                    .batch_size(FETCH_BATCH);
                Ok(Self::Postgres(PostgresStorage::new(&pool).with_config(engine_config), config))
            }
            _ => {
                let pool = db.get_sqlite_connection_pool().clone();
                SqliteStorage::<()>::setup(&pool).await.map_err(|e| setup(&e))?;
                let engine_config = apalis_sqlite::Config::default()
                    .queue(&config.name)
                    .heartbeat_interval(config.heartbeat)
                    .missed_heartbeats(config.missed_heartbeats)
                    .lock_tasks(false)
                    .batch_size(FETCH_BATCH);
                Ok(Self::Sqlite(SqliteStorage::new(&pool).with_config(engine_config), config))
            }
        }
    }

    pub fn config(&self) -> &QueueConfig {
        match self {
            Self::Postgres(_, c) | Self::Sqlite(_, c) => c,
        }
    }

    /// Enqueues a job, to run now or after `delay`. Retries are ours (with backoff and a record on the
    /// task), so the engine runs each pushed job at most once.
    pub async fn push(&self, job: Job, delay: Option<Duration>) -> Result<(), QueueError> {
        let task = engine_task(job, delay);
        let result = match self {
            Self::Postgres(storage, _) => storage.clone().push_task(task).await.map_err(|e| e.to_string()),
            Self::Sqlite(storage, _) => storage.clone().push_task(task).await.map_err(|e| e.to_string()),
        };
        result.map_err(QueueError::Push)
    }

    /// Enqueues several jobs to run now, in one statement and one transaction: all or none.
    pub async fn push_many(&self, jobs: Vec<Job>) -> Result<(), QueueError> {
        if jobs.is_empty() {
            return Ok(());
        }
        // The engine buffers what it is sent and writes the buffer as one multi-row INSERT when the
        // stream ends.
        let tasks = || futures_util::stream::iter(jobs.into_iter().map(|job| engine_task(job, None)));
        let result = match self {
            Self::Postgres(storage, _) => storage.clone().push_all(tasks()).await.map_err(|e| e.to_string()),
            Self::Sqlite(storage, _) => storage.clone().push_all(tasks()).await.map_err(|e| e.to_string()),
        };
        result.map_err(QueueError::Push)
    }
}

fn engine_task(job: Job, delay: Option<Duration>) -> apalis::prelude::Task<Job> {
    // Three engine attempts cover a worker that dies mid-run (orphan recovery); failures of the work itself
    // are retried by the runtime with backoff, as new jobs.
    let mut builder = TaskBuilder::new(job).max_attempts(3);
    if let Some(delay) = delay {
        builder = builder.run_after(delay);
    }
    builder.build()
}
