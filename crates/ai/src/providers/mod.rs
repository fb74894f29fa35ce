//! Provider clients. Each file speaks one provider's wire format and nothing else; retries, timeouts and error
//! classification come from [`crate::http`]. The two Offline providers ([`offline`], [`offline_images`]) answer
//! locally and deterministically, with no network at all.

pub mod anthropic;
pub mod gemini;
pub mod offline;
pub mod offline_images;
pub mod openai;
pub mod openai_images;
pub mod runware;

pub use anthropic::AnthropicChat;
pub use gemini::GeminiChat;
pub use offline_images::OfflineImages;
pub use openai::{JsonMode, MaxTokensField, OpenAiChat, OpenAiEmbeddings};
pub use openai_images::OpenAiImages;
pub use runware::{RunwareImages, RunwareOutput};

use base64::Engine;

use crate::http::HttpClient;
use crate::types::sniff_image_mime;
use crate::{AiError, ImageResponse};

/// Builds an [`ImageResponse`] from base64 image data, checking that it really is an image.
fn image_from_base64(http: &HttpClient, data: &str, model: &str) -> Result<ImageResponse, AiError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|err| http.invalid(format!("image data is not valid base64 ({err})")))?;
    image_response(http, bytes, model)
}

/// Downloads the image a provider pointed to and builds an [`ImageResponse`] from it.
async fn image_from_url(http: &HttpClient, url: &str, model: &str) -> Result<ImageResponse, AiError> {
    let bytes = http.download(url).await?;
    image_response(http, bytes, model)
}

fn image_response(http: &HttpClient, bytes: Vec<u8>, model: &str) -> Result<ImageResponse, AiError> {
    let mime = sniff_image_mime(&bytes)
        .ok_or_else(|| http.invalid("the returned data is not a PNG, JPEG, WebP or GIF image"))?;
    Ok(ImageResponse { bytes, mime: mime.to_owned(), model: model.to_owned() })
}
