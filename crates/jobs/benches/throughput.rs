//! Job throughput: enqueue → run → complete for a no-op job, with 1 and 8 workers, on SQLite and (when
//! `IGNY8_TEST_DATABASE_URL` is set) PostgreSQL, and the enqueue-to-start latency of single tasks (p50, p99).
//! Prints jobs per second, latencies and what each job cost; asserts nothing.
//!
//! `cargo bench -p jobs --bench throughput` (or `make bench`). `JOBS_BENCH_N` sets the job count (default
//! 2000); `JOBS_BENCH_BACKENDS=postgres` and `JOBS_BENCH_WORKERS=8` narrow the cases (for profiling).
//!
//! The rates depend on whatever else the machine runs; the costs per job (this process's CPU time and, on a
//! local PostgreSQL, the server's CPU time and transactions for the run's connections) vary much less, so
//! they show what a change did.

use std::sync::Arc;
use std::time::{Duration, Instant};

use db::sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Statement,
};
use jobs::tasks::{NewTask, Unobserved};
use jobs::{JobContext, JobFuture, JobHandler, JobOutput, Queue, QueueConfig, Registry, RetryPolicy};
use sqlx::Connection;

struct Noop;

impl JobHandler for Noop {
    fn kind(&self) -> &'static str {
        "noop"
    }
    fn concurrency(&self) -> usize {
        64
    }
    fn run(&self, _: JobContext) -> JobFuture {
        Box::pin(async { Ok(JobOutput { result: serde_json::json!({}), cost_credits: 0, message: String::new() }) })
    }
}

const POOL: db::DbOptions = db::DbOptions {
    max_connections: 20,
    acquire_timeout: Duration::from_secs(30),
    sqlite_busy_timeout: Duration::from_secs(5),
};

async fn fresh(url: &str) -> DatabaseConnection {
    let db = db::connect(url, &POOL).await.unwrap();
    db::run_migrations(&db).await.unwrap();
    db.execute_unprepared(
        "INSERT INTO plans (slug, name, price_cents, billing_cycle, included_credits, max_sites, max_users, max_keywords, \
         max_sectors_per_site, is_active, is_internal, sort_order, features, created_at, updated_at) \
         VALUES ('free', 'Free', 0, 'monthly', 0, 1, 1, 1, 1, true, false, 0, '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )
    .await
    .unwrap();
    db.execute_unprepared(
        "INSERT INTO accounts (name, slug, status, timezone, plan_id, credits, bonus_credits, created_at, updated_at) \
         VALUES ('Bench', 'bench', 'active', 'UTC', 1, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )
    .await
    .unwrap();
    db
}

/// CPU time (user + system) a process has used, from `/proc` (Linux only; `None` elsewhere).
fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis start at field
    // 3, so utime and stime (fields 14 and 15) are the 12th and 13th of them.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Clock ticks of 10 ms (USER_HZ is 100 on Linux).
    Some(Duration::from_millis(ticks * 10))
}

/// The server processes behind this database's connections, other than the asking one.
async fn backend_pids(db: &DatabaseConnection) -> Vec<String> {
    let sql =
        "SELECT pid::text AS pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap_or_default();
    rows.iter().filter_map(|row| row.try_get::<String>("", "pid").ok()).collect()
}

/// Transactions PostgreSQL has counted for a database (statistics of closed connections are complete).
async fn transactions(admin: &str, name: &str) -> Option<i64> {
    let mut conn = sqlx::PgConnection::connect(admin).await.ok()?;
    sqlx::query_scalar::<_, i64>("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1")
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .ok()
}

/// For PostgreSQL: the admin URL and the database's name, to read its statistics.
struct PgStats<'a> {
    admin: &'a str,
    name: &'a str,
}

async fn run(label: &str, url: &str, workers: usize, n: usize, pg: Option<PgStats<'_>>) -> f64 {
    let setup = fresh(url).await;
    let queue = Queue::open(&setup, QueueConfig::default()).await.unwrap();
    let new = || NewTask {
        account_id: 1,
        site_id: None,
        user_id: None,
        kind: "noop".into(),
        input: serde_json::json!({}),
        total: 1,
        reserved_credits: 0,
    };
    // Half the jobs one by one, as the app enqueues a user's request; half in batches of 100.
    let single = n / 2;
    let enqueue_started = Instant::now();
    for _ in 0..single {
        jobs::submit(&setup, &queue, &Unobserved, new()).await.unwrap();
    }
    let single_secs = enqueue_started.elapsed().as_secs_f64();
    let batch_started = Instant::now();
    let mut left = n - single;
    while left > 0 {
        let size = left.min(100);
        jobs::submit_many(&setup, &queue, &Unobserved, (0..size).map(|_| new()).collect()).await.unwrap();
        left -= size;
    }
    let batch_secs = batch_started.elapsed().as_secs_f64();
    let enqueue_secs = single_secs + batch_secs;
    // The run gets connections of its own, so what the server did for them is the run's alone.
    setup.close().await.unwrap();
    let db = db::connect(url, &POOL).await.unwrap();
    let queue = Queue::open(&db, QueueConfig::default()).await.unwrap();
    // Closed connections have reported their statistics once their server processes have exited.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let xacts_before = match &pg {
        Some(pg) => transactions(pg.admin, pg.name).await,
        None => None,
    };
    let cpu_before = cpu_time("self");
    let started = Instant::now();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut handles = Vec::new();
    for w in 0..workers {
        let (db, queue, mut stopped) = (db.clone(), queue.clone(), stopped.clone());
        let registry = Registry::default().register(Noop);
        handles.push(tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            jobs::run_worker(
                format!("bench-{w}"),
                db,
                queue,
                registry,
                Arc::new(Unobserved),
                RetryPolicy::default(),
                shutdown,
            )
            .await
        }));
    }
    drop(stopped);
    loop {
        let done = db::entities::task::Entity::find()
            .filter(db::entities::task::Column::Status.eq("succeeded"))
            .count(&db)
            .await
            .unwrap();
        if done as usize >= n {
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            println!("{label}: gave up after 600 s with {done}/{n} done");
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let run_secs = started.elapsed().as_secs_f64();
    let client_cpu = cpu_before.zip(cpu_time("self")).map(|(before, after)| after.saturating_sub(before));
    let server_cpu = match &pg {
        Some(_) => {
            // A connection closed meanwhile has no process to read any more; it is left out.
            let times: Vec<Duration> = backend_pids(&db).await.iter().filter_map(|pid| cpu_time(pid)).collect();
            (!times.is_empty()).then(|| times.into_iter().sum::<Duration>())
        }
        None => None,
    };
    let _ = stop.send(true);
    for handle in handles {
        let _ = tokio::time::timeout(Duration::from_secs(30), handle).await;
    }
    db.close().await.unwrap();
    let rate = n as f64 / run_secs;
    println!(
        "{label:<10} workers={workers:<2} jobs={n}  enqueue {:>6.0} jobs/s (one by one {:>6.0}, in batches {:>6.0})   run+complete {:>6.0} jobs/s   end-to-end {:>6.0} jobs/s",
        n as f64 / enqueue_secs,
        single as f64 / single_secs,
        (n - single) as f64 / batch_secs,
        rate,
        n as f64 / (enqueue_secs + run_secs)
    );
    let per_job = |d: Duration| format!("{:.0} µs", d.as_secs_f64() * 1e6 / n as f64);
    let mut costs = Vec::new();
    if let Some(cpu) = client_cpu {
        costs.push(format!("this process's CPU {}", per_job(cpu)));
    }
    if let Some(cpu) = server_cpu {
        costs.push(format!("PostgreSQL's CPU {}", per_job(cpu)));
    }
    if let Some(pg) = &pg {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if let (Some(before), Some(after)) = (xacts_before, transactions(pg.admin, pg.name).await) {
            // Includes the bench's own progress checks (one every 20 ms) and the workers' setup.
            costs.push(format!("{:.2} transactions", (after - before) as f64 / n as f64));
        }
    }
    if !costs.is_empty() {
        println!("{:<10} run+complete cost per job: {}", "", costs.join(", "));
    }
    rate
}

/// A comma-separated list from the environment, or the default.
fn list(var: &str, default: &str) -> Vec<String> {
    std::env::var(var).unwrap_or_else(|_| default.into()).split(',').map(|s| s.trim().to_owned()).collect()
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("JOBS_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let backends = list("JOBS_BENCH_BACKENDS", "sqlite,postgres");
    let worker_counts: Vec<usize> = list("JOBS_BENCH_WORKERS", "1,8").iter().filter_map(|w| w.parse().ok()).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    let samples = std::env::var("JOBS_LATENCY_SAMPLES").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    if backends.iter().any(|b| b == "sqlite") {
        let url = format!("sqlite://{}", dir.path().join("latency.db").display());
        latency("sqlite", &url, samples).await;
    }
    if let Ok(admin) = std::env::var("IGNY8_TEST_DATABASE_URL")
        && backends.iter().any(|b| b == "postgres")
    {
        let name = format!("igny8_bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut conn).await.unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        latency("postgres", &format!("{base}/{name}"), samples).await;
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
            .execute(&mut conn)
            .await;
    }
    for &workers in worker_counts.iter().filter(|_| backends.iter().any(|b| b == "sqlite")) {
        let url = format!("sqlite://{}", dir.path().join(format!("bench-{workers}.db")).display());
        results.push(("sqlite", workers, run("sqlite", &url, workers, n, None).await));
    }
    if let Ok(admin) = std::env::var("IGNY8_TEST_DATABASE_URL")
        && backends.iter().any(|b| b == "postgres")
    {
        for &workers in &worker_counts {
            let name = format!("igny8_bench_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut conn).await.unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            let stats = PgStats { admin: &admin, name: &name };
            results.push((
                "postgres",
                workers,
                run("postgres", &format!("{base}/{name}"), workers, n, Some(stats)).await,
            ));
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
                .execute(&mut conn)
                .await;
        }
    }
    for backend in ["sqlite", "postgres"] {
        let rate = |w| results.iter().find(|(b, k, _)| *b == backend && *k == w).map(|(_, _, r)| *r);
        if let (Some(one), Some(eight)) = (rate(1), rate(8)) {
            println!("{backend}: 8 workers / 1 worker = {:.2}x", eight / one);
        }
    }
}

/// Enqueue-to-start latency of single tasks reaching an idle worker, from the tasks' own `created_at` and
/// `started_at`: queued by the worker's process (woken directly), and by another process (a separate queue
/// handle: on SQLite the worker's poll finds it, on PostgreSQL the NOTIFY wakes it).
async fn latency(label: &str, url: &str, samples: usize) {
    let db = fresh(url).await;
    let worker_queue = Queue::open(&db, QueueConfig::default()).await.unwrap();
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let handle = tokio::spawn(jobs::run_worker(
        "latency".into(),
        db.clone(),
        worker_queue.clone(),
        Registry::default().register(Noop),
        Arc::new(Unobserved),
        RetryPolicy::default(),
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        },
    ));
    let other_process = Queue::open(&db, QueueConfig::default()).await.unwrap();
    for (shape, queue) in [("same process", &worker_queue), ("other process", &other_process)] {
        let mut waits = Vec::with_capacity(samples);
        for _ in 0..samples {
            let new = NewTask {
                account_id: 1,
                site_id: None,
                user_id: None,
                kind: "noop".into(),
                input: serde_json::json!({}),
                total: 1,
                reserved_credits: 0,
            };
            let task = jobs::submit(&db, queue, &Unobserved, new).await.unwrap();
            let started = loop {
                let row = db::entities::task::Entity::find_by_id(task.id).one(&db).await.unwrap().unwrap();
                if let Some(at) = row.started_at {
                    break at;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            };
            waits.push((started - task.created_at).num_microseconds().unwrap_or(0).max(0) as f64 / 1000.0);
            // Idle between tasks, as a user's clicks are.
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        waits.sort_by(f64::total_cmp);
        let at = |q: f64| waits[((waits.len() as f64 * q).ceil() as usize).clamp(1, waits.len()) - 1];
        println!(
            "{label:<10} enqueue-to-start ({shape:<13}, {samples} tasks): p50 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms",
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(10), handle).await;
}
