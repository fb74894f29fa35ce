//! The image jobs' inputs, as [`super::service`] queues them.

use serde::{Deserialize, Serialize};

/// `generate_image_prompts`: articles of one site, at most 10.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImagePromptsJob {
    pub content_ids: Vec<i64>,
}

impl jobs::JobInput for ImagePromptsJob {
    const KIND: &'static str = "generate_image_prompts";
}

/// `generate_images`: images of one site; generated ones are drawn again only with `regenerate`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerateImagesJob {
    pub image_ids: Vec<i64>,
    #[serde(default)]
    pub regenerate: bool,
}

impl jobs::JobInput for GenerateImagesJob {
    const KIND: &'static str = "generate_images";
}

/// One article's image subjects, as the prompts job made them: the featured image's, then the in-article ones.
#[derive(Debug, Clone)]
pub struct ImageSubjects {
    pub featured: String,
    pub inline: Vec<String>,
}

/// A drawn image stored under `file_path`.
#[derive(Debug, Clone)]
pub struct DrawnImage {
    pub file_path: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub size_bytes: usize,
    pub model: String,
}
