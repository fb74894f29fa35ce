//! `connection_test`: the smallest AI function. It asks the configured model to echo a message as JSON, which
//! proves the provider settings, the queue, progress, parsing and credit charging end to end.

use ai::TextRequest;
use domain::Phase;
use jobs::{JobContext, JobError, JobInput, JobOutput, Progress};
use serde::Deserialize;
use serde_json::json;

use super::dto::ConnectionTestJob;
use crate::ai_runtime::offline::CHECK_SCHEMA;
use crate::ai_runtime::{AiDeps, AiJob, Spend, call_json, charge, permanent, retry, text_plan};
use crate::modules::billing::ledger;

pub struct ConnectionTest;

#[derive(Debug, Deserialize)]
struct Reply {
    ok: bool,
    echo: String,
}

fn step(phase: Phase, message: &str) -> Progress {
    Progress::step(phase, 1, 1, message)
}

fn request(message: &str) -> TextRequest {
    let schema = json!({"type": "object", "properties": {"ok": {"type": "boolean"}, "echo": {"type": "string"}},
                        "required": ["ok", "echo"]});
    TextRequest::new(format!("Reply with a JSON object {{\"ok\": true, \"echo\": <the message>}}.\nMessage: {message}"))
        .with_system("You are a connectivity check. Answer with JSON only.")
        .with_json_schema(CHECK_SCHEMA, schema)
        .with_max_tokens(200)
}

impl AiJob for ConnectionTest {
    type Input = ConnectionTestJob;

    async fn run(deps: &AiDeps, ctx: &JobContext, input: ConnectionTestJob) -> Result<JobOutput, JobError> {
        ctx.progress(step(Phase::Init, "Starting")).await?;
        let message: String = input.message.chars().take(200).collect();
        ctx.progress(step(Phase::Prep, "Preparing the prompt")).await?;
        let plan = text_plan(deps, ConnectionTestJob::KIND).await?;
        ctx.checkpoint().await?;
        ctx.progress(step(Phase::AiCall, "Calling the model")).await?;
        let answer = call_json::<Reply>(&plan, &request(&message)).await?;
        ctx.progress(step(Phase::Parse, "Reading the reply")).await?;
        if !answer.value.ok {
            return Err(permanent("AI_CHECK_FAILED", "The model answered ok: false."));
        }
        ctx.progress(step(Phase::Save, "Recording usage")).await?;
        let mut spend = Spend::new(&answer.response.model);
        spend.add(&answer);
        let txn = charge::begin_save(deps, &ctx.task).await?;
        let outcome =
            charge::charge_job(&txn, &ctx.task, ConnectionTestJob::KIND, "Connection test".into(), &spend).await?;
        txn.commit().await.map_err(retry)?;
        ledger::after_charge(&deps.db, &deps.events, ctx.task.account_id, outcome).await;
        let tokens = answer.response.usage.total();
        Ok(JobOutput {
            result: json!({"echo": answer.value.echo, "model": answer.response.model, "tokens": tokens}),
            cost_credits: spend.credits,
            message: format!("The model answered ({tokens} tokens)."),
        })
    }
}
