//! # jobs — durable jobs and the user-facing task record
//!
//! Purpose: the durable queue (apalis 1.x on PostgreSQL or SQLite) wrapped so the rest of the code enqueues
//! jobs for task records and registers handlers, never naming the engine; the worker runtime (bounded
//! concurrency per kind, retries with exponential backoff recorded on the task, cancellation between steps,
//! graceful shutdown); the `tasks` record every job reports to; and the cron schedule whose slots run once
//! across all worker processes.

pub mod cron;
pub mod queue;
pub mod runtime;
pub mod tasks;

pub use cron::{
    CronContext, CronError, CronFuture, CronHandler, CronHandlerError, LogOnly, Schedule, Scheduler, SlotRun,
    run_scheduler,
};
pub use queue::{Job, Queue, QueueConfig, QueueError};
pub use runtime::{
    JobContext, JobError, JobFuture, JobHandler, JobOutput, Registry, RetryPolicy, enqueue, enqueue_many, run_worker,
};
pub use tasks::{NewTask, Progress, TaskError, TaskObserver};

/// The typed input of one job kind: what the service that starts the job writes on its task, and what the job
/// reads back, once. Its kind names the job.
pub trait JobInput: serde::Serialize + serde::de::DeserializeOwned + Send + 'static {
    const KIND: &'static str;
}
