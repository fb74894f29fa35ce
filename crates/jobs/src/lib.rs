//! # jobs — durable jobs and the user-facing task record
//!
//! Purpose: the durable queue, which is the `tasks` table itself (a queued task is its job: see `queue`); the
//! worker runtime (takes only what it can start, bounded concurrency per kind, leases renewed while a job runs and
//! taken over when they lapse, retries with exponential backoff recorded on the task, cancellation between steps,
//! reconnection with backoff when the database goes away, graceful shutdown); the `tasks` record every job reports
//! to; and the cron schedule whose slots run once across all worker processes.

pub mod cron;
pub mod health;
pub mod queue;
pub mod runtime;
pub mod tasks;

pub use cron::{
    CronContext, CronError, CronFuture, CronHandler, CronHandlerError, LogOnly, Schedule, Scheduler, SlotRun,
    run_scheduler,
};
pub use health::{Health, LoopStatus};
pub use queue::{Queue, QueueConfig, QueueError};
pub use runtime::{JobContext, JobError, JobFuture, JobHandler, JobOutput, Registry, RetryPolicy, run_worker};
pub use tasks::{NewTask, Progress, Target, TaskError, TaskObserver};

/// Queues a task: records it (the row is its job) and wakes this process's worker. Inside a transaction, use
/// `tasks::create` and call [`Queue::wake`] after the commit instead.
pub async fn submit(
    db: &sea_orm::DatabaseConnection,
    queue: &Queue,
    observer: &dyn TaskObserver,
    new: NewTask,
) -> Result<db::entities::task::Model, TaskError> {
    let task = tasks::create(db, observer, new).await?;
    queue.wake();
    Ok(task)
}

/// Queues several tasks in one statement (all or none) and wakes this process's worker.
pub async fn submit_many(
    db: &sea_orm::DatabaseConnection,
    queue: &Queue,
    observer: &dyn TaskObserver,
    new: Vec<NewTask>,
) -> Result<Vec<db::entities::task::Model>, TaskError> {
    let tasks = tasks::create_many(db, observer, new).await?;
    queue.wake();
    Ok(tasks)
}

/// The typed input of one job kind: what the service that starts the job writes on its task, and what the job
/// reads back, once. Its kind names the job.
pub trait JobInput: serde::Serialize + serde::de::DeserializeOwned + Send + 'static {
    const KIND: &'static str;
}
