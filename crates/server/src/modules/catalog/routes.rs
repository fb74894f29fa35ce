use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{IndustryOut, PlanOut};
use super::service;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::{AppError, Data};
use crate::state::AppState;

/// Public reference data under `/api/v1/auth`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_plans)).routes(routes!(list_industries)).routes(routes!(get_industry))
}

/// Plans on offer (public).
#[utoipa::path(get, path = "/plans", tag = "account",
    responses((status = 200, body = Envelope<Vec<PlanOut>>)))]
async fn list_plans(State(state): State<AppState>) -> Result<Data<Vec<PlanOut>>, AppError> {
    Ok(Data(service::plans(&state.db).await?.into_iter().map(Into::into).collect()))
}

/// Industries with their sector templates (public).
#[utoipa::path(get, path = "/industries", tag = "account",
    responses((status = 200, body = Envelope<Vec<IndustryOut>>)))]
async fn list_industries(State(state): State<AppState>) -> Result<Data<Vec<IndustryOut>>, AppError> {
    Ok(Data(service::industries(&state.db, None).await?))
}

/// One industry with its sector templates.
#[utoipa::path(get, path = "/industries/{id}", tag = "account",
    params(("id" = i64, Path, description = "Industry id")),
    responses((status = 200, body = Envelope<IndustryOut>), (status = 404, body = ErrorBody)))]
async fn get_industry(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Data<IndustryOut>, AppError> {
    service::industries(&state.db, Some(id)).await?.pop().map(Data).ok_or_else(|| AppError::not_found("Industry"))
}
