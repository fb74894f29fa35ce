//! The Offline provider as the runtime uses it: the embedded default text model. Functions that write content
//! (clusters, ideas, articles, image prompts) build their offline drafts themselves, without asking it; what it
//! answers is the connectivity check, so the connection test runs the whole path (queue, call, parse, charge)
//! without a network.

use ai::TextRequest;
use ai::providers::offline::OfflineText;
use serde_json::json;

/// The schema name of the connectivity check's request.
pub const CHECK_SCHEMA: &str = "connection_test";

/// The Offline provider with its built-in answers.
pub fn text_model() -> OfflineText {
    OfflineText::new().respond(CHECK_SCHEMA, check_answer)
}

/// The connectivity check's answer: the message back, labelled.
fn check_answer(request: &TextRequest) -> serde_json::Value {
    let message = request.prompt.rsplit("Message: ").next().unwrap_or_default().lines().next().unwrap_or_default();
    json!({"ok": true, "echo": message, "note": "offline draft: no model was called"})
}
