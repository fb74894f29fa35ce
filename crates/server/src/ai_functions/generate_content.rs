//! `generate_content`: writes the article of each writer task, following its idea's outline, with the account's
//! prompt, tone and length. The model answers `{title, meta_title, meta_description, content, primary_keyword,
//! secondary_keywords, tags, categories}`; a reply missing fields or breaking the length rules gets one repair
//! request, else the task fails and nothing is saved. The HTML is sanitised and its words counted by the server;
//! tags and categories are resolved or created; the task and idea become `completed`; all in one transaction
//! with the charge.

use std::sync::Arc;

use ai::TextRequest;
use chrono::Utc;
use db::entities::{content, content_idea, writer_task};
use domain::Phase;
use domain::outline::Outline;
use jobs::{JobContext, JobError, JobFuture, JobHandler, JobOutput, Progress};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use serde_json::json;

use super::models::text_plan;
use super::offline_article::{self, ArticleDraft};
use super::runner::{AiDeps, Spend, already_saved, call_json_checked, charge_job, permanent, retry};
use crate::modules::ai_settings::prompts as prompt_settings;
use crate::modules::billing::ledger;
use crate::modules::writer::content::html;
use crate::modules::writer::content::seo::{META_DESCRIPTION_MAX, META_TITLE_MAX};
use crate::modules::writer::taxonomies::service as taxonomies;

pub const KIND: &str = "generate_content";
pub const SCHEMA: &str = "article";

#[derive(Debug, Deserialize)]
struct Reply {
    title: String,
    #[serde(default)]
    meta_title: String,
    #[serde(default)]
    meta_description: String,
    #[serde(alias = "html", alias = "content_html")]
    content: String,
    #[serde(default)]
    primary_keyword: String,
    #[serde(default)]
    secondary_keywords: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
}

fn check(reply: &Reply) -> Result<(), String> {
    let mut problems = Vec::new();
    if reply.title.trim().is_empty() {
        problems.push("title is empty".to_owned());
    }
    let meta_title = reply.meta_title.trim().chars().count();
    if meta_title == 0 || meta_title > META_TITLE_MAX {
        problems.push(format!("meta_title has {meta_title} characters (1 to {META_TITLE_MAX})"));
    }
    let meta = reply.meta_description.trim().chars().count();
    if meta == 0 || meta > META_DESCRIPTION_MAX {
        problems.push(format!("meta_description has {meta} characters (1 to {META_DESCRIPTION_MAX})"));
    }
    if html::word_count(&reply.content) < 50 {
        problems.push("content has almost no text".to_owned());
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

fn schema() -> serde_json::Value {
    json!({"type": "object", "required": ["title", "meta_title", "meta_description", "content"], "properties": {
        "title": {"type": "string"}, "meta_title": {"type": "string", "maxLength": META_TITLE_MAX},
        "meta_description": {"type": "string", "maxLength": META_DESCRIPTION_MAX}, "content": {"type": "string"},
        "primary_keyword": {"type": "string"},
        "secondary_keywords": {"type": "array", "items": {"type": "string"}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "categories": {"type": "array", "items": {"type": "string"}}}})
}

pub struct GenerateContent {
    pub deps: Arc<AiDeps>,
}

impl JobHandler for GenerateContent {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn concurrency(&self) -> usize {
        2
    }

    fn run(&self, ctx: JobContext) -> JobFuture {
        let deps = self.deps.clone();
        Box::pin(async move { run(&deps, &ctx).await })
    }
}

async fn run(deps: &AiDeps, ctx: &JobContext) -> Result<JobOutput, JobError> {
    let task = &ctx.task;
    if let Some(done) = already_saved(deps, task).await? {
        return Ok(done);
    }
    let ids: Vec<i64> =
        task.input["task_ids"].as_array().map(|a| a.iter().filter_map(|v| v.as_i64()).collect()).unwrap_or_default();
    let writer_tasks = writer_task::Entity::find()
        .filter(writer_task::Column::AccountId.eq(task.account_id))
        .filter(writer_task::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(writer_task::Column::Id)
        .all(&deps.db)
        .await
        .map_err(retry)?;
    if writer_tasks.is_empty() {
        return Err(permanent("NOT_FOUND", "These writer tasks no longer exist."));
    }
    let total = writer_tasks.len() as i64;
    ctx.progress(Progress { phase: Phase::Init, current: 0, total, item: None, message: Some("Loading tasks".into()) })
        .await?;
    let plan = text_plan(deps, KIND).await?;
    let offline = plan.primary.model.model_id() == ai::providers::offline::MODEL_ID;
    let template = prompt_settings::effective(&deps.db, task.account_id, "content_generation").await.map_err(retry)?;
    let settings = crate::modules::writer::settings::get(&deps.db, task.account_id).await.map_err(retry)?;
    let mut drafts: Vec<(writer_task::Model, ArticleDraft)> = Vec::new();
    let mut spend = Spend::new(plan.primary.model.model_id());
    for (n, wt) in writer_tasks.into_iter().enumerate() {
        ctx.checkpoint().await?;
        ctx.progress(Progress {
            phase: Phase::AiCall,
            current: n as i64,
            total,
            item: Some(wt.title.clone()),
            message: Some(format!("Writing “{}”", wt.title)),
        })
        .await?;
        let idea = match wt.idea_id {
            Some(id) => content_idea::Entity::find_by_id(id).one(&deps.db).await.map_err(retry)?,
            None => None,
        };
        let outline: Outline =
            idea.as_ref().and_then(|i| serde_json::from_value(i.outline.clone()).ok()).unwrap_or_default();
        let keywords: Vec<String> = serde_json::from_value(wt.keywords.clone()).unwrap_or_default();
        let draft = if offline {
            spend.credits += plan.min_credits;
            offline_article::article(&wt.title, &outline, &keywords, wt.target_words)
        } else {
            let outline_text = if outline.0.is_empty() { wt.brief.clone() } else { outline.to_prompt_text() };
            let (primary, others) = (
                keywords.first().cloned().unwrap_or_default(),
                keywords.iter().skip(1).cloned().collect::<Vec<_>>().join(", "),
            );
            let words = wt.target_words.to_string();
            let tone = settings.tone.clone();
            let prompt = domain::prompt::render(&template, |name| match name {
                "title" => Some(wt.title.as_str()),
                "outline" => Some(outline_text.as_str()),
                "primary_keyword" => Some(primary.as_str()),
                "keywords" => Some(others.as_str()),
                "tone" => Some(tone.as_str()),
                "target_words" => Some(words.as_str()),
                "content_type" => Some(wt.content_type.as_str()),
                "author_profile" => Some(settings.author_profile.as_str()),
                "extra_instructions" => Some(settings.extra_instructions.as_str()),
                _ => None,
            });
            let request = TextRequest::new(prompt)
                .with_system("You write SEO articles in clean HTML. Answer with JSON only.")
                .with_json_schema(SCHEMA, schema());
            let answer = call_json_checked::<Reply>(&plan, &request, check).await?;
            spend.add(&answer);
            let r = answer.value;
            ArticleDraft {
                title: r.title.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(300).collect(),
                meta_title: r.meta_title.trim().to_owned(),
                meta_description: r.meta_description.trim().to_owned(),
                html: r.content,
                primary_keyword: if r.primary_keyword.trim().is_empty() {
                    primary
                } else {
                    r.primary_keyword.trim().to_owned()
                },
                secondary_keywords: r.secondary_keywords,
                tags: r.tags,
                categories: r.categories,
            }
        };
        drafts.push((wt, draft));
    }
    ctx.progress(Progress {
        phase: Phase::Parse,
        current: total,
        total,
        item: None,
        message: Some("Cleaning the HTML".into()),
    })
    .await?;
    ctx.checkpoint().await?;
    ctx.progress(Progress {
        phase: Phase::Save,
        current: total,
        total,
        item: None,
        message: Some("Saving articles".into()),
    })
    .await?;
    let txn = db::begin_write(&deps.db).await.map_err(retry)?;
    let now = Utc::now();
    let mut content_ids = Vec::new();
    for (wt, d) in &drafts {
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
            secondary_keywords: Set(json!(d.secondary_keywords.iter().take(20).collect::<Vec<_>>())),
            content_type: Set(wt.content_type.clone()),
            content_structure: Set(wt.content_structure.clone()),
            status: Set("draft".into()),
            site_status: Set("not_published".into()),
            source: Set(if offline { "offline" } else { "ai" }.into()),
            review_note: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_with_returning(&txn)
        .await
        .map_err(retry)?;
        let mut linked = taxonomies::resolve(&txn, wt.account_id, wt.site_id, "tag", &d.tags).await.map_err(retry)?;
        linked.extend(
            taxonomies::resolve(&txn, wt.account_id, wt.site_id, "category", &d.categories).await.map_err(retry)?,
        );
        taxonomies::link(&txn, wt.account_id, saved.id, &linked).await.map_err(retry)?;
        content_ids.push(saved.id);
        writer_task::Entity::update_many()
            .col_expr(writer_task::Column::Status, Expr::value("completed"))
            .col_expr(writer_task::Column::UpdatedAt, Expr::value(now))
            .filter(writer_task::Column::Id.eq(wt.id))
            .exec(&txn)
            .await
            .map_err(retry)?;
        if let Some(idea_id) = wt.idea_id {
            content_idea::Entity::update_many()
                .col_expr(content_idea::Column::Status, Expr::value("completed"))
                .col_expr(content_idea::Column::UpdatedAt, Expr::value(now))
                .filter(content_idea::Column::Id.eq(idea_id))
                .exec(&txn)
                .await
                .map_err(retry)?;
        }
    }
    let outcome = charge_job(&txn, task, KIND, format!("Articles ({})", drafts.len()), &spend).await?;
    txn.commit().await.map_err(retry)?;
    ledger::after_charge(&deps.db, &deps.events, task.account_id, outcome).await;
    Ok(JobOutput {
        result: json!({"content_ids": content_ids, "articles": content_ids.len(), "model": spend.model, "offline": offline}),
        cost_credits: spend.credits,
        message: format!("{} articles written.", content_ids.len()),
    })
}
