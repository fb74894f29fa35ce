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
    /// Load the built-in plans and industry catalogue (also done on every start; safe to repeat).
    Seed,
    /// Create a user: the owner of a new account, or a member of an existing one (--account).
    CreateUser {
        #[arg(long)]
        email: String,
        /// owner, admin, editor, viewer or developer.
        #[arg(long, default_value = "owner")]
        role: String,
        /// Slug of an existing account to join; without it a new account is created.
        #[arg(long, value_name = "SLUG")]
        account: Option<String>,
        /// Name of the new account (defaults to the email's name).
        #[arg(long, value_name = "NAME")]
        account_name: Option<String>,
        /// Plan of the new account.
        #[arg(long, default_value = "free")]
        plan: String,
        /// Password; when omitted a random one is generated and printed.
        #[arg(long, env = "IGNY8_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Cluster the keywords of a CSV file with the local engine; writes keyword,cluster,pillar,intent as CSV.
    Cluster {
        /// A CSV of keywords (a header with keyword/volume columns, or one keyword per line).
        file: PathBuf,
    },
    /// Import keywords from a CSV file into a site's sector (all rows or none), like the web app's import.
    ImportKeywords {
        file: PathBuf,
        /// Site id.
        #[arg(long)]
        site: i64,
        /// Sector id (of that site).
        #[arg(long)]
        sector: i64,
        /// Check the file and report without writing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Re-seal every stored secret (provider keys, 2FA secrets…) under a new server secret key, in one transaction.
    ///
    /// With the generated key (<data_dir>/secret.key) the new key replaces it and the old one is kept as
    /// secret.key.previous, which still verifies access tokens signed before the restart until they expire. With a
    /// configured secret_key, set the printed new key as secret_key and the old one as previous_secret_key.
    /// Restart the server (and workers) afterwards.
    RotateSecret {
        /// The new key (at least 32 characters); a random one when omitted.
        #[arg(long, env = "IGNY8_NEW_SECRET_KEY", hide_env_values = true)]
        new_key: Option<String>,
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
    if let Command::Cluster { file } = &cli.command {
        return crate::planner_cli::cluster(file, &mut std::io::stdout().lock());
    }
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(format) = cli.log_format {
        config.log_format = format;
    }
    telemetry::init(config.log_format, &config.log_level);
    for warning in &config.warnings {
        tracing::warn!("{warning}");
    }
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
        Command::Seed => seed(config).await,
        Command::CreateUser { email, role, account, account_name, plan, password } => {
            let args = crate::users_cli::CreateUser { email, role, account, account_name, plan, password };
            crate::users_cli::create_user(config, args).await
        }
        Command::ImportKeywords { file, site, sector, dry_run } => {
            crate::planner_cli::import_keywords(config, &file, site, sector, dry_run).await
        }
        Command::RotateSecret { new_key } => rotate_secret(config, new_key).await,
        Command::Openapi { .. } | Command::Cluster { .. } => unreachable!("handled above"),
    }
}

async fn serve(config: Config, with_worker: bool) -> anyhow::Result<()> {
    let signal = startup::shutdown_signal();
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
    if state.config.demo_account
        && db::Backend::from_url(&state.config.database_url()).ok() == Some(db::Backend::Sqlite)
        && let Some(demo) = crate::modules::account::demo::ensure(&state.db).await?
    {
        println!(
            "\n  Demo account ready. Sign in at http://{address}/ with\n    email:    {}\n    password: {}\n  \
             (shown once; change it under Account, or reset it with `igny8 create-user`)\n",
            demo.email, demo.password
        );
    }
    let shutdown = tokio::sync::watch::channel(false);
    let (ended_tx, ended_rx) = tokio::sync::oneshot::channel::<()>();
    let worker = with_worker.then(|| {
        let run = crate::worker::run(state.clone(), "serve", shutdown.1.clone());
        tokio::spawn(async move {
            let result = run.await;
            let _ = ended_tx.send(());
            result
        })
    });
    let stop = shutdown.0;
    let stopping = stop.clone();
    // The in-process worker only ends on its own when it failed; then the whole process stops (non-zero exit)
    // instead of serving requests whose jobs nothing runs.
    let worker_ended = async move {
        if with_worker {
            let _ = ended_rx.await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    app.run_until(async move {
        tokio::select! {
            _ = signal => {}
            _ = worker_ended => tracing::error!("the job worker stopped; shutting down"),
        }
        let _ = stop.send(true);
    })
    .await?;
    if let Some(worker) = worker {
        worker.await??;
        if !*stopping.borrow() {
            anyhow::bail!("the job worker stopped on its own");
        }
    }
    tracing::info!("stopped");
    Ok(())
}

async fn worker(config: Config) -> anyhow::Result<()> {
    let signal = startup::shutdown_signal();
    let state = startup::state(config).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        signal.await;
        let _ = stop.send(true);
    });
    crate::worker::run(state, "worker", stopped).await?;
    tracing::info!("worker stopped");
    Ok(())
}

async fn seed(config: Config) -> anyhow::Result<()> {
    let db = startup::open_database(&config, config.auto_migrate).await?;
    let report = crate::modules::catalog::seed::run(&db).await?;
    println!(
        "seed: {} plans, {} industries, {} sectors, {} library keywords added",
        report.plans, report.industries, report.sectors, report.library_keywords
    );
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

async fn rotate_secret(config: Config, new_key: Option<String>) -> anyhow::Result<()> {
    let db = startup::open_database(&config, config.auto_migrate).await?;
    let configured = !config.secret_key.is_empty();
    let (new_secret, rotation) = crate::secrets::rotate(&config, &db, new_key.clone()).await?;
    println!("rotate-secret: re-sealed {} stored secret(s) in one transaction", rotation.total());
    for (column, count) in &rotation.resealed {
        println!("  {column}: {count}");
    }
    match rotation.key_file {
        Some(path) => println!(
            "The new key is in {}; the old one is kept next to it as secret.key.previous. Restart `igny8 serve` \
             (and any workers): access tokens signed before the restart stay valid until they expire.",
            path.display()
        ),
        None if configured => {
            println!("secret_key is configured, so set it yourself and restart:");
            if new_key.is_some() {
                println!("  IGNY8_SECRET_KEY=<the new key you gave>");
            } else {
                println!("  IGNY8_SECRET_KEY={}", new_secret.expose());
            }
            println!(
                "  IGNY8_PREVIOUS_SECRET_KEY=<the old secret_key> (verifies access tokens signed before the restart)"
            );
        }
        None => {}
    }
    Ok(())
}

fn print_openapi(output: Option<&std::path::Path>) -> anyhow::Result<()> {
    let json = crate::app::openapi_document().to_pretty_json().context("serialising the schema")?;
    match output {
        Some(path) => std::fs::write(path, json + "\n").with_context(|| format!("writing {}", path.display())),
        None => {
            println!("{json}");
            Ok(())
        }
    }
}
