//! `generate_content`: writes the article of each writer task, following its idea's outline, with the account's
//! prompt, tone and length. The model answers `{title, meta_title, meta_description, content, primary_keyword,
//! secondary_keywords, tags, categories}`; meta fields over their limits are shortened at a word boundary here
//! (not worth another call); a reply missing fields or with almost no text gets one repair request, else the task
//! fails and nothing is saved. The HTML is sanitised and its words counted by the server;
//! tags and categories are resolved or created; the task and idea become `completed`; all in one transaction
//! with the charge ([`service::save_generated`]).

use ai::TextRequest;
use ai::shape::Hints;
use db::entities::{content_idea, writer_task};
use db::tenancy::{find_scoped, scoped};
use domain::Phase;
use domain::outline::Outline;
use jobs::{JobContext, JobError, JobInput, JobOutput, Progress};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use serde_json::json;

use super::dto::{ArticleDraft, GenerateContentJob};
use super::html;
use super::seo::{META_DESCRIPTION_MAX, META_TITLE_MAX};
use super::{offline, service};
use crate::ai_runtime::models::TextPlan;
use crate::ai_runtime::{AiDeps, AiJob, Spend, begin_save, call_json_checked, charge_job, permanent, retry, text_plan};
use crate::modules::ai_settings::prompts as prompt_settings;
use crate::modules::billing::ledger;
use crate::modules::writer::settings::ContentSettingsOut as WriterSettings;

const KIND: &str = GenerateContentJob::KIND;
const SCHEMA: &str = "article";

/// The article as read: the reader ([`ai::parse::read`] with [`schema`] and [`hints`]) has shortened meta fields
/// over their `maxLength` at a word boundary, and turned tags sent as one text into lists.
#[derive(Debug, Deserialize)]
struct Reply {
    title: String,
    #[serde(default)]
    meta_title: String,
    #[serde(default)]
    meta_description: String,
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

/// Other names models give the fields, and the lists that may come as one comma-separated text.
fn hints() -> Hints {
    Hints::new()
        .alias("content", &["html", "content_html", "body", "body_html", "article_html"])
        .alias("meta_title", &["seo_title"])
        .alias("meta_description", &["seo_description", "meta_desc"])
        .alias("secondary_keywords", &["keywords"])
        .alias("title", &["headline", "h1"])
        .alias("categories", &["category"])
        .alias("tags", &["tag"])
        .comma_list("secondary_keywords")
        .comma_list("tags")
        .comma_list("categories")
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

pub struct GenerateContent;

impl AiJob for GenerateContent {
    type Input = GenerateContentJob;

    async fn run(deps: &AiDeps, ctx: &JobContext, input: GenerateContentJob) -> Result<JobOutput, JobError> {
        let account_id = ctx.task.account_id;
        let writer_tasks = scoped::<writer_task::Entity>(account_id)
            .filter(writer_task::Column::Id.is_in(input.task_ids.iter().copied()))
            .order_by_asc(writer_task::Column::Id)
            .all(&deps.db)
            .await
            .map_err(retry)?;
        if writer_tasks.is_empty() {
            return Err(permanent("NOT_FOUND", "These writer tasks no longer exist."));
        }
        let total = writer_tasks.len() as i64;
        ctx.progress(Progress::step(Phase::Init, 0, total, "Loading tasks")).await?;
        let plan = text_plan(deps, KIND).await?;
        let template = prompt_settings::effective(&deps.db, account_id, "content_generation").await.map_err(retry)?;
        let settings = crate::modules::writer::settings::get(&deps.db, account_id).await.map_err(retry)?;
        let mut drafts: Vec<(writer_task::Model, ArticleDraft)> = Vec::new();
        let mut spend = Spend::new(plan.primary.model.model_id());
        for (n, wt) in writer_tasks.into_iter().enumerate() {
            ctx.checkpoint().await?;
            let writing = Progress::step(Phase::AiCall, n as i64, total, format!("Writing “{}”", wt.title));
            ctx.progress(writing.on(wt.title.clone())).await?;
            let draft = article_for(deps, &plan, &template, &settings, &wt, &mut spend).await?;
            drafts.push((wt, draft));
        }
        ctx.progress(Progress::step(Phase::Parse, total, total, "Cleaning the HTML")).await?;
        ctx.checkpoint().await?;
        ctx.progress(Progress::step(Phase::Save, total, total, "Saving articles")).await?;
        let source = if plan.is_offline() { "offline" } else { "ai" };
        let txn = begin_save(deps, &ctx.task).await?;
        let content_ids = service::save_generated(&txn, &drafts, source).await.map_err(retry)?;
        let outcome = charge_job(&txn, &ctx.task, KIND, format!("Articles ({})", drafts.len()), &spend).await?;
        txn.commit().await.map_err(retry)?;
        ledger::after_charge(&deps.db, &deps.events, account_id, outcome).await;
        Ok(JobOutput {
            result: json!({"content_ids": content_ids, "articles": content_ids.len(), "model": spend.model,
                "offline": plan.is_offline()}),
            cost_credits: spend.credits,
            message: format!("{} articles written.", content_ids.len()),
        })
    }
}

/// One task's article: from its idea's outline offline, else from one model call (with one repair request).
async fn article_for(
    deps: &AiDeps,
    plan: &TextPlan,
    template: &str,
    settings: &WriterSettings,
    wt: &writer_task::Model,
    spend: &mut Spend,
) -> Result<ArticleDraft, JobError> {
    let idea = match wt.idea_id {
        Some(id) => find_scoped::<content_idea::Entity, _>(&deps.db, wt.account_id, id).await.map_err(retry)?,
        None => None,
    };
    let outline: Outline =
        idea.as_ref().and_then(|i| serde_json::from_value(i.outline.clone()).ok()).unwrap_or_default();
    let keywords: Vec<String> = serde_json::from_value(wt.keywords.clone()).unwrap_or_default();
    if plan.is_offline() {
        spend.credits += plan.min_credits;
        return Ok(offline::article(&wt.title, &outline, &keywords, wt.target_words));
    }
    let outline_text = if outline.0.is_empty() { wt.brief.clone() } else { outline.to_prompt_text() };
    let primary = keywords.first().cloned().unwrap_or_default();
    let others = keywords.iter().skip(1).cloned().collect::<Vec<_>>().join(", ");
    let words = wt.target_words.to_string();
    let prompt = domain::prompt::render(template, |name| match name {
        "title" => Some(wt.title.as_str()),
        "outline" => Some(outline_text.as_str()),
        "primary_keyword" => Some(primary.as_str()),
        "keywords" => Some(others.as_str()),
        "tone" => Some(settings.tone.as_str()),
        "target_words" => Some(words.as_str()),
        "content_type" => Some(wt.content_type.as_str()),
        "author_profile" => Some(settings.author_profile.as_str()),
        "extra_instructions" => Some(settings.extra_instructions.as_str()),
        _ => None,
    });
    let request = TextRequest::new(prompt)
        .with_system("You write SEO articles in clean HTML. Answer with JSON only.")
        .with_json_schema(SCHEMA, schema());
    let answer = call_json_checked::<Reply>(plan, &request, &hints(), check).await?;
    spend.add(&answer);
    let r = answer.value;
    Ok(ArticleDraft {
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
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn sends_and_reads_with_the_schema_and_hints_the_replies_corpus_scores() {
        let (schema, hints) = crate::ai_runtime::call::corpus_reading("generate_content");
        assert_eq!((super::schema(), super::hints()), (schema, hints));
    }
}
