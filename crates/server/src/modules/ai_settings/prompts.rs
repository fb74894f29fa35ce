//! Prompt resolution and editing: an account's own text, else the platform's global text, else the built-in
//! default. Editors save and reset their account's version; staff save and reset the global one.

use chrono::Utc;
use db::entities::{account_prompt, global_prompt};
use db::tenancy::scoped;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::dto::{PromptOut, PromptVariableOut};
use super::prompt_specs::{self as prompts, PromptSpec};
use crate::http::AppError;
use crate::http::tenant::Caller;

/// Longest prompt accepted (characters); a prompt is instructions, not a document.
const MAX_LEN: usize = 20_000;

fn spec(prompt_type: &str) -> Result<&'static PromptSpec, AppError> {
    prompts::spec(prompt_type).ok_or_else(|| AppError::NotFound(format!("No prompt type '{prompt_type}'.")))
}

/// The text an AI function uses for this account.
pub async fn effective<C: ConnectionTrait>(db: &C, account_id: i64, prompt_type: &str) -> Result<String, AppError> {
    Ok(one(db, account_id, spec(prompt_type)?).await?.prompt_value)
}

/// Every prompt type as this account gets it (three queries whatever the number of types).
pub async fn list<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<PromptOut>, AppError> {
    let globals = global_prompt::Entity::find().all(db).await?;
    let own = scoped::<account_prompt::Entity>(account_id).all(db).await?;
    Ok(prompts::ALL
        .iter()
        .map(|spec| {
            let global = globals.iter().find(|g| g.prompt_type == spec.prompt_type);
            let mine = own.iter().find(|p| p.prompt_type == spec.prompt_type);
            describe(spec, global, mine)
        })
        .collect())
}

pub async fn one<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    spec: &'static PromptSpec,
) -> Result<PromptOut, AppError> {
    let global =
        global_prompt::Entity::find().filter(global_prompt::Column::PromptType.eq(spec.prompt_type)).one(db).await?;
    let mine = scoped::<account_prompt::Entity>(account_id)
        .filter(account_prompt::Column::PromptType.eq(spec.prompt_type))
        .one(db)
        .await?;
    Ok(describe(spec, global.as_ref(), mine.as_ref()))
}

pub async fn get<C: ConnectionTrait>(db: &C, account_id: i64, prompt_type: &str) -> Result<PromptOut, AppError> {
    one(db, account_id, spec(prompt_type)?).await
}

fn describe(
    spec: &'static PromptSpec,
    global: Option<&global_prompt::Model>,
    mine: Option<&account_prompt::Model>,
) -> PromptOut {
    let default_value = global.map_or(spec.default, |g| g.prompt_value.as_str()).to_owned();
    let (prompt_value, source, updated_at) = match (mine, global) {
        (Some(own), _) => (own.prompt_value.clone(), "account", Some(own.updated_at)),
        (None, Some(g)) => (g.prompt_value.clone(), "global", Some(g.updated_at)),
        (None, None) => (spec.default.to_owned(), "default", None),
    };
    PromptOut {
        prompt_type: spec.prompt_type,
        label: spec.label,
        prompt_value,
        default_value,
        source,
        is_customized: mine.is_some(),
        variables: spec
            .variables
            .iter()
            .map(|v| PromptVariableOut { name: v.name, required: v.required, description: v.description })
            .collect(),
        updated_at,
    }
}

/// A template must fill only the function's placeholders, include the required ones, and not be empty.
fn validate(spec: &PromptSpec, value: &str) -> Result<(), AppError> {
    if value.trim().is_empty() {
        return Err(AppError::field("prompt_value", "Write the prompt, or reset it to the default."));
    }
    if value.chars().count() > MAX_LEN {
        return Err(AppError::field("prompt_value", format!("Use at most {MAX_LEN} characters.")));
    }
    if let Err(problems) = domain::prompt::check(value, &spec.known(), &spec.required()) {
        let mut parts = Vec::new();
        if !problems.unknown.is_empty() {
            let names: Vec<String> = problems.unknown.iter().map(|n| format!("{{{n}}}")).collect();
            let known: Vec<String> = spec.known().iter().map(|n| format!("{{{n}}}")).collect();
            parts.push(format!("Unknown placeholder {}; this prompt can use {}.", names.join(", "), known.join(", ")));
        }
        if !problems.missing.is_empty() {
            let names: Vec<String> = problems.missing.iter().map(|n| format!("{{{n}}}")).collect();
            parts.push(format!("The prompt must include {}.", names.join(", ")));
        }
        return Err(AppError::field("prompt_value", parts.join(" ")));
    }
    Ok(())
}

/// Saves the account's own version (editors and above).
pub async fn save<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    prompt_type: &str,
    value: &str,
) -> Result<PromptOut, AppError> {
    caller.require_write()?;
    let spec = spec(prompt_type)?;
    validate(spec, value)?;
    let now = Utc::now();
    let row = account_prompt::ActiveModel {
        account_id: Set(caller.account_id),
        prompt_type: Set(spec.prompt_type.to_owned()),
        prompt_value: Set(value.to_owned()),
        updated_by: Set(caller.user_id),
        updated_at: Set(now),
        ..Default::default()
    };
    account_prompt::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                account_prompt::Column::AccountId,
                account_prompt::Column::PromptType,
            ])
            .update_columns([
                account_prompt::Column::PromptValue,
                account_prompt::Column::UpdatedBy,
                account_prompt::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    one(db, caller.account_id, spec).await
}

/// Drops the account's version so the global default applies again.
pub async fn reset<C: ConnectionTrait>(db: &C, caller: &Caller, prompt_type: &str) -> Result<PromptOut, AppError> {
    caller.require_write()?;
    let spec = spec(prompt_type)?;
    account_prompt::Entity::delete_many()
        .filter(account_prompt::Column::AccountId.eq(caller.account_id))
        .filter(account_prompt::Column::PromptType.eq(spec.prompt_type))
        .exec(db)
        .await?;
    one(db, caller.account_id, spec).await
}

/// Staff: sets the platform-wide text every account without its own version gets.
pub async fn save_global<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    prompt_type: &str,
    value: &str,
) -> Result<PromptOut, AppError> {
    caller.require_staff("change global prompts")?;
    let spec = spec(prompt_type)?;
    validate(spec, value)?;
    let row = global_prompt::ActiveModel {
        prompt_type: Set(spec.prompt_type.to_owned()),
        prompt_value: Set(value.to_owned()),
        updated_by: Set(caller.user_id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    global_prompt::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(global_prompt::Column::PromptType)
                .update_columns([
                    global_prompt::Column::PromptValue,
                    global_prompt::Column::UpdatedBy,
                    global_prompt::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    one(db, caller.account_id, spec).await
}

/// Staff: back to the built-in default.
pub async fn reset_global<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    prompt_type: &str,
) -> Result<PromptOut, AppError> {
    caller.require_staff("change global prompts")?;
    let spec = spec(prompt_type)?;
    global_prompt::Entity::delete_many()
        .filter(global_prompt::Column::PromptType.eq(spec.prompt_type))
        .exec(db)
        .await?;
    one(db, caller.account_id, spec).await
}
