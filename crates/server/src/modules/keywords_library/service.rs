//! Library queries (global, read by every signed-in user), staff imports, and adding library keywords to a site.

use std::collections::HashMap;

use chrono::Utc;
use db::entities::{industry_sector, keyword, sector, seed_keyword};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select};

use super::dto::{LibraryImportReport, SectorStatsOut, SeedKeywordOut};
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListParams, ListResponse, ListSpec};
use crate::modules::planner::keywords::csv_import;
use crate::modules::planner::keywords::dto::{AddFromSeedIn, ImportReport};
use crate::modules::planner::keywords::service::{self as keywords, NewKeyword};
use domain::planner::INTENTS;

pub fn list_spec() -> ListSpec<seed_keyword::Entity> {
    ListSpec::new()
        .search_folded([seed_keyword::Column::Normalized])
        .order_by("keyword", seed_keyword::Column::Normalized)
        .order_by("volume", seed_keyword::Column::Volume)
        .order_by("difficulty", seed_keyword::Column::Difficulty)
        .default_ordering("-volume")
        .filter(Filter::int("industry_sector_id", seed_keyword::Column::IndustrySectorId))
        .filter(Filter::int("sector_ids", seed_keyword::Column::IndustrySectorId))
        .filter(Filter::choice("intent", seed_keyword::Column::Intent, INTENTS).with_options())
        .filter(Filter::text("country", seed_keyword::Column::Country).with_options())
        .filter(Filter::int("volume", seed_keyword::Column::Volume).range())
        .filter(Filter::int("difficulty", seed_keyword::Column::Difficulty).range())
}

pub fn active() -> Select<seed_keyword::Entity> {
    seed_keyword::Entity::find().filter(seed_keyword::Column::IsActive.eq(true))
}

/// A page of the library. With `site_id` (a site the caller can see) each keyword says whether the site already
/// has it — a live keyword with the same text in the site's sector made from the keyword's industry sector —
/// computed in the page query itself (an `EXISTS` per row through the `(sector_id, normalized)` index).
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    params: &ListParams,
) -> Result<ListResponse<SeedKeywordOut>, AppError> {
    let in_site = match params.int("site_id")? {
        None => Expr::cust("NULL"),
        Some(site_id) => {
            let site = caller.site_field(db, "site_id", site_id).await?;
            let has_it = Query::select()
                .expr(Expr::val(1))
                .from(keyword::Entity)
                .inner_join(
                    sector::Entity,
                    Expr::col((sector::Entity, sector::Column::Id))
                        .equals((keyword::Entity, keyword::Column::SectorId)),
                )
                .and_where(Expr::col((keyword::Entity, keyword::Column::SiteId)).eq(site.id))
                .and_where(
                    Expr::col((sector::Entity, sector::Column::IndustrySectorId))
                        .equals((seed_keyword::Entity, seed_keyword::Column::IndustrySectorId)),
                )
                .and_where(
                    Expr::col((keyword::Entity, keyword::Column::Normalized))
                        .equals((seed_keyword::Entity, seed_keyword::Column::Normalized)),
                )
                .and_where(Expr::col((keyword::Entity, keyword::Column::DeletedAt)).is_null())
                .to_owned();
            Expr::exists(has_it)
        }
    };
    list_spec().fetch_as(db, active(), params, |select| select.column_as(in_site, "in_site")).await
}

/// Keyword count, total volume and average difficulty per industry sector (one grouped query), optionally for
/// one industry.
pub async fn sector_stats(db: &DatabaseConnection, industry_id: Option<i64>) -> Result<Vec<SectorStatsOut>, AppError> {
    let mut select = active()
        .select_only()
        .column(seed_keyword::Column::IndustrySectorId)
        .column_as(Expr::col(seed_keyword::Column::Id).count(), "keywords")
        .column_as(Expr::expr(Func::sum(Expr::col(seed_keyword::Column::Volume))).cast_as("BIGINT"), "total_volume")
        .column_as(
            Expr::expr(Func::avg(Expr::col(seed_keyword::Column::Difficulty))).cast_as("DOUBLE PRECISION"),
            "avg_difficulty",
        )
        .group_by(seed_keyword::Column::IndustrySectorId);
    if let Some(industry_id) = industry_id {
        let sectors = industry_sector::Entity::find()
            .select_only()
            .column(industry_sector::Column::Id)
            .filter(industry_sector::Column::IndustryId.eq(industry_id))
            .into_query();
        select = select.filter(seed_keyword::Column::IndustrySectorId.in_subquery(sectors));
    }
    Ok(select.into_model::<SectorStatsOut>().all(db).await?)
}

/// Staff: imports a CSV of one industry sector. New keywords are created, present ones updated when their
/// volume, difficulty or intent differ; bad rows are rejected with their line and reason. `dry_run` previews.
pub async fn import(
    db: &DatabaseConnection,
    caller: &Caller,
    industry_sector_id: Option<i64>,
    country: Option<&str>,
    bytes: &[u8],
    dry_run: bool,
) -> Result<LibraryImportReport, AppError> {
    caller.require_staff("import into the keyword library")?;
    let industry_sector_id =
        industry_sector_id.ok_or_else(|| AppError::field("industry_sector_id", "This field is required."))?;
    industry_sector::Entity::find_by_id(industry_sector_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("industry_sector_id", "No such industry sector."))?;
    let country = country.unwrap_or("US").trim().to_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(AppError::field("country", "Use a two-letter country code such as US or GB."));
    }
    let parsed = csv_import::parse(bytes).map_err(|e| AppError::field("file", e.message))?;
    let mut report = LibraryImportReport {
        total_rows: parsed.total,
        duplicates: parsed.duplicates,
        rejected: parsed.errors,
        dry_run,
        ..Default::default()
    };
    let txn = db::begin_write(db).await?;
    let present: HashMap<String, seed_keyword::Model> = seed_keyword::Entity::find()
        .filter(seed_keyword::Column::IndustrySectorId.eq(industry_sector_id))
        .filter(seed_keyword::Column::Country.eq(country.clone()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|k| (k.normalized.clone(), k))
        .collect();
    let now = Utc::now();
    let mut fresh = Vec::new();
    for row in parsed.rows {
        let volume = row.volume.unwrap_or(0);
        let difficulty = row.difficulty.unwrap_or(0);
        let intent = row.intent.unwrap_or("informational");
        match present.get(&row.normalized) {
            Some(old) if old.volume == volume && old.difficulty == difficulty && old.intent == intent => {
                report.unchanged += 1;
            }
            Some(old) => {
                report.updated += 1;
                if !dry_run {
                    seed_keyword::Entity::update_many()
                        .col_expr(seed_keyword::Column::Volume, Expr::value(volume))
                        .col_expr(seed_keyword::Column::Difficulty, Expr::value(difficulty))
                        .col_expr(seed_keyword::Column::Intent, Expr::value(intent))
                        .col_expr(seed_keyword::Column::UpdatedAt, Expr::value(now))
                        .filter(seed_keyword::Column::Id.eq(old.id))
                        .exec(&txn)
                        .await?;
                }
            }
            None => {
                report.created += 1;
                fresh.push(seed_keyword::ActiveModel {
                    id: NotSet,
                    industry_sector_id: Set(industry_sector_id),
                    keyword: Set(row.keyword),
                    normalized: Set(row.normalized),
                    volume: Set(volume),
                    difficulty: Set(difficulty),
                    intent: Set(intent.to_owned()),
                    country: Set(country.clone()),
                    is_active: Set(true),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            }
        }
    }
    if !dry_run {
        for chunk in fresh.chunks(500) {
            seed_keyword::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
        }
        txn.commit().await?;
    }
    Ok(report)
}

/// Adds library keywords to a site's sector. The library keywords must belong to the industry sector the site's
/// sector was created from; ones already in the sector are counted, not added twice.
pub async fn add_to_site(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AddFromSeedIn,
) -> Result<ImportReport, AppError> {
    caller.require_write()?;
    if input.seed_keyword_ids.is_empty() || input.seed_keyword_ids.len() > keywords::MAX_BULK {
        return Err(AppError::field(
            "seed_keyword_ids",
            format!("Choose 1 to {} library keywords.", keywords::MAX_BULK),
        ));
    }
    let (site, sector) = caller.site_sector(db, input.site_id, input.sector_id).await?;
    let seeds = active().filter(seed_keyword::Column::Id.is_in(input.seed_keyword_ids.iter().copied())).all(db).await?;
    if seeds.len() < input.seed_keyword_ids.iter().collect::<std::collections::HashSet<_>>().len() {
        return Err(AppError::field("seed_keyword_ids", "Some of these library keywords do not exist."));
    }
    if seeds.iter().any(|s| Some(s.industry_sector_id) != sector.industry_sector_id) {
        return Err(AppError::field(
            "seed_keyword_ids",
            "These library keywords belong to another industry sector than this site's sector.",
        ));
    }
    let total = seeds.len();
    let rows = seeds
        .into_iter()
        .map(|s| NewKeyword {
            keyword: s.keyword,
            normalized: s.normalized,
            volume: s.volume,
            difficulty: s.difficulty,
            intent: domain::planner::parse_intent(&s.intent).unwrap_or("informational"),
            cpc: None,
            seed_keyword_id: Some(s.id),
        })
        .collect();
    let txn = db::begin_write(db).await?;
    let outcome = keywords::insert_all(&txn, caller.account_id, &site, &sector, rows, false).await?;
    txn.commit().await?;
    Ok(ImportReport {
        total_rows: total,
        created: outcome.created,
        restored: outcome.restored,
        existing: outcome.existing,
        duplicates: outcome.duplicates,
        errors: Vec::new(),
        intents_inferred: 0,
        dry_run: false,
    })
}
