//! Connections to WordPress: validation, sealing, the connection test and its stored outcome.

use chrono::Utc;
use db::entities::site_integration;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use super::dto::{CheckOut, ConnectionTestOut, IntegrationIn, IntegrationOut, IntegrationUpdateIn};
use crate::http::tenant::Caller;
use crate::http::{AppError, ListResponse};
use crate::security::cipher::{self, Cipher};

const PLATFORMS: [&str; 1] = ["wordpress"];
const MODES: [&str; 2] = ["application_password", "bridge"];

/// A usable WordPress address: http(s), a host, no credentials, query or fragment; without a trailing slash.
fn site_url(raw: &str) -> Result<String, AppError> {
    let raw = raw.trim();
    let bad = |why: &str| {
        AppError::field("site_url", format!("{why} Use the address of the WordPress site, e.g. https://example.com."))
    };
    if raw.is_empty() || raw.len() > 500 || raw.contains(char::is_whitespace) {
        return Err(bad("Give the site's address (at most 500 characters, no spaces)."));
    }
    let url =
        publish::Url::parse(raw).map_err(|_| bad("This is not a full address (it needs http:// or https://)."))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("Only http and https addresses can be used."));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("The address has no host name."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("Leave the user name and password out of the address; give them in their own fields."));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("Leave out the ?query and #fragment."));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn username(raw: Option<&str>) -> Result<String, AppError> {
    let name = raw.map(str::trim).unwrap_or_default();
    if name.is_empty() || name.len() > 200 {
        return Err(AppError::field("username", "Give the WordPress user name the application password belongs to."));
    }
    Ok(name.to_owned())
}

fn app_password(raw: Option<&str>) -> Result<String, AppError> {
    let password = raw.map(str::trim).unwrap_or_default();
    // WordPress shows 24 characters in groups of four; accept it with or without the spaces.
    let compact: String = password.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() < 8 || compact.len() > 200 {
        return Err(AppError::field(
            "app_password",
            "Paste an application password (WordPress: Users → Profile → Application Passwords).",
        ));
    }
    Ok(password.to_owned())
}

fn bridge_key() -> String {
    format!("igny8_{}", hex::encode(rand::random::<[u8; 24]>()))
}

async fn find(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<site_integration::Model, AppError> {
    caller
        .site_rows::<site_integration::Entity>()
        .filter(site_integration::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Integration"))
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    site_id: Option<i64>,
) -> Result<ListResponse<IntegrationOut>, AppError> {
    let mut select = caller.site_rows::<site_integration::Entity>();
    if let Some(site_id) = site_id {
        select = select.filter(site_integration::Column::SiteId.eq(site_id));
    }
    // One connection per site and platform: as many rows as sites, at most.
    let rows = select.order_by_asc(site_integration::Column::Id).all(db).await?;
    Ok(ListResponse::new(rows.len() as u64, None, None, rows.into_iter().map(Into::into).collect()))
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<IntegrationOut, AppError> {
    find(db, caller, id).await.map(Into::into)
}

pub async fn create(
    db: &DatabaseConnection,
    cipher: &Cipher,
    caller: &Caller,
    input: IntegrationIn,
) -> Result<IntegrationOut, AppError> {
    caller.require_write()?;
    let site = caller.site_field(db, "site_id", input.site_id).await?;
    let platform = input.platform.as_deref().unwrap_or("wordpress").trim().to_owned();
    if !PLATFORMS.contains(&platform.as_str()) {
        return Err(AppError::field("platform", "Only wordpress can be connected for now."));
    }
    if !MODES.contains(&input.auth_mode.as_str()) {
        return Err(AppError::field(
            "auth_mode",
            "Choose application_password (WordPress core) or bridge (the IGNY8 plugin).",
        ));
    }
    let url = site_url(&input.site_url)?;
    let (user, secret) = if input.auth_mode == "bridge" {
        (None, bridge_key())
    } else {
        (Some(username(input.username.as_deref())?), app_password(input.app_password.as_deref())?)
    };
    let taken = site_integration::Entity::find()
        .filter(site_integration::Column::SiteId.eq(site.id))
        .filter(site_integration::Column::Platform.eq(&platform))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict {
            message: "This site is already connected to WordPress; change that connection instead.".into(),
            field: Some("site_id".into()),
        });
    }
    let now = Utc::now();
    let row = site_integration::ActiveModel {
        account_id: Set(caller.account_id),
        site_id: Set(site.id),
        platform: Set(platform),
        auth_mode: Set(input.auth_mode.clone()),
        site_url: Set(url),
        username: Set(user),
        secret_sealed: Set(Some(cipher.seal(&secret))),
        secret_hint: Set(Some(cipher::hint(&secret))),
        is_active: Set(true),
        connection_status: Set("unknown".into()),
        connection_error: Set(None),
        checks: Set(None),
        last_checked_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut out = IntegrationOut::from(row);
    if input.auth_mode == "bridge" {
        out.bridge_key = Some(secret);
    }
    Ok(out)
}

pub async fn update(
    db: &DatabaseConnection,
    cipher: &Cipher,
    caller: &Caller,
    id: i64,
    input: IntegrationUpdateIn,
) -> Result<IntegrationOut, AppError> {
    caller.require_write()?;
    let row = find(db, caller, id).await?;
    let bridge = row.auth_mode == "bridge";
    let mut issued = None;
    let mut update: site_integration::ActiveModel = row.into();
    let mut changed_connection = false;
    if let Some(url) = &input.site_url {
        update.site_url = Set(site_url(url)?);
        changed_connection = true;
    }
    if input.username.is_some() {
        if bridge {
            return Err(AppError::field("username", "A bridge connection has no WordPress user name."));
        }
        update.username = Set(Some(username(input.username.as_deref())?));
        changed_connection = true;
    }
    if input.app_password.is_some() {
        if bridge {
            return Err(AppError::field(
                "app_password",
                "A bridge connection uses its key; rotate it with rotate_bridge_key.",
            ));
        }
        let password = app_password(input.app_password.as_deref())?;
        update.secret_sealed = Set(Some(cipher.seal(&password)));
        update.secret_hint = Set(Some(cipher::hint(&password)));
        changed_connection = true;
    }
    if input.rotate_bridge_key {
        if !bridge {
            return Err(AppError::field("rotate_bridge_key", "Only a bridge connection has a key to rotate."));
        }
        let key = bridge_key();
        update.secret_sealed = Set(Some(cipher.seal(&key)));
        update.secret_hint = Set(Some(cipher::hint(&key)));
        issued = Some(key);
        changed_connection = true;
    }
    if let Some(active) = input.is_active {
        update.is_active = Set(active);
    }
    if changed_connection {
        // What was tested is no longer what is stored.
        update.connection_status = Set("unknown".into());
        update.connection_error = Set(None);
        update.checks = Set(None);
        update.last_checked_at = Set(None);
    }
    update.updated_at = Set(Utc::now());
    let mut out = IntegrationOut::from(update.update(db).await?);
    out.bridge_key = issued;
    Ok(out)
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_write()?;
    let row = find(db, caller, id).await?;
    site_integration::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(())
}

/// Runs the connection's checks through the outbound guard and stores their outcome. A connection whose checks
/// cannot run at all (the address is refused, the site stops answering midway) is stored as `error` with the
/// reason; the answer is still 200, since the test itself was carried out.
pub async fn test_connection(
    db: &DatabaseConnection,
    cipher: &Cipher,
    outbound: &publish::OutboundClient,
    caller: &Caller,
    id: i64,
) -> Result<ConnectionTestOut, AppError> {
    caller.require_write()?;
    let row = find(db, caller, id).await?;
    let secret = match row.secret_sealed.as_deref().map(|sealed| cipher.open(sealed)) {
        Some(Ok(secret)) => secret,
        Some(Err(_)) => {
            return Err(AppError::Conflict {
                message: "The stored credential cannot be read with this server's key; enter it again.".into(),
                field: Some("app_password".into()),
            });
        }
        None => {
            return Err(AppError::Conflict {
                message: "No credential is stored for this connection.".into(),
                field: None,
            });
        }
    };
    let outcome = if row.auth_mode == "bridge" {
        publish::wordpress::bridge::check_connection(outbound, &row.site_url, &secret).await
    } else {
        let site = publish::wordpress::Site {
            url: row.site_url.clone(),
            username: row.username.clone().unwrap_or_default(),
            app_password: secret,
        };
        publish::wordpress::check_connection(outbound, &site).await
    };
    let (checks, error) = match outcome {
        Ok(report) => {
            let checks: Vec<CheckOut> = report
                .checks
                .into_iter()
                .map(|c| CheckOut { name: c.name, passed: c.passed, detail: c.detail })
                .collect();
            let error = checks.iter().find(|c| !c.passed).map(|c| c.detail.clone());
            let error = error.or_else(|| checks.is_empty().then(|| "No check could run.".to_owned()));
            (checks, error)
        }
        Err(error) => (Vec::new(), Some(format!("The connection test could not run: {error}"))),
    };
    let status = if error.is_none() { "connected" } else { "error" };
    let now = Utc::now();
    let mut update: site_integration::ActiveModel = row.into();
    update.connection_status = Set(status.into());
    update.connection_error = Set(error.clone());
    update.checks = Set(Some(serde_json::to_value(&checks).map_err(AppError::internal)?));
    update.last_checked_at = Set(Some(now));
    update.updated_at = Set(now);
    update.update(db).await?;
    Ok(ConnectionTestOut { connection_status: status.into(), connection_error: error, checks, checked_at: now })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_urls_are_checked_and_normalised() {
        assert_eq!(site_url(" https://example.com/ ").unwrap(), "https://example.com");
        assert_eq!(site_url("http://example.com/blog/").unwrap(), "http://example.com/blog");
        for bad in ["example.com", "ftp://example.com", "https://user:pw@example.com", "https://example.com/?p=1", ""] {
            match site_url(bad) {
                Err(AppError::Validation { errors, .. }) => assert!(errors.contains_key("site_url"), "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
