//! Keywords of a site+sector: create, edit, soft delete, bulk actions, and the one insert path shared by the CSV
//! import, the keyword library and the command line (batched, all or nothing, plan limit checked first).

use std::collections::HashMap;

use chrono::Utc;
use db::entities::{cluster, keyword, sector, site};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};

use super::csv_import::{self, RowError};
use super::dto::{BulkUpdateIn, ImportReport, KeywordIn, KeywordOut, KeywordPatch};
use super::listing::{list_scope, list_spec, visible};
use crate::http::AppError;
use crate::http::tenant::Caller;
use crate::modules::account::limits;
use crate::modules::tasks::service::TaskStarter;
use domain::planner::KEYWORD_STATUSES;

/// Rows per INSERT: well under SQLite's 32,766 bound parameters with 19 columns.
const BATCH: usize = 1_000;
/// Ids per bulk request.
pub const MAX_BULK: usize = 10_000;

pub async fn find(db: &impl ConnectionTrait, caller: &Caller, id: i64) -> Result<keyword::Model, AppError> {
    visible(caller).filter(keyword::Column::Id.eq(id)).one(db).await?.ok_or_else(|| AppError::not_found("Keyword"))
}

fn intent_of(raw: Option<&str>) -> Result<&'static str, AppError> {
    match raw {
        None => Ok("informational"),
        Some(raw) => domain::planner::parse_intent(raw).ok_or_else(|| {
            AppError::field("intent", "Choose informational, commercial, transactional or navigational.")
        }),
    }
}

fn check_volume(field: &str, volume: i64) -> Result<i64, AppError> {
    if volume >= 0 { Ok(volume) } else { Err(AppError::field(field, "Use a whole number ≥ 0.")) }
}

fn check_difficulty(field: &str, difficulty: i32) -> Result<i32, AppError> {
    if (0..=100).contains(&difficulty) { Ok(difficulty) } else { Err(AppError::field(field, "Use 0 to 100.")) }
}

/// Recounts the live keywords of sectors into `sectors.keyword_count` (after any insert, restore or delete, in
/// the same transaction). A recount rather than an increment: it cannot drift, and an index-only count of one
/// sector is cheap next to the change that prompted it.
pub async fn recount<C: ConnectionTrait>(txn: &C, sector_ids: &[i64]) -> Result<(), AppError> {
    if sector_ids.is_empty() {
        return Ok(());
    }
    sector::Entity::update_many()
        .col_expr(
            sector::Column::KeywordCount,
            Expr::cust("(SELECT COUNT(*) FROM keywords k WHERE k.sector_id = sectors.id AND k.deleted_at IS NULL)"),
        )
        .filter(sector::Column::Id.is_in(sector_ids.iter().copied()))
        .exec(txn)
        .await?;
    Ok(())
}

/// A keyword to insert (from a form, a file, the library or the command line).
#[derive(Debug, Clone)]
pub struct NewKeyword {
    pub keyword: String,
    pub normalized: String,
    pub volume: i64,
    pub difficulty: i32,
    pub intent: &'static str,
    pub cpc: Option<f64>,
    pub seed_keyword_id: Option<i64>,
}

/// What [`insert_all`] did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Inserted {
    pub created: usize,
    pub restored: usize,
    pub existing: usize,
    pub duplicates: usize,
}

/// Adds keywords to one site+sector inside the caller's transaction: new ones in batches, soft-deleted ones
/// restored, present ones left alone; the plan limit is checked for the total first. `dry_run` only counts.
pub async fn insert_all<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    site: &site::Model,
    sector: &sector::Model,
    rows: Vec<NewKeyword>,
    dry_run: bool,
) -> Result<Inserted, AppError> {
    insert_all_reporting(txn, account_id, site, sector, rows, dry_run, &|_| {}).await
}

/// [`insert_all`], calling `written` with the number of rows after each batch (the command line's progress bar).
pub async fn insert_all_reporting<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    site: &site::Model,
    sector: &sector::Model,
    rows: Vec<NewKeyword>,
    dry_run: bool,
    written: &(dyn Fn(usize) + Sync),
) -> Result<Inserted, AppError> {
    let mut outcome = Inserted::default();
    let present: HashMap<String, (i64, bool)> = keyword::Entity::find()
        .select_only()
        .column(keyword::Column::Normalized)
        .column(keyword::Column::Id)
        .column(keyword::Column::DeletedAt)
        .filter(keyword::Column::SiteId.eq(site.id))
        .filter(keyword::Column::SectorId.eq(sector.id))
        .into_tuple::<(String, i64, Option<chrono::DateTime<Utc>>)>()
        .all(txn)
        .await?
        .into_iter()
        .map(|(normalized, id, deleted)| (normalized, (id, deleted.is_some())))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut fresh = Vec::new();
    let mut restore = Vec::new();
    for row in rows {
        if !seen.insert(row.normalized.clone()) {
            outcome.duplicates += 1;
            continue;
        }
        match present.get(&row.normalized) {
            Some((_, false)) => outcome.existing += 1,
            Some((id, true)) => restore.push((*id, row)),
            None => fresh.push(row),
        }
    }
    outcome.created = fresh.len();
    outcome.restored = restore.len();
    limits::check_keywords(txn, account_id, (fresh.len() + restore.len()) as u64).await?;
    if dry_run {
        return Ok(outcome);
    }
    let now = Utc::now();
    // In the unique index's order: each index on the text then grows at one end instead of splitting pages all
    // over (≈ 12 % off a 100,000-row import on PostgreSQL). Rows added together share their `created_at`, and the
    // id that breaks that tie follows the text.
    fresh.sort_unstable_by(|a, b| a.normalized.cmp(&b.normalized));
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // PostgreSQL: one statement per 10,000 rows, the rows sent as one JSON parameter and expanded by
        // `json_to_recordset`, which binds and parses far faster than thousands of placeholders.
        for chunk in fresh.chunks(10 * BATCH) {
            insert_json_batch(txn, account_id, site.id, sector.id, chunk, now).await?;
            written(chunk.len());
        }
    } else {
        for chunk in fresh.chunks(BATCH) {
            insert_batch(txn, account_id, site.id, sector.id, chunk, now).await?;
            written(chunk.len());
        }
    }
    for (id, row) in restore {
        keyword::ActiveModel {
            id: Set(id),
            keyword: Set(row.keyword),
            volume: Set(row.volume),
            difficulty: Set(row.difficulty),
            base_volume: Set(row.volume),
            base_difficulty: Set(row.difficulty),
            volume_override: Set(None),
            difficulty_override: Set(None),
            intent: Set(row.intent.to_owned()),
            cpc: Set(row.cpc),
            seed_keyword_id: Set(row.seed_keyword_id),
            cluster_id: Set(None),
            status: Set("new".into()),
            deleted_at: Set(None),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(txn)
        .await?;
    }
    recount(txn, &[sector.id]).await?;
    Ok(outcome)
}

/// Multi-row INSERT of new keywords (SQLite, and any backend without the JSON path).
async fn insert_batch<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    site_id: i64,
    sector_id: i64,
    rows: &[NewKeyword],
    now: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    let models = rows.iter().map(|row| keyword::ActiveModel {
        id: NotSet,
        account_id: Set(account_id),
        site_id: Set(site_id),
        sector_id: Set(sector_id),
        seed_keyword_id: Set(row.seed_keyword_id),
        keyword: Set(row.keyword.clone()),
        normalized: Set(row.normalized.clone()),
        volume: Set(row.volume),
        difficulty: Set(row.difficulty),
        base_volume: Set(row.volume),
        base_difficulty: Set(row.difficulty),
        volume_override: Set(None),
        difficulty_override: Set(None),
        intent: Set(row.intent.to_owned()),
        cpc: Set(row.cpc),
        cluster_id: Set(None),
        status: Set("new".into()),
        deleted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    });
    // A concurrent import of the same keyword loses quietly instead of failing the whole batch.
    keyword::Entity::insert_many(models)
        .on_conflict(
            OnConflict::columns([keyword::Column::SectorId, keyword::Column::Normalized]).do_nothing().to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// PostgreSQL bulk insert: the rows as one JSON array, expanded server-side.
async fn insert_json_batch<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    site_id: i64,
    sector_id: i64,
    rows: &[NewKeyword],
    now: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    let records: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({"s": r.seed_keyword_id, "k": r.keyword, "n": r.normalized, "v": r.volume,
                "d": r.difficulty, "i": r.intent, "c": r.cpc})
        })
        .collect();
    let sql = "INSERT INTO keywords (account_id, site_id, sector_id, seed_keyword_id, keyword, normalized, volume, \
               difficulty, base_volume, base_difficulty, intent, cpc, status, created_at, updated_at) \
               SELECT $1, $2, $3, t.s, t.k, t.n, t.v, t.d, t.v, t.d, t.i, t.c, 'new', $4, $4 \
               FROM json_to_recordset($5::json) AS t(s bigint, k text, n text, v bigint, d integer, i text, c float8) \
               ON CONFLICT (sector_id, normalized) DO NOTHING";
    let values: Vec<sea_orm::Value> = vec![
        account_id.into(),
        site_id.into(),
        sector_id.into(),
        now.into(),
        serde_json::Value::Array(records).to_string().into(),
    ];
    txn.execute_raw(sea_orm::Statement::from_sql_and_values(sea_orm::DatabaseBackend::Postgres, sql, values)).await?;
    Ok(())
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: KeywordIn) -> Result<KeywordOut, AppError> {
    caller.require_write()?;
    let (site, sector) = caller.site_sector(db, input.site_id, input.sector_id).await?;
    let text = input.keyword.split_whitespace().collect::<Vec<_>>().join(" ");
    let normalized = ai::normalise::normalise_keyword(&text);
    if normalized.is_empty() || text.chars().count() > 255 {
        return Err(AppError::field("keyword", "Write the keyword (1 to 255 characters)."));
    }
    let row = NewKeyword {
        keyword: text,
        volume: check_volume("volume", input.volume.unwrap_or(0))?,
        difficulty: check_difficulty("difficulty", input.difficulty.unwrap_or(0))?,
        intent: intent_of(input.intent.as_deref())?,
        cpc: match input.cpc {
            Some(c) if !(c.is_finite() && c >= 0.0) => return Err(AppError::field("cpc", "Use a number ≥ 0.")),
            other => other,
        },
        seed_keyword_id: None,
        normalized: normalized.clone(),
    };
    let txn = db::begin_write(db).await?;
    let outcome = insert_all(&txn, caller.account_id, &site, &sector, vec![row], false).await?;
    if outcome.existing > 0 {
        return Err(AppError::Conflict {
            message: "This keyword is already in this sector.".into(),
            field: Some("keyword".into()),
        });
    }
    let created = keyword::Entity::find()
        .filter(keyword::Column::SiteId.eq(site.id))
        .filter(keyword::Column::SectorId.eq(sector.id))
        .filter(keyword::Column::Normalized.eq(normalized))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::Conflict {
            message: "This keyword was just added.".into(),
            field: Some("keyword".into()),
        })?;
    txn.commit().await?;
    Ok(created.into())
}

/// A cluster given for keywords of `sector_id`: it must be the caller's and of that sector.
async fn cluster_for<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    cluster_id: i64,
    sector_id: i64,
) -> Result<cluster::Model, AppError> {
    caller
        .site_rows::<cluster::Entity>()
        .filter(cluster::Column::Id.eq(cluster_id))
        .one(db)
        .await?
        .filter(|c| c.sector_id == sector_id)
        .ok_or_else(|| AppError::field("cluster_id", "No such cluster in this keyword's sector."))
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: KeywordPatch,
) -> Result<KeywordOut, AppError> {
    caller.require_write()?;
    let current = find(db, caller, id).await?;
    let mut row: keyword::ActiveModel = current.clone().into();
    if let Some(value) = input.volume_override {
        let value = value.map(|v| check_volume("volume_override", v)).transpose()?;
        row.volume_override = Set(value);
        row.volume = Set(value.unwrap_or(current.base_volume));
    }
    if let Some(value) = input.difficulty_override {
        let value = value.map(|v| check_difficulty("difficulty_override", v)).transpose()?;
        row.difficulty_override = Set(value);
        row.difficulty = Set(value.unwrap_or(current.base_difficulty));
    }
    if let Some(intent) = input.intent {
        row.intent = Set(intent_of(Some(&intent))?.to_owned());
    }
    if let Some(cpc) = input.cpc {
        if cpc.is_some_and(|c| !(c.is_finite() && c >= 0.0)) {
            return Err(AppError::field("cpc", "Use a number ≥ 0."));
        }
        row.cpc = Set(cpc);
    }
    if let Some(cluster_id) = input.cluster_id {
        if let Some(cluster_id) = cluster_id {
            cluster_for(db, caller, cluster_id, current.sector_id).await?;
        }
        row.cluster_id = Set(cluster_id);
        row.status = Set(if cluster_id.is_some() { "mapped" } else { "new" }.into());
    }
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?.into())
}

/// Soft delete: hidden everywhere; importing or adding the keyword again brings it back.
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_write()?;
    let keyword = find(db, caller, id).await?;
    let txn = db::begin_write(db).await?;
    soft_delete(&txn, &[keyword.id]).await?;
    txn.commit().await?;
    Ok(())
}

async fn soft_delete<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<u64, AppError> {
    let sectors: Vec<i64> = keyword::Entity::find()
        .select_only()
        .column(keyword::Column::SectorId)
        .distinct()
        .filter(keyword::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let deleted = soft_delete_rows(db, ids).await?;
    recount(db, &sectors).await?;
    Ok(deleted)
}

async fn soft_delete_rows<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<u64, AppError> {
    let now = Utc::now();
    let result = keyword::Entity::update_many()
        .col_expr(keyword::Column::DeletedAt, Expr::value(now))
        .col_expr(keyword::Column::ClusterId, Expr::value(Option::<i64>::None))
        .col_expr(keyword::Column::Status, Expr::value("new"))
        .col_expr(keyword::Column::UpdatedAt, Expr::value(now))
        .filter(keyword::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

fn check_ids(ids: &[i64]) -> Result<(), AppError> {
    if ids.is_empty() {
        return Err(AppError::field("ids", "Choose at least one keyword."));
    }
    if ids.len() > MAX_BULK {
        return Err(AppError::field("ids", format!("At most {MAX_BULK} keywords per request.")));
    }
    Ok(())
}

/// The caller's ids among `ids` (others' and unknown ids are ignored, as if absent).
async fn own_ids<C: ConnectionTrait>(db: &C, caller: &Caller, ids: &[i64]) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(visible(caller)
        .select_only()
        .column(keyword::Column::Id)
        .column(keyword::Column::SectorId)
        .filter(keyword::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?)
}

pub async fn bulk_delete(db: &DatabaseConnection, caller: &Caller, ids: &[i64]) -> Result<u64, AppError> {
    caller.require_write()?;
    check_ids(ids)?;
    let txn = db::begin_write(db).await?;
    let own: Vec<i64> = own_ids(&txn, caller, ids).await?.into_iter().map(|(id, _)| id).collect();
    let mut count = 0;
    for chunk in own.chunks(BATCH) {
        count += soft_delete(&txn, chunk).await?;
    }
    txn.commit().await?;
    Ok(count)
}

pub async fn bulk_update(db: &DatabaseConnection, caller: &Caller, input: BulkUpdateIn) -> Result<u64, AppError> {
    caller.require_write()?;
    check_ids(&input.ids)?;
    if input.status.is_none() && input.intent.is_none() && input.cluster_id.is_none() {
        return Err(AppError::field("status", "Say what to change: status, intent or cluster_id."));
    }
    if let Some(status) = &input.status
        && !KEYWORD_STATUSES.contains(&status.as_str())
    {
        return Err(AppError::field("status", "Choose new or mapped."));
    }
    let intent = input.intent.as_deref().map(|i| intent_of(Some(i))).transpose()?;
    let txn = db::begin_write(db).await?;
    let own = own_ids(&txn, caller, &input.ids).await?;
    if let Some(Some(cluster_id)) = input.cluster_id {
        // Every keyword must be of the cluster's sector.
        let cluster = caller
            .site_rows::<cluster::Entity>()
            .filter(cluster::Column::Id.eq(cluster_id))
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::field("cluster_id", "No such cluster."))?;
        if own.iter().any(|(_, sector)| *sector != cluster.sector_id) {
            return Err(AppError::field("cluster_id", "Every keyword must be in the cluster's sector."));
        }
    }
    let ids: Vec<i64> = own.iter().map(|(id, _)| *id).collect();
    let mut count = 0;
    for chunk in ids.chunks(BATCH) {
        let mut update = keyword::Entity::update_many()
            .col_expr(keyword::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(keyword::Column::Id.is_in(chunk.iter().copied()));
        if let Some(status) = &input.status {
            update = update.col_expr(keyword::Column::Status, Expr::value(status.clone()));
        }
        if let Some(intent) = intent {
            update = update.col_expr(keyword::Column::Intent, Expr::value(intent));
        }
        if let Some(cluster_id) = input.cluster_id {
            update = update
                .col_expr(keyword::Column::ClusterId, Expr::value(cluster_id))
                .col_expr(keyword::Column::Status, Expr::value(if cluster_id.is_some() { "mapped" } else { "new" }));
        }
        count += update.exec(&txn).await?.rows_affected;
    }
    txn.commit().await?;
    Ok(count)
}

/// Imports a CSV file into one site+sector: all rows or none. With `dry_run`, or when any row is bad, nothing is
/// written and the report says why (with line numbers).
pub async fn import(
    db: &DatabaseConnection,
    caller: &Caller,
    site_id: i64,
    sector_id: i64,
    bytes: &[u8],
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    caller.require_write()?;
    let (site, sector) = caller.site_sector(db, site_id, sector_id).await?;
    let parsed = csv_import::parse(bytes).map_err(|e| AppError::field("file", e.message))?;
    import_parsed(db, caller.account_id, &site, &sector, parsed, dry_run).await
}

/// The import once the file is read (shared with `igny8 import-keywords`).
pub async fn import_parsed(
    db: &DatabaseConnection,
    account_id: i64,
    site: &site::Model,
    sector: &sector::Model,
    parsed: csv_import::Parsed,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    import_parsed_reporting(db, account_id, site, sector, parsed, dry_run, &|_| {}).await
}

/// [`import_parsed`] with a progress callback (rows written so far, per batch).
pub async fn import_parsed_reporting(
    db: &DatabaseConnection,
    account_id: i64,
    site: &site::Model,
    sector: &sector::Model,
    parsed: csv_import::Parsed,
    dry_run: bool,
    written: &(dyn Fn(usize) + Sync),
) -> Result<ImportReport, AppError> {
    let mut report = ImportReport {
        total_rows: parsed.total,
        duplicates: parsed.duplicates,
        errors: parsed.errors,
        dry_run: true,
        ..Default::default()
    };
    if report.total_rows == 0 && report.errors.is_empty() {
        return Err(AppError::field("file", "The file has no keywords."));
    }
    // A row without an intent (no intent column, or an empty cell) gets the one its wording expresses, by the
    // clustering engine's own rules ("best …" commercial, "cheap …" transactional); a bare topic is informational.
    let detector = ai::cluster::IntentDetector::default();
    let rows: Vec<NewKeyword> = parsed
        .rows
        .into_iter()
        .map(|r| NewKeyword {
            intent: r.intent.unwrap_or_else(|| {
                report.intents_inferred += 1;
                detector.detect(&r.keyword).unwrap_or(ai::cluster::Intent::Informational).as_str()
            }),
            keyword: r.keyword,
            normalized: r.normalized,
            volume: r.volume.unwrap_or(0),
            difficulty: r.difficulty.unwrap_or(0),
            cpc: r.cpc,
            seed_keyword_id: None,
        })
        .collect();
    let write = !dry_run && report.errors.is_empty();
    let txn = db::begin_write(db).await?;
    let outcome = insert_all_reporting(&txn, account_id, site, sector, rows, !write, written).await?;
    if write {
        txn.commit().await?;
        report.dry_run = false;
    }
    report.created = outcome.created;
    report.restored = outcome.restored;
    report.existing = outcome.existing;
    report.duplicates += outcome.duplicates;
    Ok(report)
}

/// Turns a report with row errors into the 422 the API answers (nothing was written).
pub fn refuse_if_errors(report: ImportReport) -> Result<ImportReport, AppError> {
    if report.errors.is_empty() {
        return Ok(report);
    }
    let mut errors = crate::http::FieldErrors::new();
    for RowError { line, column, message } in report.errors.iter().take(200) {
        let key = match column {
            Some(column) => format!("line {line}: {column}"),
            None => format!("line {line}"),
        };
        errors.entry(key).or_default().push(message.clone());
    }
    Err(AppError::Unprocessable {
        message: format!(
            "{} of {} rows cannot be imported; nothing was imported. Fix them and upload the file again.",
            report.errors.len(),
            report.total_rows
        ),
        errors,
    })
}

/// CSV of the keywords matching the list filters (all pages), for download.
pub async fn export(
    db: &DatabaseConnection,
    caller: &Caller,
    params: &crate::http::ListParams,
) -> Result<String, AppError> {
    let select = list_spec().apply(list_scope(db, caller, params).await?, params)?;
    let rows = select.limit(100_000).all(db).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| AppError::internal(anyhow::anyhow!(e));
    writer.write_record(["keyword", "volume", "difficulty", "intent", "cpc", "status", "cluster_id"]).map_err(io)?;
    for k in rows {
        writer
            .write_record([
                k.keyword,
                k.volume.to_string(),
                k.difficulty.to_string(),
                k.intent,
                k.cpc.map(|c| c.to_string()).unwrap_or_default(),
                k.status,
                k.cluster_id.map(|c| c.to_string()).unwrap_or_default(),
            ])
            .map_err(io)?;
    }
    let bytes = writer.into_inner().map_err(|e| AppError::internal(anyhow::anyhow!(e.to_string())))?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

/// Checks an `auto_cluster` request and queues it: the sector must be the caller's, the ids its keywords.
pub async fn start_auto_cluster(
    state: &TaskStarter,
    caller: &Caller,
    input: super::dto::AutoClusterIn,
) -> Result<crate::modules::tasks::dto::TaskOut, AppError> {
    use crate::modules::planner::clusters::dto::AutoClusterJob;
    use jobs::JobInput;
    let max_keywords = AutoClusterJob::MAX_KEYWORDS;
    caller.require_write()?;
    let sector = match caller.sector(&state.db, input.sector_id).await {
        Err(AppError::NotFound(_)) => return Err(AppError::field("sector_id", "No such sector.")),
        other => other?,
    };
    let count = match &input.ids {
        Some(ids) => {
            if ids.len() > max_keywords {
                return Err(AppError::field("ids", format!("Cluster at most {max_keywords} keywords at a time.")));
            }
            let found = own_ids(&state.db, caller, ids).await?;
            if found.len() != ids.iter().collect::<std::collections::HashSet<_>>().len()
                || found.iter().any(|(_, s)| *s != sector.id)
            {
                return Err(AppError::field("ids", "Some of these keywords are not in this sector."));
            }
            found.len()
        }
        None => {
            use sea_orm::PaginatorTrait;
            visible(caller)
                .filter(keyword::Column::SectorId.eq(sector.id))
                .filter(keyword::Column::Status.eq("new"))
                .count(&state.db)
                .await? as usize
        }
    };
    if count < 2 {
        return Err(AppError::field("ids", "Choose at least 2 keywords of this sector to cluster."));
    }
    if count > max_keywords {
        return Err(AppError::field(
            "ids",
            format!("This sector has {count} new keywords; cluster at most {max_keywords} at a time by choosing them."),
        ));
    }
    let min = crate::modules::ai_settings::catalogue::setting_for(&state.db, AutoClusterJob::KIND).await?.min_credits;
    let job = AutoClusterJob { sector_id: sector.id, keyword_ids: input.ids };
    crate::modules::tasks::service::start(state, caller, Some(sector.site_id), &job, min).await
}
