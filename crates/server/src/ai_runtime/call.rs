//! Calling a text model for JSON with one repair retry (and the fallback model when the main one fails), turning
//! provider errors into retryable or permanent job errors, and pricing the answer.

use ai::parse::ParseError;
use ai::{AiError, TextRequest, TextResponse};
use jobs::JobError;
use serde::de::DeserializeOwned;

use super::models::{ModelPick, TextPlan};

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

/// A usable answer with its price.
pub struct Answer<T> {
    pub value: T,
    pub response: TextResponse,
    pub credits: i64,
    pub cost_usd_micros: i64,
}

/// Asks the plan's model for JSON; if the provider fails (after its own retries), asks the fallback model once.
/// Parse failures are not a reason to switch models: they get one repair request on the same model.
pub async fn call_json<T: DeserializeOwned>(plan: &TextPlan, request: &TextRequest) -> Result<Answer<T>, JobError> {
    call_json_checked(plan, request, |_: &T| Ok(())).await
}

/// [`call_json`] with the function's own rules: a reply that parses but breaks them (`check` says why) gets the
/// same single repair request as one that does not parse.
pub async fn call_json_checked<T: DeserializeOwned>(
    plan: &TextPlan,
    request: &TextRequest,
    check: impl Fn(&T) -> Result<(), String>,
) -> Result<Answer<T>, JobError> {
    let mut request = request.clone();
    request.temperature = request.temperature.or(Some(plan.temperature));
    request.max_tokens = Some(request.max_tokens.map_or(plan.max_tokens, |m| m.min(plan.max_tokens)));
    match call_json_on::<T>(&plan.primary, &request, &check).await {
        Err(Failure::Provider(error)) => match &plan.fallback {
            Some(fallback) => {
                tracing::warn!(%error, fallback = fallback.model.model_id(), "main model failed; trying the fallback");
                finish(plan, fallback, call_json_on::<T>(fallback, &request, &check).await)
            }
            None => Err(classify(error)),
        },
        other => finish(plan, &plan.primary, other),
    }
}

fn finish<T>(
    plan: &TextPlan,
    pick: &ModelPick,
    outcome: Result<(T, TextResponse), Failure>,
) -> Result<Answer<T>, JobError> {
    match outcome {
        Ok((value, response)) => Ok(Answer {
            credits: plan.credits(pick, &response.usage),
            cost_usd_micros: pick.cost_usd_micros(&response.usage),
            value,
            response,
        }),
        Err(Failure::Provider(error)) => Err(classify(error)),
        Err(Failure::Job(error)) => Err(error),
    }
}

enum Failure {
    Provider(AiError),
    Job(JobError),
}

/// One model: a call, and one repair request if the reply cannot be used. Usage covers both calls.
async fn call_json_on<T: DeserializeOwned>(
    pick: &ModelPick,
    request: &TextRequest,
    check: &impl Fn(&T) -> Result<(), String>,
) -> Result<(T, TextResponse), Failure> {
    let read = |text: &str| -> Result<T, String> {
        match ai::parse::parse_as::<T>(text) {
            Ok(value) => check(&value).map(|()| value),
            Err(ParseError::Truncated) => Err("it was cut off before the JSON ended".to_owned()),
            Err(other) => Err(other.to_string()),
        }
    };
    let first = pick.model.generate(request).await.map_err(Failure::Provider)?;
    answered(&first);
    let hint = match read(&first.text) {
        Ok(value) => return Ok((value, first)),
        Err(reason) => format!(
            "Your answer could not be used: {reason}. Answer again, within the length limit, with the complete \
             JSON object only."
        ),
    };
    let mut repair = request.clone();
    repair.prompt = format!("{}\n\n{hint}", request.prompt);
    let mut second = pick.model.generate(&repair).await.map_err(Failure::Provider)?;
    answered(&second);
    second.usage.input_tokens += first.usage.input_tokens;
    second.usage.output_tokens += first.usage.output_tokens;
    match read(&second.text) {
        Ok(value) => Ok((value, second)),
        Err(problem) => Err(Failure::Job(JobError::Permanent {
            code: "PARSE_ERROR".into(),
            message: format!("The model's reply could not be used, even after a retry: {problem}."),
        })),
    }
}

/// Every model call leaves a line with the model and its tokens (inside the job's span, so under its task id).
fn answered(response: &TextResponse) {
    tracing::info!(
        model = %response.model,
        tokens_in = response.usage.input_tokens,
        tokens_out = response.usage.output_tokens,
        "model answered"
    );
}

/// What a text function used, summed over its model calls.
#[derive(Debug, Default)]
pub struct Spend {
    pub credits: i64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub cost_usd_micros: i64,
    pub model: String,
}

impl Spend {
    pub fn new(model: &str) -> Self {
        Self { model: model.to_owned(), ..Self::default() }
    }

    /// Adds one model answer.
    pub fn add<T>(&mut self, answer: &Answer<T>) {
        self.credits += answer.credits;
        self.tokens_in += answer.response.usage.input_tokens;
        self.tokens_out += answer.response.usage.output_tokens;
        self.cost_usd_micros += answer.cost_usd_micros;
        self.model.clone_from(&answer.response.model);
    }
}
