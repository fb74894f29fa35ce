//! Provider-neutral request and response types.
//!
//! Every client translates these to and from its own wire format, so the AI functions (clustering, ideas, content,
//! images) are written once against these types and work with any configured provider.

/// One prompt for a text model, optionally asking for JSON that follows a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRequest {
    /// Instructions that frame the task (sent as the provider's system prompt).
    pub system: Option<String>,
    /// The user message.
    pub prompt: String,
    /// When set, the provider is asked for JSON following this JSON Schema, in its native structured-output form.
    /// The answer still arrives as text in [`TextResponse::text`]: parse it with [`crate::parse`].
    pub json_schema: Option<serde_json::Value>,
    /// A name for the schema (OpenAI's `json_schema.name`, Anthropic's tool name). Characters the providers reject
    /// are replaced by `_`.
    pub schema_name: String,
    /// Upper bound on generated tokens; `None` leaves the provider's default (Anthropic, which requires one, gets
    /// 4096).
    pub max_tokens: Option<u32>,
    /// Sampling temperature; `None` leaves the provider's default (some reasoning models accept no other value).
    pub temperature: Option<f32>,
}

impl TextRequest {
    /// A plain-text request with provider defaults for everything else.
    pub fn new(prompt: impl Into<String>) -> Self {
        Self {
            system: None,
            prompt: prompt.into(),
            json_schema: None,
            schema_name: DEFAULT_SCHEMA_NAME.to_owned(),
            max_tokens: None,
            temperature: None,
        }
    }

    /// Sets the system prompt.
    pub fn with_system(mut self, system: impl Into<String>) -> Self {
        self.system = Some(system.into());
        self
    }

    /// Asks for JSON following `schema`, named `name`.
    pub fn with_json_schema(mut self, name: impl Into<String>, schema: serde_json::Value) -> Self {
        self.schema_name = name.into();
        self.json_schema = Some(schema);
        self
    }

    /// Sets the output token limit.
    pub fn with_max_tokens(mut self, max_tokens: u32) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }

    /// Sets the sampling temperature.
    pub fn with_temperature(mut self, temperature: f32) -> Self {
        self.temperature = Some(temperature);
        self
    }
}

const DEFAULT_SCHEMA_NAME: &str = "response";

/// The schema name made acceptable to every provider: OpenAI and Anthropic both require `^[a-zA-Z0-9_-]{1,64}$`.
/// Other characters become `_`; an empty name becomes `response`.
pub(crate) fn sanitised_schema_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .take(64)
        .collect();
    if cleaned.is_empty() { DEFAULT_SCHEMA_NAME.to_owned() } else { cleaned }
}

/// Tokens consumed by one call, as the provider reported them: the basis of credit accounting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenUsage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl TokenUsage {
    /// Input plus output tokens.
    pub fn total(&self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }
}

/// Why the model stopped generating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    /// It finished its answer.
    Stop,
    /// It hit the output token limit: the answer is cut off (structured output will not parse; retry with a repair
    /// prompt or a higher limit).
    Length,
    /// Anything else, with the provider's own reason.
    Other(String),
}

/// A text model's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct TextResponse {
    /// The generated text; for a JSON request, the JSON document as text.
    pub text: String,
    pub usage: TokenUsage,
    /// The model that answered, as the provider named it (may be more specific than the configured id).
    pub model: String,
    pub finish: Finish,
}

/// One image to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRequest {
    pub prompt: String,
    /// What to avoid. Sent natively where the provider supports it, otherwise appended to the prompt.
    pub negative_prompt: Option<String>,
    pub width: u32,
    pub height: u32,
}

/// A generated image, already downloaded when the provider answered with a URL.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageResponse {
    pub bytes: Vec<u8>,
    /// Detected from the bytes (`image/png`, `image/jpeg`, `image/webp`, `image/gif`).
    pub mime: String,
    pub model: String,
}

/// Embedding vectors, one per input text, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddingResponse {
    pub vectors: Vec<Vec<f32>>,
    pub usage: TokenUsage,
}

/// The MIME type of an image, detected from its first bytes. Providers' `Content-Type` headers and file names are
/// not trusted: a CDN error page must not be stored as an image.
pub(crate) fn sniff_image_mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_made_safe() {
        assert_eq!(sanitised_schema_name("cluster list"), "cluster_list");
        assert_eq!(sanitised_schema_name(""), "response");
        assert_eq!(sanitised_schema_name("idées"), "id_es");
        assert_eq!(sanitised_schema_name(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn sniffs_common_image_formats() {
        assert_eq!(sniff_image_mime(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff_image_mime(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff_image_mime(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_image_mime(b"GIF89a"), Some("image/gif"));
        assert_eq!(sniff_image_mime(b"<html>"), None);
        assert_eq!(sniff_image_mime(b""), None);
    }
}
