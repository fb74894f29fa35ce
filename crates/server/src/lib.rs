//! # server — the IGNY8 application
//!
//! Purpose: configuration and startup, the HTTP layer, the feature modules (each with its jobs), the AI runtime, and the
//! `igny8` binary (`src/main.rs`). Library crates (`db`, `ai`, `jobs`, `publish`, `domain`) never import it.

pub mod ai_runtime;
pub mod app;
pub mod cli;
pub mod config;
pub mod events;
pub mod http;
pub mod mail;
pub mod maintenance;
pub mod modules;
pub mod planner_cli;
pub mod secrets;
pub mod security;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod users_cli;
pub mod worker;

pub use app::Application;
pub use config::Config;
pub use state::AppState;
