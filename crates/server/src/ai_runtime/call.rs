//! Calling a text model for JSON with one repair retry (and the fallback model when the main one fails), turning
//! provider errors into retryable or permanent job errors, and pricing the answer.
//!
//! The reply is read the way a careful reader would ([`ai::parse::read`] with the request's own schema and the
//! function's [`Hints`]); only a reply that still cannot be used gets the one repair request, which says what was
//! wrong. A refusal ends the task at once with the model's words (asking again would be refused again). A reply cut
//! off at the token limit is asked for again with a higher limit, within what the model may write, and in fewer
//! words.

use ai::parse::{ParseError, Reading};
use ai::shape::Hints;
use ai::{AiError, Finish, TextRequest, TextResponse};
use jobs::JobError;
use serde::de::DeserializeOwned;

use super::models::{ModelPick, TextPlan};

/// The output limit assumed for a model whose maximum the catalogue does not give: a repair request is not raised
/// above it (most current models write at least this much; asking for more than a model allows is an error).
const ASSUMED_MAX_OUTPUT: u32 = 8_192;

/// Provider failures: rate limits, 5xx, timeouts and network trouble are worth a later retry; the rest (bad key,
/// bad request, refused content) will fail again and end the task with the reason.
pub fn classify(error: AiError) -> JobError {
    if error.is_retryable() {
        JobError::Retryable(error.to_string())
    } else {
        let code = match error {
            AiError::Configuration(_) => "AI_CONFIGURATION",
            AiError::ContentFiltered { .. } => REFUSED,
            _ => "AI_PROVIDER_ERROR",
        };
        JobError::Permanent { code: code.into(), message: error.to_string() }
    }
}

/// The code of a task the model (or its provider) declined.
const REFUSED: &str = "AI_CONTENT_FILTERED";

/// A usable answer with its price.
pub struct Answer<T> {
    pub value: T,
    pub response: TextResponse,
    pub credits: i64,
    pub cost_usd_micros: i64,
    /// What the reader adjusted or left out of the reply (for the task's result and the logs).
    pub notes: Vec<String>,
}

/// Asks the plan's model for JSON; if the provider fails (after its own retries), asks the fallback model once.
/// Parse failures are not a reason to switch models: they get one repair request on the same model.
pub async fn call_json<T: DeserializeOwned>(plan: &TextPlan, request: &TextRequest) -> Result<Answer<T>, JobError> {
    call_json_checked(plan, request, &Hints::new(), |_: &T| Ok(())).await
}

/// [`call_json`] reading the reply with the function's `hints`, and with the function's own rules: a reply that
/// reads but breaks them (`check` says why) gets the same single repair request as one that does not read.
pub async fn call_json_checked<T: DeserializeOwned>(
    plan: &TextPlan,
    request: &TextRequest,
    hints: &Hints,
    check: impl Fn(&T) -> Result<(), String>,
) -> Result<Answer<T>, JobError> {
    let mut request = request.clone();
    request.temperature = request.temperature.or(Some(plan.temperature));
    request.max_tokens = Some(request.max_tokens.map_or(plan.max_tokens, |m| m.min(plan.max_tokens)));
    let reader = Reader { request: &request, hints, check: &check };
    match call_json_on::<T, _>(&plan.primary, &reader).await {
        // A refusal is the model's answer to this request; another model is not asked behind the user's back.
        Err(Failure::Provider(error)) if matches!(error, AiError::ContentFiltered { .. }) => Err(classify(error)),
        Err(Failure::Provider(error)) => match &plan.fallback {
            Some(fallback) => {
                tracing::warn!(%error, fallback = fallback.model.model_id(), "main model failed; trying the fallback");
                finish(plan, fallback, call_json_on::<T, _>(fallback, &reader).await)
            }
            None => Err(classify(error)),
        },
        other => finish(plan, &plan.primary, other),
    }
}

fn finish<T>(
    plan: &TextPlan,
    pick: &ModelPick,
    outcome: Result<(Reading<T>, TextResponse), Failure>,
) -> Result<Answer<T>, JobError> {
    match outcome {
        Ok((reading, response)) => Ok(Answer {
            credits: plan.credits(pick, &response.usage),
            cost_usd_micros: pick.cost_usd_micros(&response.usage),
            value: reading.value,
            notes: reading.notes,
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

/// Why a reply cannot be used.
enum Problem {
    /// The model declined, in these words.
    Refused(String),
    /// It stopped at the token limit before its JSON ended.
    CutOff,
    /// Anything else, said the way the repair request tells the model.
    Unusable(String),
}

/// The request and how its replies are read.
struct Reader<'a, C> {
    request: &'a TextRequest,
    hints: &'a Hints,
    check: &'a C,
}

impl<C> Reader<'_, C> {
    fn read<T: DeserializeOwned>(&self, response: &TextResponse) -> Result<Reading<T>, Problem>
    where
        C: Fn(&T) -> Result<(), String>,
    {
        let schema = self.request.json_schema.as_ref();
        match ai::parse::read::<T>(&response.text, &response.finish, schema, self.hints) {
            Ok(reading) => match (self.check)(&reading.value) {
                Ok(()) => Ok(reading),
                Err(reason) => Err(Problem::Unusable(reason)),
            },
            Err(ParseError::Refused(words)) => Err(Problem::Refused(words)),
            Err(ParseError::Truncated) => Err(Problem::CutOff),
            Err(ParseError::Empty) if response.finish == Finish::Length => Err(Problem::CutOff),
            Err(other) => Err(Problem::Unusable(other.to_string())),
        }
    }
}

fn refused(words: &str) -> Failure {
    Failure::Job(JobError::Permanent {
        code: REFUSED.into(),
        message: format!("The model declined to answer: “{words}”"),
    })
}

/// One model: a call, and one repair request if the reply cannot be used. Usage covers both calls.
async fn call_json_on<T: DeserializeOwned, C: Fn(&T) -> Result<(), String>>(
    pick: &ModelPick,
    reader: &Reader<'_, C>,
) -> Result<(Reading<T>, TextResponse), Failure> {
    let request = reader.request;
    let first = pick.model.generate(request).await.map_err(Failure::Provider)?;
    answered(&first);
    let repair = match reader.read::<T>(&first) {
        Ok(reading) => return Ok((reading, first)),
        Err(Problem::Refused(words)) => return Err(refused(&words)),
        Err(Problem::CutOff) => longer_or_shorter(request, pick),
        Err(Problem::Unusable(reason)) => {
            tracing::info!(%reason, "the reply cannot be used; asking once more");
            let mut repair = request.clone();
            repair.prompt = format!(
                "{}\n\nYour answer could not be used: {reason}. Answer again, within the length limit, with the \
                 complete JSON object only.",
                request.prompt
            );
            repair
        }
    };
    let mut second = pick.model.generate(&repair).await.map_err(Failure::Provider)?;
    answered(&second);
    second.usage.input_tokens += first.usage.input_tokens;
    second.usage.output_tokens += first.usage.output_tokens;
    let problem = match reader.read::<T>(&second) {
        Ok(reading) => return Ok((reading, second)),
        Err(Problem::Refused(words)) => return Err(refused(&words)),
        Err(Problem::CutOff) => format!(
            "it was cut off at the length limit ({} output tokens) before the JSON ended",
            repair.max_tokens.map_or_else(|| "the provider's".to_owned(), |m| m.to_string())
        ),
        Err(Problem::Unusable(reason)) => reason,
    };
    Err(Failure::Job(JobError::Permanent {
        code: "PARSE_ERROR".into(),
        message: format!("The model's reply could not be used, even after a retry: {problem}."),
    }))
}

/// The repair request for a reply cut off at the token limit: a higher limit when the model allows one (twice the
/// last, at most its maximum), and in any case a request for a more concise answer.
fn longer_or_shorter(request: &TextRequest, pick: &ModelPick) -> TextRequest {
    let limit = request.max_tokens.unwrap_or(ASSUMED_MAX_OUTPUT);
    let ceiling = pick.max_output_tokens.unwrap_or(ASSUMED_MAX_OUTPUT.max(limit));
    let raised = limit.saturating_mul(2).min(ceiling).max(limit);
    let mut repair = request.clone();
    repair.max_tokens = Some(raised);
    let how = if raised > limit {
        "Answer again with the complete JSON object only, and keep every text concise"
    } else {
        "That is the most this model can write: answer again with the complete JSON object only, in fewer words \
         (shorter texts, no more list elements than asked for)"
    };
    tracing::info!(limit, raised, "the reply was cut off at the token limit; asking once more");
    repair.prompt = format!(
        "{}\n\nYour answer was cut off at the length limit ({limit} output tokens) before the JSON ended. {how}.",
        request.prompt
    );
    repair
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

/// The schema and hints the model replies corpus (`crates/ai/tests/fixtures/replies/<function>.txt`) reads
/// `function`'s replies with: each function's tests check that it still sends and reads with these, so the
/// corpus scores the readers the functions really use.
#[cfg(test)]
pub(crate) fn corpus_reading(function: &str) -> (serde_json::Value, Hints) {
    let path = format!("{}/../ai/tests/fixtures/replies/{function}.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let section = |name: &str| {
        let start = text.find(&format!("=== {name}\n")).unwrap_or_else(|| panic!("{path}: no {name} section"));
        let body = &text[start + name.len() + 5..];
        body[..body.find("\n=== ").unwrap_or(body.len())].to_owned()
    };
    let schema = serde_json::from_str(&section("schema")).unwrap_or_else(|e| panic!("{path} schema: {e}"));
    let hints = serde_json::from_str(&section("hints")).unwrap_or_else(|e| panic!("{path} hints: {e}"));
    (schema, hints)
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use ai::{TextModel, TokenUsage};
    use serde_json::json;

    use super::*;

    /// A model that answers from a script and remembers what it was asked.
    #[derive(Default)]
    struct Scripted {
        answers: Mutex<VecDeque<Result<TextResponse, AiError>>>,
        asked: Mutex<Vec<TextRequest>>,
    }

    impl Scripted {
        fn new(answers: Vec<Result<TextResponse, AiError>>) -> Arc<Self> {
            Arc::new(Self { answers: Mutex::new(answers.into()), asked: Mutex::default() })
        }

        fn asked(&self) -> Vec<TextRequest> {
            self.asked.lock().map(|a| a.clone()).unwrap_or_default()
        }
    }

    #[async_trait::async_trait]
    impl TextModel for Scripted {
        async fn generate(&self, request: &TextRequest) -> Result<TextResponse, AiError> {
            if let Ok(mut asked) = self.asked.lock() {
                asked.push(request.clone());
            }
            let next = self.answers.lock().ok().and_then(|mut a| a.pop_front());
            next.unwrap_or_else(|| Err(AiError::Configuration("the script has no more answers".into())))
        }

        fn model_id(&self) -> &str {
            "scripted"
        }
    }

    fn text(text: &str, finish: Finish) -> TextResponse {
        let usage = TokenUsage { input_tokens: 100, output_tokens: 50 };
        TextResponse { text: text.to_owned(), usage, model: "scripted".into(), finish }
    }

    fn plan(primary: Arc<Scripted>, fallback: Option<Arc<Scripted>>) -> TextPlan {
        let pick = |model: Arc<Scripted>| ModelPick {
            model,
            tokens_per_credit: 1_000,
            usd_in_per_mtok: 0.0,
            usd_out_per_mtok: 0.0,
            max_output_tokens: Some(16_000),
        };
        TextPlan {
            primary: pick(primary),
            fallback: fallback.map(pick),
            min_credits: 1,
            temperature: 0.2,
            max_tokens: 1_000,
        }
    }

    #[derive(Debug, serde::Deserialize)]
    struct Echo {
        echo: String,
    }

    fn request() -> TextRequest {
        let schema = json!({"type": "object", "required": ["echo"], "properties": {"echo": {"type": "string"}}});
        TextRequest::new("Echo hi.").with_json_schema("echo", schema)
    }

    fn code(error: JobError) -> (String, String) {
        match error {
            JobError::Permanent { code, message } => (code, message),
            other => panic!("expected a permanent error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_provider_refusal_is_final_and_not_sent_to_the_fallback() {
        let refusal = AiError::ContentFiltered { provider: "openai", reason: "I can't help with that.".into() };
        let (primary, fallback) =
            (Scripted::new(vec![Err(refusal)]), Scripted::new(vec![Ok(text("{\"echo\": \"hi\"}", Finish::Stop))]));
        let error = call_json::<Echo>(&plan(primary.clone(), Some(fallback.clone())), &request()).await.err();
        let (code, message) = code(error.unwrap_or(JobError::Cancelled));
        assert_eq!(code, REFUSED);
        assert!(message.contains("I can't help with that."), "{message}");
        assert_eq!((primary.asked().len(), fallback.asked().len()), (1, 0));
    }

    #[tokio::test]
    async fn a_refusal_in_words_ends_at_once_and_a_readable_reply_needs_no_repair() {
        let model = Scripted::new(vec![Ok(text("I'm sorry, but I can't assist with that request.", Finish::Stop))]);
        let error = call_json::<Echo>(&plan(model.clone(), None), &request()).await.err();
        let (code, message) = code(error.unwrap_or(JobError::Cancelled));
        assert_eq!(code, REFUSED);
        assert_eq!(message, "The model declined to answer: “I'm sorry, but I can't assist with that request.”");
        assert_eq!(model.asked().len(), 1);

        let model = Scripted::new(vec![Ok(text("Sure! {'Echo': 'hi', // the message\n}", Finish::Stop))]);
        let answer = call_json::<Echo>(&plan(model.clone(), None), &request()).await.ok();
        assert_eq!(answer.map(|a| a.value.echo).as_deref(), Some("hi"));
        assert_eq!(model.asked().len(), 1);
    }

    #[tokio::test]
    async fn a_reply_cut_off_twice_fails_naming_the_raised_limit() {
        let cut = || Ok(text("{\"echo\": \"a very long ech", Finish::Length));
        let model = Scripted::new(vec![cut(), cut()]);
        let error = call_json::<Echo>(&plan(model.clone(), None), &request()).await.err();
        let (code, message) = code(error.unwrap_or(JobError::Cancelled));
        assert_eq!(code, "PARSE_ERROR");
        assert!(message.contains("cut off at the length limit (2000 output tokens)"), "{message}");
        let asked = model.asked();
        assert_eq!(asked.iter().map(|r| r.max_tokens).collect::<Vec<_>>(), [Some(1_000), Some(2_000)]);
    }

    fn pick(max_output_tokens: Option<u32>) -> ModelPick {
        ModelPick {
            model: Arc::new(ai::providers::offline::OfflineText::new()),
            tokens_per_credit: 1_000,
            usd_in_per_mtok: 0.0,
            usd_out_per_mtok: 0.0,
            max_output_tokens,
        }
    }

    #[test]
    fn a_cut_off_reply_is_asked_again_with_a_higher_limit_within_the_maximum() {
        let request = TextRequest::new("Write.").with_max_tokens(2_000);
        let repair = longer_or_shorter(&request, &pick(Some(16_000)));
        assert_eq!(repair.max_tokens, Some(4_000));
        assert!(repair.prompt.starts_with("Write.") && repair.prompt.contains("cut off at the length limit (2000"));
        assert_eq!(longer_or_shorter(&request, &pick(Some(3_000))).max_tokens, Some(3_000), "the model's maximum");
        let at_most = longer_or_shorter(&request.clone().with_max_tokens(3_000), &pick(Some(3_000)));
        assert_eq!(at_most.max_tokens, Some(3_000));
        assert!(at_most.prompt.contains("in fewer words"), "{}", at_most.prompt);
        assert_eq!(longer_or_shorter(&request, &pick(None)).max_tokens, Some(4_000));
        let unknown = longer_or_shorter(&request.clone().with_max_tokens(8_192), &pick(None));
        assert_eq!(unknown.max_tokens, Some(8_192), "no guess above the assumed maximum");
    }
}
