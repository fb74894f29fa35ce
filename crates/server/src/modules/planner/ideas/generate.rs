//! `generate_ideas`: 3–7 article ideas per cluster, each with a persisted outline (6–10 H2 sections with H3s),
//! primary and covered keywords, content type and structure, and a target length. One model call per cluster;
//! an idea that breaks these rules (no title, an outline of the wrong size) is left out and the others are kept;
//! a reply with no usable idea gets one repair request, then the task fails and nothing is saved. With the
//! Offline provider the ideas are built from the cluster's keywords (labelled offline drafts). Saved through
//! [`service::save_generated`] with the charge, in one transaction.

use ai::TextRequest;
use ai::shape::Hints;
use db::entities::{cluster, keyword, sector, site};
use db::tenancy::{find_scoped, scoped};
use domain::Phase;
use domain::outline::{MAX_SECTIONS, MIN_SECTIONS, Outline, Section};
use domain::planner::{CONTENT_STRUCTURES, CONTENT_TYPES};
use jobs::{JobContext, JobError, JobInput, JobOutput, Progress};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use serde_json::json;

use super::dto::{GenerateIdeasJob, IdeaDraft};
use super::{offline, service};
use crate::ai_runtime::models::TextPlan;
use crate::ai_runtime::{AiDeps, AiJob, Spend, begin_save, call_json_checked, charge_job, permanent, retry, text_plan};
use crate::modules::ai_settings::prompts as prompt_settings;
use crate::modules::billing::ledger;

const KIND: &str = GenerateIdeasJob::KIND;
const SCHEMA: &str = "content_ideas";

#[derive(Debug, Deserialize)]
struct Reply {
    ideas: Vec<ReplyIdea>,
}

/// One idea as read: the reader ([`ai::parse::read`] with [`schema`] and [`hints`]) has left out ideas without a
/// title or with an outline of the wrong size, and turned keywords sent as one text into lists.
#[derive(Debug, Deserialize)]
struct ReplyIdea {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    content_type: String,
    #[serde(default)]
    content_structure: String,
    #[serde(default)]
    primary_keywords: Vec<String>,
    #[serde(default)]
    covered_keywords: Vec<String>,
    #[serde(default)]
    target_word_count: Option<u64>,
    outline: Vec<ReplySection>,
}

#[derive(Debug, Deserialize)]
struct ReplySection {
    h2: String,
    #[serde(default)]
    h3: Vec<String>,
}

pub struct GenerateIdeas;

fn schema() -> serde_json::Value {
    let section = json!({"type": "object", "required": ["h2"], "properties": {
        "h2": {"type": "string"}, "h3": {"type": "array", "items": {"type": "string"}}}});
    json!({"type": "object", "required": ["ideas"], "properties": {"ideas": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["title", "outline"], "properties": {
            "title": {"type": "string"}, "description": {"type": "string"},
            "content_type": {"type": "string", "enum": CONTENT_TYPES},
            "content_structure": {"type": "string", "enum": CONTENT_STRUCTURES},
            "primary_keywords": {"type": "array", "items": {"type": "string"}},
            "covered_keywords": {"type": "array", "items": {"type": "string"}},
            "target_word_count": {"type": "integer"},
            "outline": {"type": "array", "minItems": MIN_SECTIONS, "maxItems": MAX_SECTIONS, "items": section}}}}}})
}

/// Other names models give the fields (the original's prompt asked for `heading` / `subsections`, and for the
/// outline as `{"sections": […]}`), and the lists that may come as one comma-separated text.
fn hints() -> Hints {
    Hints::new()
        .alias("h2", &["heading", "section", "title", "name"])
        .alias("h3", &["subheadings", "subsections", "h3s", "subtopics"])
        .alias("primary_keywords", &["primary_keyword", "main_keyword"])
        .alias("covered_keywords", &["target_keywords", "secondary_keywords", "keywords"])
        .alias("target_word_count", &["estimated_word_count", "word_count"])
        .alias("outline", &["sections", "structure"])
        .comma_list("primary_keywords")
        .comma_list("covered_keywords")
        .comma_list("h3")
}

/// The outline of an idea as the writer will follow it, or why it cannot be.
fn outline_of(idea: &ReplyIdea) -> Result<Outline, String> {
    Outline(idea.outline.iter().map(|s| Section { h2: s.h2.clone(), h3: s.h3.clone() }).collect()).cleaned()
}

/// A reply is usable when at least one idea is: the reader left the others out already; this says why none is.
fn check(reply: &Reply) -> Result<(), String> {
    let problems: Vec<String> = reply
        .ideas
        .iter()
        .enumerate()
        .filter_map(|(n, idea)| outline_of(idea).err().map(|p| format!("the outline of idea {} is wrong: {p}", n + 1)))
        .collect();
    if problems.len() < reply.ideas.len() { Ok(()) } else { Err(problems.join("; ")) }
}

/// The idea as saved, or `None` when its outline cannot be followed.
fn draft(idea: ReplyIdea, keywords: &[String]) -> Option<IdeaDraft> {
    let outline = outline_of(&idea).ok()?;
    let known = |list: Vec<String>| -> Vec<String> {
        // Keywords the model names are kept as the input wrote them, when they match one.
        list.into_iter()
            .map(|k| {
                let key = ai::normalise::normalise_keyword(&k);
                keywords.iter().find(|i| ai::normalise::normalise_keyword(i) == key).cloned().unwrap_or(k)
            })
            .filter(|k| !k.trim().is_empty())
            .take(10)
            .collect()
    };
    let lowered = |s: &str| s.trim().to_lowercase().replace([' ', '-'], "_");
    let content_type = lowered(&idea.content_type);
    let structure = lowered(&idea.content_structure);
    Some(IdeaDraft {
        title: idea.title.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(300).collect(),
        description: idea.description.trim().to_owned(),
        content_type: if CONTENT_TYPES.contains(&content_type.as_str()) { content_type } else { "post".into() },
        content_structure: if CONTENT_STRUCTURES.contains(&structure.as_str()) { structure } else { "article".into() },
        primary_keywords: known(idea.primary_keywords),
        covered_keywords: known(idea.covered_keywords),
        outline,
        target_word_count: idea.target_word_count.map_or(1500, |w| i32::try_from(w).unwrap_or(1500)).clamp(300, 6000),
    })
}

impl AiJob for GenerateIdeas {
    type Input = GenerateIdeasJob;

    async fn run(deps: &AiDeps, ctx: &JobContext, input: GenerateIdeasJob) -> Result<JobOutput, JobError> {
        let account_id = ctx.task.account_id;
        let wanted = input.ideas_per_cluster.clamp(3, 7);
        let total = input.cluster_ids.len() as i64;
        ctx.progress(Progress::step(Phase::Init, 0, total, "Loading clusters")).await?;
        let clusters = scoped::<cluster::Entity>(account_id)
            .filter(cluster::Column::Id.is_in(input.cluster_ids.iter().copied()))
            .order_by_asc(cluster::Column::Id)
            .all(&deps.db)
            .await
            .map_err(retry)?;
        if clusters.is_empty() {
            return Err(permanent("NOT_FOUND", "These clusters no longer exist."));
        }
        let plan = text_plan(deps, KIND).await?;
        let template = prompt_settings::effective(&deps.db, account_id, "ideas").await.map_err(retry)?;
        let total = clusters.len() as i64;
        let mut made: Vec<(cluster::Model, Vec<IdeaDraft>)> = Vec::new();
        let mut spend = Spend::new(plan.primary.model.model_id());
        let mut left_out: Vec<String> = Vec::new();
        for (n, c) in clusters.into_iter().enumerate() {
            ctx.checkpoint().await?;
            let writing = Progress::step(Phase::AiCall, n as i64, total, format!("Writing ideas for “{}”", c.name));
            ctx.progress(writing.on(c.name.clone())).await?;
            let (drafts, notes) = ideas_for(deps, &plan, &template, &c, wanted, &mut spend).await?;
            left_out.extend(notes.into_iter().map(|note| format!("{}: {note}", c.name)));
            made.push((c, drafts));
        }
        ctx.progress(Progress::step(Phase::Parse, total, total, "Checking the ideas")).await?;
        ctx.checkpoint().await?;
        ctx.progress(Progress::step(Phase::Save, total, total, "Saving ideas")).await?;
        let source = if plan.is_offline() { "offline" } else { "ai" };
        let txn = begin_save(deps, &ctx.task).await?;
        let count = service::save_generated(&txn, &made, source).await.map_err(retry)?;
        let description = format!("Content ideas ({} clusters)", made.len());
        let outcome = charge_job(&txn, &ctx.task, KIND, description, &spend).await?;
        txn.commit().await.map_err(retry)?;
        ledger::after_charge(&deps.db, &deps.events, account_id, outcome).await;
        Ok(JobOutput {
            result: json!({"ideas_created": count, "clusters": made.len(), "model": spend.model, "offline": plan.is_offline(),
                "left_out": left_out.iter().take(20).collect::<Vec<_>>()}),
            cost_credits: spend.credits,
            message: format!("{count} ideas for {} clusters.", made.len()),
        })
    }
}

/// One cluster's ideas: from its keywords offline, else from one model call; with what the reader left out.
async fn ideas_for(
    deps: &AiDeps,
    plan: &TextPlan,
    template: &str,
    c: &cluster::Model,
    wanted: usize,
    spend: &mut Spend,
) -> Result<(Vec<IdeaDraft>, Vec<String>), JobError> {
    let keywords: Vec<keyword::Model> = scoped::<keyword::Entity>(c.account_id)
        .filter(keyword::Column::ClusterId.eq(c.id))
        .filter(keyword::Column::DeletedAt.is_null())
        .order_by_desc(keyword::Column::Volume)
        .order_by_asc(keyword::Column::Id)
        .all(&deps.db)
        .await
        .map_err(retry)?;
    let texts: Vec<String> = keywords.iter().map(|k| k.keyword.clone()).collect();
    if plan.is_offline() {
        spend.credits += plan.min_credits;
        return Ok((offline::ideas(&c.name, &texts, wanted), Vec::new()));
    }
    let sector = find_scoped::<sector::Entity, _>(&deps.db, c.account_id, c.sector_id).await.map_err(retry)?;
    let site = find_scoped::<site::Entity, _>(&deps.db, c.account_id, c.site_id).await.map_err(retry)?;
    let keyword_lines: String = keywords.iter().map(|k| format!("{} | volume {}\n", k.keyword, k.volume)).collect();
    let (sector_name, site_name, count) =
        (sector.map(|s| s.name).unwrap_or_default(), site.map(|s| s.name).unwrap_or_default(), wanted.to_string());
    let prompt = domain::prompt::render(template, |name| match name {
        "cluster_name" => Some(c.name.as_str()),
        "cluster_description" => Some(c.description.as_str()),
        "keywords" => Some(keyword_lines.as_str()),
        "sector" => Some(sector_name.as_str()),
        "site_name" => Some(site_name.as_str()),
        "idea_count" => Some(count.as_str()),
        _ => None,
    });
    let request = TextRequest::new(prompt)
        .with_system("You plan SEO articles. Answer with JSON only.")
        .with_json_schema(SCHEMA, schema());
    let answer = call_json_checked::<Reply>(plan, &request, &hints(), check).await?;
    spend.add(&answer);
    let drafts = answer.value.ideas.into_iter().filter_map(|i| draft(i, &texts)).take(7).collect();
    Ok((drafts, answer.notes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sends_and_reads_with_the_schema_and_hints_the_replies_corpus_scores() {
        let (schema, hints) = crate::ai_runtime::call::corpus_reading("generate_ideas");
        assert_eq!((super::schema(), super::hints()), (schema, hints));
    }
}
