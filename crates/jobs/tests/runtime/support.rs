//! A fresh migrated database per test and a small account to own tasks.

use std::future::Future;
use std::time::Duration;

use db::sea_orm::{ConnectionTrait, DatabaseConnection};
use sqlx::Connection;

pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    println!("backend: sqlite");
    test(format!("sqlite://{}", dir.path().join("jobs.db").display())).await;
    match std::env::var("IGNY8_TEST_DATABASE_URL") {
        Ok(admin) => {
            let name = format!("igny8_test_{}_{}", now_secs(), uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut conn).await.unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            println!("backend: postgres");
            test(format!("{base}/{name}")).await;
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
                .execute(&mut conn)
                .await;
        }
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("IGNY8_TEST_DATABASE_URL is not set in CI"),
        Err(_) => {}
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// Connects, migrates and creates one account (plan, account) to own tasks; returns its id.
pub async fn database(url: &str) -> (DatabaseConnection, i64) {
    let db = db::connect(url, &db::DbOptions { max_connections: 8, ..Default::default() }).await.unwrap();
    db::run_migrations(&db).await.unwrap();
    db.execute_unprepared(
        "INSERT INTO plans (slug, name, price_cents, billing_cycle, included_credits, max_sites, max_users, max_keywords, \
         max_sectors_per_site, is_active, is_internal, sort_order, features, created_at, updated_at) \
         VALUES ('free', 'Free', 0, 'monthly', 100, 1, 1, 10, 1, true, false, 0, '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )
    .await
    .unwrap();
    db.execute_unprepared(
        "INSERT INTO accounts (name, slug, status, timezone, plan_id, credits, bonus_credits, created_at, updated_at) \
         VALUES ('Jobs', 'jobs', 'active', 'UTC', 1, 100, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )
    .await
    .unwrap();
    (db, 1)
}

/// Polls until `check` holds, or panics after `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for: {what}");
}
