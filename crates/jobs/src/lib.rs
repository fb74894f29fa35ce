//! # jobs — durable jobs and the user-facing task record
//!
//! Purpose: the `tasks` record every AI or batch job reports to (status, progress, result, error, cost), with
//! its allowed transitions; and — arriving with the rest of the jobs issue — the durable queue (apalis 1.x on
//! PostgreSQL or SQLite, apalis-cron for schedules) wrapped so the rest of the code enqueues typed jobs and
//! never names the engine, plus the worker runtime.

pub mod tasks;

pub use tasks::{NewTask, Progress, TaskError, TaskObserver};
