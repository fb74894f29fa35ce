//! Ideas: CRUD with outline validation, status transitions, and the `generate_ideas` action.

use chrono::Utc;
use db::entities::{cluster, content_idea};
use domain::outline::{Outline, Section};
use domain::planner::{CONTENT_STRUCTURES, CONTENT_TYPES, IDEA_STATUSES, idea_transition_allowed};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Select};

use super::dto::{GenerateIdeasIn, IdeaDraft, IdeaIn, IdeaOut, IdeaPatch, SectionOut};
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListSpec, fields};
use crate::modules::tasks::service::TaskStarter;

pub const MAX_CLUSTERS: usize = 10;

pub fn list_spec() -> ListSpec<content_idea::Entity> {
    ListSpec::new()
        .search([content_idea::Column::Title])
        .order_by("title", content_idea::Column::Title)
        .order_by("created_at", content_idea::Column::CreatedAt)
        .order_by("target_word_count", content_idea::Column::TargetWordCount)
        .default_ordering("-created_at")
        .filter(Filter::int("site_id", content_idea::Column::SiteId))
        .filter(Filter::int("sector_id", content_idea::Column::SectorId))
        .filter(Filter::int("cluster_id", content_idea::Column::ClusterId).with_options())
        .filter(Filter::choice("status", content_idea::Column::Status, IDEA_STATUSES).with_options())
        .filter(Filter::choice("content_type", content_idea::Column::ContentType, CONTENT_TYPES).with_options())
}

pub fn visible(caller: &Caller) -> Select<content_idea::Entity> {
    caller.site_rows::<content_idea::Entity>()
}

pub async fn find<C: ConnectionTrait>(db: &C, caller: &Caller, id: i64) -> Result<content_idea::Model, AppError> {
    visible(caller).filter(content_idea::Column::Id.eq(id)).one(db).await?.ok_or_else(|| AppError::not_found("Idea"))
}

fn title_of(raw: &str) -> Result<String, AppError> {
    fields::title("title", raw, 300, "Give the idea a title (1 to 300 characters).")
}

/// An outline from a request: empty is allowed (a rough idea); otherwise 6–10 titled sections.
fn outline_of(sections: Vec<SectionOut>) -> Result<serde_json::Value, AppError> {
    if sections.is_empty() {
        return Ok(serde_json::json!([]));
    }
    let outline = Outline(sections.into_iter().map(|s| Section { h2: s.h2, h3: s.h3 }).collect())
        .cleaned()
        .map_err(|e| AppError::field("outline", format!("Fix the outline: {e}.")))?;
    Ok(serde_json::to_value(outline).unwrap_or_default())
}

fn words(value: i32) -> Result<i32, AppError> {
    if (100..=20_000).contains(&value) {
        Ok(value)
    } else {
        Err(AppError::field("target_word_count", "Use 100 to 20000 words."))
    }
}

async fn cluster_in_sector<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: i64,
    sector_id: i64,
) -> Result<cluster::Model, AppError> {
    caller
        .site_rows::<cluster::Entity>()
        .filter(cluster::Column::Id.eq(id))
        .one(db)
        .await?
        .filter(|c| c.sector_id == sector_id)
        .ok_or_else(|| AppError::field("cluster_id", "No such cluster in this sector."))
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: IdeaIn) -> Result<IdeaOut, AppError> {
    caller.require_write()?;
    let (site, sector) = caller.site_sector(db, input.site_id, input.sector_id).await?;
    if let Some(cluster_id) = input.cluster_id {
        cluster_in_sector(db, caller, cluster_id, sector.id).await?;
    }
    let now = Utc::now();
    let row = content_idea::ActiveModel {
        id: NotSet,
        account_id: Set(caller.account_id),
        site_id: Set(site.id),
        sector_id: Set(sector.id),
        cluster_id: Set(input.cluster_id),
        title: Set(title_of(&input.title)?),
        description: Set(input.description.unwrap_or_default().trim().to_owned()),
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
        primary_keywords: Set(fields::keyword_list(input.primary_keywords)),
        covered_keywords: Set(fields::keyword_list(input.covered_keywords)),
        outline: Set(outline_of(input.outline)?),
        target_word_count: Set(words(input.target_word_count.unwrap_or(1500))?),
        status: Set("new".into()),
        source: Set("manual".into()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(row.insert(db).await?.into())
}

pub async fn update(db: &DatabaseConnection, caller: &Caller, id: i64, input: IdeaPatch) -> Result<IdeaOut, AppError> {
    caller.require_write()?;
    let current = find(db, caller, id).await?;
    let mut row: content_idea::ActiveModel = current.clone().into();
    if let Some(title) = input.title {
        row.title = Set(title_of(&title)?);
    }
    if let Some(description) = input.description {
        row.description = Set(description.trim().to_owned());
    }
    if let Some(value) = input.content_type {
        row.content_type = Set(fields::pick("content_type", &value, CONTENT_TYPES)?);
    }
    if let Some(value) = input.content_structure {
        row.content_structure = Set(fields::pick("content_structure", &value, CONTENT_STRUCTURES)?);
    }
    if let Some(list) = input.primary_keywords {
        row.primary_keywords = Set(fields::keyword_list(list));
    }
    if let Some(list) = input.covered_keywords {
        row.covered_keywords = Set(fields::keyword_list(list));
    }
    if let Some(sections) = input.outline {
        row.outline = Set(outline_of(sections)?);
    }
    if let Some(value) = input.target_word_count {
        row.target_word_count = Set(words(value)?);
    }
    if let Some(cluster_id) = input.cluster_id {
        if let Some(id) = cluster_id {
            cluster_in_sector(db, caller, id, current.sector_id).await?;
        }
        row.cluster_id = Set(cluster_id);
    }
    if let Some(status) = input.status {
        let status = fields::pick("status", &status, IDEA_STATUSES)?;
        if !idea_transition_allowed(&current.status, &status) {
            return Err(AppError::Conflict {
                message: format!("An idea that is {} cannot become {status}.", current.status),
                field: Some("status".into()),
            });
        }
        row.status = Set(status);
    }
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?.into())
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_write()?;
    let idea = find(db, caller, id).await?;
    content_idea::Entity::delete_by_id(idea.id).exec(db).await?;
    Ok(())
}

/// Checks a `generate_ideas` request and queues it; the credit pre-check covers the minimum per cluster.
pub async fn start_generation(
    state: &TaskStarter,
    caller: &Caller,
    input: GenerateIdeasIn,
) -> Result<crate::modules::tasks::dto::TaskOut, AppError> {
    use jobs::JobInput;
    const KIND: &str = super::dto::GenerateIdeasJob::KIND;
    caller.require_write()?;
    let mut ids = input.ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_CLUSTERS {
        return Err(AppError::field("ids", format!("Choose 1 to {MAX_CLUSTERS} clusters.")));
    }
    let per_cluster = input.ideas_per_cluster.unwrap_or(4);
    if !(3..=7).contains(&per_cluster) {
        return Err(AppError::field("ideas_per_cluster", "Use 3 to 7 ideas per cluster."));
    }
    let clusters = crate::modules::planner::clusters::service::own(&state.db, caller, &ids).await?;
    if clusters.len() != ids.len() {
        return Err(AppError::field("ids", "Some of these clusters do not exist."));
    }
    let site_id = clusters[0].site_id;
    if clusters.iter().any(|c| c.site_id != site_id) {
        return Err(AppError::field("ids", "Choose clusters of one site at a time."));
    }
    let min = crate::modules::ai_settings::catalogue::setting_for(&state.db, KIND).await?.min_credits;
    let required = min * ids.len() as i64;
    let job = super::dto::GenerateIdeasJob { cluster_ids: ids, ideas_per_cluster: per_cluster as usize };
    crate::modules::tasks::service::start(state, caller, Some(site_id), &job, required).await
}

/// Saves the ideas a job made for its clusters, inside the job's transaction, and marks those clusters `mapped`.
pub async fn save_generated<C: ConnectionTrait>(
    txn: &C,
    made: &[(cluster::Model, Vec<IdeaDraft>)],
    source: &str,
) -> Result<usize, sea_orm::DbErr> {
    let now = Utc::now();
    let mut rows = Vec::new();
    for (c, drafts) in made {
        for d in drafts {
            rows.push(content_idea::ActiveModel {
                id: NotSet,
                account_id: Set(c.account_id),
                site_id: Set(c.site_id),
                sector_id: Set(c.sector_id),
                cluster_id: Set(Some(c.id)),
                title: Set(d.title.clone()),
                description: Set(d.description.clone()),
                content_type: Set(d.content_type.clone()),
                content_structure: Set(d.content_structure.clone()),
                primary_keywords: Set(serde_json::json!(d.primary_keywords)),
                covered_keywords: Set(serde_json::json!(d.covered_keywords)),
                outline: Set(serde_json::to_value(&d.outline).unwrap_or_default()),
                target_word_count: Set(d.target_word_count),
                status: Set("new".into()),
                source: Set(source.into()),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }
    let count = rows.len();
    if count > 0 {
        content_idea::Entity::insert_many(rows).exec_without_returning(txn).await?;
    }
    if let Some((first, _)) = made.first() {
        let ids: Vec<i64> = made.iter().map(|(c, _)| c.id).collect();
        crate::modules::planner::clusters::service::mark_mapped(txn, first.account_id, &ids).await?;
    }
    Ok(count)
}

/// Marks an idea `completed` once its article was written (inside the caller's transaction).
pub async fn mark_completed<C: ConnectionTrait>(txn: &C, account_id: i64, id: i64) -> Result<(), sea_orm::DbErr> {
    content_idea::Entity::update_many()
        .col_expr(content_idea::Column::Status, sea_orm::sea_query::Expr::value("completed"))
        .col_expr(content_idea::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(content_idea::Column::AccountId.eq(account_id))
        .filter(content_idea::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}
