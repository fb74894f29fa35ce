//! The worker runtime: takes jobs from the queue, runs the registered handler for their kind with bounded
//! concurrency, records the outcome on the task, retries retryable failures with exponential backoff, and
//! stops cleanly on shutdown.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use db::entities::task;
use sea_orm::DatabaseConnection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::queue::Queue;
use crate::tasks::{self, Progress, Target, TaskError, TaskObserver, Want};

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
        match error {
            // Nothing more to do here: another worker runs the task now.
            TaskError::LeaseLost { .. } => JobError::Cancelled,
            other => JobError::Retryable(other.to_string()),
        }
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
        tasks::progress(&self.db, self.observer.as_ref(), &self.task, report).await?;
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
    /// A running task's lease; renewed every quarter of it while the job runs. After a worker dies, its
    /// task is taken over once the lease has passed (so this bounds how long a dead worker's jobs wait).
    pub lease: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(300),
            lease: Duration::from_secs(8),
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

    /// How many of each kind this worker could start now.
    fn wants(&self) -> Vec<Want> {
        self.handlers
            .iter()
            .map(|(kind, (_, limit))| Want { kind, n: limit.available_permits() })
            .filter(|want| want.n > 0)
            .collect()
    }

    fn slot(&self, kind: &str) -> Option<(Arc<dyn JobHandler>, OwnedSemaphorePermit)> {
        let (handler, limit) = self.handlers.get(kind)?;
        Some((handler.clone(), limit.clone().try_acquire_owned().ok()?))
    }
}

/// What every job of one worker shares.
struct Deps {
    db: DatabaseConnection,
    observer: Arc<dyn TaskObserver>,
    retry: RetryPolicy,
    held: Held,
}

/// The claims this worker holds now (task id → claim number). One ticker per worker renews all their leases in
/// one statement, instead of a timer per job.
#[derive(Clone, Default)]
struct Held(Arc<Mutex<HashMap<i64, i32>>>);

impl Held {
    fn hold(&self, task: &task::Model) -> HoldGuard {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(task.id, task.attempts);
        HoldGuard { held: self.clone(), id: task.id }
    }

    fn targets(&self) -> Vec<Target> {
        let held = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        held.iter().map(|(id, attempt)| Target { id: *id, attempt: Some(*attempt) }).collect()
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

/// Renews the leases of the worker's running tasks every quarter of the lease, until aborted. A failed renewal
/// (the database is unreachable) is tried again at the next tick; the lease has three more ticks before it lapses.
async fn renew_leases(db: DatabaseConnection, held: Held, lease: Duration) {
    let mut ticks = tokio::time::interval((lease / 4).max(Duration::from_millis(10)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick is immediate; nothing is held yet.
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let targets = held.targets();
        match tasks::renew_all(&db, &targets, lease).await {
            Ok(renewed) if (renewed as usize) < targets.len() => {
                tracing::debug!(held = targets.len(), renewed, "some leases were not renewed (tasks ended meanwhile)")
            }
            Ok(_) => {}
            Err(error) => {
                if let TaskError::Db(db_error) = &error {
                    db::lost::is_connection_lost(db_error);
                }
                tracing::warn!(tasks = targets.len(), %error, "could not renew the task leases; trying again");
            }
        }
    }
}

/// Every job runs inside a `job` span carrying its task id and kind, its account and attempt, so every line it
/// logs (model calls included) can be found by its task id. The span is at ERROR level so that it is recorded
/// whatever the log filter: a filter of `warn` still shows a failing job's warnings with its task id.
async fn execute(task: task::Model, handler: Arc<dyn JobHandler>, permit: OwnedSemaphorePermit, deps: Arc<Deps>) {
    let span = tracing::error_span!(
        "job",
        task_id = task.id,
        kind = %task.kind,
        account_id = task.account_id,
        attempt = task.attempts,
    );
    let id = task.id;
    if let Err(error) = run_job(task, handler, deps).instrument(span).await {
        // The outcome could not be recorded (the database went away): the lease lapses and the task is taken
        // over, by this worker or another, once the database answers again.
        tracing::warn!(task_id = id, %error, "could not record a job's outcome; it will be taken over");
    }
    drop(permit);
}

/// How many times beyond its retries a task is taken over from a worker that stopped renewing its lease (died,
/// or lost the database) before it fails as a task that kills its workers.
const TAKEOVERS: i32 = 3;

async fn run_job(task: task::Model, handler: Arc<dyn JobHandler>, deps: Arc<Deps>) -> Result<(), TaskError> {
    let observer = deps.observer.as_ref();
    let claim = Target::from(&task);
    let attempt = task.attempts;
    if attempt > deps.retry.max_attempts + TAKEOVERS {
        // Taken over after its lease lapsed, again and again: its worker keeps dying on it.
        let message = format!("Gave up after {} attempts: the worker running it stopped each time.", attempt - 1);
        tracing::warn!(%message, "job failed");
        tasks::fail(&deps.db, observer, claim, "WORKER_LOST", &message).await?;
        return Ok(());
    }
    tracing::info!("job started");
    let ctx = JobContext { task, db: deps.db.clone(), observer: deps.observer.clone() };
    let outcome = {
        let _lease = deps.held.hold(&ctx.task);
        handler.run(ctx).await
    };
    match &outcome {
        Ok(output) => tracing::info!(credits = output.cost_credits, "job succeeded"),
        Err(JobError::Cancelled) => tracing::info!("job cancelled"),
        Err(JobError::Permanent { code, message }) => tracing::warn!(%code, %message, "job failed"),
        Err(JobError::Retryable(reason)) => tracing::warn!(%reason, "job attempt failed; retryable"),
    }
    let recorded = match outcome {
        Ok(output) => {
            tasks::succeed(&deps.db, observer, claim, output.result, output.cost_credits, output.message).await
        }
        Err(JobError::Cancelled) => tasks::mark_cancelled(&deps.db, observer, claim).await,
        Err(JobError::Permanent { code, message }) => tasks::fail(&deps.db, observer, claim, &code, &message).await,
        Err(JobError::Retryable(reason)) if attempt < deps.retry.max_attempts => {
            let delay = deps.retry.delay_after(attempt);
            tasks::requeue(&deps.db, observer, claim, &reason, delay).await
        }
        Err(JobError::Retryable(reason)) => {
            let message = format!("Gave up after {attempt} attempts: {reason}");
            tasks::fail(&deps.db, observer, claim, "RETRIES_EXHAUSTED", &message).await
        }
    };
    match recorded {
        Ok(_) => Ok(()),
        Err(TaskError::LeaseLost { .. }) => {
            tracing::warn!("the task was taken over by another worker; this run's outcome is dropped");
            Ok(())
        }
        // Cancelled meanwhile, or ended by someone else: nothing to record.
        Err(TaskError::Transition { from, to, .. }) => {
            tracing::info!(%from, %to, "the task changed meanwhile; outcome not recorded");
            Ok(())
        }
        Err(other) => Err(other),
    }
}

/// Waits that double from 100 ms up to the queue's limit while the database keeps failing.
struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(100);

    fn new(max: Duration) -> Self {
        Self { next: Self::FIRST, max }
    }

    fn reset(&mut self) {
        self.next = Self::FIRST;
    }

    fn step(&mut self) -> Duration {
        let wait = self.next.min(self.max);
        self.next = (self.next * 2).min(self.max);
        wait
    }
}

/// On PostgreSQL: listens on the wake channel and wakes the loop on every notification. The listener reconnects
/// by itself after its connection is cut (notifications sent meanwhile are lost; the loop's timer finds those
/// tasks), and wakes the loop once it is back.
async fn listen_for_tasks(queue: Queue) {
    let pool = queue.db().get_postgres_connection_pool().clone();
    let mut backoff = Backoff::new(queue.config().max_backoff);
    loop {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for queued tasks; trying again");
                tokio::time::sleep(backoff.step()).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(crate::queue::WAKE_CHANNEL).await {
            tracing::warn!(%error, "cannot listen for queued tasks; trying again");
            tokio::time::sleep(backoff.step()).await;
            continue;
        }
        backoff.reset();
        queue.wake();
        loop {
            match listener.recv().await {
                Ok(_) => queue.wake(),
                Err(error) => {
                    tracing::warn!(%error, "the queued-task listener lost its connection; reconnecting");
                    queue.wake();
                    tokio::time::sleep(backoff.step()).await;
                    // `recv` reconnects on the next call; a listener that cannot is replaced.
                    if matches!(error, sqlx::Error::PoolClosed) {
                        return;
                    }
                }
            }
        }
    }
}

/// Runs a worker until `shutdown` resolves; in-flight jobs finish first.
///
/// The loop takes only what it can start (per kind, its free slots), so a worker that dies holds nothing it had
/// not started; a job's task is held by a lease renewed every quarter of [`RetryPolicy::lease`]. When the
/// database fails, the loop waits (100 ms doubling to `max_backoff`) and tries again, for as long as it takes;
/// the queue's [`Health`](crate::Health) says meanwhile that the loop is down. The loop only ends on shutdown
/// or when it panics; then the error is returned, so the process can exit rather than idle.
pub async fn run_worker(
    name: String,
    db: DatabaseConnection,
    queue: Queue,
    registry: Registry,
    observer: Arc<dyn TaskObserver>,
    retry: RetryPolicy,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let health = queue.health().clone();
    health.started();
    let looping = tokio::spawn(job_loop(name, db, queue, registry, observer, retry, shutdown));
    match looping.await {
        Ok(()) => {
            health.ended(None);
            Ok(())
        }
        Err(error) => {
            let reason = if error.is_panic() { "the job loop panicked".to_owned() } else { error.to_string() };
            health.ended(Some(reason.clone()));
            Err(reason)
        }
    }
}

async fn job_loop(
    name: String,
    db: DatabaseConnection,
    queue: Queue,
    registry: Registry,
    observer: Arc<dyn TaskObserver>,
    retry: RetryPolicy,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let held = Held::default();
    let _renewals = AbortOnDrop(tokio::spawn(renew_leases(db.clone(), held.clone(), retry.lease)));
    let _listener = (db.get_database_backend() == sea_orm::DatabaseBackend::Postgres)
        .then(|| AbortOnDrop(tokio::spawn(listen_for_tasks(queue.clone()))));
    let deps = Arc::new(Deps { db, observer, retry, held });
    let health = queue.health().clone();
    let mut backoff = Backoff::new(queue.config().max_backoff);
    let mut running = JoinSet::new();
    let idle_poll = queue.idle_poll();
    let sweep_every = queue.config().unknown_kind_grace.clamp(idle_poll, Duration::from_secs(60));
    let mut last_sweep = tokio::time::Instant::now() - sweep_every;
    tokio::pin!(shutdown);
    tracing::debug!(worker = %name, "job loop running");
    loop {
        while let Some(ended) = running.try_join_next() {
            if let Err(error) = ended
                && error.is_panic()
            {
                tracing::error!("a job panicked; its task will be taken over when its lease lapses");
            }
        }
        if last_sweep.elapsed() >= sweep_every {
            last_sweep = tokio::time::Instant::now();
            let grace = queue.config().unknown_kind_grace;
            match tasks::fail_unknown_kinds(&deps.db, deps.observer.as_ref(), &registry.kinds(), grace).await {
                Ok(0) => {}
                Ok(failed) => tracing::warn!(failed, "failed queued tasks of kinds no worker handles"),
                Err(error) => tracing::warn!(%error, "cannot look for tasks of unknown kinds"),
            }
        }
        let wants = registry.wants();
        if !wants.is_empty() {
            match tasks::claim_due(&deps.db, deps.observer.as_ref(), &wants, deps.retry.lease).await {
                Ok(claimed) => {
                    health.ok();
                    backoff.reset();
                    for task in claimed {
                        match registry.slot(&task.kind) {
                            Some((handler, permit)) => {
                                running.spawn(execute(task, handler, permit, deps.clone()));
                            }
                            None => tracing::error!(task_id = task.id, "claimed a task without a free slot"),
                        }
                    }
                }
                Err(error) => {
                    if let TaskError::Db(db_error) = &error {
                        db::lost::is_connection_lost(db_error);
                    }
                    let wait = backoff.step();
                    tracing::warn!(%error, retry_in_ms = wait.as_millis() as u64, "cannot look for due tasks");
                    health.failed(&error.to_string());
                    tokio::select! {
                        _ = &mut shutdown => break,
                        _ = tokio::time::sleep(wait) => continue,
                    }
                }
            }
        }
        tokio::select! {
            _ = &mut shutdown => break,
            _ = queue.woken() => {}
            Some(_) = running.join_next(), if !running.is_empty() => {}
            _ = tokio::time::sleep(idle_poll) => {}
        }
    }
    // Shutdown: take nothing more, let the jobs in flight finish and record their outcome.
    while running.join_next().await.is_some() {}
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
