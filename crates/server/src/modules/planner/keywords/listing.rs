//! Listing a site's keywords: the list's filters and orderings, the rows a caller may see, and the total — from
//! the sector's stored count, a total remembered for the sector's current keywords version, or a count.

use db::entities::keyword;
use domain::planner::{INTENTS, KEYWORD_STATUSES};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

use crate::http::list_memo::ListMemo;
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
    Ok(scope_and_count(db, caller, params).await?.select)
}

/// A list request's rows, their total where the sector's stored count gives it, and the sector's keywords version
/// (what the list may remember is keyed by it).
struct Listing {
    select: Select<keyword::Entity>,
    /// The sector's stored count, when nothing but the sector narrows the list.
    count: Option<u64>,
    /// `(scope, version)` of a sector's list: raised by the database on every change to the sector's keywords.
    version: Option<(String, i64)>,
}

/// [`list_scope`], plus the sector's stored count when nothing but the sector narrows the list, and the sector's
/// keywords version.
async fn scope_and_count<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    params: &ListParams,
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
                let count = (only_sector && site_matches).then(|| u64::try_from(sector.keyword_count).unwrap_or(0));
                let version = Some((format!("keywords:sector:{}", sector.id), sector.keywords_version));
                return Ok(Listing { select, count, version });
            }
            Err(AppError::NotFound(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(Listing { select: visible(caller), count: None, version: None })
}

/// One page of the caller's keywords with the total. In one sector, totals that had to be counted and the
/// ordering keys around each page are remembered under the sector's keywords version (see
/// [`crate::http::list_memo`]): the next page of the same filters, or the same deep page again, skips the count
/// and seeks to its first row.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    params: &ListParams,
    memo: &ListMemo,
) -> Result<ListResponse<keyword::Model>, AppError> {
    let listing = scope_and_count(db, caller, params).await?;
    match listing.version {
        Some((scope, version)) => {
            let memo = memo.scope(&scope, version, &params.filter_key());
            list_spec().fetch_remembered(db, listing.select, params, listing.count, &memo).await
        }
        None => list_spec().fetch(db, listing.select, params).await,
    }
}
