//! Telling a refusal from an answer, so that a declined request fails at once with the model's own words instead
//! of paying for a repair request that will be declined again.
//!
//! Two forms are recognised: a reply without JSON whose opening says the model will not or cannot do it ("I'm
//! sorry, but I can't assist with that request."), and, in JSON mode where the model must answer with an object,
//! an object that holds only an error or refusal text where the asked-for fields should be
//! (`{"error": "I cannot produce …"}`). Provider-level refusals (OpenAI's `refusal` field, Anthropic's
//! `stop_reason: "refusal"`, Gemini's safety blocks) are reported by the clients as
//! [`crate::AiError::ContentFiltered`].

use serde_json::Value;

use crate::loose::Node;
use crate::shape;

/// Longest excerpt of the model's words kept, in characters.
const MAX_WORDS: usize = 300;

/// How far into the reply the refusal must start, in characters.
const OPENING: usize = 240;

/// First-person phrases of declining (lower case, straight apostrophes).
const DECLINING: &[&str] = &[
    "i can't",
    "i cannot",
    "i can not",
    "i won't",
    "i will not",
    "i'm unable",
    "i am unable",
    "i'm not able",
    "i am not able",
    "i must decline",
    "i have to decline",
    "i'm not comfortable",
    "i am not comfortable",
    "not something i can",
    "unable to assist",
    "unable to help",
    "unable to comply",
    "unable to provide",
    "cannot comply",
    "can't comply",
    "cannot assist",
    "can't assist",
    "cannot fulfil",
    "can't fulfil",
    "as an ai language model",
];

/// Keys of an object that carries a refusal or error instead of an answer.
const REFUSAL_KEYS: &[&str] = &["error", "refusal", "message", "reason", "detail", "explanation"];

/// The model's words when `text` (a reply without JSON) is a refusal.
pub(crate) fn in_text(text: &str) -> Option<String> {
    let opening: String = text
        .trim()
        .chars()
        .take(OPENING)
        .map(|c| if matches!(c, '\u{2019}' | '\u{2018}' | '`') { '\'' } else { c })
        .collect::<String>()
        .to_lowercase();
    DECLINING.iter().any(|phrase| opening.contains(phrase)).then(|| words(text))
}

/// The model's words when `node` is an object holding only a refusal or error text, none of whose keys the schema
/// asks for.
pub(crate) fn in_json(node: &Node, schema: &Value) -> Option<String> {
    let Node::Object(members) = node else { return None };
    if members.is_empty() || members.len() > 2 {
        return None;
    }
    let refusal_only = members.iter().all(|(key, _)| {
        let key = key.to_lowercase();
        REFUSAL_KEYS.contains(&key.as_str()) && !shape::asks_for(schema, &key)
    });
    if !refusal_only {
        return None;
    }
    members.iter().find_map(|(_, value)| match value {
        Node::String(text) if !text.trim().is_empty() => Some(words(text)),
        _ => None,
    })
}

/// The reply with its whitespace collapsed, cut to [`MAX_WORDS`] characters.
fn words(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(MAX_WORDS) {
        Some((cut, _)) => format!("{}…", &collapsed[..cut]),
        None => collapsed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refusals_in_words() {
        let text = "I'm sorry, but I can't assist with that request.";
        assert_eq!(in_text(text).as_deref(), Some(text));
        assert!(in_text("I apologize, but I can\u{2019}t help create content ideas for this topic.").is_some());
        assert!(in_text("As an AI language model, I cannot write medical advice.").is_some());
        assert!(in_text("Sorry, that's not something I can help with.").is_some());
        let long = format!("I cannot do this. {}", "Because. ".repeat(100));
        assert!(in_text(&long).unwrap().ends_with('…'));
    }

    #[test]
    fn answers_are_not_refusals() {
        for text in [
            "I think these are nice keywords.",
            "Sure! Here is what you asked for, in prose.",
            "Here are the clusters:\n\n**1. Raised Garden Beds**\n- raised garden beds",
            &format!("{} You can't go wrong with cedar.", "Here is a long answer. ".repeat(20)),
        ] {
            assert_eq!(in_text(text), None, "{text}");
        }
    }

    #[test]
    fn refusals_in_json_mode() {
        let schema = json!({"type": "object", "properties": {"title": {"type": "string"}}});
        let node = |members: Vec<(&str, &str)>| {
            Node::Object(members.into_iter().map(|(k, v)| (k.to_owned(), Node::String(v.to_owned()))).collect())
        };
        assert_eq!(in_json(&node(vec![("error", "I cannot do that.")]), &schema).as_deref(), Some("I cannot do that."));
        assert_eq!(in_json(&node(vec![("Refusal", "No.")]), &schema).as_deref(), Some("No."));
        assert_eq!(in_json(&node(vec![("title", "x")]), &schema), None);
        assert_eq!(in_json(&node(vec![("error", "x"), ("title", "y")]), &schema), None);
        let with_message = json!({"type": "object", "properties": {"message": {"type": "string"}}});
        assert_eq!(in_json(&node(vec![("message", "hello")]), &with_message), None, "an asked-for key is an answer");
    }
}
