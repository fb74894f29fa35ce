use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{
    FunctionSettingIn, FunctionSettingOut, ModelChoiceOut, ModelIn, ModelOut, ModelPatch, PromptIn, PromptOut,
    PromptTypeIn, ProviderIn, ProviderOut, ProviderPatch, SavePromptIn,
};
use super::{catalogue, prompts};
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::tenant::Caller;
use crate::http::{AppError, Created, Data, Json, NoContent, Query};
use crate::state::AppState;

/// Routes under `/api/v1/system` for prompts, the model catalogue and per-function model choice.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_prompts))
        .routes(routes!(prompt_by_type))
        .routes(routes!(save_prompt_action))
        .routes(routes!(reset_prompt_action))
        .routes(routes!(get_prompt, save_prompt))
        .routes(routes!(reset_prompt))
        .routes(routes!(save_global_prompt))
        .routes(routes!(reset_global_prompt))
        .routes(routes!(model_choices))
        .routes(routes!(list_providers, create_provider))
        .routes(routes!(get_provider, update_provider, delete_provider))
        .routes(routes!(list_models, create_model))
        .routes(routes!(update_model, delete_model))
        .routes(routes!(list_functions))
        .routes(routes!(update_function))
}

/// Every prompt type as this account gets it: its text, where the text comes from, and its placeholders.
#[utoipa::path(get, path = "/prompts", tag = "prompts", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Vec<PromptOut>>)))]
async fn list_prompts(State(state): State<AppState>, caller: Caller) -> Result<Data<Vec<PromptOut>>, AppError> {
    prompts::list(&state.db, caller.account_id).await.map(Data)
}

/// One prompt type (the original's `prompts/by_type/?prompt_type=`).
#[utoipa::path(get, path = "/prompts/by_type", tag = "prompts", security(("bearer" = [])), params(PromptTypeIn),
    responses((status = 200, body = Envelope<PromptOut>), (status = 404, body = ErrorBody)))]
async fn prompt_by_type(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<PromptTypeIn>,
) -> Result<Data<PromptOut>, AppError> {
    prompts::get(&state.db, caller.account_id, &query.prompt_type).await.map(Data)
}

/// Save this account's version of a prompt (the original's `prompts/save_prompt/`).
#[utoipa::path(post, path = "/prompts/save_prompt", tag = "prompts", security(("bearer" = [])),
    request_body = SavePromptIn,
    responses((status = 200, body = Envelope<PromptOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn save_prompt_action(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<SavePromptIn>,
) -> Result<Data<PromptOut>, AppError> {
    prompts::save(&state.db, &caller, &input.prompt_type, &input.prompt_value).await.map(Data)
}

/// Go back to the default for this account (the original's `prompts/reset_prompt/`).
#[utoipa::path(post, path = "/prompts/reset_prompt", tag = "prompts", security(("bearer" = [])),
    request_body = PromptTypeIn,
    responses((status = 200, body = Envelope<PromptOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn reset_prompt_action(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<PromptTypeIn>,
) -> Result<Data<PromptOut>, AppError> {
    prompts::reset(&state.db, &caller, &input.prompt_type).await.map(Data)
}

/// One prompt type as this account gets it.
#[utoipa::path(get, path = "/prompts/{prompt_type}", tag = "prompts", security(("bearer" = [])),
    params(("prompt_type" = String, Path)),
    responses((status = 200, body = Envelope<PromptOut>), (status = 404, body = ErrorBody)))]
async fn get_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path(prompt_type): Path<String>,
) -> Result<Data<PromptOut>, AppError> {
    prompts::get(&state.db, caller.account_id, &prompt_type).await.map(Data)
}

/// Save this account's version (editors and above). Placeholders must be ones the function fills.
#[utoipa::path(put, path = "/prompts/{prompt_type}", tag = "prompts", security(("bearer" = [])),
    params(("prompt_type" = String, Path)), request_body = PromptIn,
    responses((status = 200, body = Envelope<PromptOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn save_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path(prompt_type): Path<String>,
    Json(input): Json<PromptIn>,
) -> Result<Data<PromptOut>, AppError> {
    prompts::save(&state.db, &caller, &prompt_type, &input.prompt_value).await.map(Data)
}

/// Drop this account's version; the global default applies again.
#[utoipa::path(post, path = "/prompts/{prompt_type}/reset", tag = "prompts", security(("bearer" = [])),
    params(("prompt_type" = String, Path)),
    responses((status = 200, body = Envelope<PromptOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn reset_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path(prompt_type): Path<String>,
) -> Result<Data<PromptOut>, AppError> {
    prompts::reset(&state.db, &caller, &prompt_type).await.map(Data)
}

/// Platform staff: the global text every account without its own version gets.
#[utoipa::path(put, path = "/admin/prompts/{prompt_type}", tag = "prompts", security(("bearer" = [])),
    params(("prompt_type" = String, Path)), request_body = PromptIn,
    responses((status = 200, body = Envelope<PromptOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn save_global_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path(prompt_type): Path<String>,
    Json(input): Json<PromptIn>,
) -> Result<Data<PromptOut>, AppError> {
    prompts::save_global(&state.db, &caller, &prompt_type, &input.prompt_value).await.map(Data)
}

/// Platform staff: the global text back to the built-in default.
#[utoipa::path(post, path = "/admin/prompts/{prompt_type}/reset", tag = "prompts", security(("bearer" = [])),
    params(("prompt_type" = String, Path)),
    responses((status = 200, body = Envelope<PromptOut>), (status = 403, body = ErrorBody)))]
async fn reset_global_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path(prompt_type): Path<String>,
) -> Result<Data<PromptOut>, AppError> {
    prompts::reset_global(&state.db, &caller, &prompt_type).await.map(Data)
}

/// The models an account can use: active models of active providers, with their credit rates.
#[utoipa::path(get, path = "/ai/models", tag = "ai-settings", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Vec<ModelChoiceOut>>)))]
async fn model_choices(State(state): State<AppState>, _caller: Caller) -> Result<Data<Vec<ModelChoiceOut>>, AppError> {
    catalogue::choices(&state.db).await.map(Data)
}

/// Platform staff: model providers. API keys are never returned, only whether one is stored.
#[utoipa::path(get, path = "/admin/ai/providers", tag = "ai-settings", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Vec<ProviderOut>>), (status = 403, body = ErrorBody)))]
async fn list_providers(State(state): State<AppState>, caller: Caller) -> Result<Data<Vec<ProviderOut>>, AppError> {
    catalogue::providers(&state.db, &caller).await.map(Data)
}

/// Platform staff: add a provider (the key is stored encrypted).
#[utoipa::path(post, path = "/admin/ai/providers", tag = "ai-settings", security(("bearer" = [])),
    request_body = ProviderIn,
    responses((status = 201, body = Envelope<ProviderOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn create_provider(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ProviderIn>,
) -> Result<Created<ProviderOut>, AppError> {
    catalogue::create_provider(&state.db, &state.cipher, &caller, input).await.map(Created)
}

#[utoipa::path(get, path = "/admin/ai/providers/{id}", tag = "ai-settings", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Envelope<ProviderOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_provider(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Data<ProviderOut>, AppError> {
    catalogue::provider(&state.db, &caller, id).await.map(Data)
}

/// Platform staff: change a provider; `api_key: null` removes the stored key.
#[utoipa::path(patch, path = "/admin/ai/providers/{id}", tag = "ai-settings", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ProviderPatch,
    responses((status = 200, body = Envelope<ProviderOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn update_provider(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ProviderPatch>,
) -> Result<Data<ProviderOut>, AppError> {
    catalogue::update_provider(&state.db, &state.cipher, &caller, id, input).await.map(Data)
}

/// Platform staff: remove a provider and its models.
#[utoipa::path(delete, path = "/admin/ai/providers/{id}", tag = "ai-settings", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_provider(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    catalogue::delete_provider(&state.db, &caller, id).await.map(|()| NoContent)
}

/// Platform staff: the whole catalogue, active or not, with prices and credit rates.
#[utoipa::path(get, path = "/admin/ai/models", tag = "ai-settings", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Vec<ModelOut>>), (status = 403, body = ErrorBody)))]
async fn list_models(State(state): State<AppState>, caller: Caller) -> Result<Data<Vec<ModelOut>>, AppError> {
    catalogue::models(&state.db, &caller).await.map(Data)
}

/// Platform staff: add a model; `is_default` makes it the default of its type.
#[utoipa::path(post, path = "/admin/ai/models", tag = "ai-settings", security(("bearer" = [])),
    request_body = ModelIn,
    responses((status = 201, body = Envelope<ModelOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn create_model(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ModelIn>,
) -> Result<Created<ModelOut>, AppError> {
    catalogue::create_model(&state.db, &caller, input).await.map(Created)
}

#[utoipa::path(patch, path = "/admin/ai/models/{id}", tag = "ai-settings", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ModelPatch,
    responses((status = 200, body = Envelope<ModelOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn update_model(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ModelPatch>,
) -> Result<Data<ModelOut>, AppError> {
    catalogue::update_model(&state.db, &caller, id, input).await.map(Data)
}

#[utoipa::path(delete, path = "/admin/ai/models/{id}", tag = "ai-settings", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_model(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<NoContent, AppError> {
    catalogue::delete_model(&state.db, &caller, id).await.map(|()| NoContent)
}

/// Platform staff: which model each AI function uses, its fallback and minimum charge.
#[utoipa::path(get, path = "/admin/ai/functions", tag = "ai-settings", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Vec<FunctionSettingOut>>), (status = 403, body = ErrorBody)))]
async fn list_functions(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Data<Vec<FunctionSettingOut>>, AppError> {
    catalogue::function_settings(&state.db, &caller).await.map(Data)
}

/// Platform staff: choose the model (and fallback) of one AI function; `null` goes back to the default.
#[utoipa::path(put, path = "/admin/ai/functions/{function}", tag = "ai-settings", security(("bearer" = [])),
    params(("function" = String, Path)), request_body = FunctionSettingIn,
    responses((status = 200, body = Envelope<FunctionSettingOut>), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_function(
    State(state): State<AppState>,
    caller: Caller,
    Path(function): Path<String>,
    Json(input): Json<FunctionSettingIn>,
) -> Result<Data<FunctionSettingOut>, AppError> {
    catalogue::update_function(&state.db, &caller, &function, input).await.map(Data)
}
