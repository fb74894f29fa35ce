//! # ai — model clients and the keyword clustering engine
//!
//! Purpose: everything that talks to a model or reasons about keywords without knowing about HTTP handlers or
//! tenants (SPEC.md §5, §6).
//!
//! * Three small object-safe traits — [`TextModel`], [`ImageModel`], [`Embedder`] — so the server can hold
//!   `Arc<dyn TextModel>` and pick a provider per function from the model catalogue.
//! * Thin provider clients in [`providers`]: any OpenAI-compatible endpoint (chat and embeddings), Anthropic
//!   Messages, Google Gemini, OpenAI Images and Runware. They speak each provider's native structured-output form,
//!   report exact token usage for credit accounting and share one retry/timeout policy ([`http`]).
//! * The embedded Offline providers, which need no network or key: [`providers::offline::OfflineText`]
//!   (deterministic answers per AI function) and [`providers::OfflineImages`], which renders a real PNG title card
//!   for the prompt, labelled `OFFLINE DRAFT` on the image itself.
//! * Tolerant structured-output reading ([`parse`]): the JSON found in whatever the model wrapped it in, read as
//!   models write it (comments, single quotes, Python literals, unknown escapes, double encoding …), refusals told
//!   apart, and fitted to the schema that was asked for ([`shape`]: keys in another case, missing or extra
//!   wrappers, loose types, over-long texts, unusable elements left out). Keyword normalisation for matching model
//!   output back to the input ([`normalise`]); [`lenient`] serde helpers for numbers that arrive as strings.
//! * The local keyword clustering engine ([`cluster`]): near-duplicate merging, TF-IDF stem and character n-gram
//!   similarity (optionally blended with embeddings), average-linkage grouping into 3–10 keyword clusters with a
//!   pillar, a name and an intent label. Deterministic and pure; the offline provider and the `igny8 cluster`
//!   command use it, and LLM providers only name and check its clusters.

pub mod cluster;
pub mod error;
pub mod http;
pub mod lenient;
mod loose;
pub mod normalise;
pub mod parse;
pub mod providers;
mod refusal;
pub mod retry;
pub mod shape;
pub mod types;

use async_trait::async_trait;

pub use error::AiError;
pub use http::{ProviderConfig, ensure_tls_provider};
pub use retry::RetryPolicy;
pub use types::{EmbeddingResponse, Finish, ImageRequest, ImageResponse, TextRequest, TextResponse, TokenUsage};

/// A model that turns a prompt into text (or JSON as text).
#[async_trait]
pub trait TextModel: Send + Sync {
    /// Sends one prompt and returns the answer with its token usage.
    async fn generate(&self, request: &TextRequest) -> Result<TextResponse, AiError>;

    /// The configured model id (what the model catalogue calls it).
    fn model_id(&self) -> &str;
}

/// A model that draws one image from a prompt.
#[async_trait]
pub trait ImageModel: Send + Sync {
    /// Generates the image and returns its bytes (downloaded if the provider answered with a URL).
    async fn generate(&self, request: &ImageRequest) -> Result<ImageResponse, AiError>;

    /// The configured model id.
    fn model_id(&self) -> &str;
}

/// A model that maps texts to vectors, for semantic keyword clustering.
#[async_trait]
pub trait Embedder: Send + Sync {
    /// Embeds every text; the vectors come back in input order.
    async fn embed(&self, texts: &[String]) -> Result<EmbeddingResponse, AiError>;

    /// The configured model id (embedding caches are keyed by it).
    fn model_id(&self) -> &str;
}
