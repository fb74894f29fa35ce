//! Module switches per account (`/api/v1/system/settings/modules/`): a disabled module is hidden in the web app
//! and refused by the API with `403 MODULE_DISABLED`, checked in one place: the [`guard`] layer on each
//! switchable module's router.

use std::collections::BTreeMap;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use db::entities::module_setting;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::switches::{MODULES, SwitchCache, get};
use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::tenant::Caller;
use crate::http::{AppError, Data, Json};
use crate::state::AppState;

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

/// Layer on a switchable module's router (`app.rs` puts it on each one): requests of an account that switched the
/// module off get 403 `MODULE_DISABLED`. Unauthenticated requests pass through to the handlers, which answer 401
/// as usual.
pub async fn guard(State((state, module)): State<(AppState, &'static str)>, request: Request, next: Next) -> Response {
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
