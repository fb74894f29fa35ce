//! Module switches per account as the guard reads them: the module list with its defaults, an account's
//! switches, and the short-lived copy each server keeps ([`SwitchCache`], part of the application state).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use db::entities::module_setting;
use db::tenancy::scoped;
use sea_orm::ConnectionTrait;

use crate::http::AppError;

/// Modules and whether they are on for a new account (linker and optimizer are off, as in the original).
pub const MODULES: &[(&str, bool)] = &[
    ("planner", true),
    ("writer", true),
    ("automation", true),
    ("publisher", true),
    ("linker", false),
    ("optimizer", false),
];

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
    pub async fn get<C: ConnectionTrait>(
        &self,
        db: &C,
        account_id: i64,
    ) -> Result<Arc<BTreeMap<String, bool>>, AppError> {
        if let Some((at, switches)) = self.0.get(&account_id)
            && at.elapsed() < REMEMBER_FOR
        {
            return Ok(switches);
        }
        let switches = Arc::new(get(db, account_id).await?);
        self.0.insert(account_id, (Instant::now(), switches.clone()));
        Ok(switches)
    }

    pub fn forget(&self, account_id: i64) {
        self.0.remove(&account_id);
    }
}
