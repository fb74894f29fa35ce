//! `auto_cluster`: groups a sector's keywords into topic clusters. The local engine (SPEC.md §6) groups them; a
//! configured text model then names and checks the groups in batches, answering
//! `{clusters: [{name, description, keywords[]}]}`. With the Offline provider the engine's groups and names are
//! used as they are (labelled as an offline draft). Clusters are created per site+sector (an existing cluster of
//! the same name is reused), keywords become `mapped`, and the credit charge commits with them.

use std::collections::HashSet;
use std::sync::Arc;

use ai::TextRequest;
use ai::cluster::{ClusterInput, ClusterOptions};
use chrono::Utc;
use db::entities::{cluster, keyword, sector, site};
use domain::Phase;
use jobs::{JobContext, JobError, JobFuture, JobHandler, JobOutput, Progress};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use serde_json::json;

use super::models::text_plan;
use super::runner::{AiDeps, Spend, already_saved, call_json, charge_job, permanent, retry};
use crate::modules::ai_settings::prompts as prompt_settings;
use crate::modules::billing::ledger;
use crate::modules::planner::clusters::service::{by_name, name_key};

pub const KIND: &str = "auto_cluster";
pub const SCHEMA: &str = "keyword_clusters";
/// Keywords per request: enough for a whole sector's backlog, small enough to answer in seconds.
pub const MAX_KEYWORDS: usize = 2_000;
/// Keywords sent to the model in one call.
const BATCH_KEYWORDS: usize = 250;

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

/// A group ready to save: name, description and input indices.
struct Group {
    name: String,
    description: String,
    members: Vec<usize>,
}

pub struct AutoCluster {
    pub deps: Arc<AiDeps>,
}

fn progress(phase: Phase, current: i64, total: i64, message: impl Into<String>) -> Progress {
    Progress { phase, current, total, item: None, message: Some(message.into()) }
}

fn schema() -> serde_json::Value {
    json!({"type": "object", "required": ["clusters"], "properties": {"clusters": {"type": "array", "items": {
        "type": "object", "required": ["name", "keywords"], "properties": {
            "name": {"type": "string"}, "description": {"type": "string"},
            "keywords": {"type": "array", "items": {"type": "string"}}}}}}})
}

impl JobHandler for AutoCluster {
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
    ctx.progress(progress(Phase::Init, 0, 1, "Loading keywords")).await?;
    let sector_id =
        task.input["sector_id"].as_i64().ok_or_else(|| permanent("INVALID_INPUT", "sector_id is missing."))?;
    let sector = sector::Entity::find_by_id(sector_id)
        .filter(sector::Column::AccountId.eq(task.account_id))
        .one(&deps.db)
        .await
        .map_err(retry)?
        .ok_or_else(|| permanent("NOT_FOUND", "The sector no longer exists."))?;
    let site = site::Entity::find_by_id(sector.site_id).one(&deps.db).await.map_err(retry)?;
    let ids: Option<Vec<i64>> =
        task.input["keyword_ids"].as_array().map(|a| a.iter().filter_map(|v| v.as_i64()).collect());
    let mut select = keyword::Entity::find()
        .filter(keyword::Column::AccountId.eq(task.account_id))
        .filter(keyword::Column::SectorId.eq(sector.id))
        .filter(keyword::Column::DeletedAt.is_null());
    select = match &ids {
        Some(ids) => select.filter(keyword::Column::Id.is_in(ids.iter().copied())),
        None => select.filter(keyword::Column::Status.eq("new")),
    };
    let keywords = select.order_by_asc(keyword::Column::Id).all(&deps.db).await.map_err(retry)?;
    if keywords.len() < 2 {
        return Err(permanent("NOT_ENOUGH_KEYWORDS", "Clustering needs at least 2 keywords of this sector."));
    }

    ctx.progress(progress(Phase::Prep, 0, 1, format!("Grouping {} keywords", keywords.len()))).await?;
    let inputs: Vec<ClusterInput> = keywords.iter().map(|k| ClusterInput::new(k.keyword.clone(), k.volume)).collect();
    let texts: Vec<String> = keywords.iter().map(|k| k.keyword.clone()).collect();
    let embedded = super::embeddings::embed_keywords(deps, &texts).await;
    let (vectors, embedding_summary) = match embedded {
        Some(e) => {
            let credits = i64::try_from(e.tokens.div_ceil(e.tokens_per_credit)).unwrap_or(i64::MAX);
            let summary = json!({"model": e.model, "cached": e.cached, "tokens": e.tokens, "credits": credits});
            (Some(e.vectors), summary)
        }
        None => (None, serde_json::Value::Null),
    };
    let outcome = tokio::task::spawn_blocking(move || match vectors {
        Some(vectors) => ai::cluster::cluster_keywords_with_embeddings(&inputs, &vectors, &ClusterOptions::default())
            .unwrap_or_else(|_| ai::cluster::cluster_keywords(&inputs, &ClusterOptions::default())),
        None => ai::cluster::cluster_keywords(&inputs, &ClusterOptions::default()),
    })
    .await
    .map_err(retry)?;
    let plan = text_plan(deps, KIND).await?;
    let offline = plan.primary.model.model_id() == ai::providers::offline::MODEL_ID;

    let mut groups: Vec<Group> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut spend = Spend::new(plan.primary.model.model_id());
    if offline {
        for c in &outcome.clusters {
            let pillar = &keywords[c.pillar].keyword;
            groups.push(Group {
                name: c.name.clone(),
                description: format!(
                    "Offline draft: keywords around “{pillar}”, grouped by the local clustering engine ({} intent).",
                    serde_json::to_value(c.intent).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
                ),
                members: c.members.clone(),
            });
        }
        spend.credits = plan.min_credits;
    } else {
        let template = prompt_settings::effective(&deps.db, task.account_id, "clustering").await.map_err(retry)?;
        // Batches of whole engine groups; unclustered keywords ride along so the model may place them.
        let mut batches: Vec<Vec<Vec<usize>>> = vec![Vec::new()];
        let mut size = 0;
        let mut units: Vec<Vec<usize>> = outcome.clusters.iter().map(|c| c.members.clone()).collect();
        units.extend(outcome.unclustered.iter().map(|i| vec![*i]));
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
        let total = batches.len() as i64;
        let mut taken: HashSet<usize> = HashSet::new();
        for (n, batch) in batches.iter().enumerate() {
            ctx.checkpoint().await?;
            ctx.progress(progress(Phase::AiCall, n as i64, total, format!("Asking the model ({} of {total})", n + 1)))
                .await?;
            let members: Vec<usize> = batch.iter().flatten().copied().collect();
            let keyword_lines: Vec<String> = members
                .iter()
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
                    format!(
                        "{}. {}",
                        i + 1,
                        g.iter().map(|m| keywords[*m].keyword.as_str()).collect::<Vec<_>>().join("; ")
                    )
                })
                .collect();
            let (keywords_text, groups_text) = (keyword_lines.join("\n"), group_lines.join("\n"));
            let sector_name = sector.name.clone();
            let site_name = site.as_ref().map(|s| s.name.clone()).unwrap_or_default();
            let prompt = domain::prompt::render(&template, |name| match name {
                "keywords" => Some(keywords_text.as_str()),
                "groups" => Some(groups_text.as_str()),
                "sector" => Some(sector_name.as_str()),
                "site_name" => Some(site_name.as_str()),
                _ => None,
            });
            let request = TextRequest::new(prompt)
                .with_system("You group SEO keywords into topic clusters. Answer with JSON only.")
                .with_json_schema(SCHEMA, schema());
            let answer = call_json::<Reply>(&plan, &request).await?;
            spend.add(&answer);
            ctx.progress(progress(Phase::Parse, n as i64 + 1, total, "Matching the reply to your keywords")).await?;
            let batch_texts: Vec<String> = members.iter().map(|i| keywords[*i].keyword.clone()).collect();
            for c in answer.value.clusters {
                let (matched, missing) = ai::normalise::match_keywords(&c.keywords, &batch_texts);
                unknown.extend(missing);
                let fresh: Vec<usize> = matched.into_iter().map(|j| members[j]).filter(|i| taken.insert(*i)).collect();
                let name = c.name.split_whitespace().collect::<Vec<_>>().join(" ");
                if fresh.is_empty() || name_key(&name).is_empty() {
                    continue;
                }
                groups.push(Group {
                    name: name.chars().take(200).collect(),
                    description: c.description.trim().to_owned(),
                    members: fresh,
                });
            }
        }
    }

    spend.credits += embedding_summary["credits"].as_i64().unwrap_or(0);
    ctx.checkpoint().await?;
    ctx.progress(progress(Phase::Save, 0, 1, "Saving clusters")).await?;
    let txn = db::begin_write(&deps.db).await.map_err(retry)?;
    let mut existing = by_name(&txn, sector.id).await.map_err(retry)?;
    let now = Utc::now();
    let (mut created, mut reused, mut mapped) = (0usize, 0usize, 0u64);
    let mut cluster_ids = Vec::new();
    for group in &groups {
        let key = name_key(&group.name);
        let id = match existing.get(&key) {
            Some(found) => {
                reused += 1;
                found.id
            }
            None => {
                let row = cluster::ActiveModel {
                    id: NotSet,
                    account_id: Set(task.account_id),
                    site_id: Set(sector.site_id),
                    sector_id: Set(sector.id),
                    name: Set(group.name.clone()),
                    normalized_name: Set(key.clone()),
                    description: Set(group.description.clone()),
                    status: Set("new".into()),
                    created_at: Set(now),
                    updated_at: Set(now),
                };
                let inserted = cluster::Entity::insert(row).exec_with_returning(&txn).await.map_err(retry)?;
                created += 1;
                existing.insert(key, inserted.clone());
                inserted.id
            }
        };
        cluster_ids.push(id);
        let ids: Vec<i64> = group.members.iter().map(|i| keywords[*i].id).collect();
        mapped += keyword::Entity::update_many()
            .col_expr(keyword::Column::ClusterId, Expr::value(id))
            .col_expr(keyword::Column::Status, Expr::value("mapped"))
            .col_expr(keyword::Column::UpdatedAt, Expr::value(now))
            .filter(keyword::Column::Id.is_in(ids))
            .exec(&txn)
            .await
            .map_err(retry)?
            .rows_affected;
    }
    let outcome =
        charge_job(&txn, task, KIND, format!("Keyword clustering ({} keywords)", keywords.len()), &spend).await?;
    txn.commit().await.map_err(retry)?;
    ledger::after_charge(&deps.db, &deps.events, task.account_id, outcome).await;
    let left = keywords.len() as u64 - mapped;
    unknown.sort();
    unknown.dedup();
    Ok(JobOutput {
        result: json!({
            "clusters_created": created,
            "clusters_reused": reused,
            "keywords_mapped": mapped,
            "keywords_unclustered": left,
            "unknown_keywords": unknown.iter().take(20).collect::<Vec<_>>(),
            "cluster_ids": cluster_ids,
            "model": spend.model,
            "offline": offline,
            "embeddings": embedding_summary,
        }),
        cost_credits: spend.credits,
        message: format!("{mapped} keywords in {} clusters ({created} new); {left} left unclustered.", groups.len()),
    })
}
