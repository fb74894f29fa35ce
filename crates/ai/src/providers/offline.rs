//! The Offline provider: the embedded default. No network, no key: each AI function registers a deterministic
//! responder for its schema, so the whole pipeline runs (and tests run) without a model. Everything it writes is
//! labelled as an offline draft by the functions that use it.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;

use crate::{AiError, Finish, TextModel, TextRequest, TextResponse, TokenUsage};

pub const MODEL_ID: &str = "offline";

/// Builds the JSON answer for one kind of request.
pub type Responder = Arc<dyn Fn(&TextRequest) -> Value + Send + Sync>;

/// Answers requests by their `schema_name` with the registered responder.
#[derive(Clone, Default)]
pub struct OfflineText {
    responders: HashMap<String, Responder>,
}

impl OfflineText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the responder for requests whose `schema_name` is `schema`.
    pub fn respond(mut self, schema: &str, responder: impl Fn(&TextRequest) -> Value + Send + Sync + 'static) -> Self {
        self.responders.insert(schema.to_owned(), Arc::new(responder));
        self
    }
}

/// A rough token count (four characters a token), so usage and credits behave as with a real model.
fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

#[async_trait]
impl TextModel for OfflineText {
    async fn generate(&self, request: &TextRequest) -> Result<TextResponse, AiError> {
        let responder = self.responders.get(&request.schema_name).ok_or_else(|| {
            AiError::Configuration(format!("the offline provider has no answer for {:?} requests", request.schema_name))
        })?;
        let text = responder(request).to_string();
        let input = estimate_tokens(&request.prompt) + request.system.as_deref().map(estimate_tokens).unwrap_or(0);
        Ok(TextResponse {
            usage: TokenUsage { input_tokens: input, output_tokens: estimate_tokens(&text) },
            text,
            model: MODEL_ID.to_owned(),
            finish: Finish::Stop,
        })
    }

    fn model_id(&self) -> &str {
        MODEL_ID
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn answers_by_schema_deterministically() {
        let model = OfflineText::new().respond("echo", |r| serde_json::json!({"echo": r.prompt}));
        let request = TextRequest::new("hello there").with_json_schema("echo", serde_json::json!({"type": "object"}));
        let first = model.generate(&request).await.unwrap();
        let second = model.generate(&request).await.unwrap();
        assert_eq!(first.text, second.text);
        assert_eq!(first.text, r#"{"echo":"hello there"}"#);
        assert_eq!(first.usage.input_tokens, 3);
        assert!(first.usage.output_tokens > 0);
        let unknown = TextRequest::new("x").with_json_schema("other", serde_json::json!({}));
        assert!(matches!(model.generate(&unknown).await, Err(AiError::Configuration(_))));
    }
}
