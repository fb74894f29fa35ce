//! The similarity the grouping uses: lexical, blended with embedding cosine when vectors are given.

use super::dedupe::Unit;
use super::features::Features;
use super::types::ClusterError;

/// Pairwise similarity between units, 0–1.
pub(crate) struct Similarity<'a> {
    features: &'a Features,
    /// Per unit, a unit-length embedding, or empty when the unit has none.
    embeddings: Vec<Vec<f32>>,
    embedding_weight: f32,
}

impl<'a> Similarity<'a> {
    /// Lexical similarity only.
    pub fn lexical(features: &'a Features) -> Self {
        Self { features, embeddings: Vec::new(), embedding_weight: 0.0 }
    }

    /// Blends in the cosine of embeddings. `embeddings` has one entry per input keyword (empty = none); a unit uses
    /// its canonical keyword's vector, or a duplicate's when the canonical one has none.
    pub fn with_embeddings(
        features: &'a Features,
        units: &[Unit],
        embeddings: &[Vec<f32>],
        embedding_weight: f32,
    ) -> Result<Self, ClusterError> {
        let mut dimensions = None;
        for (index, vector) in embeddings.iter().enumerate().filter(|(_, vector)| !vector.is_empty()) {
            let expected = *dimensions.get_or_insert(vector.len());
            if vector.len() != expected {
                return Err(ClusterError::EmbeddingDimensions { index, expected, found: vector.len() });
            }
        }
        let per_unit = units
            .iter()
            .map(|unit| {
                let chosen = std::iter::once(unit.canonical)
                    .chain(unit.members.iter().copied())
                    .filter_map(|index| embeddings.get(index))
                    .find(|vector| !vector.is_empty());
                chosen.map_or_else(Vec::new, |vector| unit_length(vector))
            })
            .collect();
        Ok(Self { features, embeddings: per_unit, embedding_weight })
    }

    /// Whether any unit has an embedding.
    pub fn has_embeddings(&self) -> bool {
        self.embeddings.iter().any(|vector| !vector.is_empty())
    }

    /// Similarity of units `a` and `b`: `(1 − w) · lexical + w · max(0, cosine)` when both have embeddings,
    /// otherwise lexical.
    pub fn between(&self, a: usize, b: usize) -> f32 {
        self.blend(a, b, self.features.similarity(a, b))
    }

    /// [`Similarity::between`] for a lexical similarity already computed.
    pub fn blend(&self, a: usize, b: usize, lexical: f32) -> f32 {
        match (self.embeddings.get(a), self.embeddings.get(b)) {
            (Some(x), Some(y)) if !x.is_empty() && !y.is_empty() => {
                let cosine: f32 = x.iter().zip(y).map(|(p, q)| p * q).sum();
                (1.0 - self.embedding_weight) * lexical + self.embedding_weight * cosine.max(0.0)
            }
            _ => lexical,
        }
    }
}

/// The vector scaled to length 1; empty when it has no length (or is not finite), so it counts as missing.
fn unit_length(vector: &[f32]) -> Vec<f32> {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 && norm.is_finite() { vector.iter().map(|x| x / norm).collect() } else { Vec::new() }
}
