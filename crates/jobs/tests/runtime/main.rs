//! The job runtime against real databases: SQLite always, PostgreSQL when `IGNY8_TEST_DATABASE_URL` is set.

mod cron;
mod support;
mod worker;
