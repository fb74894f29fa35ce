//! AI functions: one file per function (validate → load → prompt → call → parse → save), the runner helpers
//! they share, and the model they talk to. Each function is a job kind of the durable queue.

pub mod auto_cluster;
pub mod catalogue;
pub mod connection_test;
pub mod embeddings;
pub mod generate_content;
pub mod generate_ideas;
pub mod generate_image_prompts;
pub mod generate_images;
pub mod models;
pub mod offline_article;
pub mod offline_ideas;
pub mod prompts;
pub mod runner;

use std::sync::Arc;

use crate::app::AppState;

/// The job kinds of this build, bound to the application's database, events and model.
pub fn registry(state: &AppState) -> jobs::Registry {
    let deps = Arc::new(runner::AiDeps {
        db: state.db.clone(),
        events: state.events.clone(),
        model: state.text_model.clone(),
        cipher: state.cipher.clone(),
        images: state.images.clone(),
    });
    jobs::Registry::default()
        .register(connection_test::ConnectionTest { deps: deps.clone() })
        .register(auto_cluster::AutoCluster { deps: deps.clone() })
        .register(generate_ideas::GenerateIdeas { deps: deps.clone() })
        .register(generate_content::GenerateContent { deps: deps.clone() })
        .register(generate_image_prompts::GenerateImagePrompts { deps: deps.clone() })
        .register(generate_images::GenerateImages { deps })
}
