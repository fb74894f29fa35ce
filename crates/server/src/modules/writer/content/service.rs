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
use super::seo::{self, META_DESCRIPTION_MAX, META_TITLE_MAX, Subject, Validation};
use super::{figures, html};
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListSpec, fields};
use crate::security::signed_url::UrlSigner;

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
    // Image links come back signed in answers; what is stored is their stable form.
    let clean = figures::canonical(&html::sanitise(value));
    let words = html::word_count(&clean);
    Ok((clean, words))
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: ContentIn) -> Result<content::Model, AppError> {
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
    Ok(row.insert(db).await?)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: ContentPatch,
) -> Result<content::Model, AppError> {
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
    Ok(row.update(db).await?)
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
) -> Result<content::Model, AppError> {
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
    Ok(updated)
}

/// What approving an article should say: an offline draft still needs rewriting before it is published.
pub fn approval_warnings(approved: &content::Model) -> Vec<String> {
    if super::label::still_offline_draft(&approved.source, &approved.content_html) {
        vec![
            "Approved, but this is still an offline draft: rewrite it (and take out its “Offline draft” note) before \
             publishing. Publishing it as it is needs an explicit confirmation."
                .to_owned(),
        ]
    } else {
        Vec::new()
    }
}

/// The check a publisher makes before sending an article out: an offline draft that still carries its note is
/// refused unless the caller confirmed publishing it as it is (`confirm_offline_draft`).
pub fn ensure_publishable(article: &content::Model, confirm_offline_draft: bool) -> Result<(), AppError> {
    if super::label::still_offline_draft(&article.source, &article.content_html) && !confirm_offline_draft {
        return Err(AppError::Conflict {
            message: "This article is an offline draft that has not been rewritten; confirm to publish it as it is."
                .into(),
            field: Some("confirm_offline_draft".into()),
        });
    }
    Ok(())
}

/// Signed links for the in-article images of some articles, and the answers built with them.
pub struct ImageLinks {
    /// Per content: image id → the query string that signs its link.
    queries: std::collections::HashMap<i64, std::collections::HashMap<i64, String>>,
}

/// A signed link in an answer works until the end of the next day (UTC): every answer of one day carries the same
/// link, so the browser's cache serves the file; the version (`v`) changes when an image is drawn again.
fn link_expiry(now: i64) -> i64 {
    (now.div_euclid(86_400) + 2) * 86_400
}

/// Signs the links to the generated images of these articles (one query, none when no article shows an image).
pub async fn image_links<C: ConnectionTrait>(
    db: &C,
    signer: &UrlSigner,
    rows: &[content::Model],
) -> Result<ImageLinks, AppError> {
    let mut queries: std::collections::HashMap<i64, std::collections::HashMap<i64, String>> = Default::default();
    let showing: Vec<&content::Model> =
        rows.iter().filter(|c| c.content_html.contains("/api/v1/writer/images/")).collect();
    if showing.is_empty() {
        return Ok(ImageLinks { queries });
    }
    let images = image::Entity::find()
        .filter(image::Column::ContentId.is_in(showing.iter().map(|c| c.id)))
        .filter(image::Column::Status.eq("generated"))
        .all(db)
        .await?;
    let expires = link_expiry(Utc::now().timestamp());
    let accounts: std::collections::HashMap<i64, i64> = showing.iter().map(|c| (c.id, c.account_id)).collect();
    for i in images {
        // Only an image of the same account and article is signed, whatever the HTML names.
        if accounts.get(&i.content_id) != Some(&i.account_id) {
            continue;
        }
        let query =
            format!("expires={expires}&amp;sig={}&amp;v={}", signer.sign(i.id, expires), i.updated_at.timestamp());
        queries.entry(i.content_id).or_default().insert(i.id, query);
    }
    Ok(ImageLinks { queries })
}

impl ImageLinks {
    /// The answer for one article, its image links signed.
    pub fn out(&self, mut c: content::Model) -> ContentOut {
        if let Some(queries) = self.queries.get(&c.id) {
            c.content_html = figures::signed(&c.content_html, queries);
        }
        c.into()
    }
}

/// The answer for one article (its image links signed).
pub async fn present<C: ConnectionTrait>(
    db: &C,
    signer: &UrlSigner,
    c: content::Model,
) -> Result<ContentOut, AppError> {
    let links = image_links(db, signer, std::slice::from_ref(&c)).await?;
    Ok(links.out(c))
}

/// Puts a drawn in-article image into its article, inside the caller's (the image job's) transaction: a figure
/// after the section its prompt was made for (position `n` → the `n`-th section), unless the article already
/// shows the image (drawing it again changes the file behind the same link, never adds a second figure). An
/// article changed meanwhile is read again, so an editor's save is never overwritten.
pub async fn place_image<C: ConnectionTrait>(
    txn: &C,
    img: &image::Model,
    alt: &str,
    width: u32,
    height: u32,
) -> Result<(), sea_orm::DbErr> {
    let section = usize::try_from(img.position.max(1) - 1).unwrap_or(0);
    for _ in 0..3 {
        let Some(article) = content::Entity::find()
            .filter(content::Column::AccountId.eq(img.account_id))
            .filter(content::Column::Id.eq(img.content_id))
            .one(txn)
            .await?
        else {
            return Ok(());
        };
        if figures::shows(&article.content_html, img.id) {
            return Ok(());
        }
        let placed = figures::place(&article.content_html, section, &figures::figure(img.id, alt, width, height));
        let clean = figures::canonical(&html::sanitise(&placed));
        let updated = content::Entity::update_many()
            .col_expr(content::Column::WordCount, sea_orm::sea_query::Expr::value(html::word_count(&clean)))
            .col_expr(content::Column::ContentHtml, sea_orm::sea_query::Expr::value(clean))
            .col_expr(content::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
            .filter(content::Column::AccountId.eq(img.account_id))
            .filter(content::Column::Id.eq(article.id))
            .filter(content::Column::ContentHtml.eq(article.content_html))
            .exec(txn)
            .await?;
        if updated.rows_affected > 0 {
            return Ok(());
        }
    }
    tracing::warn!(image_id = img.id, content_id = img.content_id, "the article kept changing; image not placed");
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn article(source: &str, html: &str) -> content::Model {
        let now = Utc::now();
        content::Model {
            id: 1,
            account_id: 1,
            site_id: 1,
            sector_id: 1,
            task_id: None,
            cluster_id: None,
            idea_id: None,
            title: "T".into(),
            content_html: html.into(),
            word_count: 0,
            meta_title: String::new(),
            meta_description: String::new(),
            primary_keyword: String::new(),
            secondary_keywords: serde_json::json!([]),
            content_type: "post".into(),
            content_structure: "article".into(),
            status: "approved".into(),
            site_status: "not_published".into(),
            source: source.into(),
            review_note: String::new(),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn an_offline_draft_warns_on_approval_and_needs_a_confirmation_to_publish() {
        let labelled = format!("<p>Intro</p><p><em>{}</em></p>", super::super::label::OFFLINE_NOTE);
        let draft = article("offline", &labelled);
        assert_eq!(approval_warnings(&draft).len(), 1);
        assert!(matches!(ensure_publishable(&draft, false), Err(AppError::Conflict { .. })));
        assert!(ensure_publishable(&draft, true).is_ok());
        // Rewritten (the note taken out), or not offline at all: nothing to warn about.
        let rewritten = article("offline", "<p>All new words.</p>");
        assert!(approval_warnings(&rewritten).is_empty() && ensure_publishable(&rewritten, false).is_ok());
        let written = article("ai", &labelled);
        assert!(approval_warnings(&written).is_empty() && ensure_publishable(&written, false).is_ok());
        assert!(ContentOut::from(draft).offline_draft && !ContentOut::from(written).offline_draft);
    }

    #[test]
    fn signed_links_last_until_the_end_of_the_next_day() {
        let now = 1_700_000_000;
        let expires = link_expiry(now);
        assert_eq!(expires % 86_400, 0);
        assert!(expires - now > 86_400 && expires - now <= 2 * 86_400);
        assert_eq!(link_expiry(now + 60), expires, "the same link all day");
    }
}
