//! The job worker of `igny8 serve` (in-process) and `igny8 worker` (standalone): the durable queue, the
//! registered job kinds, task changes pushed to live streams, and the scheduler (cron slots, each run once
//! across all worker processes).

use std::sync::Arc;

use tokio::sync::watch;

use crate::ai_runtime::{AiDeps, handler};
use crate::modules::tasks::TaskFeed;
use crate::modules::{planner, system, writer};
use crate::state::AppState;

/// The job kinds of this build, bound to the application's database, events and model. Each job lives in the
/// module that owns the rows it writes; this is the one place that lists them, as `app.rs` lists the routers.
pub fn registry(state: &AppState) -> jobs::Registry {
    let deps = Arc::new(AiDeps {
        db: state.db.clone(),
        events: state.events.clone(),
        model: state.text_model.clone(),
        cipher: state.cipher.clone(),
        images: state.images.clone(),
    });
    jobs::Registry::default()
        .register(handler::<system::connection_test::ConnectionTest>(&deps))
        .register(handler::<planner::clusters::generate::AutoCluster>(&deps))
        .register(handler::<planner::ideas::generate::GenerateIdeas>(&deps))
        .register(handler::<writer::content::generate::GenerateContent>(&deps))
        .register(handler::<writer::images::prompts::GenerateImagePrompts>(&deps))
        .register(handler::<writer::images::generate::GenerateImages>(&deps))
}

/// Runs the worker and the scheduler until `stop` turns true; in-flight jobs and slots finish first.
pub async fn run(state: AppState, role: &str, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
    let mut stop_scheduler = stop.clone();
    let queue = state.queue.clone();
    let registry = registry(&state);
    let name = format!("{role}-{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    tracing::info!(worker = %name, kinds = ?registry.kinds(), "job worker started");
    let observer = Arc::new(TaskFeed::notifying(state.events.clone(), state.db.clone()));
    let shutdown = async move {
        let _ = stop.wait_for(|stopped| *stopped).await;
    };
    let retry = jobs::RetryPolicy {
        max_attempts: state.config.job_max_attempts,
        base_delay: std::time::Duration::from_millis(state.config.job_retry_base_ms),
        ..jobs::RetryPolicy::default()
    };
    let scheduler =
        jobs::cron::run_scheduler(name.clone(), state.db.clone(), crate::maintenance::schedule(), async move {
            let _ = stop_scheduler.wait_for(|stopped| *stopped).await;
        });
    let worker = jobs::run_worker(name, state.db.clone(), queue, registry, observer, retry, shutdown);
    tokio::pin!(worker, scheduler);
    // Both end on `stop`. If either ends on its own, it failed: the process must not carry on half alive (a
    // scheduler ticking beside a dead job loop looks healthy and runs nothing), so the other is dropped and the
    // error returned.
    tokio::select! {
        ended = &mut worker => {
            ended.map_err(|e| anyhow::anyhow!("job worker: {e}"))?;
            scheduler.await.map_err(|e| anyhow::anyhow!("scheduler: {e}"))
        }
        ended = &mut scheduler => {
            ended.map_err(|e| anyhow::anyhow!("scheduler: {e}"))?;
            worker.await.map_err(|e| anyhow::anyhow!("job worker: {e}"))
        }
    }
}
