//! Job throughput: enqueue → run → complete for a no-op job, with 1 and 8 workers, on SQLite and (when
//! `IGNY8_TEST_DATABASE_URL` is set) PostgreSQL. Prints jobs per second; asserts nothing.
//!
//! `cargo bench -p jobs --bench throughput` (or `make bench`). `JOBS_BENCH_N` sets the job count (default 2000).

use std::sync::Arc;
use std::time::{Duration, Instant};

use db::sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
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

async fn fresh(url: &str) -> DatabaseConnection {
    let db = db::connect(url, &db::DbOptions { max_connections: 20, ..Default::default() }).await.unwrap();
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

async fn run(label: &str, url: &str, workers: usize, n: usize) -> f64 {
    let db = fresh(url).await;
    let queue = Queue::open(&db, QueueConfig::default()).await.unwrap();
    let enqueue_started = Instant::now();
    for _ in 0..n {
        let new = NewTask {
            account_id: 1,
            site_id: None,
            user_id: None,
            kind: "noop".into(),
            input: serde_json::json!({}),
            total: 1,
        };
        let task = jobs::tasks::create(&db, &Unobserved, new).await.unwrap();
        jobs::enqueue(&queue, &task).await.unwrap();
    }
    let enqueue_secs = enqueue_started.elapsed().as_secs_f64();
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
    let _ = stop.send(true);
    for handle in handles {
        let _ = tokio::time::timeout(Duration::from_secs(30), handle).await;
    }
    let rate = n as f64 / run_secs;
    println!(
        "{label:<10} workers={workers:<2} jobs={n}  enqueue {:>7.0} jobs/s   run+complete {:>7.0} jobs/s   end-to-end {:>7.0} jobs/s",
        n as f64 / enqueue_secs,
        rate,
        n as f64 / (enqueue_secs + run_secs)
    );
    rate
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("JOBS_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let dir = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    for workers in [1, 8] {
        let url = format!("sqlite://{}", dir.path().join(format!("bench-{workers}.db")).display());
        results.push(("sqlite", workers, run("sqlite", &url, workers, n).await));
    }
    if let Ok(admin) = std::env::var("IGNY8_TEST_DATABASE_URL") {
        for workers in [1, 8] {
            let name = format!("igny8_bench_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut conn).await.unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            results.push(("postgres", workers, run("postgres", &format!("{base}/{name}"), workers, n).await));
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
