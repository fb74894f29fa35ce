//! The `igny8` command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::{Config, LogFormat, redact_url};
use crate::{startup, telemetry};

/// IGNY8: AI SEO content platform (keywords → clusters → ideas → articles → images → WordPress).
///
/// With no configuration, `igny8 serve` stores everything in ./data (SQLite) and uses the built-in
/// offline AI provider. Settings come from igny8.toml and IGNY8_* environment variables; see README.md.
#[derive(Debug, Parser)]
#[command(name = "igny8", version, propagate_version = true)]
pub struct Cli {
    /// Config file to read instead of ./igny8.toml.
    #[arg(long, global = true, env = "IGNY8_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Log format; overrides the log_format setting.
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app and API (and, unless --no-worker, the job worker and scheduler) in one process.
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080; overrides the bind setting.
        #[arg(long, value_name = "ADDR")]
        bind: Option<SocketAddr>,
        /// Serve HTTP only; run jobs in separate `igny8 worker` processes.
        #[arg(long)]
        no_worker: bool,
        /// Do not apply pending database migrations on start.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Run only the job worker and scheduler (for scale-out next to `serve --no-worker`).
    Worker,
    /// Apply pending database migrations (or show their state with --status) and exit.
    Migrate {
        /// List applied and pending migrations without changing anything.
        #[arg(long)]
        status: bool,
    },
    /// Print the OpenAPI 3.1 schema of the HTTP API as JSON.
    Openapi {
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Openapi { output } = &cli.command {
        return print_openapi(output.as_deref());
    }
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(format) = cli.log_format {
        config.log_format = format;
    }
    telemetry::init(config.log_format, &config.log_level);
    match cli.command {
        Command::Serve { bind, no_worker, no_migrate } => {
            if let Some(bind) = bind {
                config.bind = bind;
            }
            if no_migrate {
                config.auto_migrate = false;
            }
            serve(config, !no_worker).await
        }
        Command::Worker => worker(config).await,
        Command::Migrate { status } => migrate(config, status).await,
        Command::Openapi { .. } => unreachable!("handled above"),
    }
}

async fn serve(config: Config, with_worker: bool) -> anyhow::Result<()> {
    let state = startup::state(config).await?;
    let app = crate::Application::build(state.clone(), None)
        .await
        .with_context(|| format!("cannot listen on {}", state.config.bind))?;
    let address = app.local_addr()?;
    tracing::info!(
        database = %redact_url(&state.config.database_url()),
        worker = with_worker,
        "IGNY8 listening on http://{address}/ (API docs at http://{address}/api/docs/)"
    );
    if with_worker {
        tracing::info!("in-process worker: no job kinds are registered yet (durable jobs arrive with the jobs issue)");
    }
    app.run_until(startup::shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn worker(config: Config) -> anyhow::Result<()> {
    let _state = startup::state(config).await?;
    tracing::info!("worker started: no job kinds are registered yet (durable jobs arrive with the jobs issue)");
    startup::shutdown_signal().await;
    tracing::info!("worker stopped");
    Ok(())
}

async fn migrate(config: Config, status_only: bool) -> anyhow::Result<()> {
    let db = startup::open_database(&config, false).await?;
    if !status_only {
        db::run_migrations(&db).await.context("running migrations")?;
    }
    let status = db::migration_status(&db).await?;
    for name in &status.applied {
        println!("applied  {name}");
    }
    for name in &status.pending {
        println!("pending  {name}");
    }
    println!(
        "{}: {} applied, {} pending",
        redact_url(&config.database_url()),
        status.applied.len(),
        status.pending.len()
    );
    Ok(())
}

fn print_openapi(output: Option<&std::path::Path>) -> anyhow::Result<()> {
    let json = crate::http::openapi::document().to_pretty_json().context("serialising the schema")?;
    match output {
        Some(path) => std::fs::write(path, json + "\n").with_context(|| format!("writing {}", path.display())),
        None => {
            println!("{json}");
            Ok(())
        }
    }
}
