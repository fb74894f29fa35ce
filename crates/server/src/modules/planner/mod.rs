//! The planner (`/api/v1/planner/`): keywords, clusters and content ideas.

pub mod clusters;
pub mod ideas;
pub mod keywords;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    keywords::routes::routes().merge(clusters::routes::routes()).merge(ideas::routes::routes())
}
