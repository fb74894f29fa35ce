//! Semantic similarity for clustering: when the catalogue has an active default embedding model, keywords are
//! embedded through it and the vectors cached per model and keyword, so each keyword is paid for once. Any
//! trouble (no model, a provider error) falls back to lexical clustering rather than failing the job.

use std::collections::HashMap;

use ai::Embedder;
use ai::providers::OpenAiEmbeddings;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chrono::Utc;
use db::entities::keyword_embedding;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::deps::AiDeps;
use super::models::provider_config;
use crate::modules::ai_settings::catalogue;

/// Texts per provider request.
const BATCH: usize = 256;

/// Vectors for each keyword (in input order) and the tokens newly paid for, or `None` when no embedding
/// model is configured or it failed.
pub struct Embedded {
    pub vectors: Vec<Vec<f32>>,
    pub model: String,
    pub tokens: u64,
    pub tokens_per_credit: u64,
    /// How many came from the cache.
    pub cached: usize,
}

fn encode(vector: &[f32]) -> String {
    let bytes: Vec<u8> = vector.iter().flat_map(|f| f.to_le_bytes()).collect();
    STANDARD_NO_PAD.encode(bytes)
}

fn decode(text: &str) -> Option<Vec<f32>> {
    let bytes = STANDARD_NO_PAD.decode(text).ok()?;
    (bytes.len() % 4 == 0)
        .then(|| bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

async fn embedder(deps: &AiDeps) -> Option<(Box<dyn Embedder>, u64)> {
    let resolved = match catalogue::default_of(&deps.db, "embedding").await {
        Ok(Some(r)) if r.provider.kind == "openai" => r,
        Ok(_) => return None,
        Err(error) => {
            tracing::warn!(%error, "cannot read the embedding model; clustering by wording only");
            return None;
        }
    };
    let config = match provider_config(&resolved, &deps.cipher, ai::providers::openai::DEFAULT_BASE_URL) {
        Ok(config) => config,
        Err(error) => {
            tracing::warn!(%error, "the embedding provider cannot be used; clustering by wording only");
            return None;
        }
    };
    let tpc = u64::try_from(resolved.model.tokens_per_credit).unwrap_or(100_000).max(1);
    OpenAiEmbeddings::new(config).ok().map(|e| (Box::new(e) as Box<dyn Embedder>, tpc))
}

async fn cached(
    db: &DatabaseConnection,
    model: &str,
    keys: &[String],
) -> Result<HashMap<String, Vec<f32>>, sea_orm::DbErr> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(500) {
        let rows = keyword_embedding::Entity::find()
            .filter(keyword_embedding::Column::Model.eq(model))
            .filter(keyword_embedding::Column::Normalized.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        for row in rows {
            if let Some(vector) = decode(&row.vector) {
                found.insert(row.normalized, vector);
            }
        }
    }
    Ok(found)
}

/// Embeds the keywords (cache first), or `None` to cluster by wording only.
pub async fn embed_keywords(deps: &AiDeps, texts: &[String]) -> Option<Embedded> {
    let (embedder, tokens_per_credit) = embedder(deps).await?;
    let model = embedder.model_id().to_owned();
    let keys: Vec<String> = texts.iter().map(|t| ai::normalise::normalise_keyword(t)).collect();
    let mut known = match cached(&deps.db, &model, &keys).await {
        Ok(known) => known,
        Err(error) => {
            tracing::warn!(%error, "cannot read cached embeddings");
            HashMap::new()
        }
    };
    let cached_count = keys.iter().filter(|k| known.contains_key(*k)).count();
    let mut missing: Vec<String> = keys.iter().filter(|k| !known.contains_key(*k)).cloned().collect();
    missing.sort();
    missing.dedup();
    let mut tokens = 0;
    for chunk in missing.chunks(BATCH) {
        match embedder.embed(chunk).await {
            Ok(response) => {
                tokens += response.usage.total();
                let now = Utc::now();
                let rows: Vec<keyword_embedding::ActiveModel> = chunk
                    .iter()
                    .zip(&response.vectors)
                    .map(|(key, vector)| keyword_embedding::ActiveModel {
                        id: NotSet,
                        model: Set(model.clone()),
                        normalized: Set(key.clone()),
                        vector: Set(encode(vector)),
                        created_at: Set(now),
                    })
                    .collect();
                let stored = keyword_embedding::Entity::insert_many(rows)
                    .on_conflict(
                        OnConflict::columns([keyword_embedding::Column::Model, keyword_embedding::Column::Normalized])
                            .do_nothing()
                            .to_owned(),
                    )
                    .exec_without_returning(&deps.db)
                    .await;
                if let Err(error) = stored {
                    tracing::warn!(%error, "could not cache embeddings");
                }
                known.extend(chunk.iter().cloned().zip(response.vectors));
            }
            Err(error) => {
                tracing::warn!(%error, "embedding failed; clustering by wording only");
                return None;
            }
        }
    }
    Some(Embedded {
        vectors: keys.iter().map(|k| known.get(k).cloned().unwrap_or_default()).collect(),
        model,
        tokens,
        tokens_per_credit,
        cached: cached_count,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn vectors_round_trip() {
        let v = vec![0.5f32, -1.25, 3.0e-7];
        assert_eq!(super::decode(&super::encode(&v)), Some(v));
        assert_eq!(super::decode("!!"), None);
    }
}
