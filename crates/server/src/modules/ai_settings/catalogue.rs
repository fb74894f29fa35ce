//! The model catalogue: providers (endpoint and sealed key), models (prices and credit rates), and which model
//! each AI function uses. Staff manage it; accounts see the active models; AI functions resolve their model here.

use chrono::Utc;
use db::entities::{ai_function_setting, ai_model, ai_provider};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use super::dto::{
    FunctionSettingIn, FunctionSettingOut, ModelChoiceOut, ModelIn, ModelOut, ModelPatch, ProviderIn, ProviderOut,
    ProviderPatch,
};
use super::functions::{self, FunctionInfo};
use crate::http::AppError;
use crate::http::tenant::Caller;
use crate::security::cipher::{self, Cipher};

/// Provider kinds and the model types each can serve.
pub const KINDS: &[(&str, &[&str])] = &[
    ("openai", &["text", "image", "embedding"]),
    ("anthropic", &["text"]),
    ("gemini", &["text", "embedding"]),
    ("runware", &["image"]),
    ("offline", &["text", "image"]),
];
pub const MODEL_TYPES: &[&str] = &["text", "image", "embedding"];

const STAFF: &str = "manage AI providers and models";

fn kind_types(kind: &str) -> Option<&'static [&'static str]> {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, types)| *types)
}

// ---- providers ------------------------------------------------------------------------------------------------

pub async fn providers(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<ProviderOut>, AppError> {
    caller.require_staff(STAFF)?;
    let rows = ai_provider::Entity::find().order_by_asc(ai_provider::Column::Slug).all(db).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn provider(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<ProviderOut, AppError> {
    caller.require_staff(STAFF)?;
    Ok(find_provider(db, id).await?.into())
}

async fn find_provider<C: ConnectionTrait>(db: &C, id: i64) -> Result<ai_provider::Model, AppError> {
    ai_provider::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::not_found("AI provider"))
}

fn check_base_url(url: &str) -> Result<String, AppError> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(String::new());
    }
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.len() > 500
        || url.contains(char::is_whitespace)
    {
        return Err(AppError::field(
            "base_url",
            "Use an http(s) URL such as https://api.openai.com/v1, or leave it empty.",
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn check_timeout(secs: i32) -> Result<i32, AppError> {
    if (1..=600).contains(&secs) { Ok(secs) } else { Err(AppError::field("timeout_secs", "Use 1 to 600 seconds.")) }
}

fn seal_key(cipher: &Cipher, key: &str) -> Result<(String, String), AppError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 1_000 || key.contains(char::is_whitespace) {
        return Err(AppError::field("api_key", "Paste the provider's API key (no spaces), or send null to remove it."));
    }
    Ok((cipher.seal(key), cipher::hint(key)))
}

pub async fn create_provider(
    db: &DatabaseConnection,
    cipher: &Cipher,
    caller: &Caller,
    input: ProviderIn,
) -> Result<ProviderOut, AppError> {
    caller.require_staff(STAFF)?;
    let slug = input.slug.trim().to_owned();
    let slug_ok = !slug.is_empty()
        && slug.len() <= 40
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !slug_ok {
        return Err(AppError::field("slug", "Use 1 to 40 lower-case letters, digits, '-' or '_'."));
    }
    if kind_types(&input.kind).is_none() {
        return Err(AppError::field("kind", "Choose openai, anthropic, gemini, runware or offline."));
    }
    let base_url = check_base_url(input.base_url.as_deref().unwrap_or_default())?;
    let timeout = check_timeout(input.timeout_secs.unwrap_or(120))?;
    let (cipher_text, hint) = match input.api_key.as_deref() {
        Some(key) => {
            let (c, h) = seal_key(cipher, key)?;
            (Some(c), Some(h))
        }
        None => (None, None),
    };
    let now = Utc::now();
    let row = ai_provider::ActiveModel {
        id: NotSet,
        display_name: Set(input
            .display_name
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or(slug.clone())),
        slug: Set(slug),
        kind: Set(input.kind),
        base_url: Set(base_url),
        api_key_cipher: Set(cipher_text),
        api_key_hint: Set(hint),
        timeout_secs: Set(timeout),
        is_active: Set(input.is_active.unwrap_or(true)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(row.insert(db).await?.into())
}

pub async fn update_provider(
    db: &DatabaseConnection,
    cipher: &Cipher,
    caller: &Caller,
    id: i64,
    input: ProviderPatch,
) -> Result<ProviderOut, AppError> {
    caller.require_staff(STAFF)?;
    let current = find_provider(db, id).await?;
    let mut row: ai_provider::ActiveModel = current.into();
    if let Some(name) = input.display_name {
        let name = name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(AppError::field("display_name", "Use 1 to 100 characters."));
        }
        row.display_name = Set(name.to_owned());
    }
    if let Some(url) = input.base_url {
        row.base_url = Set(check_base_url(&url)?);
    }
    match input.api_key {
        Some(Some(key)) => {
            let (sealed, hint) = seal_key(cipher, &key)?;
            row.api_key_cipher = Set(Some(sealed));
            row.api_key_hint = Set(Some(hint));
        }
        Some(None) => {
            row.api_key_cipher = Set(None);
            row.api_key_hint = Set(None);
        }
        None => {}
    }
    if let Some(secs) = input.timeout_secs {
        row.timeout_secs = Set(check_timeout(secs)?);
    }
    if let Some(active) = input.is_active {
        row.is_active = Set(active);
    }
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?.into())
}

/// Removes a provider and its models; functions that used them go back to the default model.
pub async fn delete_provider(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_staff(STAFF)?;
    let provider = find_provider(db, id).await?;
    let txn = db::begin_write(db).await?;
    let models: Vec<i64> = ai_model::Entity::find()
        .filter(ai_model::Column::ProviderId.eq(provider.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    clear_function_refs(&txn, &models).await?;
    ai_model::Entity::delete_many().filter(ai_model::Column::ProviderId.eq(provider.id)).exec(&txn).await?;
    ai_provider::Entity::delete_by_id(provider.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Foreign keys would do this on PostgreSQL; doing it here keeps both databases identical.
async fn clear_function_refs<C: ConnectionTrait>(db: &C, model_ids: &[i64]) -> Result<(), AppError> {
    if model_ids.is_empty() {
        return Ok(());
    }
    ai_function_setting::Entity::update_many()
        .col_expr(ai_function_setting::Column::ModelId, sea_orm::sea_query::Expr::value(Option::<i64>::None))
        .filter(ai_function_setting::Column::ModelId.is_in(model_ids.iter().copied()))
        .exec(db)
        .await?;
    ai_function_setting::Entity::update_many()
        .col_expr(ai_function_setting::Column::FallbackModelId, sea_orm::sea_query::Expr::value(Option::<i64>::None))
        .filter(ai_function_setting::Column::FallbackModelId.is_in(model_ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

// ---- models ---------------------------------------------------------------------------------------------------

pub async fn models(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<ModelOut>, AppError> {
    caller.require_staff(STAFF)?;
    let rows = ai_model::Entity::find()
        .order_by_asc(ai_model::Column::ModelType)
        .order_by_asc(ai_model::Column::SortOrder)
        .order_by_asc(ai_model::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Active models of active providers, for every signed-in user (no credentials, no prices in USD).
pub async fn choices(db: &DatabaseConnection) -> Result<Vec<ModelChoiceOut>, AppError> {
    let providers = ai_provider::Entity::find().filter(ai_provider::Column::IsActive.eq(true)).all(db).await?;
    let rows = ai_model::Entity::find()
        .filter(ai_model::Column::IsActive.eq(true))
        .filter(ai_model::Column::ProviderId.is_in(providers.iter().map(|p| p.id)))
        .order_by_asc(ai_model::Column::ModelType)
        .order_by_asc(ai_model::Column::SortOrder)
        .order_by_asc(ai_model::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let provider = providers.iter().find(|p| p.id == m.provider_id)?;
            Some(ModelChoiceOut {
                id: m.id,
                provider: provider.slug.clone(),
                model_id: m.model_id,
                display_name: m.display_name,
                model_type: m.model_type,
                tokens_per_credit: m.tokens_per_credit,
                credits_per_image: m.credits_per_image,
                is_default: m.is_default,
            })
        })
        .collect())
}

fn check_rate(field: &str, value: f64) -> Result<f64, AppError> {
    if value.is_finite() && value >= 0.0 { Ok(value) } else { Err(AppError::field(field, "Use a number ≥ 0.")) }
}

fn check_positive(field: &str, value: i64, min: i64) -> Result<i64, AppError> {
    if value >= min { Ok(value) } else { Err(AppError::field(field, format!("Use a whole number ≥ {min}."))) }
}

pub async fn create_model(db: &DatabaseConnection, caller: &Caller, input: ModelIn) -> Result<ModelOut, AppError> {
    caller.require_staff(STAFF)?;
    let provider = ai_provider::Entity::find_by_id(input.provider_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("provider_id", "No such provider."))?;
    let model_id = input.model_id.trim().to_owned();
    if model_id.is_empty() || model_id.len() > 150 {
        return Err(AppError::field("model_id", "Use the provider's model name (1 to 150 characters)."));
    }
    if !MODEL_TYPES.contains(&input.model_type.as_str()) {
        return Err(AppError::field("model_type", "Choose text, image or embedding."));
    }
    if !kind_types(&provider.kind).unwrap_or_default().contains(&input.model_type.as_str()) {
        return Err(AppError::field(
            "model_type",
            format!("A {} provider cannot serve {} models.", provider.kind, input.model_type),
        ));
    }
    let now = Utc::now();
    let is_default = input.is_default.unwrap_or(false);
    let row = ai_model::ActiveModel {
        id: NotSet,
        provider_id: Set(provider.id),
        display_name: Set(input
            .display_name
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or(model_id.clone())),
        model_id: Set(model_id),
        model_type: Set(input.model_type.clone()),
        input_usd_per_mtok: Set(check_rate("input_usd_per_mtok", input.input_usd_per_mtok.unwrap_or(0.0))?),
        output_usd_per_mtok: Set(check_rate("output_usd_per_mtok", input.output_usd_per_mtok.unwrap_or(0.0))?),
        tokens_per_credit: Set(check_positive("tokens_per_credit", input.tokens_per_credit.unwrap_or(1_000), 1)?),
        credits_per_image: Set(check_positive("credits_per_image", input.credits_per_image.unwrap_or(1), 0)?),
        usd_per_image: Set(check_rate("usd_per_image", input.usd_per_image.unwrap_or(0.0))?),
        max_output_tokens: Set(i32::try_from(check_positive(
            "max_output_tokens",
            i64::from(input.max_output_tokens.unwrap_or(8_192)),
            1,
        )?)
        .unwrap_or(8_192)),
        supports_json: Set(input.supports_json.unwrap_or(true)),
        is_active: Set(input.is_active.unwrap_or(true)),
        is_default: Set(is_default),
        sort_order: Set(input.sort_order.unwrap_or(0)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = db::begin_write(db).await?;
    if is_default {
        clear_defaults(&txn, &input.model_type).await?;
    }
    let model = row.insert(&txn).await?;
    txn.commit().await?;
    Ok(model.into())
}

async fn clear_defaults<C: ConnectionTrait>(db: &C, model_type: &str) -> Result<(), AppError> {
    ai_model::Entity::update_many()
        .col_expr(ai_model::Column::IsDefault, sea_orm::sea_query::Expr::value(false))
        .filter(ai_model::Column::ModelType.eq(model_type))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn update_model(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: ModelPatch,
) -> Result<ModelOut, AppError> {
    caller.require_staff(STAFF)?;
    let txn = db::begin_write(db).await?;
    let current = ai_model::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::not_found("AI model"))?;
    let model_type = current.model_type.clone();
    let mut row: ai_model::ActiveModel = current.into();
    if let Some(name) = input.display_name {
        let name = name.trim();
        if name.is_empty() || name.len() > 150 {
            return Err(AppError::field("display_name", "Use 1 to 150 characters."));
        }
        row.display_name = Set(name.to_owned());
    }
    if let Some(v) = input.input_usd_per_mtok {
        row.input_usd_per_mtok = Set(check_rate("input_usd_per_mtok", v)?);
    }
    if let Some(v) = input.output_usd_per_mtok {
        row.output_usd_per_mtok = Set(check_rate("output_usd_per_mtok", v)?);
    }
    if let Some(v) = input.tokens_per_credit {
        row.tokens_per_credit = Set(check_positive("tokens_per_credit", v, 1)?);
    }
    if let Some(v) = input.credits_per_image {
        row.credits_per_image = Set(check_positive("credits_per_image", v, 0)?);
    }
    if let Some(v) = input.usd_per_image {
        row.usd_per_image = Set(check_rate("usd_per_image", v)?);
    }
    if let Some(v) = input.max_output_tokens {
        if v < 1 {
            return Err(AppError::field("max_output_tokens", "Use a whole number ≥ 1."));
        }
        row.max_output_tokens = Set(v);
    }
    if let Some(v) = input.supports_json {
        row.supports_json = Set(v);
    }
    if let Some(v) = input.is_active {
        row.is_active = Set(v);
    }
    if let Some(v) = input.sort_order {
        row.sort_order = Set(v);
    }
    if let Some(v) = input.is_default {
        if v {
            clear_defaults(&txn, &model_type).await?;
        }
        row.is_default = Set(v);
    }
    row.updated_at = Set(Utc::now());
    let model = row.update(&txn).await?;
    txn.commit().await?;
    Ok(model.into())
}

pub async fn delete_model(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_staff(STAFF)?;
    let txn = db::begin_write(db).await?;
    let model = ai_model::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::not_found("AI model"))?;
    clear_function_refs(&txn, &[model.id]).await?;
    ai_model::Entity::delete_by_id(model.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

// ---- per-function choice --------------------------------------------------------------------------------------

fn function_out(info: &FunctionInfo, row: Option<&ai_function_setting::Model>) -> FunctionSettingOut {
    FunctionSettingOut {
        function: info.name,
        label: info.label,
        model_type: info.model_type,
        model_id: row.and_then(|r| r.model_id),
        fallback_model_id: row.and_then(|r| r.fallback_model_id),
        min_credits: row.map_or(info.min_credits, |r| r.min_credits),
        temperature: row.map_or(0.7, |r| r.temperature),
        max_tokens: row.map_or(8_192, |r| r.max_tokens),
    }
}

pub async fn function_settings(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<FunctionSettingOut>, AppError> {
    caller.require_staff(STAFF)?;
    let rows = ai_function_setting::Entity::find().all(db).await?;
    Ok(functions::FUNCTIONS.iter().map(|f| function_out(f, rows.iter().find(|r| r.function == f.name))).collect())
}

/// The settings an AI function runs with (defaults when staff never changed them).
pub async fn setting_for<C: ConnectionTrait>(db: &C, function: &str) -> Result<FunctionSettingOut, AppError> {
    let info = functions::function(function).ok_or_else(|| AppError::not_found("AI function"))?;
    let row =
        ai_function_setting::Entity::find().filter(ai_function_setting::Column::Function.eq(function)).one(db).await?;
    Ok(function_out(info, row.as_ref()))
}

async fn check_model_for<C: ConnectionTrait>(
    db: &C,
    field: &str,
    id: i64,
    info: &FunctionInfo,
) -> Result<(), AppError> {
    let model =
        ai_model::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::field(field, "No such model."))?;
    if model.model_type != info.model_type {
        return Err(AppError::field(field, format!("{} needs a {} model.", info.label, info.model_type)));
    }
    Ok(())
}

pub async fn update_function(
    db: &DatabaseConnection,
    caller: &Caller,
    function: &str,
    input: FunctionSettingIn,
) -> Result<FunctionSettingOut, AppError> {
    caller.require_staff(STAFF)?;
    let info = functions::function(function).ok_or_else(|| AppError::not_found("AI function"))?;
    let txn = db.begin().await?;
    let current = setting_for(&txn, function).await?;
    let model_id = input.model_id.unwrap_or(current.model_id);
    let fallback = input.fallback_model_id.unwrap_or(current.fallback_model_id);
    if let Some(id) = model_id {
        check_model_for(&txn, "model_id", id, info).await?;
    }
    if let Some(id) = fallback {
        check_model_for(&txn, "fallback_model_id", id, info).await?;
        if Some(id) == model_id {
            return Err(AppError::field("fallback_model_id", "Choose a model other than the main one."));
        }
    }
    let min_credits = input.min_credits.unwrap_or(current.min_credits);
    if !(0..=10_000).contains(&min_credits) {
        return Err(AppError::field("min_credits", "Use 0 to 10000."));
    }
    let temperature = input.temperature.unwrap_or(current.temperature);
    if !(0.0..=2.0).contains(&temperature) {
        return Err(AppError::field("temperature", "Use 0 to 2."));
    }
    let max_tokens = input.max_tokens.unwrap_or(current.max_tokens);
    if !(1..=1_000_000).contains(&max_tokens) {
        return Err(AppError::field("max_tokens", "Use 1 to 1000000."));
    }
    let row = ai_function_setting::ActiveModel {
        id: NotSet,
        function: Set(info.name.to_owned()),
        model_id: Set(model_id),
        fallback_model_id: Set(fallback),
        min_credits: Set(min_credits),
        temperature: Set(temperature),
        max_tokens: Set(max_tokens),
        updated_at: Set(Utc::now()),
    };
    ai_function_setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(ai_function_setting::Column::Function)
                .update_columns([
                    ai_function_setting::Column::ModelId,
                    ai_function_setting::Column::FallbackModelId,
                    ai_function_setting::Column::MinCredits,
                    ai_function_setting::Column::Temperature,
                    ai_function_setting::Column::MaxTokens,
                    ai_function_setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    let out = setting_for(&txn, function).await?;
    txn.commit().await?;
    Ok(out)
}

// ---- resolution for the AI functions --------------------------------------------------------------------------

/// A catalogue model ready to be turned into a client.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub provider: ai_provider::Model,
    pub model: ai_model::Model,
}

/// Loads a model with its provider if both are active.
pub async fn usable<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<Resolved>, AppError> {
    let Some(model) = ai_model::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let Some(provider) = ai_provider::Entity::find_by_id(model.provider_id).one(db).await? else { return Ok(None) };
    Ok((model.is_active && provider.is_active).then_some(Resolved { provider, model }))
}

/// The default active model of a type, if the catalogue names one.
pub async fn default_of<C: ConnectionTrait>(db: &C, model_type: &str) -> Result<Option<Resolved>, AppError> {
    let model = ai_model::Entity::find()
        .filter(ai_model::Column::ModelType.eq(model_type))
        .filter(ai_model::Column::IsDefault.eq(true))
        .filter(ai_model::Column::IsActive.eq(true))
        .one(db)
        .await?;
    match model {
        Some(m) => usable(db, m.id).await,
        None => Ok(None),
    }
}
