//! Module switches per account (`/api/v1/system/settings/modules/`): a disabled module is hidden in the web app
//! and refused by the API with `403 MODULE_DISABLED`, checked in one place: the [`guard`] layer, which maps
//! `/api/v1/<module>/…` paths to their module.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use db::entities::module_setting;
use db::tenancy::scoped;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::tenant::Caller;
use crate::http::{AppError, Data, Json};

/// Modules and whether they are on for a new account (linker and optimizer are off, as in the original).
pub const MODULES: &[(&str, bool)] = &[
    ("planner", true),
    ("writer", true),
    ("automation", true),
    ("publisher", true),
    ("linker", false),
    ("optimizer", false),
];

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ModulesOut {
    /// Every module with its state.
    pub modules: BTreeMap<String, bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModulesIn {
    /// Modules to switch, e.g. `{"writer": false}`; others keep their state.
    pub modules: BTreeMap<String, bool>,
}

/// The account's switches (defaults for modules it never changed).
pub async fn get<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<BTreeMap<String, bool>, AppError> {
    let saved: BTreeMap<String, bool> = scoped::<module_setting::Entity>(account_id)
        .one(db)
        .await?
        .and_then(|row| serde_json::from_value(row.enabled).ok())
        .unwrap_or_default();
    Ok(MODULES.iter().map(|(name, on)| ((*name).to_owned(), saved.get(*name).copied().unwrap_or(*on))).collect())
}

/// How long a server remembers an account's switches for the [`guard`]. The server that saves a change forgets
/// its copy at once; other server nodes follow within this time.
const REMEMBER_FOR: Duration = Duration::from_secs(5);

/// The switches the [`guard`] checks on every module request, remembered briefly per account (saving one query
/// per request).
pub struct SwitchCache(quick_cache::sync::Cache<i64, (Instant, Arc<BTreeMap<String, bool>>)>);

impl Default for SwitchCache {
    fn default() -> Self {
        Self(quick_cache::sync::Cache::new(10_000))
    }
}

impl SwitchCache {
    async fn get<C: ConnectionTrait>(&self, db: &C, account_id: i64) -> Result<Arc<BTreeMap<String, bool>>, AppError> {
        if let Some((at, switches)) = self.0.get(&account_id)
            && at.elapsed() < REMEMBER_FOR
        {
            return Ok(switches);
        }
        let switches = Arc::new(get(db, account_id).await?);
        self.0.insert(account_id, (Instant::now(), switches.clone()));
        Ok(switches)
    }

    fn forget(&self, account_id: i64) {
        self.0.remove(&account_id);
    }
}

/// Saves the caller's changes (owners and admins) and drops this server's remembered copy of the switches.
pub async fn save(
    db: &DatabaseConnection,
    switches: &SwitchCache,
    caller: &Caller,
    input: ModulesIn,
) -> Result<ModulesOut, AppError> {
    caller.require_admin()?;
    let mut modules = get(db, caller.account_id).await?;
    for (name, on) in input.modules {
        if !MODULES.iter().any(|(m, _)| *m == name) {
            let known: Vec<&str> = MODULES.iter().map(|(m, _)| *m).collect();
            return Err(AppError::field(
                "modules",
                format!("Unknown module {name:?}; modules are {}.", known.join(", ")),
            ));
        }
        modules.insert(name, on);
    }
    let row = module_setting::ActiveModel {
        id: NotSet,
        account_id: Set(caller.account_id),
        enabled: Set(serde_json::to_value(&modules).unwrap_or_default()),
        updated_at: Set(Utc::now()),
    };
    module_setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(module_setting::Column::AccountId)
                .update_columns([module_setting::Column::Enabled, module_setting::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    switches.forget(caller.account_id);
    Ok(ModulesOut { modules })
}

/// The module a request path belongs to, if it is a switchable one.
pub fn module_of(path: &str) -> Option<&'static str> {
    let rest = path.strip_prefix("/api/v1/")?;
    let first = rest.split('/').next()?;
    MODULES.iter().map(|(m, _)| *m).find(|m| *m == first)
}

/// Layer: requests to a module an account switched off get 403 `MODULE_DISABLED`. Unauthenticated requests
/// pass through to the handlers, which answer 401 as usual.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(module) = module_of(request.uri().path()) else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let caller = <Caller as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, &state).await;
    if let Ok(caller) = caller {
        match state.module_switches.get(&state.db, caller.account_id).await {
            Ok(modules) if !modules.get(module).copied().unwrap_or(true) => {
                return AppError::Forbidden {
                    code: "MODULE_DISABLED",
                    message: format!("The {module} module is switched off for this account; an admin can turn it on under Settings → Modules."),
                }
                .into_response();
            }
            Ok(_) => {}
            Err(error) => return error.into_response(),
        }
    }
    next.run(Request::from_parts(parts, body)).await
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_modules, save_modules))
}

/// Which modules are on for this account.
#[utoipa::path(get, path = "/settings/modules", tag = "system", security(("bearer" = [])),
    responses((status = 200, body = Envelope<ModulesOut>)))]
async fn get_modules(State(state): State<AppState>, caller: Caller) -> Result<Data<ModulesOut>, AppError> {
    Ok(Data(ModulesOut { modules: get(&state.db, caller.account_id).await? }))
}

/// Switch modules on or off (owners and admins).
#[utoipa::path(put, path = "/settings/modules", tag = "system", security(("bearer" = [])), request_body = ModulesIn,
    responses((status = 200, body = Envelope<ModulesOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn save_modules(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ModulesIn>,
) -> Result<Data<ModulesOut>, AppError> {
    save(&state.db, &state.module_switches, &caller, input).await.map(Data)
}
