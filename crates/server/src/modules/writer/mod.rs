//! The writer (`/api/v1/writer/`): tasks (what to write), content (articles with SEO meta, editorial review),
//! images and taxonomies.

pub mod content;
pub mod images;
pub mod settings;
pub mod tasks;
pub mod taxonomies;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    tasks::routes::routes()
        .merge(content::routes::routes())
        .merge(taxonomies::routes::routes())
        .merge(settings::routes())
        .merge(images::routes::routes())
}
