//! Sites: CRUD within plan limits, catalogue sector selection, API keys.

use chrono::Utc;
use db::entities::{industry, industry_sector, sector, site};
use db::tenancy::scoped;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::dto::{ApiKeyOut, SectorOut, SelectSectorsIn, SiteIn, SiteUpdateIn};
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListSpec};
use crate::modules::account::limits;
use crate::modules::account::service::{first_free, unique_slug};
use crate::security::token;

pub fn list_spec() -> ListSpec<site::Entity> {
    ListSpec::new()
        .search([site::Column::Name, site::Column::Domain])
        .order_by("name", site::Column::Name)
        .order_by("created_at", site::Column::CreatedAt)
        .default_ordering("name")
        .filter(Filter::bool("is_active", site::Column::IsActive))
        .filter(Filter::int("industry_id", site::Column::IndustryId).with_options())
}

/// A trimmed name of 1 to 200 characters, else a 400 naming `name`.
pub(super) fn name_of(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::field("name", "Enter a name of 1 to 200 characters."));
    }
    Ok(name.to_owned())
}

/// Accepts `example.com`, `https://example.com/`, `http://localhost:8080`; stores `scheme://host[:port]`.
pub fn normalise_domain(raw: &str) -> Result<String, AppError> {
    let bad = || AppError::field("domain", "Enter a site address like example.com or https://example.com.");
    let text = raw.trim();
    let with_scheme = if text.contains("://") { text.to_owned() } else { format!("https://{text}") };
    let (scheme, rest) = with_scheme.split_once("://").ok_or_else(bad)?;
    if scheme != "http" && scheme != "https" {
        return Err(bad());
    }
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or_default().to_lowercase();
    let host = host_port.split(':').next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-'])
        && (host.contains('.') || host == "localhost");
    let port_ok = host_port.split_once(':').is_none_or(|(_, port)| port.parse::<u16>().is_ok());
    if !host_ok || !port_ok || rest.contains('@') {
        return Err(bad());
    }
    Ok(format!("{scheme}://{host_port}"))
}

async fn resolve_industry<C: ConnectionTrait>(
    db: &C,
    id: Option<i64>,
    slug: Option<&str>,
) -> Result<Option<i64>, AppError> {
    if let Some(slug) = slug {
        let found = crate::modules::catalog::service::industry_by_slug(db, slug).await?;
        return found
            .map(|i| Some(i.id))
            .ok_or_else(|| AppError::field("industry_slug", format!("No industry {slug:?}.")));
    }
    if let Some(id) = id {
        let found = industry::Entity::find_by_id(id).one(db).await?;
        return found
            .map(|i| Some(i.id))
            .ok_or_else(|| AppError::field("industry_id", format!("No industry with id {id}.")));
    }
    Ok(None)
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: SiteIn) -> Result<site::Model, AppError> {
    caller.require_admin()?;
    let name = name_of(&input.name)?;
    let domain = input.domain.as_deref().filter(|d| !d.trim().is_empty()).map(normalise_domain).transpose()?;
    let industry_id = resolve_industry(db, input.industry_id, input.industry_slug.as_deref()).await?;
    let txn = db::begin_write(db).await?;
    limits::check_sites(&txn, caller.account_id, 1).await?;
    let slug = unique_slug(&txn, scoped::<site::Entity>(caller.account_id), site::Column::Slug, &name, "site").await?;
    let now = Utc::now();
    let site = site::ActiveModel {
        account_id: Set(caller.account_id),
        name: Set(name),
        slug: Set(slug),
        domain: Set(domain),
        industry_id: Set(industry_id),
        is_active: Set(input.is_active.unwrap_or(true)),
        api_key_prefix: Set(None),
        api_key_hash: Set(None),
        api_key_created_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(site)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: SiteUpdateIn,
) -> Result<site::Model, AppError> {
    caller.require_admin()?;
    let site = caller.site(db, id).await?;
    let mut update: site::ActiveModel = site.into();
    if let Some(name) = input.name {
        update.name = Set(name_of(&name)?);
    }
    match input.domain {
        Some(Some(domain)) if !domain.trim().is_empty() => update.domain = Set(Some(normalise_domain(&domain)?)),
        Some(_) => update.domain = Set(None),
        None => {}
    }
    if let Some(industry_id) = input.industry_id {
        update.industry_id = Set(resolve_industry(db, industry_id, None).await?);
    }
    if let Some(active) = input.is_active {
        update.is_active = Set(active);
    }
    update.updated_at = Set(Utc::now());
    Ok(update.update(db).await?)
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_admin()?;
    let site = caller.site(db, id).await?;
    site::Entity::delete_by_id(site.id).exec(db).await?;
    Ok(())
}

pub async fn set_active(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<site::Model, AppError> {
    caller.require_admin()?;
    let site = caller.site(db, id).await?;
    let mut update: site::ActiveModel = site.into();
    update.is_active = Set(true);
    update.updated_at = Set(Utc::now());
    Ok(update.update(db).await?)
}

/// The site's sectors, active first.
pub async fn sectors_of<C: ConnectionTrait>(db: &C, caller: &Caller, site_id: i64) -> Result<Vec<SectorOut>, AppError> {
    let site = caller.site(db, site_id).await?;
    Ok(scoped::<sector::Entity>(caller.account_id)
        .filter(sector::Column::SiteId.eq(site.id))
        .order_by_desc(sector::Column::IsActive)
        .order_by_asc(sector::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Makes the chosen catalogue sectors the site's: creates or reactivates them, deactivates the site's other
/// catalogue sectors (their data stays), keeps custom sectors. Within the plan's sectors-per-site limit.
pub async fn select_sectors(
    db: &DatabaseConnection,
    caller: &Caller,
    site_id: i64,
    input: SelectSectorsIn,
) -> Result<Vec<SectorOut>, AppError> {
    caller.require_admin()?;
    let site = caller.site(db, site_id).await?;
    let industry = crate::modules::catalog::service::industry_by_slug(db, input.industry_slug.trim())
        .await?
        .ok_or_else(|| AppError::field("industry_slug", format!("No industry {:?}.", input.industry_slug)))?;
    let mut wanted: Vec<String> = input.sector_slugs.iter().map(|s| s.trim().to_owned()).collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Err(AppError::field("sector_slugs", "Choose at least one sector."));
    }
    let templates = industry_sector::Entity::find()
        .filter(industry_sector::Column::IndustryId.eq(industry.id))
        .filter(industry_sector::Column::IsActive.eq(true))
        .all(db)
        .await?;
    let chosen: Vec<&industry_sector::Model> = templates.iter().filter(|t| wanted.contains(&t.slug)).collect();
    if let Some(unknown) = wanted.iter().find(|w| !chosen.iter().any(|t| &t.slug == *w)) {
        return Err(AppError::field("sector_slugs", format!("{unknown:?} is not a sector of {}.", industry.name)));
    }
    let txn = db::begin_write(db).await?;
    let existing =
        scoped::<sector::Entity>(caller.account_id).filter(sector::Column::SiteId.eq(site.id)).all(&txn).await?;
    let custom_active = existing.iter().filter(|s| s.industry_sector_id.is_none() && s.is_active).count() as u64;
    limits::check_sectors_total(&txn, caller.account_id, custom_active + chosen.len() as u64).await?;
    let now = Utc::now();
    for old in existing.iter().filter(|s| s.industry_sector_id.is_some()) {
        let keep = chosen.iter().any(|t| Some(t.id) == old.industry_sector_id);
        if old.is_active != keep {
            let mut update: sector::ActiveModel = old.clone().into();
            update.is_active = Set(keep);
            update.updated_at = Set(now);
            update.update(&txn).await?;
        }
    }
    let taken: Vec<String> = existing.iter().map(|s| s.slug.clone()).collect();
    for template in chosen.iter().filter(|t| !existing.iter().any(|s| s.industry_sector_id == Some(t.id))) {
        sector::ActiveModel {
            account_id: Set(caller.account_id),
            site_id: Set(site.id),
            industry_sector_id: Set(Some(template.id)),
            name: Set(template.name.clone()),
            slug: Set(first_free(&template.slug, &taken)),
            description: Set(template.description.clone()),
            is_active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let mut site_update: site::ActiveModel = site.into();
    site_update.industry_id = Set(Some(industry.id));
    site_update.updated_at = Set(now);
    site_update.update(&txn).await?;
    txn.commit().await?;
    sectors_of(db, caller, site_id).await
}

/// Creates or replaces the site's API key; the key is returned once and stored only as a hash.
pub async fn rotate_api_key(db: &DatabaseConnection, caller: &Caller, site_id: i64) -> Result<ApiKeyOut, AppError> {
    caller.require_admin()?;
    let site = caller.site(db, site_id).await?;
    let key = token::api_key();
    let now = Utc::now();
    let mut update: site::ActiveModel = site.into();
    update.api_key_prefix = Set(Some(key.prefix.clone()));
    update.api_key_hash = Set(Some(token::digest(&key.key)));
    update.api_key_created_at = Set(Some(now));
    update.updated_at = Set(now);
    update.update(db).await?;
    Ok(ApiKeyOut { api_key: key.key, prefix: key.prefix, created_at: now })
}

pub async fn revoke_api_key(db: &DatabaseConnection, caller: &Caller, site_id: i64) -> Result<site::Model, AppError> {
    caller.require_admin()?;
    let site = caller.site(db, site_id).await?;
    let mut update: site::ActiveModel = site.into();
    update.api_key_prefix = Set(None);
    update.api_key_hash = Set(None);
    update.api_key_created_at = Set(None);
    update.updated_at = Set(Utc::now());
    Ok(update.update(db).await?)
}

#[cfg(test)]
mod tests {
    use super::normalise_domain;

    #[test]
    fn domains() {
        assert_eq!(normalise_domain("Example.com").unwrap(), "https://example.com");
        assert_eq!(normalise_domain("https://blog.example.com/path?x").unwrap(), "https://blog.example.com");
        assert_eq!(normalise_domain("http://localhost:8080/").unwrap(), "http://localhost:8080");
        for bad in ["", "ftp://example.com", "not a domain", "https://user@example.com", "example", "x.com:99999"] {
            assert!(normalise_domain(bad).is_err(), "{bad:?}");
        }
    }
}
