//! `generate_image_prompts`: for each article, one featured and N in-article image descriptions (N from the
//! writer settings), each wrapped in the account's image style template, saved as `pending` images through
//! [`service::save_prompts`]. The model answers `{featured_prompt, in_article_prompts[]}`; with the Offline
//! provider the title and section headings are the subjects.

use ai::TextRequest;
use ai::shape::Hints;
use db::entities::content;
use db::tenancy::scoped;
use domain::Phase;
use jobs::{JobContext, JobError, JobInput, JobOutput, Progress};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use serde_json::json;

use super::dto::{ImagePromptsJob, ImageSubjects};
use super::service;
use crate::ai_runtime::models::TextPlan;
use crate::ai_runtime::{AiDeps, AiJob, Spend, begin_save, call_json_checked, charge_job, permanent, retry, text_plan};
use crate::modules::ai_settings::prompts as prompt_settings;
use crate::modules::billing::ledger;
use crate::modules::writer::content::html;

const KIND: &str = ImagePromptsJob::KIND;
const SCHEMA: &str = "image_prompts";

pub struct GenerateImagePrompts;

/// The prompts as read: the reader ([`ai::parse::read`] with [`schema`] and [`hints`]) has taken prompts given as
/// objects by their `prompt` text, split a numbered list sent as one text, and kept the first `wanted`.
#[derive(Debug, Deserialize)]
struct Reply {
    featured_prompt: String,
    #[serde(default)]
    in_article_prompts: Vec<String>,
}

/// `{featured_prompt, in_article_prompts[]}` with exactly `wanted` in-article prompts.
fn schema(wanted: usize) -> serde_json::Value {
    json!({"type": "object", "required": ["featured_prompt", "in_article_prompts"], "properties": {
        "featured_prompt": {"type": "string"},
        "in_article_prompts": {"type": "array", "minItems": wanted, "maxItems": wanted, "items": {"type": "string"}}}})
}

/// Other names models give the two fields.
fn hints() -> Hints {
    Hints::new()
        .alias("featured_prompt", &["featured", "featured_image", "featured_image_prompt", "hero_image", "cover_image"])
        .alias(
            "in_article_prompts",
            &[
                "in_article",
                "in_article_images",
                "inline_prompts",
                "section_prompts",
                "article_prompts",
                "image_prompts",
                "prompts",
            ],
        )
}

/// The account's prompts: how to ask for subjects, the style template around each, and what to avoid.
struct Templates {
    extraction: String,
    style_template: String,
    negative: String,
}

async fn templates(deps: &AiDeps, account_id: i64) -> Result<Templates, JobError> {
    let effective = |kind: &'static str| prompt_settings::effective(&deps.db, account_id, kind);
    Ok(Templates {
        extraction: effective("image_prompt_extraction").await.map_err(retry)?,
        style_template: effective("image_prompt_template").await.map_err(retry)?,
        negative: effective("negative_prompt").await.map_err(retry)?,
    })
}

impl AiJob for GenerateImagePrompts {
    const CONCURRENCY: usize = 4;
    type Input = ImagePromptsJob;

    async fn run(deps: &AiDeps, ctx: &JobContext, input: ImagePromptsJob) -> Result<JobOutput, JobError> {
        let account_id = ctx.task.account_id;
        let contents = scoped::<content::Entity>(account_id)
            .filter(content::Column::Id.is_in(input.content_ids.iter().copied()))
            .order_by_asc(content::Column::Id)
            .all(&deps.db)
            .await
            .map_err(retry)?;
        if contents.is_empty() {
            return Err(permanent("NOT_FOUND", "These articles no longer exist."));
        }
        let total = contents.len() as i64;
        ctx.progress(Progress::step(Phase::Init, 0, total, "Loading articles")).await?;
        let settings = crate::modules::writer::settings::get(&deps.db, account_id).await.map_err(retry)?;
        let wanted = usize::try_from(settings.in_article_images).unwrap_or(2);
        let plan = text_plan(deps, KIND).await?;
        let templates = templates(deps, account_id).await?;
        let mut spend = Spend::new(plan.primary.model.model_id());
        let mut made: Vec<(content::Model, ImageSubjects)> = Vec::new();
        for (n, c) in contents.into_iter().enumerate() {
            ctx.checkpoint().await?;
            let describing =
                Progress::step(Phase::AiCall, n as i64, total, format!("Describing images for “{}”", c.title));
            ctx.progress(describing.on(c.title.clone())).await?;
            let subjects = subjects_for(&plan, &templates.extraction, &c, wanted, &mut spend).await?;
            made.push((c, subjects));
        }
        ctx.progress(Progress::step(Phase::Save, total, total, "Saving image prompts")).await?;
        let style = settings.image_style.clone();
        let prompt = |subject: &str| {
            domain::prompt::render(&templates.style_template, |name| match name {
                "subject" => Some(subject),
                "style" => Some(style.as_str()),
                _ => None,
            })
        };
        let txn = begin_save(deps, &ctx.task).await?;
        let mut created = 0;
        for (c, subjects) in &made {
            created += service::save_prompts(&txn, c, subjects, prompt, &templates.negative).await.map_err(retry)?;
        }
        let description = format!("Image prompts ({} articles)", made.len());
        let outcome = charge_job(&txn, &ctx.task, KIND, description, &spend).await?;
        txn.commit().await.map_err(retry)?;
        ledger::after_charge(&deps.db, &deps.events, account_id, outcome).await;
        Ok(JobOutput {
            result: json!({"images_created": created, "content_ids": made.iter().map(|m| m.0.id).collect::<Vec<_>>(),
                "offline": plan.is_offline()}),
            cost_credits: spend.credits,
            message: format!("{created} image prompts for {} articles.", made.len()),
        })
    }
}

/// One article's subjects: its title and headings offline, else one model call.
async fn subjects_for(
    plan: &TextPlan,
    extraction: &str,
    c: &content::Model,
    wanted: usize,
    spend: &mut Spend,
) -> Result<ImageSubjects, JobError> {
    let sections = headings(&c.content_html);
    if plan.is_offline() {
        spend.credits += plan.min_credits;
        let inline = sections
            .iter()
            .filter(|h| !h.eq_ignore_ascii_case("conclusion"))
            .take(wanted)
            .map(|h| format!("{h}, illustrating “{}”", c.title))
            .collect();
        return Ok(ImageSubjects { featured: format!("Featured image for “{}”", c.title), inline });
    }
    let (count, list) = (wanted.to_string(), sections.join("\n"));
    let prompt = domain::prompt::render(extraction, |name| match name {
        "title" => Some(c.title.as_str()),
        "sections" => Some(list.as_str()),
        "in_article_count" => Some(count.as_str()),
        _ => None,
    });
    let request = TextRequest::new(prompt)
        .with_system("You describe photographs for blog articles. Answer with JSON only.")
        .with_json_schema(SCHEMA, schema(wanted));
    let answer = call_json_checked::<Reply>(plan, &request, &hints(), |r| {
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
    let inline = answer.value.in_article_prompts.into_iter().filter(|p| !p.trim().is_empty()).take(wanted).collect();
    Ok(ImageSubjects { featured: answer.value.featured_prompt, inline })
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

#[cfg(test)]
mod tests {
    #[test]
    fn sends_and_reads_with_the_schema_and_hints_the_replies_corpus_scores() {
        let (schema, hints) = crate::ai_runtime::call::corpus_reading("generate_image_prompts");
        assert_eq!((super::schema(2), super::hints()), (schema, hints));
    }

    #[test]
    fn headings_in_order() {
        let html = "<p>x</p><h2>One</h2><p>a</p><h2 id=\"b\">Two &amp; more</h2><h3>Sub</h3>";
        assert_eq!(super::headings(html), vec!["One", "Two & more"]);
        assert!(super::headings("<p>none</p>").is_empty());
    }
}
