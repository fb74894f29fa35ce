//! # jobs — durable jobs and schedules
//!
//! Purpose: the durable job queue (apalis 1.x on PostgreSQL or SQLite, apalis-cron for schedules) wrapped so
//! the rest of the code enqueues typed jobs and never names the engine; the user-facing `tasks` record
//! (status, progress, result); the worker runtime with bounded concurrency and graceful shutdown.
//!
//! Status: empty until the durable-jobs issue lands. `igny8 worker` and the in-process worker of
//! `igny8 serve` start and wait for shutdown until then.
