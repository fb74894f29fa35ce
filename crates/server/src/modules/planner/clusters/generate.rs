//! `auto_cluster`: groups a sector's keywords into topic clusters. The local engine (SPEC.md §6) groups them; a
//! configured text model then names and checks the groups in batches, answering
//! `{clusters: [{name, description, keywords[]}]}`. A reply none of whose clusters names a keyword of its batch is
//! unusable: it gets the one repair request, and if that is no better the batch counts for nothing (the task fails
//! when no batch gave a cluster: nothing saved, nothing charged). With the Offline provider the engine's groups and
//! names are used as they are (labelled as an offline draft). Clusters are saved per site+sector through
//! [`service::save_generated`] (an existing cluster of the same name is reused, keywords become `mapped`), and
//! the credit charge commits with them.

use ai::TextRequest;
use ai::cluster::{ClusterInput, ClusterOptions, ClusterOutcome};
use ai::normalise::{Assignment, assign_clusters};
use ai::shape::Hints;
use db::entities::{keyword, sector, site};
use db::tenancy::{find_scoped, scoped};
use domain::Phase;
use jobs::{JobContext, JobError, JobInput, JobOutput, Progress};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use serde_json::json;

use super::dto::{AutoClusterJob, GeneratedCluster};
use super::service::{self, name_key};
use crate::ai_runtime::models::TextPlan;
use crate::ai_runtime::{
    AiDeps, AiJob, Spend, begin_save, call_json_checked, charge_job, embeddings, permanent, retry, text_plan,
};
use crate::modules::ai_settings::prompts as prompt_settings;
use crate::modules::billing::ledger;

const KIND: &str = AutoClusterJob::KIND;
const SCHEMA: &str = "keyword_clusters";
/// Keywords sent to the model in one call.
const BATCH_KEYWORDS: usize = 250;

pub struct AutoCluster;

#[derive(Debug, Deserialize)]
struct Reply {
    clusters: Vec<ReplyCluster>,
}

#[derive(Debug, Deserialize)]
struct ReplyCluster {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    keywords: Vec<String>,
}

fn schema() -> serde_json::Value {
    json!({"type": "object", "required": ["clusters"], "properties": {"clusters": {"type": "array", "minItems": 1,
        "items": {"type": "object", "required": ["name", "keywords"], "properties": {
            "name": {"type": "string"}, "description": {"type": "string"},
            "keywords": {"type": "array", "minItems": 1, "items": {"type": "string"}}}}}}})
}

/// Other names models give the fields; keywords may come as one comma-separated text, or split into a primary
/// keyword and secondary keywords.
fn hints() -> Hints {
    Hints::new()
        .alias("name", &["cluster_name", "cluster", "topic", "title"])
        .alias("description", &["summary"])
        .alias("keywords", &["keyword_list", "terms", "members", "primary_keyword", "secondary_keywords"])
        .comma_list("keywords")
}

/// The reply's clusters matched to the batch's keywords (`texts`); an error when none names one of them.
fn assign(reply: &Reply, texts: &[String]) -> Result<Assignment, String> {
    let named = reply.clusters.iter().map(|c| (c.name.as_str(), c.description.as_str(), c.keywords.as_slice()));
    assign_clusters(named, texts)
}

/// The sector and its keywords to cluster, read with the task's account.
struct Loaded {
    sector: sector::Model,
    site_name: String,
    keywords: Vec<keyword::Model>,
}

/// The engine's groups, and what embedding the keywords cost (when an embedding model is configured).
struct Grouped {
    outcome: ClusterOutcome,
    embeddings: serde_json::Value,
    embedding_credits: i64,
}

/// Groups named by the model (or the engine), with the keywords the model named that were not in the batch, and
/// why batches that gave nothing were left out.
struct Named {
    groups: Vec<GeneratedCluster>,
    unknown: Vec<String>,
    left_out: Vec<String>,
}

impl AiJob for AutoCluster {
    type Input = AutoClusterJob;

    async fn run(deps: &AiDeps, ctx: &JobContext, input: AutoClusterJob) -> Result<JobOutput, JobError> {
        ctx.progress(Progress::step(Phase::Init, 0, 1, "Loading keywords")).await?;
        let loaded = load(deps, ctx.task.account_id, &input).await?;
        let count = loaded.keywords.len();
        ctx.progress(Progress::step(Phase::Prep, 0, 1, format!("Grouping {count} keywords"))).await?;
        let grouped = group(deps, &loaded.keywords).await?;
        let plan = text_plan(deps, KIND).await?;
        let mut spend = Spend::new(plan.primary.model.model_id());
        let named = if plan.is_offline() {
            spend.credits = plan.min_credits;
            offline_names(&grouped.outcome, &loaded.keywords)
        } else {
            let mut named = ask_model(deps, ctx, &plan, &loaded, &grouped.outcome, &mut spend).await?;
            inherit_pillars(&mut named.groups, &grouped.outcome, &loaded.keywords);
            named
        };
        spend.credits += grouped.embedding_credits;
        ctx.checkpoint().await?;
        ctx.progress(Progress::step(Phase::Save, 0, 1, "Saving clusters")).await?;
        let txn = begin_save(deps, &ctx.task).await?;
        let saved = service::save_generated(&txn, &loaded.sector, &named.groups).await.map_err(retry)?;
        let description = format!("Keyword clustering ({count} keywords)");
        let outcome = charge_job(&txn, &ctx.task, KIND, description, &spend).await?;
        txn.commit().await.map_err(retry)?;
        ledger::after_charge(&deps.db, &deps.events, ctx.task.account_id, outcome).await;
        let left = count as u64 - saved.keywords_mapped;
        let placed: std::collections::HashSet<i64> =
            named.groups.iter().flat_map(|g| g.keyword_ids.iter().copied()).collect();
        let alone: Vec<&str> =
            loaded.keywords.iter().filter(|k| !placed.contains(&k.id)).map(|k| k.keyword.as_str()).take(50).collect();
        let mut unknown = named.unknown;
        unknown.sort();
        unknown.dedup();
        Ok(JobOutput {
            result: json!({
                "clusters_created": saved.created, "clusters_reused": saved.reused,
                "keywords_mapped": saved.keywords_mapped, "keywords_unclustered": left,
                "unknown_keywords": unknown.iter().take(20).collect::<Vec<_>>(), "cluster_ids": saved.cluster_ids,
                "model": spend.model, "offline": plan.is_offline(), "embeddings": grouped.embeddings,
                "left_out": named.left_out, "unclustered_keywords": alone,
                "clusters_under_pillars": named.groups.iter().filter(|g| g.parent.is_some()).count(),
            }),
            cost_credits: spend.credits,
            message: format!(
                "{} keywords in {} clusters ({} new); {left} left unclustered.",
                saved.keywords_mapped,
                named.groups.len(),
                saved.created
            ),
        })
    }
}

async fn load(deps: &AiDeps, account_id: i64, input: &AutoClusterJob) -> Result<Loaded, JobError> {
    let sector = find_scoped::<sector::Entity, _>(&deps.db, account_id, input.sector_id)
        .await
        .map_err(retry)?
        .ok_or_else(|| permanent("NOT_FOUND", "The sector no longer exists."))?;
    let site = find_scoped::<site::Entity, _>(&deps.db, account_id, sector.site_id).await.map_err(retry)?;
    let select = scoped::<keyword::Entity>(account_id)
        .filter(keyword::Column::SectorId.eq(sector.id))
        .filter(keyword::Column::DeletedAt.is_null());
    let select = match &input.keyword_ids {
        Some(ids) => select.filter(keyword::Column::Id.is_in(ids.iter().copied())),
        None => select.filter(keyword::Column::Status.eq("new")),
    };
    let keywords = select.order_by_asc(keyword::Column::Id).all(&deps.db).await.map_err(retry)?;
    if keywords.len() < 2 {
        return Err(permanent("NOT_ENOUGH_KEYWORDS", "Clustering needs at least 2 keywords of this sector."));
    }
    Ok(Loaded { sector, site_name: site.map(|s| s.name).unwrap_or_default(), keywords })
}

/// The local engine's groups, on the keywords' embeddings when a model gives them, else on their wording.
async fn group(deps: &AiDeps, keywords: &[keyword::Model]) -> Result<Grouped, JobError> {
    let inputs: Vec<ClusterInput> = keywords.iter().map(|k| ClusterInput::new(k.keyword.clone(), k.volume)).collect();
    let texts: Vec<String> = keywords.iter().map(|k| k.keyword.clone()).collect();
    let (vectors, embeddings, embedding_credits) = match embeddings::embed_keywords(deps, &texts).await {
        Some(e) => {
            let credits = i64::try_from(e.tokens.div_ceil(e.tokens_per_credit)).unwrap_or(i64::MAX);
            let summary = json!({"model": e.model, "cached": e.cached, "tokens": e.tokens, "credits": credits});
            (Some(e.vectors), summary, credits)
        }
        None => (None, serde_json::Value::Null, 0),
    };
    let outcome = tokio::task::spawn_blocking(move || {
        let options = ClusterOptions::default();
        match vectors {
            Some(vectors) => ai::cluster::cluster_keywords_with_embeddings(&inputs, &vectors, &options)
                .unwrap_or_else(|_| ai::cluster::cluster_keywords(&inputs, &options)),
            None => ai::cluster::cluster_keywords(&inputs, &options),
        }
    })
    .await
    .map_err(retry)?;
    Ok(Grouped { outcome, embeddings, embedding_credits })
}

/// The engine's groups and names as they are, labelled as an offline draft.
fn offline_names(outcome: &ClusterOutcome, keywords: &[keyword::Model]) -> Named {
    let groups = outcome
        .clusters
        .iter()
        .map(|c| {
            let intent = serde_json::to_value(c.intent).ok().and_then(|v| v.as_str().map(str::to_owned));
            GeneratedCluster {
                name: c.name.clone(),
                description: format!(
                    "Offline draft: keywords around “{}”, grouped by the local clustering engine ({} intent).",
                    keywords[c.pillar].keyword,
                    intent.unwrap_or_default()
                ),
                keyword_ids: c.members.iter().map(|i| keywords[*i].id).collect(),
                parent: c.parent,
            }
        })
        .collect();
    Named { groups, unknown: Vec::new(), left_out: Vec::new() }
}

/// Carries the engine's pillar hierarchy over to the model's clusters: each model cluster stands for the engine
/// cluster holding most of its keywords, and sits under the model cluster standing for that one's pillar.
fn inherit_pillars(groups: &mut [GeneratedCluster], outcome: &ClusterOutcome, keywords: &[keyword::Model]) {
    let mut engine_cluster: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for (index, c) in outcome.clusters.iter().enumerate() {
        for member in &c.members {
            if let Some(k) = keywords.get(*member) {
                engine_cluster.insert(k.id, index);
            }
        }
    }
    let stands_for: Vec<Option<usize>> = groups
        .iter()
        .map(|g| {
            let mut counts: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
            for id in &g.keyword_ids {
                if let Some(&c) = engine_cluster.get(id) {
                    *counts.entry(c).or_insert(0) += 1;
                }
            }
            counts.into_iter().max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0))).map(|(c, _)| c)
        })
        .collect();
    for (index, group) in groups.iter_mut().enumerate() {
        let pillar = stands_for[index].and_then(|c| outcome.clusters.get(c)).and_then(|c| c.parent);
        group.parent = pillar
            .and_then(|pillar| stands_for.iter().position(|&c| c == Some(pillar)))
            .filter(|&parent| parent != index);
    }
}

/// Whole engine groups in batches of about [`BATCH_KEYWORDS`]; unclustered keywords ride along so the model may
/// place them.
fn batches(outcome: &ClusterOutcome) -> Vec<Vec<Vec<usize>>> {
    let mut batches: Vec<Vec<Vec<usize>>> = vec![Vec::new()];
    let mut size = 0;
    let units = outcome.clusters.iter().map(|c| c.members.clone()).chain(outcome.unclustered.iter().map(|i| vec![*i]));
    for unit in units {
        if size + unit.len() > BATCH_KEYWORDS && size > 0 {
            batches.push(Vec::new());
            size = 0;
        }
        size += unit.len();
        if let Some(batch) = batches.last_mut() {
            batch.push(unit);
        }
    }
    batches
}

fn request(template: &str, loaded: &Loaded, batch: &[Vec<usize>]) -> TextRequest {
    let keywords = &loaded.keywords;
    let keyword_lines: Vec<String> = batch
        .iter()
        .flatten()
        .map(|i| {
            let k = &keywords[*i];
            format!("{} | volume {} | difficulty {} | {}", k.keyword, k.volume, k.difficulty, k.intent)
        })
        .collect();
    let group_lines: Vec<String> = batch
        .iter()
        .filter(|g| g.len() > 1)
        .enumerate()
        .map(|(i, g)| {
            format!("{}. {}", i + 1, g.iter().map(|m| keywords[*m].keyword.as_str()).collect::<Vec<_>>().join("; "))
        })
        .collect();
    let (keywords_text, groups_text) = (keyword_lines.join("\n"), group_lines.join("\n"));
    let prompt = domain::prompt::render(template, |name| match name {
        "keywords" => Some(keywords_text.as_str()),
        "groups" => Some(groups_text.as_str()),
        "sector" => Some(loaded.sector.name.as_str()),
        "site_name" => Some(loaded.site_name.as_str()),
        _ => None,
    });
    TextRequest::new(prompt)
        .with_system("You group SEO keywords into topic clusters. Answer with JSON only.")
        .with_json_schema(SCHEMA, schema())
}

/// One model call per batch (with its repair request); each keyword joins the first cluster the model puts it
/// in. A batch whose reply stays unusable is left out when other batches gave clusters; with none, the task fails
/// with the reason.
async fn ask_model(
    deps: &AiDeps,
    ctx: &JobContext,
    plan: &TextPlan,
    loaded: &Loaded,
    outcome: &ClusterOutcome,
    spend: &mut Spend,
) -> Result<Named, JobError> {
    let template = prompt_settings::effective(&deps.db, ctx.task.account_id, "clustering").await.map_err(retry)?;
    let batches = batches(outcome);
    let total = batches.len() as i64;
    let hints = hints();
    let mut named = Named { groups: Vec::new(), unknown: Vec::new(), left_out: Vec::new() };
    let mut first_failure: Option<JobError> = None;
    for (n, batch) in batches.iter().enumerate() {
        ctx.checkpoint().await?;
        let asking = format!("Asking the model ({} of {total})", n + 1);
        ctx.progress(Progress::step(Phase::AiCall, n as i64, total, asking)).await?;
        let members: Vec<usize> = batch.iter().flatten().copied().collect();
        let texts: Vec<String> = members.iter().map(|i| loaded.keywords[*i].keyword.clone()).collect();
        let request = request(&template, loaded, batch);
        let answer = match call_json_checked::<Reply>(plan, &request, &hints, |r| assign(r, &texts).map(|_| ())).await {
            Ok(answer) => answer,
            // An unusable reply costs this batch only; the others' clusters are kept.
            Err(JobError::Permanent { code, message }) if code == "PARSE_ERROR" && batches.len() > 1 => {
                named.left_out.push(format!("batch {} of {total}: {message}", n + 1));
                first_failure.get_or_insert(JobError::Permanent { code, message });
                continue;
            }
            Err(other) => return Err(other),
        };
        spend.add(&answer);
        ctx.progress(Progress::step(Phase::Parse, n as i64 + 1, total, "Matching the reply to your keywords")).await?;
        let assignment = assign(&answer.value, &texts).map_err(|reason| permanent("PARSE_ERROR", reason))?;
        named.unknown.extend(assignment.unknown);
        for c in assignment.clusters {
            if name_key(&c.name).is_empty() {
                continue;
            }
            named.groups.push(GeneratedCluster {
                name: c.name.chars().take(200).collect(),
                description: c.description,
                keyword_ids: c.members.iter().map(|j| loaded.keywords[members[*j]].id).collect(),
                parent: None,
            });
        }
    }
    if named.groups.is_empty() {
        return Err(first_failure.unwrap_or_else(|| {
            permanent("PARSE_ERROR", "The model's reply could not be used: none of its clusters has a usable name.")
        }));
    }
    Ok(named)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sends_and_reads_with_the_schema_and_hints_the_replies_corpus_scores() {
        let (schema, hints) = crate::ai_runtime::call::corpus_reading("auto_cluster");
        assert_eq!((super::schema(), super::hints()), (schema, hints));
    }
}
