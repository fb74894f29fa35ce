//! Plan limits, checked before a row is created (`403 PLAN_LIMIT` naming the limit and the plan).

use db::entities::{account, plan, sector, site, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::http::AppError;

/// The account's plan.
pub async fn plan_of<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<(account::Model, plan::Model), AppError> {
    account::Entity::find_by_id(account_id)
        .find_also_related(plan::Entity)
        .one(db)
        .await?
        .and_then(|(account, plan)| plan.map(|p| (account, p)))
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("account {account_id} has no plan")))
}

fn exceeded(limit: &'static str, what: &str, plan: &plan::Model, max: i32) -> AppError {
    // "1 sites" reads badly: drop the plural s of the first word for a limit of one.
    let what = if max == 1 {
        let (first, rest) = what.split_once(' ').unwrap_or((what, ""));
        format!("{} {rest}", first.trim_end_matches('s')).trim().to_owned()
    } else {
        what.to_owned()
    };
    AppError::PlanLimit {
        message: format!("The {} plan allows {max} {what}; upgrade the plan to add more.", plan.name),
        limit,
        plan: plan.slug.clone(),
        max: max.into(),
    }
}

/// Room for `adding` more sites.
pub async fn check_sites<C: ConnectionTrait>(db: &C, account_id: i64, adding: u64) -> Result<(), AppError> {
    let (_, plan) = plan_of(db, account_id).await?;
    let count = site::Entity::find().filter(site::Column::AccountId.eq(account_id)).count(db).await?;
    if count + adding > plan.max_sites.max(0) as u64 {
        return Err(exceeded("max_sites", "sites", &plan, plan.max_sites));
    }
    Ok(())
}

/// Room for `adding` more users.
pub async fn check_users<C: ConnectionTrait>(db: &C, account_id: i64, adding: u64) -> Result<(), AppError> {
    let (_, plan) = plan_of(db, account_id).await?;
    let count = user::Entity::find().filter(user::Column::AccountId.eq(account_id)).count(db).await?;
    if count + adding > plan.max_users.max(0) as u64 {
        return Err(exceeded("max_users", "users", &plan, plan.max_users));
    }
    Ok(())
}

/// Room for `adding` more keywords (soft-deleted ones do not count).
pub async fn check_keywords<C: ConnectionTrait>(db: &C, account_id: i64, adding: u64) -> Result<(), AppError> {
    let (_, plan) = plan_of(db, account_id).await?;
    let count = db::entities::keyword::Entity::find()
        .filter(db::entities::keyword::Column::AccountId.eq(account_id))
        .filter(db::entities::keyword::Column::DeletedAt.is_null())
        .count(db)
        .await?;
    if count + adding > plan.max_keywords.max(0) as u64 {
        return Err(exceeded("max_keywords", "keywords", &plan, plan.max_keywords));
    }
    Ok(())
}

/// A site may have `total` active sectors.
pub async fn check_sectors_total<C: ConnectionTrait>(db: &C, account_id: i64, total: u64) -> Result<(), AppError> {
    let (_, plan) = plan_of(db, account_id).await?;
    if total > plan.max_sectors_per_site.max(0) as u64 {
        return Err(exceeded("max_sectors_per_site", "sectors per site", &plan, plan.max_sectors_per_site));
    }
    Ok(())
}

/// Active sectors of a site now.
pub async fn active_sectors<C: ConnectionTrait>(db: &C, site_id: i64) -> Result<u64, AppError> {
    Ok(sector::Entity::find()
        .filter(sector::Column::SiteId.eq(site_id))
        .filter(sector::Column::IsActive.eq(true))
        .count(db)
        .await?)
}
