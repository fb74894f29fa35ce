//! Sectors as a resource of their own (`/auth/sectors/`): custom sectors beside the catalogue ones.

use chrono::Utc;
use db::entities::sector;
use db::tenancy::scoped;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::dto::{SectorIn, SectorUpdateIn};
use super::service::name_of;
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListSpec};
use crate::modules::account::limits;
use crate::modules::account::service::unique_slug;

pub fn list_spec() -> ListSpec<sector::Entity> {
    ListSpec::new()
        .search([sector::Column::Name])
        .order_by("name", sector::Column::Name)
        .order_by("created_at", sector::Column::CreatedAt)
        .default_ordering("name")
        .filter(Filter::int("site_id", sector::Column::SiteId).with_options())
        .filter(Filter::bool("is_active", sector::Column::IsActive))
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: SectorIn) -> Result<sector::Model, AppError> {
    caller.require_admin()?;
    let name = name_of(&input.name)?;
    let site = caller.site_field(db, "site_id", input.site_id).await?;
    let txn = db::begin_write(db).await?;
    let active = limits::active_sectors(&txn, site.id).await?;
    limits::check_sectors_total(&txn, caller.account_id, active + 1).await?;
    let scope = scoped::<sector::Entity>(caller.account_id).filter(sector::Column::SiteId.eq(site.id));
    let slug = unique_slug(&txn, scope, sector::Column::Slug, &name, "sector").await?;
    let now = Utc::now();
    let sector = sector::ActiveModel {
        account_id: Set(caller.account_id),
        site_id: Set(site.id),
        industry_sector_id: Set(None),
        name: Set(name),
        slug: Set(slug),
        description: Set(input.description.trim().to_owned()),
        is_active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(sector)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: SectorUpdateIn,
) -> Result<sector::Model, AppError> {
    caller.require_admin()?;
    let sector = caller.sector(db, id).await?;
    if input.is_active == Some(true) && !sector.is_active {
        let active = limits::active_sectors(db, sector.site_id).await?;
        limits::check_sectors_total(db, caller.account_id, active + 1).await?;
    }
    let mut update: sector::ActiveModel = sector.into();
    if let Some(name) = input.name {
        update.name = Set(name_of(&name)?);
    }
    if let Some(description) = input.description {
        update.description = Set(description.trim().to_owned());
    }
    if let Some(active) = input.is_active {
        update.is_active = Set(active);
    }
    update.updated_at = Set(Utc::now());
    Ok(update.update(db).await?)
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_admin()?;
    let sector = caller.sector(db, id).await?;
    sector::Entity::delete_by_id(sector.id).exec(db).await?;
    Ok(())
}
