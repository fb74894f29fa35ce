//! The worker runtime: takes jobs from the queue, runs the registered handler for their kind with bounded
//! concurrency, records the outcome on the task, retries retryable failures with exponential backoff, and
//! stops cleanly on shutdown.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apalis::prelude::{BackendExt, BoxDynError, Data, ParallelizeExt, Strategy, WorkerBuilder};
use db::entities::task;
use sea_orm::DatabaseConnection;
use tokio::sync::Semaphore;
use tracing::Instrument;

use crate::queue::{Job, Queue};
use crate::tasks::{self, Claim, Progress, TaskError, TaskObserver};

/// What a finished job hands back for its task.
pub struct JobOutput {
    pub result: serde_json::Value,
    pub cost_credits: i64,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another try later (a provider's 429 or 5xx, a timeout).
    #[error("{0}")]
    Retryable(String),
    /// Will fail again the same way (bad input, a reply that cannot be used); the reason goes on the task.
    #[error("{message}")]
    Permanent { code: String, message: String },
    /// The job saw a cancel request and stopped between steps.
    #[error("cancelled")]
    Cancelled,
}

impl From<TaskError> for JobError {
    fn from(error: TaskError) -> Self {
        JobError::Retryable(error.to_string())
    }
}

/// Everything a running job may use.
pub struct JobContext {
    pub task: task::Model,
    pub db: DatabaseConnection,
    pub observer: Arc<dyn TaskObserver>,
}

impl JobContext {
    pub async fn progress(&self, report: Progress) -> Result<(), JobError> {
        tasks::progress(&self.db, self.observer.as_ref(), self.task.id, report).await?;
        Ok(())
    }

    /// Call between steps: `Err(Cancelled)` when the user asked to stop.
    pub async fn checkpoint(&self) -> Result<(), JobError> {
        if tasks::cancel_requested(&self.db, self.task.id).await? { Err(JobError::Cancelled) } else { Ok(()) }
    }
}

pub type JobFuture = Pin<Box<dyn Future<Output = Result<JobOutput, JobError>> + Send>>;

/// One kind of job.
pub trait JobHandler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    /// How many of this kind one worker process runs at once.
    fn concurrency(&self) -> usize {
        4
    }
    fn run(&self, ctx: JobContext) -> JobFuture;
}

/// When to try again, and how long a worker's claim on a task lasts without renewal.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Runs in all, the first included.
    pub max_attempts: i32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A running task's lease; renewed every third of it while the job runs. After a worker dies, its
    /// task can be taken over once the lease has passed.
    pub lease: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(300),
            lease: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Exponential: base, 2×base, 4×base… capped.
    pub fn delay_after(&self, attempt: i32) -> Duration {
        let factor = 2u32.saturating_pow(u32::try_from(attempt.max(1) - 1).unwrap_or(0));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// The registered handlers, each with its concurrency limit.
#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<&'static str, (Arc<dyn JobHandler>, Arc<Semaphore>)>,
}

impl Registry {
    pub fn register(mut self, handler: impl JobHandler) -> Self {
        let limit = Arc::new(Semaphore::new(handler.concurrency().max(1)));
        self.handlers.insert(handler.kind(), (Arc::new(handler), limit));
        self
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        self.handlers.keys().copied().collect()
    }
}

/// What every job of one worker shares; the engine hands each job a clone of the `Arc`.
struct Deps {
    db: DatabaseConnection,
    queue: Queue,
    registry: Registry,
    observer: Arc<dyn TaskObserver>,
    retry: RetryPolicy,
    held: Held,
}

/// The tasks this worker is running now. One ticker per worker renews all their leases in one statement,
/// instead of a timer task per job.
#[derive(Clone, Default)]
struct Held(Arc<Mutex<HashSet<i64>>>);

impl Held {
    fn hold(&self, id: i64) -> HoldGuard {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(id);
        HoldGuard { held: self.clone(), id }
    }

    fn ids(&self) -> Vec<i64> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).iter().copied().collect()
    }
}

/// Stops renewing the task's lease when the job ends, however it ends (a panic included).
struct HoldGuard {
    held: Held,
    id: i64,
}

impl Drop for HoldGuard {
    fn drop(&mut self) {
        self.held.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&self.id);
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Renews the leases of the worker's running tasks every third of the lease, until aborted.
async fn renew_leases(db: DatabaseConnection, held: Held, lease: Duration) {
    let mut ticks = tokio::time::interval((lease / 3).max(Duration::from_millis(10)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick is immediate; nothing is held yet.
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let ids = held.ids();
        if let Err(error) = tasks::renew_all(&db, &ids, lease).await {
            tracing::warn!(tasks = ?ids, %error, "could not renew the task leases");
        }
    }
}

/// Creates the task's job in the queue. Call after creating the task record.
pub async fn enqueue(queue: &Queue, task: &task::Model) -> Result<(), crate::queue::QueueError> {
    queue.push(Job { task_id: task.id, kind: task.kind.clone() }, None).await
}

/// Creates the jobs of several tasks in one go (see [`Queue::push_many`]). Call after creating the records.
pub async fn enqueue_many(queue: &Queue, tasks: &[task::Model]) -> Result<(), crate::queue::QueueError> {
    queue.push_many(tasks.iter().map(|task| Job { task_id: task.id, kind: task.kind.clone() }).collect()).await
}

/// Every job runs inside a `job` span carrying its task id and kind, and once claimed its account and attempt, so
/// every line it logs (model calls included) can be found by its task id. The span is at ERROR level so that it
/// is recorded whatever the log filter: a filter of `warn` still shows a failing job's warnings with its task id.
async fn execute(job: Job, deps: Data<Arc<Deps>>) -> Result<(), BoxDynError> {
    let span = tracing::error_span!(
        "job",
        task_id = job.task_id,
        kind = %job.kind,
        account_id = tracing::field::Empty,
        attempt = tracing::field::Empty,
    );
    run_job(job, deps.0).instrument(span).await
}

async fn run_job(job: Job, deps: Arc<Deps>) -> Result<(), BoxDynError> {
    let observer = deps.observer.as_ref();
    let Some((handler, limit)) = deps.registry.handlers.get(job.kind.as_str()).cloned() else {
        tasks::fail(&deps.db, observer, job.task_id, "UNKNOWN_JOB", &format!("No worker handles {:?} jobs.", job.kind))
            .await?;
        return Ok(());
    };
    let _permit = limit.acquire_owned().await?;
    let task = match tasks::claim(&deps.db, observer, job.task_id, deps.retry.lease).await? {
        Claim::Claimed(task) => *task,
        // Finished or cancelled meanwhile: a duplicate delivery has nothing to do.
        Claim::Done => return Ok(()),
        // Another worker runs it. Look again when its lease would end, in case that worker dies.
        Claim::Busy { until } => {
            let wait = (until - chrono::Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(100);
            deps.queue.push(job.clone(), Some(wait)).await?;
            return Ok(());
        }
    };
    let attempt = task.attempts;
    tracing::Span::current().record("account_id", task.account_id).record("attempt", attempt);
    tracing::info!("job started");
    let ctx = JobContext { task, db: deps.db.clone(), observer: deps.observer.clone() };
    let outcome = {
        let _lease = deps.held.hold(job.task_id);
        handler.run(ctx).await
    };
    match &outcome {
        Ok(output) => tracing::info!(credits = output.cost_credits, "job succeeded"),
        Err(JobError::Cancelled) => tracing::info!("job cancelled"),
        Err(JobError::Permanent { code, message }) => tracing::warn!(%code, %message, "job failed"),
        Err(JobError::Retryable(reason)) => tracing::warn!(%reason, "job attempt failed; retryable"),
    }
    match outcome {
        Ok(output) => {
            tasks::succeed(&deps.db, observer, job.task_id, output.result, output.cost_credits, output.message).await?;
        }
        Err(JobError::Cancelled) => {
            tasks::mark_cancelled(&deps.db, observer, job.task_id).await?;
        }
        Err(JobError::Permanent { code, message }) => {
            tasks::fail(&deps.db, observer, job.task_id, &code, &message).await?;
        }
        Err(JobError::Retryable(reason)) if attempt < deps.retry.max_attempts => {
            let delay = deps.retry.delay_after(attempt);
            tasks::requeue(&deps.db, observer, job.task_id, &reason, delay).await?;
            deps.queue.push(job.clone(), Some(delay)).await?;
        }
        Err(JobError::Retryable(reason)) => {
            let message = format!("Gave up after {attempt} attempts: {reason}");
            tasks::fail(&deps.db, observer, job.task_id, "RETRIES_EXHAUSTED", &message).await?;
        }
    }
    Ok(())
}

/// One job's run as the engine hands it over for spawning.
type EngineRun =
    apalis::prelude::LifecycleFuture<Pin<Box<dyn Future<Output = Result<(), BoxDynError>> + Send + 'static>>>;

/// Runs each job on its own tokio task. A plain `tokio::spawn` does not satisfy the engine's
/// higher-ranked bound once the worker future itself is spawned; a function with the concrete type does.
fn spawn_run(run: EngineRun) -> tokio::task::JoinHandle<Result<(), BoxDynError>> {
    tokio::spawn(run)
}

/// Runs a worker until `shutdown` resolves; in-flight jobs finish first.
pub async fn run_worker(
    name: String,
    db: DatabaseConnection,
    queue: Queue,
    registry: Registry,
    observer: Arc<dyn TaskObserver>,
    retry: RetryPolicy,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let held = Held::default();
    // Ends with this function, also when its future is dropped rather than run to the end.
    let renewals = AbortOnDrop(tokio::spawn(renew_leases(db.clone(), held.clone(), retry.lease)));
    let deps = Arc::new(Deps { db, queue: queue.clone(), registry, observer, retry, held });
    let signal = async move {
        shutdown.await;
        Ok::<(), std::io::Error>(())
    };
    let result = match queue {
        // PostgreSQL wakes workers with LISTEN/NOTIFY on every push; SQLite polls at a short, fixed interval
        // (the engine's default backs off to seconds, which made a fresh task wait visibly).
        Queue::Postgres(storage, _) => {
            let backend = storage.with_pubsub();
            WorkerBuilder::new(name.as_str())
                .backend(backend)
                .data(deps)
                .parallelize(spawn_run)
                .build(execute)
                .run_until(signal)
                .await
        }
        Queue::Sqlite(storage, config) => {
            let backend = storage.poll_with_strategy(Strategy::new().interval(config.poll_interval));
            WorkerBuilder::new(name.as_str())
                .backend(backend)
                .data(deps)
                .parallelize(spawn_run)
                .build(execute)
                .run_until(signal)
                .await
        }
    };
    // The engine has waited for the jobs in flight; nothing is held any more.
    drop(renewals);
    result.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let policy = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(10),
            lease: Duration::from_secs(30),
        };
        let delays: Vec<u64> = (1..=5).map(|a| policy.delay_after(a).as_secs()).collect();
        assert_eq!(delays, [2, 4, 8, 10, 10]);
    }
}
