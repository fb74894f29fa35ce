//! `connection_test`: the smallest AI function. It asks the configured model to echo a message as JSON, which
//! proves the provider settings, the queue, progress, parsing and credit charging end to end.

use std::sync::Arc;

use ai::TextRequest;
use domain::Phase;
use jobs::{JobContext, JobError, JobFuture, JobHandler, JobOutput, Progress};
use serde::Deserialize;
use serde_json::json;

use super::models::text_plan;
use super::runner::{AiDeps, call_json};
use crate::modules::billing::ledger::{self, Charge, Usage};

pub const KIND: &str = "connection_test";
pub const SCHEMA: &str = "connection_test";

#[derive(Debug, Deserialize)]
struct Reply {
    ok: bool,
    echo: String,
}

/// The Offline provider's answer: the message back, labelled.
pub fn offline_answer(request: &TextRequest) -> serde_json::Value {
    let message = request.prompt.rsplit("Message: ").next().unwrap_or_default().lines().next().unwrap_or_default();
    json!({"ok": true, "echo": message, "note": "offline draft: no model was called"})
}

pub struct ConnectionTest {
    pub deps: Arc<AiDeps>,
}

fn step(phase: Phase, message: &str) -> Progress {
    Progress { phase, current: 1, total: 1, item: None, message: Some(message.into()) }
}

impl JobHandler for ConnectionTest {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn concurrency(&self) -> usize {
        2
    }

    fn run(&self, ctx: JobContext) -> JobFuture {
        let deps = self.deps.clone();
        Box::pin(async move {
            ctx.progress(step(Phase::Init, "Starting")).await?;
            let message = ctx.task.input["message"].as_str().unwrap_or("ping").chars().take(200).collect::<String>();
            ctx.progress(step(Phase::Prep, "Preparing the prompt")).await?;
            let plan = text_plan(&deps, KIND).await?;
            let request = TextRequest::new(format!(
                "Reply with a JSON object {{\"ok\": true, \"echo\": <the message>}}.\nMessage: {message}"
            ))
            .with_system("You are a connectivity check. Answer with JSON only.")
            .with_json_schema(
                SCHEMA,
                json!({"type": "object", "properties": {"ok": {"type": "boolean"}, "echo": {"type": "string"}},
                       "required": ["ok", "echo"]}),
            )
            .with_max_tokens(200);
            ctx.checkpoint().await?;
            ctx.progress(step(Phase::AiCall, "Calling the model")).await?;
            let answer = call_json::<Reply>(&plan, &request).await?;
            let (reply, response, credits) = (answer.value, answer.response, answer.credits);
            ctx.progress(step(Phase::Parse, "Reading the reply")).await?;
            if !reply.ok {
                return Err(JobError::Permanent {
                    code: "AI_CHECK_FAILED".into(),
                    message: "The model answered ok: false.".into(),
                });
            }
            ctx.progress(step(Phase::Save, "Recording usage")).await?;
            let tokens = response.usage.total();
            let charge = Charge {
                account_id: ctx.task.account_id,
                amount: credits,
                kind: "deduction",
                idempotency_key: format!("job:{}:charge", ctx.task.id),
                reference: Some(format!("task:{}", ctx.task.id)),
                description: "Connection test".into(),
                usage: Some(Usage {
                    site_id: ctx.task.site_id,
                    operation: KIND.into(),
                    model: Some(response.model.clone()),
                    tokens_in: i64::try_from(response.usage.input_tokens).unwrap_or(i64::MAX),
                    tokens_out: i64::try_from(response.usage.output_tokens).unwrap_or(i64::MAX),
                    cost_usd_micros: answer.cost_usd_micros,
                    related: Some(("task".into(), ctx.task.id)),
                }),
            };
            match ledger::charge(&deps.db, &deps.events, &charge).await {
                Ok(_) => {}
                Err(crate::http::AppError::InsufficientCredits { required, available }) => {
                    return Err(JobError::Permanent {
                        code: "INSUFFICIENT_CREDITS".into(),
                        message: format!("Not enough credits: {required} required, {available} available."),
                    });
                }
                Err(other) => return Err(JobError::Retryable(other.to_string())),
            }
            Ok(JobOutput {
                result: json!({"echo": reply.echo, "model": response.model, "tokens": tokens}),
                cost_credits: credits,
                message: format!("The model answered ({tokens} tokens)."),
            })
        })
    }
}
