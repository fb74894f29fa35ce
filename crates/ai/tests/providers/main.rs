//! Provider clients against local wiremock servers speaking each provider's wire format, the Offline image
//! provider (`offline_images.rs`), the keyword clustering engine (`cluster.rs`) and the model replies corpus
//! (`replies.rs`: real-world replies to every AI function, read at parser level and through each client).

mod anthropic;
mod cluster;
mod common;
mod embeddings;
mod gemini;
mod offline_images;
mod openai;
mod openai_images;
mod replies;
mod runware;

use std::sync::Arc;

use ai::providers::{
    AnthropicChat, GeminiChat, OfflineImages, OpenAiChat, OpenAiEmbeddings, OpenAiImages, RunwareImages,
};
use ai::{Embedder, ImageModel, ProviderConfig, TextModel};

/// The server keeps clients as trait objects chosen from the model catalogue.
#[test]
fn clients_are_usable_as_trait_objects() {
    let config = |model: &str| ProviderConfig::new("http://localhost:1", model);
    let text: Vec<Arc<dyn TextModel>> = vec![
        Arc::new(OpenAiChat::new(config("gpt-4.1-mini")).unwrap()),
        Arc::new(AnthropicChat::new(config("claude-sonnet-4-5")).unwrap()),
        Arc::new(GeminiChat::new(config("gemini-2.5-flash")).unwrap()),
    ];
    let images: Vec<Arc<dyn ImageModel>> = vec![
        Arc::new(OpenAiImages::new(config("dall-e-3")).unwrap()),
        Arc::new(RunwareImages::new(config("runware:100@1")).unwrap()),
        Arc::new(OfflineImages::new()),
    ];
    let embedder: Arc<dyn Embedder> = Arc::new(OpenAiEmbeddings::new(config("text-embedding-3-small")).unwrap());
    let ids: Vec<&str> = text.iter().map(|model| model.model_id()).chain(images.iter().map(|m| m.model_id())).collect();
    assert_eq!(
        ids,
        ["gpt-4.1-mini", "claude-sonnet-4-5", "gemini-2.5-flash", "dall-e-3", "runware:100@1", "offline-image"]
    );
    assert_eq!(embedder.model_id(), "text-embedding-3-small");
}
