//! Content: CRUD (HTML sanitised on every write, words counted by the server), editorial transitions, and the
//! SEO checklist.

use chrono::Utc;
use db::entities::{content, image, writer_task};
use domain::planner::{CONTENT_STRUCTURES, CONTENT_TYPES};
use domain::writer::{CONTENT_STATUSES, SITE_STATUSES, content_transition_allowed};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Select,
};

use super::dto::{ArticleDraft, ContentIn, ContentOut, ContentPatch};
use super::html;
use super::seo::{self, META_DESCRIPTION_MAX, META_TITLE_MAX, Subject, Validation};
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListSpec, fields};

pub fn list_spec() -> ListSpec<content::Entity> {
    ListSpec::new()
        .search([content::Column::Title])
        .order_by("title", content::Column::Title)
        .order_by("created_at", content::Column::CreatedAt)
        .order_by("updated_at", content::Column::UpdatedAt)
        .order_by("word_count", content::Column::WordCount)
        .default_ordering("-created_at")
        .filter(Filter::int("site_id", content::Column::SiteId))
        .filter(Filter::int("sector_id", content::Column::SectorId))
        .filter(Filter::int("cluster_id", content::Column::ClusterId).with_options())
        .filter(Filter::int("task_id", content::Column::TaskId))
        .filter(Filter::choice("status", content::Column::Status, CONTENT_STATUSES).with_options())
        .filter(Filter::choice("site_status", content::Column::SiteStatus, SITE_STATUSES).with_options())
        .filter(Filter::choice("content_type", content::Column::ContentType, CONTENT_TYPES).with_options())
        .filter(Filter::text("source", content::Column::Source).with_options())
}

pub fn visible(caller: &Caller) -> Select<content::Entity> {
    caller.site_rows::<content::Entity>()
}

pub async fn find<C: ConnectionTrait>(db: &C, caller: &Caller, id: i64) -> Result<content::Model, AppError> {
    visible(caller).filter(content::Column::Id.eq(id)).one(db).await?.ok_or_else(|| AppError::not_found("Content"))
}

fn clean_line(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.chars().count() > max {
        return Err(AppError::field(field, format!("Use at most {max} characters.")));
    }
    Ok(value)
}

/// Longest article accepted (characters of HTML).
const MAX_HTML: usize = 500_000;

fn body(value: &str) -> Result<(String, i32), AppError> {
    if value.len() > MAX_HTML {
        return Err(AppError::field("content_html", "The article is too long (500,000 characters at most)."));
    }
    let clean = html::sanitise(value);
    let words = html::word_count(&clean);
    Ok((clean, words))
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: ContentIn) -> Result<ContentOut, AppError> {
    caller.require_write()?;
    let (site, sector) = caller.site_sector(db, input.site_id, input.sector_id).await?;
    let title = clean_line("title", &input.title, 300)?;
    if title.is_empty() {
        return Err(AppError::field("title", "Give the article a title."));
    }
    let (html, words) = body(&input.content_html)?;
    let now = Utc::now();
    let row = content::ActiveModel {
        id: NotSet,
        account_id: Set(caller.account_id),
        site_id: Set(site.id),
        sector_id: Set(sector.id),
        task_id: Set(None),
        cluster_id: Set(None),
        idea_id: Set(None),
        title: Set(title),
        content_html: Set(html),
        word_count: Set(words),
        meta_title: Set(clean_line("meta_title", &input.meta_title, META_TITLE_MAX)?),
        meta_description: Set(clean_line("meta_description", &input.meta_description, META_DESCRIPTION_MAX)?),
        primary_keyword: Set(clean_line("primary_keyword", &input.primary_keyword, 255)?),
        secondary_keywords: Set(fields::keyword_list(input.secondary_keywords)),
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
        status: Set("draft".into()),
        site_status: Set("not_published".into()),
        source: Set("manual".into()),
        review_note: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(row.insert(db).await?.into())
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: ContentPatch,
) -> Result<ContentOut, AppError> {
    caller.require_write()?;
    let current = find(db, caller, id).await?;
    let mut row: content::ActiveModel = current.into();
    if let Some(title) = input.title {
        let title = clean_line("title", &title, 300)?;
        if title.is_empty() {
            return Err(AppError::field("title", "Give the article a title."));
        }
        row.title = Set(title);
    }
    if let Some(value) = input.content_html {
        let (html, words) = body(&value)?;
        row.content_html = Set(html);
        row.word_count = Set(words);
    }
    if let Some(value) = input.meta_title {
        row.meta_title = Set(clean_line("meta_title", &value, META_TITLE_MAX)?);
    }
    if let Some(value) = input.meta_description {
        row.meta_description = Set(clean_line("meta_description", &value, META_DESCRIPTION_MAX)?);
    }
    if let Some(value) = input.primary_keyword {
        row.primary_keyword = Set(clean_line("primary_keyword", &value, 255)?);
    }
    if let Some(list) = input.secondary_keywords {
        row.secondary_keywords = Set(fields::keyword_list(list));
    }
    if let Some(value) = input.content_type {
        row.content_type = Set(fields::pick("content_type", &value, CONTENT_TYPES)?);
    }
    if let Some(value) = input.content_structure {
        row.content_structure = Set(fields::pick("content_structure", &value, CONTENT_STRUCTURES)?);
    }
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?.into())
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_write()?;
    let found = find(db, caller, id).await?;
    content::Entity::delete_by_id(found.id).exec(db).await?;
    Ok(())
}

fn status_phrase(status: &str) -> String {
    match status {
        "draft" => "a draft".into(),
        "review" => "in review".into(),
        other => other.to_owned(),
    }
}

/// Moves the editorial status along the allowed transitions (409 naming the current status otherwise).
pub async fn transition(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    to: &str,
    note: Option<String>,
) -> Result<ContentOut, AppError> {
    caller.require_write()?;
    let txn = db::begin_write(db).await?;
    let current = find(&txn, caller, id).await?;
    if !content_transition_allowed(&current.status, to) {
        return Err(AppError::Conflict {
            message: format!("This content is {}; it cannot move to {to}.", status_phrase(&current.status)),
            field: Some("status".into()),
        });
    }
    let mut row: content::ActiveModel = current.into();
    row.status = Set(to.to_owned());
    if let Some(note) = note {
        row.review_note = Set(note.trim().chars().take(2_000).collect());
    }
    row.updated_at = Set(Utc::now());
    let updated = row.update(&txn).await?;
    txn.commit().await?;
    Ok(updated.into())
}

/// The SEO checklist of one content.
pub async fn validation(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<Validation, AppError> {
    let found = find(db, caller, id).await?;
    let images = image::Entity::find()
        .filter(image::Column::ContentId.eq(found.id))
        .filter(image::Column::Status.eq("generated"))
        .count(db)
        .await?;
    let target = match found.task_id {
        Some(task_id) => writer_task::Entity::find_by_id(task_id).one(db).await?.map(|t| t.target_words),
        None => None,
    };
    Ok(seo::validate(&Subject {
        title: &found.title,
        meta_title: &found.meta_title,
        meta_description: &found.meta_description,
        html: &found.content_html,
        primary_keyword: &found.primary_keyword,
        target_words: target,
        images: usize::try_from(images).unwrap_or(usize::MAX),
    }))
}

/// Saves the articles a job wrote, inside the job's transaction: each sanitised and counted, its tags and
/// categories resolved or created, and its writer task and idea marked `completed`. Answers the new ids.
pub async fn save_generated<C: ConnectionTrait>(
    txn: &C,
    drafts: &[(writer_task::Model, ArticleDraft)],
    source: &str,
) -> Result<Vec<i64>, AppError> {
    use crate::modules::writer::taxonomies::service as taxonomies;
    let now = Utc::now();
    let mut ids = Vec::new();
    for (wt, d) in drafts {
        let clean = html::sanitise(&d.html);
        let saved = content::Entity::insert(content::ActiveModel {
            id: NotSet,
            account_id: Set(wt.account_id),
            site_id: Set(wt.site_id),
            sector_id: Set(wt.sector_id),
            task_id: Set(Some(wt.id)),
            cluster_id: Set(wt.cluster_id),
            idea_id: Set(wt.idea_id),
            title: Set(d.title.clone()),
            word_count: Set(html::word_count(&clean)),
            content_html: Set(clean),
            meta_title: Set(d.meta_title.chars().take(META_TITLE_MAX).collect()),
            meta_description: Set(d.meta_description.chars().take(META_DESCRIPTION_MAX).collect()),
            primary_keyword: Set(d.primary_keyword.chars().take(255).collect()),
            secondary_keywords: Set(serde_json::json!(d.secondary_keywords.iter().take(20).collect::<Vec<_>>())),
            content_type: Set(wt.content_type.clone()),
            content_structure: Set(wt.content_structure.clone()),
            status: Set("draft".into()),
            site_status: Set("not_published".into()),
            source: Set(source.into()),
            review_note: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_with_returning(txn)
        .await?;
        let mut linked = taxonomies::resolve(txn, wt.account_id, wt.site_id, "tag", &d.tags).await?;
        linked.extend(taxonomies::resolve(txn, wt.account_id, wt.site_id, "category", &d.categories).await?);
        taxonomies::link(txn, wt.account_id, saved.id, &linked).await?;
        ids.push(saved.id);
        crate::modules::writer::tasks::service::mark_completed(txn, wt.account_id, wt.id).await?;
        if let Some(idea_id) = wt.idea_id {
            crate::modules::planner::ideas::service::mark_completed(txn, wt.account_id, idea_id).await?;
        }
    }
    Ok(ids)
}

/// Moves articles whose images are all generated from `draft` to `review`; answers the ids that moved. Three
/// statements whatever the number of articles.
pub async fn review_when_illustrated<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    content_ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<i64>, sea_orm::DbErr> {
    use sea_orm::QuerySelect;
    let candidates: Vec<i64> = content_ids.into_iter().collect();
    let waiting: Vec<i64> = image::Entity::find()
        .select_only()
        .column(image::Column::ContentId)
        .distinct()
        .filter(image::Column::AccountId.eq(account_id))
        .filter(image::Column::ContentId.is_in(candidates.iter().copied()))
        .filter(image::Column::Status.ne("generated"))
        .into_tuple()
        .all(db)
        .await?;
    let ready: Vec<i64> = candidates.into_iter().filter(|id| !waiting.contains(id)).collect();
    let moved: Vec<i64> = content::Entity::find()
        .select_only()
        .column(content::Column::Id)
        .filter(content::Column::AccountId.eq(account_id))
        .filter(content::Column::Status.eq("draft"))
        .filter(content::Column::Id.is_in(ready))
        .into_tuple()
        .all(db)
        .await?;
    if !moved.is_empty() {
        content::Entity::update_many()
            .col_expr(content::Column::Status, sea_orm::sea_query::Expr::value("review"))
            .col_expr(content::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
            .filter(content::Column::AccountId.eq(account_id))
            .filter(content::Column::Status.eq("draft"))
            .filter(content::Column::Id.is_in(moved.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(moved)
}
