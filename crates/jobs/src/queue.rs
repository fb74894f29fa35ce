//! The queue is the `tasks` table: a queued task whose `run_after` has come is a job waiting for a worker, so a
//! task can never exist without its job (starting one is one INSERT) and there is no second store to keep in
//! step. Workers take due tasks with a conditional UPDATE (`tasks::claim_due`), only as many as they can start,
//! and hold them with a lease they renew; a worker that dies lets its lease lapse and another takes the task over.
//!
//! Waking: a worker looks for due tasks when it is told a task was queued, and on a timer in any case. On
//! PostgreSQL a trigger sends `NOTIFY igny8_jobs` when a task becomes queued (delivered at commit, to every
//! process); within one process [`Queue::wake`] does the same without the database; SQLite workers in another
//! process find new tasks at the next poll.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::health::Health;

/// The PostgreSQL channel the `tasks_wake` trigger notifies.
pub const WAKE_CHANNEL: &str = "igny8_jobs";

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("job queue setup failed: {0}")]
    Setup(String),
}

/// Queue settings; the defaults suit production, tests shorten them.
#[derive(Debug, Clone)]
pub struct QueueConfig {
    /// How often an idle worker looks for due tasks without being told. SQLite workers in another process than
    /// the one that queued a task rely on it (so it bounds their start latency); on PostgreSQL it finds retries
    /// whose backoff ended and tasks whose worker died.
    pub poll_interval: Duration,
    /// The same on PostgreSQL, where notifications wake workers for new tasks.
    pub postgres_poll_interval: Duration,
    /// The longest a worker waits before trying the database again after it failed (the wait doubles from
    /// 100 ms up to this).
    pub max_backoff: Duration,
    /// A queued task of a kind no worker of this build handles fails after waiting this long (`UNKNOWN_JOB`). The
    /// wait lets a newer worker that knows the kind take it during a rolling deploy.
    pub unknown_kind_grace: Duration,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_millis(200),
            postgres_poll_interval: Duration::from_secs(1),
            max_backoff: Duration::from_secs(5),
            unknown_kind_grace: Duration::from_secs(600),
        }
    }
}

/// A handle on the queue: what starting a task needs (to wake this process's worker) and what the worker needs
/// (its wake-ups and its health record). Cheap to clone.
#[derive(Clone)]
pub struct Queue {
    db: DatabaseConnection,
    config: QueueConfig,
    wake: Arc<Notify>,
    health: Health,
}

impl Queue {
    /// Opens the queue on the application's database (its tables come with the migrations).
    pub async fn open(db: &DatabaseConnection, config: QueueConfig) -> Result<Self, QueueError> {
        let stale_after = (config.poll_interval.max(config.postgres_poll_interval) * 10).max(Duration::from_secs(15))
            + config.max_backoff;
        Ok(Self { db: db.clone(), config, wake: Arc::new(Notify::new()), health: Health::new(stale_after) })
    }

    pub fn config(&self) -> &QueueConfig {
        &self.config
    }

    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Tells this process's worker that a task was queued (call after the transaction that queued it commits).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// The state of this process's job loop, for the readiness probe.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// How long an idle worker waits between looks on this database.
    pub(crate) fn idle_poll(&self) -> Duration {
        match self.db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => self.config.postgres_poll_interval,
            _ => self.config.poll_interval,
        }
    }
}
