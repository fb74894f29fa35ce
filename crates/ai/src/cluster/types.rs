//! The engine's public data: what goes in, the knobs, and what comes out.
//!
//! Outputs refer to keywords by their index in the input slice, so the caller (which holds database ids) maps
//! results back without string matching.

use serde::{Deserialize, Serialize};

use super::intent::Intent;

/// One keyword to cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterInput {
    /// The keyword as the user entered it; any case, spacing or Unicode form.
    pub text: String,
    /// Monthly search volume, when known. Picks the pillar keyword; unknown sorts below a known zero.
    pub volume: Option<i64>,
}

impl ClusterInput {
    /// A keyword with a known volume.
    pub fn new(text: impl Into<String>, volume: i64) -> Self {
        Self { text: text.into(), volume: Some(volume) }
    }

    /// A keyword whose volume is unknown.
    pub fn without_volume(text: impl Into<String>) -> Self {
        Self { text: text.into(), volume: None }
    }
}

/// Tuning knobs. [`Default`] holds the values measured on the labelled fixture (see the benchmark); out-of-range
/// values are clamped rather than rejected, so a bad setting degrades results instead of failing a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterOptions {
    /// Two groups merge when the average similarity over all their cross pairs reaches this (0–1).
    pub threshold: f32,
    /// Lower bar used only to grow groups still smaller than `min_size` (0–1, at most `threshold`): a keyword that
    /// is loosely related to a small group joins it, instead of both ending up unclustered.
    pub attach_threshold: f32,
    /// Groups with fewer distinct keywords than this are dissolved into [`ClusterOutcome::unclustered`]. The
    /// default, 2, leaves out only keywords that stand alone.
    pub min_size: usize,
    /// Optional cap on distinct keywords per cluster; `usize::MAX` (the default) means none. A cluster is one search
    /// intent, whatever its size: capping it splits the intent into clusters that compete for the same searches.
    /// With a cap, a larger group comes out as several clusters, split where its members are least similar.
    /// Duplicates ride along with their canonical keyword and are not counted.
    pub max_size: usize,
    /// Clusters whose average link (the same bounded average as `threshold`, over their topic cores) reaches this
    /// are grouped under one pillar: the most prominent of them becomes the parent of the others
    /// ([`Cluster::parent`]). 0–1, at most `threshold`.
    pub pillar_threshold: f32,
    /// Share of the embedding cosine in the blended similarity when vectors are given (0–1); the rest is lexical.
    pub embedding_weight: f32,
    /// Candidate generation skips index keys (stems, stem pairs, stem triples) found in more keywords than this,
    /// which keeps the work near-linear: a key shared by thousands of keywords says little about any one pair.
    pub max_key_frequency: usize,
    /// Each keyword keeps at most this many most-similar neighbours as merge candidates.
    pub max_neighbours: usize,
    /// With embeddings and at most this many distinct keywords, every pair is compared, so keywords that share no
    /// word ("sneakers", "trainers") can still meet; above it only lexical candidates are compared.
    pub exhaustive_embedding_limit: usize,
    /// Brand names of the site's own or competitors' products. A keyword made only of brand words (plus words such
    /// as "login" or "website") is labelled navigational; brand words weigh little in similarity, so "nike running
    /// shoes" groups with "running shoes" rather than with "nike socks".
    pub brand_terms: Vec<String>,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            threshold: 0.45,
            attach_threshold: 0.25,
            min_size: 2,
            max_size: usize::MAX,
            pillar_threshold: 0.15,
            embedding_weight: 0.5,
            max_key_frequency: 400,
            max_neighbours: 24,
            exhaustive_embedding_limit: 3000,
            brand_terms: Vec::new(),
        }
    }
}

/// One group of related keywords.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Title-cased pillar keyword; unique within one [`ClusterOutcome`] (a numeric suffix resolves clashes).
    pub name: String,
    /// Input index of the pillar keyword: highest volume, then shortest, then alphabetical.
    pub pillar: usize,
    /// Input indices of all members, duplicates included, pillar first, then by volume (descending), length and
    /// text.
    pub members: Vec<usize>,
    /// The search intent most members express.
    pub intent: Intent,
    /// Index (in [`ClusterOutcome::clusters`]) of the pillar cluster this one sits under, when several clusters are
    /// facets of one broader topic ("cat food" over "kitten food" and "cat food bowls"). A pillar has no parent
    /// itself, and each child is still one intent of its own.
    #[serde(default)]
    pub parent: Option<usize>,
}

/// Keywords that normalise to the same thing (case, Unicode form, plurals, word order, stopwords) and were
/// treated as one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    /// The input index that stood for the group: highest volume, then shortest, then alphabetical.
    pub canonical: usize,
    /// The other input indices, ascending.
    pub duplicates: Vec<usize>,
}

/// The result of one clustering run. Every input index appears exactly once: in one cluster or in `unclustered`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterOutcome {
    /// Clusters, by pillar volume (descending), then name.
    pub clusters: Vec<Cluster>,
    /// Input indices left out: unrelated to anything, in a group smaller than `min_size`, or empty after
    /// normalisation. Ascending.
    pub unclustered: Vec<usize>,
    /// Near-duplicate groups found during normalisation, by canonical index. Their members also appear in
    /// `clusters` or `unclustered`.
    pub duplicates: Vec<DuplicateGroup>,
}

impl ClusterOutcome {
    /// A cluster label per input keyword, for comparing groupings (see [`super::metrics`]): cluster `k` gets label
    /// `k`, and each unclustered keyword gets a label of its own.
    pub fn labels(&self, input_len: usize) -> Vec<usize> {
        let mut labels = vec![usize::MAX; input_len];
        for (label, cluster) in self.clusters.iter().enumerate() {
            for &member in &cluster.members {
                if let Some(slot) = labels.get_mut(member) {
                    *slot = label;
                }
            }
        }
        let unlabelled = labels.iter_mut().filter(|slot| **slot == usize::MAX);
        for (label, slot) in (self.clusters.len()..).zip(unlabelled) {
            *slot = label;
        }
        labels
    }
}

/// Why clustering with embeddings was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// The embedding list must have one entry (possibly empty) per input keyword.
    #[error("{embeddings} embeddings for {keywords} keywords")]
    EmbeddingCount { keywords: usize, embeddings: usize },
    /// All non-empty vectors must have the same length.
    #[error("embedding {index} has {found} dimensions, expected {expected}")]
    EmbeddingDimensions { index: usize, expected: usize, found: usize },
}
