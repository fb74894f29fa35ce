use std::collections::BTreeMap;

use axum::extract::State;
use db::entities::credit_transaction;
use db::tenancy::scoped;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{AdjustIn, BalanceOut, TransactionOut, UsageOut, UsageQuery};
use super::service;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::list::ListQueryDoc;
use crate::http::tenant::Caller;
use crate::http::{AppError, Data, Json, ListParams, ListResponse, Query};
use crate::state::AppState;

/// Routes under `/api/v1/billing`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(balance))
        .routes(routes!(transactions))
        .routes(routes!(transaction_filter_options))
        .routes(routes!(usage))
        .routes(routes!(adjust))
}

/// Credit balance: plan and bonus pools, what this period used.
#[utoipa::path(get, path = "/credits/balance", tag = "billing", security(("bearer" = [])),
    responses((status = 200, body = Envelope<BalanceOut>)))]
async fn balance(State(state): State<AppState>, caller: Caller) -> Result<Data<BalanceOut>, AppError> {
    service::balance(&state.db, caller.account_id).await.map(Data)
}

/// The credit ledger, newest first.
#[utoipa::path(get, path = "/transactions", tag = "billing", security(("bearer" = [])),
    params(ListQueryDoc, ("pool" = Option<String>, Query), ("kind" = Option<String>, Query),
        ("created_at_min" = Option<String>, Query), ("created_at_max" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<TransactionOut>), (status = 400, body = ErrorBody)))]
async fn transactions(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<ListResponse<TransactionOut>, AppError> {
    let select = scoped::<credit_transaction::Entity>(caller.account_id);
    Ok(service::transactions_spec().fetch(&state.db, select, &params).await?.map(Into::into))
}

/// Pools and kinds present in the ledger, given the other filters.
#[utoipa::path(get, path = "/transactions/filter_options", tag = "billing", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Object>)))]
async fn transaction_filter_options(
    State(state): State<AppState>,
    caller: Caller,
    params: ListParams,
) -> Result<Data<BTreeMap<String, Vec<serde_json::Value>>>, AppError> {
    let select = scoped::<credit_transaction::Entity>(caller.account_id);
    service::transactions_spec().filter_options(&state.db, select, &params).await.map(Data)
}

/// Credits, tokens and provider cost per operation and model over a period (30 days by default).
#[utoipa::path(get, path = "/usage", tag = "billing", security(("bearer" = [])), params(UsageQuery),
    responses((status = 200, body = Envelope<UsageOut>), (status = 400, body = ErrorBody)))]
async fn usage(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<UsageQuery>,
) -> Result<Data<UsageOut>, AppError> {
    service::usage(&state.db, caller.account_id, query.start, query.end).await.map(Data)
}

/// Add or remove credits of an account (platform staff only).
#[utoipa::path(post, path = "/admin/credits/adjust", tag = "billing", security(("bearer" = [])), request_body = AdjustIn,
    responses((status = 200, body = Envelope<BalanceOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn adjust(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<AdjustIn>,
) -> Result<Data<BalanceOut>, AppError> {
    service::adjust(&state.db, &caller, input).await.map(Data)
}
