use db::entities::{industry, industry_sector, plan};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::dto::IndustryOut;
use crate::http::AppError;

/// Public plans, cheapest first.
pub async fn plans<C: ConnectionTrait>(db: &C) -> Result<Vec<plan::Model>, AppError> {
    Ok(plan::Entity::find()
        .filter(plan::Column::IsActive.eq(true))
        .filter(plan::Column::IsInternal.eq(false))
        .order_by_asc(plan::Column::SortOrder)
        .all(db)
        .await?)
}

pub async fn plan_by_slug<C: ConnectionTrait>(db: &C, slug: &str) -> Result<Option<plan::Model>, AppError> {
    Ok(plan::Entity::find().filter(plan::Column::Slug.eq(slug)).one(db).await?)
}

/// Active industries with their active sector templates: two queries.
pub async fn industries<C: ConnectionTrait>(db: &C, only_id: Option<i64>) -> Result<Vec<IndustryOut>, AppError> {
    let mut select = industry::Entity::find().filter(industry::Column::IsActive.eq(true));
    if let Some(id) = only_id {
        select = select.filter(industry::Column::Id.eq(id));
    }
    let industries =
        select.order_by_asc(industry::Column::SortOrder).order_by_asc(industry::Column::Name).all(db).await?;
    let ids: Vec<i64> = industries.iter().map(|i| i.id).collect();
    let mut sectors = industry_sector::Entity::find()
        .filter(industry_sector::Column::IndustryId.is_in(ids))
        .filter(industry_sector::Column::IsActive.eq(true))
        .order_by_asc(industry_sector::Column::SortOrder)
        .all(db)
        .await?;
    Ok(industries
        .into_iter()
        .map(|industry| {
            let (mine, rest): (Vec<_>, Vec<_>) = sectors.drain(..).partition(|s| s.industry_id == industry.id);
            sectors = rest;
            IndustryOut::new(industry, mine)
        })
        .collect())
}

pub async fn industry_by_slug<C: ConnectionTrait>(db: &C, slug: &str) -> Result<Option<industry::Model>, AppError> {
    Ok(industry::Entity::find()
        .filter(industry::Column::Slug.eq(slug))
        .filter(industry::Column::IsActive.eq(true))
        .one(db)
        .await?)
}
