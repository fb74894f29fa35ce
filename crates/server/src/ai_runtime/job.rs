//! One AI function as a job kind. The function says what it is ([`AiJob`]); [`handler`] does what every one of
//! them needs around it: read the task's typed input once (an unreadable input ends the task with the reason),
//! and end a re-run early when the results were already saved and charged.

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use jobs::{JobContext, JobError, JobFuture, JobHandler, JobInput, JobOutput};

use super::charge::already_saved;
use super::deps::{AiDeps, permanent};

pub trait AiJob: Send + Sync + 'static {
    /// How many of this kind one worker process runs at once.
    const CONCURRENCY: usize = 2;
    /// The job charges once, under its task's key, in the transaction that saves its results; a re-run that finds
    /// that charge has nothing left to do. Jobs that charge item by item (images) say `false`.
    const CHARGES_ONCE: bool = true;
    /// The task's input, as the starting service wrote it; its kind (`JobInput::KIND`) is the job kind, also
    /// the function's name in the catalogue and the usage log.
    type Input: JobInput;

    /// `load → prompt → call → save`.
    fn run(
        deps: &AiDeps,
        ctx: &JobContext,
        input: Self::Input,
    ) -> impl Future<Output = Result<JobOutput, JobError>> + Send;
}

struct Registered<J> {
    deps: Arc<AiDeps>,
    job: PhantomData<fn() -> J>,
}

/// The job handler of `J`, bound to what AI jobs use.
pub fn handler<J: AiJob>(deps: &Arc<AiDeps>) -> impl JobHandler {
    Registered::<J> { deps: deps.clone(), job: PhantomData }
}

impl<J: AiJob> JobHandler for Registered<J> {
    fn kind(&self) -> &'static str {
        J::Input::KIND
    }

    fn concurrency(&self) -> usize {
        J::CONCURRENCY
    }

    fn run(&self, ctx: JobContext) -> JobFuture {
        let deps = self.deps.clone();
        Box::pin(async move {
            let input: J::Input = serde_json::from_value(ctx.task.input.clone())
                .map_err(|e| permanent("INVALID_INPUT", format!("The task's input cannot be read: {e}.")))?;
            if J::CHARGES_ONCE
                && let Some(done) = already_saved(&deps, &ctx.task).await?
            {
                return Ok(done);
            }
            J::run(&deps, &ctx, input).await
        })
    }
}
