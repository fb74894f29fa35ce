//! `generate_image_prompts`: for each article, one featured and N in-article image descriptions (N from the
//! writer settings), each wrapped in the account's image style template, saved as `pending` images. The model
//! answers `{featured_prompt, in_article_prompts[]}`; with the Offline provider the title and section headings
//! are the subjects.

use std::sync::Arc;

use ai::TextRequest;
use chrono::Utc;
use db::entities::{content, image};
use domain::Phase;
use jobs::{JobContext, JobError, JobFuture, JobHandler, JobOutput, Progress};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use serde_json::json;

use super::models::text_plan;
use super::runner::{AiDeps, Spend, already_saved, call_json_checked, charge_job, permanent, retry};
use crate::modules::ai_settings::prompts as prompt_settings;
use crate::modules::billing::ledger;
use crate::modules::writer::content::html;

pub const KIND: &str = "generate_image_prompts";
pub const SCHEMA: &str = "image_prompts";

#[derive(Debug, Deserialize)]
struct Reply {
    featured_prompt: String,
    #[serde(default)]
    in_article_prompts: Vec<String>,
}

pub struct GenerateImagePrompts {
    pub deps: Arc<AiDeps>,
}

impl JobHandler for GenerateImagePrompts {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn run(&self, ctx: JobContext) -> JobFuture {
        let deps = self.deps.clone();
        Box::pin(async move { run(&deps, &ctx).await })
    }
}

/// The H2 headings of an article, in order.
fn headings(body: &str) -> Vec<String> {
    let lowered = body.to_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = lowered[from..].find("<h2") {
        let open = from + start;
        let Some(gt) = lowered[open..].find('>') else { break };
        let text_start = open + gt + 1;
        let end = lowered[text_start..].find("</h2>").map_or(body.len(), |e| text_start + e);
        out.push(html::text_of(&body[text_start..end]).split_whitespace().collect::<Vec<_>>().join(" "));
        from = end;
    }
    out
}

async fn run(deps: &AiDeps, ctx: &JobContext) -> Result<JobOutput, JobError> {
    let task = &ctx.task;
    if let Some(done) = already_saved(deps, task).await? {
        return Ok(done);
    }
    let ids: Vec<i64> =
        task.input["content_ids"].as_array().map(|a| a.iter().filter_map(|v| v.as_i64()).collect()).unwrap_or_default();
    let contents = content::Entity::find()
        .filter(content::Column::AccountId.eq(task.account_id))
        .filter(content::Column::Id.is_in(ids))
        .order_by_asc(content::Column::Id)
        .all(&deps.db)
        .await
        .map_err(retry)?;
    if contents.is_empty() {
        return Err(permanent("NOT_FOUND", "These articles no longer exist."));
    }
    let total = contents.len() as i64;
    ctx.progress(Progress {
        phase: Phase::Init,
        current: 0,
        total,
        item: None,
        message: Some("Loading articles".into()),
    })
    .await?;
    let settings = crate::modules::writer::settings::get(&deps.db, task.account_id).await.map_err(retry)?;
    let wanted = usize::try_from(settings.in_article_images).unwrap_or(2);
    let plan = text_plan(deps, KIND).await?;
    let offline = plan.primary.model.model_id() == ai::providers::offline::MODEL_ID;
    let extraction =
        prompt_settings::effective(&deps.db, task.account_id, "image_prompt_extraction").await.map_err(retry)?;
    let template =
        prompt_settings::effective(&deps.db, task.account_id, "image_prompt_template").await.map_err(retry)?;
    let negative = prompt_settings::effective(&deps.db, task.account_id, "negative_prompt").await.map_err(retry)?;
    let mut spend = Spend::new(plan.primary.model.model_id());
    let mut subjects: Vec<(content::Model, String, Vec<String>)> = Vec::new();
    for (n, c) in contents.into_iter().enumerate() {
        ctx.checkpoint().await?;
        ctx.progress(Progress {
            phase: Phase::AiCall,
            current: n as i64,
            total,
            item: Some(c.title.clone()),
            message: Some(format!("Describing images for “{}”", c.title)),
        })
        .await?;
        let sections = headings(&c.content_html);
        let (featured, inline) = if offline {
            spend.credits += plan.min_credits;
            let inline: Vec<String> = sections
                .iter()
                .filter(|h| !h.eq_ignore_ascii_case("conclusion"))
                .take(wanted)
                .map(|h| format!("{h}, illustrating “{}”", c.title))
                .collect();
            (format!("Featured image for “{}”", c.title), inline)
        } else {
            let (count, list) = (wanted.to_string(), sections.join("\n"));
            let prompt = domain::prompt::render(&extraction, |name| match name {
                "title" => Some(c.title.as_str()),
                "sections" => Some(list.as_str()),
                "in_article_count" => Some(count.as_str()),
                _ => None,
            });
            let request = TextRequest::new(prompt)
                .with_system("You describe photographs for blog articles. Answer with JSON only.")
                .with_json_schema(SCHEMA, json!({"type": "object", "required": ["featured_prompt", "in_article_prompts"], "properties": {
                    "featured_prompt": {"type": "string"}, "in_article_prompts": {"type": "array", "items": {"type": "string"}}}}));
            let answer = call_json_checked::<Reply>(&plan, &request, |r| {
                if r.featured_prompt.trim().is_empty() {
                    Err("featured_prompt is empty".into())
                } else if r.in_article_prompts.iter().filter(|p| !p.trim().is_empty()).count() < wanted {
                    Err(format!("give {wanted} in_article_prompts"))
                } else {
                    Ok(())
                }
            })
            .await?;
            spend.add(&answer);
            let inline =
                answer.value.in_article_prompts.into_iter().filter(|p| !p.trim().is_empty()).take(wanted).collect();
            (answer.value.featured_prompt, inline)
        };
        subjects.push((c, featured, inline));
    }
    ctx.progress(Progress {
        phase: Phase::Save,
        current: total,
        total,
        item: None,
        message: Some("Saving image prompts".into()),
    })
    .await?;
    let txn = db::begin_write(&deps.db).await.map_err(retry)?;
    let now = Utc::now();
    let mut created = 0usize;
    for (c, featured, inline) in &subjects {
        // Generated images stay; the rest are replaced by the new prompts.
        let kept: Vec<i32> = image::Entity::find()
            .filter(image::Column::ContentId.eq(c.id))
            .filter(image::Column::Status.eq("generated"))
            .all(&txn)
            .await
            .map_err(retry)?
            .into_iter()
            .map(|i| i.position)
            .collect();
        image::Entity::delete_many()
            .filter(image::Column::ContentId.eq(c.id))
            .filter(image::Column::Status.ne("generated"))
            .exec(&txn)
            .await
            .map_err(retry)?;
        let style = settings.image_style.clone();
        for (position, subject) in std::iter::once(featured).chain(inline.iter()).enumerate() {
            let position = i32::try_from(position).unwrap_or(0);
            if kept.contains(&position) {
                continue;
            }
            let prompt = domain::prompt::render(&template, |name| match name {
                "subject" => Some(subject.as_str()),
                "style" => Some(style.as_str()),
                _ => None,
            });
            image::Entity::insert(image::ActiveModel {
                id: NotSet,
                account_id: Set(c.account_id),
                site_id: Set(c.site_id),
                sector_id: Set(c.sector_id),
                content_id: Set(c.id),
                image_type: Set(if position == 0 { "featured" } else { "in_article" }.into()),
                position: Set(position),
                prompt: Set(prompt),
                negative_prompt: Set(negative.clone()),
                status: Set("pending".into()),
                error: Set(None),
                file_path: Set(None),
                mime: Set(None),
                width: Set(None),
                height: Set(None),
                size_bytes: Set(None),
                model: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(&txn)
            .await
            .map_err(retry)?;
            created += 1;
        }
    }
    let outcome = charge_job(&txn, task, KIND, format!("Image prompts ({} articles)", subjects.len()), &spend).await?;
    txn.commit().await.map_err(retry)?;
    ledger::after_charge(&deps.db, &deps.events, task.account_id, outcome).await;
    Ok(JobOutput {
        result: json!({"images_created": created, "content_ids": subjects.iter().map(|s| s.0.id).collect::<Vec<_>>(), "offline": offline}),
        cost_credits: spend.credits,
        message: format!("{created} image prompts for {} articles.", subjects.len()),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn headings_in_order() {
        let html = "<p>x</p><h2>One</h2><p>a</p><h2 id=\"b\">Two &amp; more</h2><h3>Sub</h3>";
        assert_eq!(super::headings(html), vec!["One", "Two & more"]);
        assert!(super::headings("<p>none</p>").is_empty());
    }
}
