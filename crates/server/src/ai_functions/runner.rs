//! What every AI function shares: calling the model for JSON with one repair retry, turning provider errors into
//! retryable or permanent job errors, and charging credits in the same transaction as the results.

use std::sync::Arc;

use ai::parse::ParseError;
use ai::{AiError, TextModel, TextRequest, TextResponse};
use jobs::JobError;
use sea_orm::DatabaseConnection;
use serde::de::DeserializeOwned;

use crate::events::Events;

/// What a running AI function may use.
pub struct AiDeps {
    pub db: DatabaseConnection,
    pub events: Events,
    pub model: Arc<dyn TextModel>,
}

/// Provider failures: rate limits, 5xx, timeouts and network trouble are worth a later retry; the rest (bad key,
/// bad request, refused content) will fail again and end the task with the reason.
pub fn classify(error: AiError) -> JobError {
    if error.is_retryable() {
        JobError::Retryable(error.to_string())
    } else {
        let code = match error {
            AiError::Configuration(_) => "AI_CONFIGURATION",
            AiError::ContentFiltered { .. } => "AI_CONTENT_FILTERED",
            _ => "AI_PROVIDER_ERROR",
        };
        JobError::Permanent { code: code.into(), message: error.to_string() }
    }
}

/// Asks for JSON and reads it tolerantly. A reply that cannot be used (cut off, malformed, wrong shape) gets one
/// repair request; if that fails too, the job fails with the reason and nothing is saved. Usage covers both calls.
pub async fn call_json<T: DeserializeOwned>(
    model: &dyn TextModel,
    request: &TextRequest,
) -> Result<(T, TextResponse), JobError> {
    let first = model.generate(request).await.map_err(classify)?;
    let problem = match ai::parse::parse_as::<T>(&first.text) {
        Ok(value) => return Ok((value, first)),
        Err(problem) => problem,
    };
    let hint = match &problem {
        ParseError::Truncated => {
            "Your answer was cut off. Answer again, shorter, with the complete JSON only.".to_owned()
        }
        other => format!("Your answer could not be used ({other}). Answer again with the JSON object only."),
    };
    let mut repair = request.clone();
    repair.prompt = format!("{}\n\n{hint}", request.prompt);
    let mut second = model.generate(&repair).await.map_err(classify)?;
    second.usage.input_tokens += first.usage.input_tokens;
    second.usage.output_tokens += first.usage.output_tokens;
    match ai::parse::parse_as::<T>(&second.text) {
        Ok(value) => Ok((value, second)),
        Err(problem) => Err(JobError::Permanent {
            code: "PARSE_ERROR".into(),
            message: format!(
                "The model's reply could not be read as the expected JSON, even after a retry: {problem}."
            ),
        }),
    }
}
