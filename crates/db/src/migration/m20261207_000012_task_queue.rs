//! The task row becomes the job: the queue is the `tasks` table itself, so a task can never exist without its
//! job (starting one is one INSERT), and the separate queue engine's tables go.
//!
//! * `run_after`: when a queued task may start (now, or later for a retry's backoff).
//! * `reserved_credits`: the credits held for the task from its start until it ends (SPEC §7: reserve at enqueue,
//!   settle the actual use); an account's open reservations are the sum over its queued and running tasks.
//! * `ix__tasks__due`: workers look for due tasks (queued and due, or running with a lapsed lease) through it; it
//!   holds only open tasks, so it stays small however many finished tasks an account keeps.
//! * `ix__tasks__open_by_account`: the sum of an account's open reservations.
//! * On PostgreSQL a trigger sends `NOTIFY igny8_jobs` when a task becomes queued; the notification is delivered
//!   when the transaction commits, so a worker wakes exactly when the task is visible.

use sea_orm_migration::prelude::*;

use super::m20261126_000010_keyword_lists::run;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE tasks ADD COLUMN run_after TIMESTAMPTZ NOT NULL DEFAULT now()",
    "UPDATE tasks SET run_after = created_at",
    "ALTER TABLE tasks ADD COLUMN reserved_credits BIGINT NOT NULL DEFAULT 0",
    "CREATE INDEX ix__tasks__due ON tasks (run_after, id) WHERE status IN ('queued', 'running')",
    "CREATE INDEX ix__tasks__open_by_account ON tasks (account_id) WHERE status IN ('queued', 'running')",
    "CREATE FUNCTION igny8_tasks_wake() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN PERFORM pg_notify('igny8_jobs', NEW.kind); RETURN NULL; END $$",
    "CREATE TRIGGER tasks_wake AFTER INSERT OR UPDATE OF status ON tasks FOR EACH ROW \
     WHEN (NEW.status = 'queued') EXECUTE FUNCTION igny8_tasks_wake()",
    // The former queue engine's own schema and migration record.
    "DROP SCHEMA IF EXISTS apalis CASCADE",
    "DROP TABLE IF EXISTS _sqlx_migrations",
];

const SQLITE_UP: &[&str] = &[
    // SQLite cannot add a column whose default is not a constant; every row gets its creation time next.
    "ALTER TABLE tasks ADD COLUMN run_after TEXT NOT NULL DEFAULT '1970-01-01 00:00:00+00:00'",
    "UPDATE tasks SET run_after = created_at",
    "ALTER TABLE tasks ADD COLUMN reserved_credits BIGINT NOT NULL DEFAULT 0",
    "CREATE INDEX ix__tasks__due ON tasks (run_after, id) WHERE status IN ('queued', 'running')",
    "CREATE INDEX ix__tasks__open_by_account ON tasks (account_id) WHERE status IN ('queued', 'running')",
    "DROP TABLE IF EXISTS Jobs",
    "DROP TABLE IF EXISTS Workers",
    "DROP TABLE IF EXISTS _sqlx_migrations",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER tasks_wake ON tasks",
    "DROP FUNCTION igny8_tasks_wake()",
    "DROP INDEX ix__tasks__open_by_account",
    "DROP INDEX ix__tasks__due",
    "ALTER TABLE tasks DROP COLUMN reserved_credits",
    "ALTER TABLE tasks DROP COLUMN run_after",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP INDEX ix__tasks__open_by_account",
    "DROP INDEX ix__tasks__due",
    "ALTER TABLE tasks DROP COLUMN reserved_credits",
    "ALTER TABLE tasks DROP COLUMN run_after",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, POSTGRES_UP, SQLITE_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, POSTGRES_DOWN, SQLITE_DOWN).await
    }
}
