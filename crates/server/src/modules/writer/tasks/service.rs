//! Writer tasks: CRUD, bulk actions, the conversion from planner ideas, and the start of `generate_content`.

use chrono::Utc;
use db::entities::{content_idea, writer_task};
use domain::planner::{CONTENT_STRUCTURES, CONTENT_TYPES};
use domain::writer::TASK_STATUSES;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Select};

use super::dto::{QueuedOut, WriterTaskIn, WriterTaskOut, WriterTaskPatch};
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListSpec, fields};
use crate::modules::tasks::service::TaskStarter;

/// Articles per `auto_generate_content` request (the original's limit).
pub const MAX_GENERATE: usize = 10;
pub const MAX_BULK: usize = 1_000;

pub fn list_spec() -> ListSpec<writer_task::Entity> {
    ListSpec::new()
        .search([writer_task::Column::Title])
        .order_by("title", writer_task::Column::Title)
        .order_by("created_at", writer_task::Column::CreatedAt)
        .default_ordering("-created_at")
        .filter(Filter::int("site_id", writer_task::Column::SiteId))
        .filter(Filter::int("sector_id", writer_task::Column::SectorId))
        .filter(Filter::int("cluster_id", writer_task::Column::ClusterId).with_options())
        .filter(Filter::choice("status", writer_task::Column::Status, TASK_STATUSES).with_options())
        .filter(Filter::choice("content_type", writer_task::Column::ContentType, CONTENT_TYPES).with_options())
        .filter(
            Filter::choice("content_structure", writer_task::Column::ContentStructure, CONTENT_STRUCTURES)
                .with_options(),
        )
}

pub fn visible(caller: &Caller) -> Select<writer_task::Entity> {
    caller.site_rows::<writer_task::Entity>()
}

pub async fn find<C: ConnectionTrait>(db: &C, caller: &Caller, id: i64) -> Result<writer_task::Model, AppError> {
    visible(caller).filter(writer_task::Column::Id.eq(id)).one(db).await?.ok_or_else(|| AppError::not_found("Task"))
}

fn title_of(raw: &str) -> Result<String, AppError> {
    fields::title("title", raw, 300, "Give the task a title (1 to 300 characters).")
}

fn words(value: i32) -> Result<i32, AppError> {
    if (100..=20_000).contains(&value) {
        Ok(value)
    } else {
        Err(AppError::field("target_words", "Use 100 to 20000 words."))
    }
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: WriterTaskIn) -> Result<WriterTaskOut, AppError> {
    caller.require_write()?;
    let (site, sector) = caller.site_sector(db, input.site_id, input.sector_id).await?;
    if let Some(cluster_id) = input.cluster_id {
        let cluster = caller
            .site_rows::<db::entities::cluster::Entity>()
            .filter(db::entities::cluster::Column::Id.eq(cluster_id))
            .one(db)
            .await?;
        if cluster.is_none_or(|c| c.sector_id != sector.id) {
            return Err(AppError::field("cluster_id", "No such cluster in this sector."));
        }
    }
    let now = Utc::now();
    let row = writer_task::ActiveModel {
        id: NotSet,
        account_id: Set(caller.account_id),
        site_id: Set(site.id),
        sector_id: Set(sector.id),
        cluster_id: Set(input.cluster_id),
        idea_id: Set(None),
        title: Set(title_of(&input.title)?),
        brief: Set(input.brief.unwrap_or_default().trim().to_owned()),
        keywords: Set(fields::keyword_list(input.keywords)),
        content_type: Set(fields::pick(
            "content_type",
            input.content_type.as_deref().unwrap_or("post"),
            CONTENT_TYPES,
        )?),
        content_structure: Set(fields::pick(
            "content_structure",
            input.content_structure.as_deref().unwrap_or("article"),
            CONTENT_STRUCTURES,
        )?),
        target_words: Set(words(input.target_words.unwrap_or(1500))?),
        status: Set("queued".into()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(row.insert(db).await?.into())
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: WriterTaskPatch,
) -> Result<WriterTaskOut, AppError> {
    caller.require_write()?;
    let current = find(db, caller, id).await?;
    let mut row: writer_task::ActiveModel = current.into();
    if let Some(title) = input.title {
        row.title = Set(title_of(&title)?);
    }
    if let Some(brief) = input.brief {
        row.brief = Set(brief.trim().to_owned());
    }
    if let Some(list) = input.keywords {
        row.keywords = Set(fields::keyword_list(list));
    }
    if let Some(value) = input.content_type {
        row.content_type = Set(fields::pick("content_type", &value, CONTENT_TYPES)?);
    }
    if let Some(value) = input.content_structure {
        row.content_structure = Set(fields::pick("content_structure", &value, CONTENT_STRUCTURES)?);
    }
    if let Some(value) = input.target_words {
        row.target_words = Set(words(value)?);
    }
    if let Some(status) = input.status {
        row.status = Set(fields::pick("status", &status, TASK_STATUSES)?);
    }
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?.into())
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_write()?;
    let task = find(db, caller, id).await?;
    writer_task::Entity::delete_by_id(task.id).exec(db).await?;
    Ok(())
}

fn check_ids(ids: &[i64], max: usize) -> Result<(), AppError> {
    if ids.is_empty() || ids.len() > max {
        return Err(AppError::field("ids", format!("Choose 1 to {max} tasks.")));
    }
    Ok(())
}

pub async fn bulk_delete(db: &DatabaseConnection, caller: &Caller, ids: &[i64]) -> Result<u64, AppError> {
    caller.require_write()?;
    check_ids(ids, MAX_BULK)?;
    let own: Vec<i64> = visible(caller)
        .filter(writer_task::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    Ok(writer_task::Entity::delete_many().filter(writer_task::Column::Id.is_in(own)).exec(db).await?.rows_affected)
}

pub async fn bulk_update(db: &DatabaseConnection, caller: &Caller, ids: &[i64], status: &str) -> Result<u64, AppError> {
    caller.require_write()?;
    check_ids(ids, MAX_BULK)?;
    let status = fields::pick("status", status, TASK_STATUSES)?;
    let own: Vec<i64> = visible(caller)
        .filter(writer_task::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    Ok(writer_task::Entity::update_many()
        .col_expr(writer_task::Column::Status, Expr::value(status))
        .col_expr(writer_task::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(writer_task::Column::Id.is_in(own))
        .exec(db)
        .await?
        .rows_affected)
}

/// Turns ideas into writer tasks (the planner's `bulk_queue_to_writer/`): one task per idea, carrying its title,
/// description, keywords, type, structure and length (the outline stays on the idea, which the task points to);
/// ideas become `queued`. An idea that already has a task is skipped.
pub async fn from_ideas(db: &DatabaseConnection, caller: &Caller, ids: &[i64]) -> Result<QueuedOut, AppError> {
    caller.require_write()?;
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(AppError::field("ids", format!("Choose 1 to {MAX_BULK} ideas.")));
    }
    let txn = db::begin_write(db).await?;
    let ideas = caller
        .site_rows::<content_idea::Entity>()
        .filter(content_idea::Column::Id.is_in(ids.iter().copied()))
        .all(&txn)
        .await?;
    if ideas.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
        return Err(AppError::field("ids", "Some of these ideas do not exist."));
    }
    let taken: std::collections::HashSet<i64> = writer_task::Entity::find()
        .filter(writer_task::Column::IdeaId.is_in(ids.iter().copied()))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|t| t.idea_id)
        .collect();
    let now = Utc::now();
    let mut task_ids = Vec::new();
    let mut skipped = 0;
    for idea in ideas {
        if taken.contains(&idea.id) {
            skipped += 1;
            continue;
        }
        let mut keywords: Vec<String> = serde_json::from_value(idea.primary_keywords.clone()).unwrap_or_default();
        keywords.extend(serde_json::from_value::<Vec<String>>(idea.covered_keywords.clone()).unwrap_or_default());
        let task = writer_task::ActiveModel {
            id: NotSet,
            account_id: Set(idea.account_id),
            site_id: Set(idea.site_id),
            sector_id: Set(idea.sector_id),
            cluster_id: Set(idea.cluster_id),
            idea_id: Set(Some(idea.id)),
            title: Set(idea.title.clone()),
            brief: Set(idea.description.clone()),
            keywords: Set(fields::keyword_list(keywords)),
            content_type: Set(idea.content_type.clone()),
            content_structure: Set(idea.content_structure.clone()),
            target_words: Set(idea.target_word_count),
            status: Set("queued".into()),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        task_ids.push(task.id);
        content_idea::Entity::update_many()
            .col_expr(content_idea::Column::Status, Expr::value("queued"))
            .col_expr(content_idea::Column::UpdatedAt, Expr::value(now))
            .filter(content_idea::Column::Id.eq(idea.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(QueuedOut { created: task_ids.len(), skipped, task_ids })
}

/// Checks a `generate_content` request (≤ 10 tasks of one site) and queues it.
pub async fn start_generation(
    state: &TaskStarter,
    caller: &Caller,
    ids: &[i64],
) -> Result<crate::modules::tasks::dto::TaskOut, AppError> {
    use crate::modules::writer::content::dto::GenerateContentJob;
    use jobs::JobInput;
    caller.require_write()?;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    check_ids(&ids, MAX_GENERATE)?;
    let tasks = visible(caller).filter(writer_task::Column::Id.is_in(ids.iter().copied())).all(&state.db).await?;
    if tasks.len() != ids.len() {
        return Err(AppError::field("ids", "Some of these tasks do not exist."));
    }
    let site_id = tasks[0].site_id;
    if tasks.iter().any(|t| t.site_id != site_id) {
        return Err(AppError::field("ids", "Choose tasks of one site at a time."));
    }
    let min =
        crate::modules::ai_settings::catalogue::setting_for(&state.db, GenerateContentJob::KIND).await?.min_credits;
    let required = min * ids.len() as i64;
    crate::modules::tasks::service::start(state, caller, Some(site_id), &GenerateContentJob { task_ids: ids }, required)
        .await
}

/// Marks a writer task `completed` once its article was written (inside the caller's transaction).
pub async fn mark_completed<C: ConnectionTrait>(txn: &C, account_id: i64, id: i64) -> Result<(), sea_orm::DbErr> {
    writer_task::Entity::update_many()
        .col_expr(writer_task::Column::Status, Expr::value("completed"))
        .col_expr(writer_task::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(writer_task::Column::AccountId.eq(account_id))
        .filter(writer_task::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}
