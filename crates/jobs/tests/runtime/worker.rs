//! Jobs run, retry with backoff, fail with a reason, cancel between steps, survive a dead worker, and never
//! run twice at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use db::entities::task;
use db::sea_orm::{DatabaseConnection, EntityTrait};
use domain::Phase;
use jobs::tasks::{self, NewTask, Unobserved};
use jobs::{
    JobContext, JobError, JobFuture, JobHandler, JobOutput, Progress, Queue, QueueConfig, Registry, RetryPolicy,
};
use tokio::sync::oneshot;

use crate::support::{database, each_backend, eventually};

fn fast_queue() -> QueueConfig {
    QueueConfig {
        poll_interval: Duration::from_millis(50),
        postgres_poll_interval: Duration::from_millis(200),
        max_backoff: Duration::from_millis(500),
        unknown_kind_grace: Duration::ZERO,
    }
}

fn fast_retry(max_attempts: i32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(1),
        lease: Duration::from_secs(2),
    }
}

struct Worker {
    stop: oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<Result<(), String>>,
}

fn start(name: &str, db: &DatabaseConnection, queue: &Queue, registry: Registry, retry: RetryPolicy) -> Worker {
    let (stop, stopped) = oneshot::channel::<()>();
    let handle = tokio::spawn(jobs::run_worker(
        name.to_owned(),
        db.clone(),
        queue.clone(),
        registry,
        Arc::new(Unobserved),
        retry,
        async move {
            let _ = stopped.await;
        },
    ));
    Worker { stop, handle }
}

impl Worker {
    async fn stop(self) {
        let _ = self.stop.send(());
        let result = tokio::time::timeout(Duration::from_secs(10), self.handle).await.expect("worker stops in time");
        result.unwrap().expect("worker exits cleanly");
    }
}

async fn submit(db: &DatabaseConnection, queue: &Queue, account_id: i64, kind: &str) -> i64 {
    jobs::submit(db, queue, &Unobserved, new_task(account_id, kind)).await.unwrap().id
}

async fn task(db: &DatabaseConnection, id: i64) -> task::Model {
    task::Entity::find_by_id(id).one(db).await.unwrap().unwrap()
}

async fn wait_for_status(db: &DatabaseConnection, id: i64, status: &str) -> task::Model {
    let db2 = db.clone();
    eventually(Duration::from_secs(20), &format!("task {id} {status}"), || {
        let db = db2.clone();
        async move { task(&db, id).await.status == status }
    })
    .await;
    task(db, id).await
}

/// Succeeds after failing `failures` times with a retryable error; counts runs per task.
struct Flaky {
    failures: u32,
    runs: Arc<Mutex<HashMap<i64, u32>>>,
}

impl JobHandler for Flaky {
    fn kind(&self) -> &'static str {
        "flaky"
    }
    fn run(&self, ctx: JobContext) -> JobFuture {
        let runs = self.runs.clone();
        let failures = self.failures;
        Box::pin(async move {
            let run = {
                let mut runs = runs.lock().unwrap();
                let entry = runs.entry(ctx.task.id).or_default();
                *entry += 1;
                *entry
            };
            ctx.progress(Progress { phase: Phase::AiCall, current: 1, total: 2, item: None, message: None }).await?;
            if run <= failures {
                return Err(JobError::Retryable(format!("provider busy (run {run})")));
            }
            Ok(JobOutput { result: serde_json::json!({"run": run}), cost_credits: 3, message: "done".into() })
        })
    }
}

struct Broken;

impl JobHandler for Broken {
    fn kind(&self) -> &'static str {
        "broken"
    }
    fn run(&self, _: JobContext) -> JobFuture {
        Box::pin(async {
            Err(JobError::Permanent { code: "PARSE_ERROR".into(), message: "Reply was not JSON.".into() })
        })
    }
}

/// Works in steps and checks for cancellation between them.
struct Stepper;

impl JobHandler for Stepper {
    fn kind(&self) -> &'static str {
        "stepper"
    }
    fn run(&self, ctx: JobContext) -> JobFuture {
        Box::pin(async move {
            for step in 0..200 {
                ctx.checkpoint().await?;
                ctx.progress(Progress { phase: Phase::AiCall, current: step, total: 200, item: None, message: None })
                    .await?;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok(JobOutput { result: serde_json::json!({}), cost_credits: 0, message: "finished".into() })
        })
    }
}

#[tokio::test]
async fn jobs_succeed_retry_with_backoff_and_fail_with_a_reason() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let queue = Queue::open(&db, fast_queue()).await.unwrap();
        let runs = Arc::new(Mutex::new(HashMap::new()));
        let registry =
            Registry::default().register(Flaky { failures: 2, runs: runs.clone() }).register(Broken).register(Stepper);
        let worker = start("w1", &db, &queue, registry, fast_retry(4));

        let flaky = submit(&db, &queue, account, "flaky").await;
        let done = wait_for_status(&db, flaky, "succeeded").await;
        assert_eq!(done.attempts, 3, "two retryable failures, then success");
        assert_eq!(done.result.unwrap()["run"], 3);
        assert_eq!(done.cost_credits, 3);
        assert_eq!(done.percent, 100);

        let broken = submit(&db, &queue, account, "broken").await;
        let failed = wait_for_status(&db, broken, "failed").await;
        assert_eq!(failed.error_code.as_deref(), Some("PARSE_ERROR"));
        assert_eq!(failed.attempts, 1, "permanent errors are not retried");

        let unknown = submit(&db, &queue, account, "no_such_kind").await;
        let failed = wait_for_status(&db, unknown, "failed").await;
        assert_eq!(failed.error_code.as_deref(), Some("UNKNOWN_JOB"));
        worker.stop().await;
    })
    .await;
}

#[tokio::test]
async fn retries_run_out() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let queue = Queue::open(&db, fast_queue()).await.unwrap();
        let runs = Arc::new(Mutex::new(HashMap::new()));
        let worker =
            start("w1", &db, &queue, Registry::default().register(Flaky { failures: 10, runs }), fast_retry(2));
        let id = submit(&db, &queue, account, "flaky").await;
        let failed = wait_for_status(&db, id, "failed").await;
        assert_eq!(failed.error_code.as_deref(), Some("RETRIES_EXHAUSTED"));
        assert_eq!(failed.attempts, 2);
        assert!(failed.error.unwrap().contains("provider busy"));
        worker.stop().await;
    })
    .await;
}

#[tokio::test]
async fn cancel_is_honoured_between_steps() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let queue = Queue::open(&db, fast_queue()).await.unwrap();
        let worker = start("w1", &db, &queue, Registry::default().register(Stepper), fast_retry(1));
        let id = submit(&db, &queue, account, "stepper").await;
        let db2 = db.clone();
        eventually(Duration::from_secs(20), "the stepper makes progress", || {
            let db = db2.clone();
            async move { task(&db, id).await.current >= 3 }
        })
        .await;
        tasks::request_cancel(&db, &Unobserved, id).await.unwrap();
        let cancelled = wait_for_status(&db, id, "cancelled").await;
        assert!(cancelled.current < 199, "stopped early, at step {}", cancelled.current);
        worker.stop().await;
    })
    .await;
}

#[tokio::test]
async fn many_jobs_two_workers_each_job_runs_once() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let queue = Queue::open(&db, fast_queue()).await.unwrap();
        let runs = Arc::new(Mutex::new(HashMap::new()));
        let registry = Registry::default().register(Flaky { failures: 0, runs: runs.clone() });
        let a = start("worker-a", &db, &queue, registry.clone(), fast_retry(1));
        let b = start("worker-b", &db, &queue, registry, fast_retry(1));
        let mut ids = Vec::new();
        for _ in 0..40 {
            ids.push(submit(&db, &queue, account, "flaky").await);
        }
        for id in &ids {
            wait_for_status(&db, *id, "succeeded").await;
        }
        let runs = runs.lock().unwrap().clone();
        assert_eq!(runs.len(), 40);
        assert!(runs.values().all(|n| *n == 1), "a job ran twice: {runs:?}");
        a.stop().await;
        b.stop().await;
    })
    .await;
}

/// Blocks forever on its first run (its worker will be killed), succeeds afterwards.
struct Hangs {
    runs: Arc<AtomicU32>,
    effects: Arc<AtomicU32>,
}

impl JobHandler for Hangs {
    fn kind(&self) -> &'static str {
        "hangs"
    }
    fn run(&self, _: JobContext) -> JobFuture {
        let (runs, effects) = (self.runs.clone(), self.effects.clone());
        Box::pin(async move {
            if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                std::future::pending::<()>().await;
            }
            effects.fetch_add(1, Ordering::SeqCst);
            Ok(JobOutput { result: serde_json::json!({}), cost_credits: 0, message: "recovered".into() })
        })
    }
}

#[tokio::test]
async fn a_dead_workers_job_is_picked_up_again() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let queue = Queue::open(&db, fast_queue()).await.unwrap();
        let runs = Arc::new(AtomicU32::new(0));
        let effects = Arc::new(AtomicU32::new(0));
        // Worker A lives on a runtime (and a connection pool) of its own, so killing that runtime kills the
        // worker and its job mid-run, as a crashed process would.
        let doomed = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let registry = Registry::default().register(Hangs { runs: runs.clone(), effects: effects.clone() });
        let (registry_a, url_a) = (registry.clone(), url.clone());
        doomed.spawn(async move {
            let db_a = db::connect(&url_a, &db::DbOptions::default()).await.unwrap();
            let queue_a = Queue::open(&db_a, fast_queue()).await.unwrap();
            let observer = Arc::new(Unobserved);
            let _ = jobs::run_worker(
                "doomed".into(),
                db_a,
                queue_a,
                registry_a,
                observer,
                fast_retry(1),
                std::future::pending(),
            )
            .await;
        });
        let id = submit(&db, &queue, account, "hangs").await;
        let db2 = db.clone();
        eventually(Duration::from_secs(20), "worker A started the job", || {
            let db = db2.clone();
            async move { task(&db, id).await.status == "running" }
        })
        .await;
        doomed.shutdown_background();

        let survivor = start("survivor", &db, &queue, registry, fast_retry(1));
        let done = wait_for_status(&db, id, "succeeded").await;
        assert_eq!(done.attempts, 2, "run again after the first worker died");
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert_eq!(effects.load(Ordering::SeqCst), 1, "the work's effects happened once");
        survivor.stop().await;
    })
    .await;
}

/// Sleeps for a while, counting its runs.
struct Sleeper {
    runs: Arc<AtomicU32>,
    time: Duration,
}

impl JobHandler for Sleeper {
    fn kind(&self) -> &'static str {
        "sleeper"
    }
    fn run(&self, _: JobContext) -> JobFuture {
        let (runs, time) = (self.runs.clone(), self.time);
        Box::pin(async move {
            runs.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(time).await;
            Ok(JobOutput { result: serde_json::json!({}), cost_credits: 0, message: "slept".into() })
        })
    }
}

#[tokio::test]
async fn a_job_outliving_its_lease_keeps_it_against_a_duplicate_delivery() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let queue = Queue::open(&db, fast_queue()).await.unwrap();
        let runs = Arc::new(AtomicU32::new(0));
        // The job runs three leases long; only the worker's renewals keep the other worker off it.
        let retry = RetryPolicy { lease: Duration::from_secs(1), ..fast_retry(1) };
        let registry = Registry::default().register(Sleeper { runs: runs.clone(), time: Duration::from_secs(3) });
        let a = start("worker-a", &db, &queue, registry.clone(), retry);
        let b = start("worker-b", &db, &queue, registry, retry);
        let id = submit(&db, &queue, account, "sleeper").await;
        wait_for_status(&db, id, "running").await;
        // Both workers keep looking for due tasks (woken, and every poll) while the job runs.
        for _ in 0..10 {
            queue.wake();
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let done = wait_for_status(&db, id, "succeeded").await;
        assert_eq!(done.attempts, 1, "claimed once");
        assert_eq!(runs.load(Ordering::SeqCst), 1, "ran once");
        a.stop().await;
        b.stop().await;
    })
    .await;
}

#[tokio::test]
async fn a_batch_of_tasks_is_enqueued_at_once_and_each_runs_once() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let queue = Queue::open(&db, fast_queue()).await.unwrap();
        let runs = Arc::new(Mutex::new(HashMap::new()));
        let registry = Registry::default().register(Flaky { failures: 0, runs: runs.clone() });
        let a = start("worker-a", &db, &queue, registry.clone(), fast_retry(1));
        let b = start("worker-b", &db, &queue, registry, fast_retry(1));
        let new: Vec<NewTask> = (0..30)
            .map(|i| NewTask {
                account_id: account,
                site_id: None,
                user_id: None,
                kind: "flaky".into(),
                input: serde_json::json!({ "i": i }),
                total: 1,
                reserved_credits: 0,
            })
            .collect();
        let created = jobs::submit_many(&db, &queue, &Unobserved, new).await.unwrap();
        assert_eq!(created.len(), 30);
        assert!(created.iter().all(|t| t.status == "queued" && t.account_id == account));
        for task in &created {
            wait_for_status(&db, task.id, "succeeded").await;
        }
        let runs = runs.lock().unwrap().clone();
        assert_eq!(runs.len(), 30);
        assert!(runs.values().all(|n| *n == 1), "a job ran twice: {runs:?}");
        assert!(jobs::submit_many(&db, &queue, &Unobserved, Vec::new()).await.unwrap().is_empty());
        a.stop().await;
        b.stop().await;
    })
    .await;
}

#[tokio::test]
async fn transitions_are_checked_by_the_update_itself() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let queued = tasks::create(&db, &Unobserved, new_task(account, "x")).await.unwrap();
        let refused = tasks::succeed(&db, &Unobserved, queued.id, serde_json::json!({}), 0, "no".into()).await;
        assert!(
            matches!(&refused, Err(tasks::TaskError::Transition { from, to: "succeeded", .. }) if from == "queued"),
            "{refused:?}"
        );
        assert_eq!(task(&db, queued.id).await.status, "queued", "a refused move changes nothing");
        assert!(matches!(tasks::fail(&db, &Unobserved, 999_999, "X", "x").await, Err(tasks::TaskError::NotFound(_))));

        let cancelled = tasks::request_cancel(&db, &Unobserved, queued.id).await.unwrap();
        assert_eq!(cancelled.status, "cancelled");
        assert!(cancelled.cancel_requested && cancelled.finished_at.is_some());
        assert!(tasks::request_cancel(&db, &Unobserved, queued.id).await.is_err(), "already over");

        let running = tasks::create(&db, &Unobserved, new_task(account, "y")).await.unwrap();
        let claimed = tasks::claim(&db, &Unobserved, running.id, Duration::from_secs(30)).await.unwrap();
        assert!(matches!(claimed, tasks::Claim::Claimed(ref t) if t.status == "running" && t.attempts == 1));
        let flagged = tasks::request_cancel(&db, &Unobserved, running.id).await.unwrap();
        assert_eq!((flagged.status.as_str(), flagged.cancel_requested), ("running", true));
        let done = tasks::mark_cancelled(&db, &Unobserved, running.id).await.unwrap();
        assert_eq!(done.status, "cancelled");
        assert_eq!(done.lease_expires_at, None);
        assert!(matches!(
            tasks::claim(&db, &Unobserved, running.id, Duration::from_secs(30)).await.unwrap(),
            tasks::Claim::Done
        ));
    })
    .await;
}

fn new_task(account_id: i64, kind: &str) -> NewTask {
    NewTask {
        account_id,
        site_id: None,
        user_id: None,
        kind: kind.into(),
        input: serde_json::json!({}),
        total: 1,
        reserved_credits: 0,
    }
}

#[tokio::test]
async fn a_worker_takes_only_what_it_can_start() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let queue = Queue::open(&db, fast_queue()).await.unwrap();
        let runs = Arc::new(AtomicU32::new(0));
        // One at a time (the default concurrency is 4; a Sleeper reports 4 too, so cap it with a wrapper).
        struct One(Sleeper);
        impl JobHandler for One {
            fn kind(&self) -> &'static str {
                self.0.kind()
            }
            fn concurrency(&self) -> usize {
                1
            }
            fn run(&self, ctx: JobContext) -> JobFuture {
                self.0.run(ctx)
            }
        }
        let registry =
            Registry::default().register(One(Sleeper { runs: runs.clone(), time: Duration::from_millis(600) }));
        let ids: Vec<i64> = {
            let mut ids = Vec::new();
            for _ in 0..5 {
                ids.push(submit(&db, &queue, account, "sleeper").await);
            }
            ids
        };
        let worker = start("one-at-a-time", &db, &queue, registry, fast_retry(1));
        wait_for_status(&db, ids[0], "running").await;
        let mut statuses = Vec::new();
        for id in &ids {
            statuses.push(task(&db, *id).await.status);
        }
        assert_eq!(
            statuses.iter().filter(|s| *s == "running").count(),
            1,
            "a worker holds only the job it runs: {statuses:?}"
        );
        assert_eq!(statuses.iter().filter(|s| *s == "queued").count(), 4, "{statuses:?}");
        for id in &ids {
            wait_for_status(&db, *id, "succeeded").await;
        }
        assert_eq!(runs.load(Ordering::SeqCst), 5);
        worker.stop().await;
    })
    .await;
}

#[tokio::test]
async fn a_lapsed_claim_cannot_record_over_the_worker_that_took_over() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let created = tasks::create(&db, &Unobserved, new_task(account, "x")).await.unwrap();
        let want = [tasks::Want { kind: "x", n: 1 }];
        let first = tasks::claim_due(&db, &Unobserved, &want, Duration::from_secs(30)).await.unwrap();
        assert_eq!(first.len(), 1);
        assert!(
            tasks::claim_due(&db, &Unobserved, &want, Duration::from_secs(30)).await.unwrap().is_empty(),
            "a live lease keeps the task"
        );
        assert!(tasks::still_held(&db, &first[0]).await.unwrap());
        // The first worker stops renewing (it hangs, or lost the database): its lease lapses.
        use db::sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
        let mut lapsed = first[0].clone().into_active_model();
        lapsed.lease_expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
        lapsed.update(&db).await.unwrap();
        let second = tasks::claim_due(&db, &Unobserved, &want, Duration::from_secs(30)).await.unwrap();
        assert_eq!(second.len(), 1, "a lapsed lease is taken over");
        assert_eq!((second[0].id, second[0].attempts), (created.id, 2));
        assert!(!tasks::still_held(&db, &first[0]).await.unwrap(), "the first claim is no longer held");
        let late = tasks::succeed(&db, &Unobserved, &first[0], serde_json::json!({}), 5, "late".into()).await;
        assert!(matches!(late, Err(tasks::TaskError::LeaseLost { .. })), "{late:?}");
        assert_eq!(tasks::renew_all(&db, &[tasks::Target::from(&first[0])], Duration::from_secs(30)).await.unwrap(), 0);
        let done = tasks::succeed(&db, &Unobserved, &second[0], serde_json::json!({}), 1, "ok".into()).await.unwrap();
        assert_eq!((done.status.as_str(), done.cost_credits), ("succeeded", 1));
    })
    .await;
}

#[tokio::test]
async fn a_retry_waits_for_its_time() {
    each_backend(|url| async move {
        let (db, account) = database(&url).await;
        let created = tasks::create(&db, &Unobserved, new_task(account, "x")).await.unwrap();
        let want = [tasks::Want { kind: "x", n: 1 }];
        let claimed = tasks::claim_due(&db, &Unobserved, &want, Duration::from_secs(30)).await.unwrap();
        tasks::requeue(&db, &Unobserved, &claimed[0], "provider busy", Duration::from_secs(60)).await.unwrap();
        assert!(
            tasks::claim_due(&db, &Unobserved, &want, Duration::from_secs(30)).await.unwrap().is_empty(),
            "not before its backoff ends"
        );
        let back = task(&db, created.id).await;
        assert_eq!(back.status, "queued");
        assert!(back.run_after > chrono::Utc::now() + chrono::Duration::seconds(50));
    })
    .await;
}

/// Ends every other session on the test's PostgreSQL database, as a database restart or failover would.
async fn cut_connections(url: &str) -> u64 {
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(url).await.unwrap();
    let ended: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    ended.len() as u64
}

#[tokio::test]
async fn the_worker_resumes_after_its_database_connections_are_cut() {
    each_backend(|url| async move {
        if !url.starts_with("postgres") {
            return; // SQLite has no connections to cut.
        }
        let (db, account) = database(&url).await;
        let queue = Queue::open(&db, fast_queue()).await.unwrap();
        let runs = Arc::new(Mutex::new(HashMap::new()));
        let registry = Registry::default().register(Flaky { failures: 0, runs: runs.clone() });
        let worker = start("survivor", &db, &queue, registry, fast_retry(2));
        let first = submit(&db, &queue, account, "flaky").await;
        wait_for_status(&db, first, "succeeded").await;
        for round in 0..3 {
            let cut = cut_connections(&url).await;
            assert!(cut > 0, "round {round}: the worker's connections were cut");
            // Tasks queued after the cut (the first statements on the dead pool may fail and are retried).
            let mut ids = Vec::new();
            for _ in 0..3 {
                loop {
                    let new = new_task(account, "flaky");
                    match jobs::submit(&db, &queue, &Unobserved, new).await {
                        Ok(task) => break ids.push(task.id),
                        Err(error) => {
                            assert!(
                                matches!(&error, tasks::TaskError::Db(e) if db::lost::is_connection_lost(e)),
                                "{error}"
                            );
                        }
                    }
                }
            }
            for id in ids {
                wait_for_status(&db, id, "succeeded").await;
            }
            assert_eq!(queue.health().status(), jobs::LoopStatus::Up, "round {round}");
        }
        worker.stop().await;
        assert_eq!(queue.health().status(), jobs::LoopStatus::NotRunning);
    })
    .await;
}
