//! Listing a site's keywords: the list's filters and orderings, the rows a caller may see, and the total — from
//! the sector's stored count, a total remembered for the sector's current keywords version, or a count.

use db::entities::keyword;
use domain::planner::{INTENTS, KEYWORD_STATUSES};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

use crate::http::count_cache::CountCache;
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListParams, ListResponse, ListSpec};

pub fn list_spec() -> ListSpec<keyword::Entity> {
    ListSpec::new()
        .search_folded([keyword::Column::Normalized])
        .order_by("keyword", keyword::Column::Normalized)
        .order_by("volume", keyword::Column::Volume)
        .order_by("difficulty", keyword::Column::Difficulty)
        .order_by("created_at", keyword::Column::CreatedAt)
        .default_ordering("-volume")
        .defer_when_filtered(&["site_id", "sector_id"])
        .filter(Filter::int("site_id", keyword::Column::SiteId))
        .filter(Filter::int("sector_id", keyword::Column::SectorId))
        .filter(Filter::choice("status", keyword::Column::Status, KEYWORD_STATUSES).with_options())
        .filter(Filter::choice("intent", keyword::Column::Intent, INTENTS).with_options())
        .filter(Filter::int("cluster_id", keyword::Column::ClusterId).with_options())
        .filter(Filter::int("seed_keyword_id", keyword::Column::SeedKeywordId))
        .filter(Filter::int("volume", keyword::Column::Volume).range())
        .filter(Filter::int("difficulty", keyword::Column::Difficulty).range())
}

/// The caller's keywords on the sites it may see, without soft-deleted ones.
pub fn visible(caller: &Caller) -> Select<keyword::Entity> {
    caller.site_rows::<keyword::Entity>().filter(keyword::Column::DeletedAt.is_null())
}

/// The rows a list request may see. With a `sector_id` the caller can see, one primary-key check of the sector
/// stands for the tenancy filters (a sector belongs to one site of one account), so the sector's partial indexes
/// serve the page and the count directly; otherwise the caller's visible sites scope the rows.
pub async fn list_scope<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    params: &ListParams,
) -> Result<Select<keyword::Entity>, AppError> {
    Ok(scope_and_count(db, caller, params, None).await?.select)
}

/// A list request's rows and, where it can be known without counting, their total.
struct Listing {
    select: Select<keyword::Entity>,
    /// Known total: the sector's stored count, or a remembered count of the same filters at the same version.
    count: Option<u64>,
    /// Where to remember the total once counted (sector lists whose total was not known).
    remember_as: Option<String>,
}

/// [`list_scope`], plus the total when it is known without a count: the sector's stored count when nothing but
/// the sector narrows the list, else the total remembered in `counts` for these filters at the sector's current
/// keywords version (raised by the database on every change to the sector's keywords, so never stale).
async fn scope_and_count<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    params: &ListParams,
    counts: Option<&CountCache>,
) -> Result<Listing, AppError> {
    if let Some(sector_id) = params.get("sector_id").and_then(|v| v.parse::<i64>().ok()) {
        match caller.sector(db, sector_id).await {
            Ok(sector) => {
                let only_sector =
                    params.search.is_none() && params.filter_names().all(|n| n == "sector_id" || n == "site_id");
                let site_matches = params.get("site_id").is_none_or(|s| s.parse::<i64>().ok() == Some(sector.site_id));
                let select = keyword::Entity::find()
                    .filter(keyword::Column::SectorId.eq(sector.id))
                    .filter(keyword::Column::DeletedAt.is_null());
                if only_sector && site_matches {
                    let count = Some(u64::try_from(sector.keyword_count).unwrap_or(0));
                    return Ok(Listing { select, count, remember_as: None });
                }
                let Some(counts) = counts else {
                    return Ok(Listing { select, count: None, remember_as: None });
                };
                let key = CountCache::key(&format!("keywords:sector:{}", sector.id), sector.keywords_version, params);
                return Ok(match counts.get(&key) {
                    Some(count) => Listing { select, count: Some(count), remember_as: None },
                    None => Listing { select, count: None, remember_as: Some(key) },
                });
            }
            Err(AppError::NotFound(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(Listing { select: visible(caller), count: None, remember_as: None })
}

/// One page of the caller's keywords with the total; a total that had to be counted is remembered for the next
/// page of the same filters.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    params: &ListParams,
    counts: &CountCache,
) -> Result<ListResponse<keyword::Model>, AppError> {
    let listing = scope_and_count(db, caller, params, Some(counts)).await?;
    let page = list_spec().fetch_counted(db, listing.select, params, listing.count).await?;
    if let Some(key) = listing.remember_as {
        counts.insert(key, page.count);
    }
    Ok(page)
}
