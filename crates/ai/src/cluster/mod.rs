//! The keyword clustering engine (SPEC.md §6): local, deterministic, fast.
//!
//! ```
//! use ai::cluster::{ClusterInput, ClusterOptions, cluster_keywords};
//!
//! let keywords = ["running shoes", "best running shoes", "running shoes for women", "sourdough bread"];
//! let input: Vec<ClusterInput> = keywords.iter().map(|k| ClusterInput::without_volume(*k)).collect();
//! let outcome = cluster_keywords(&input, &ClusterOptions::default());
//! assert_eq!(outcome.clusters.len(), 1);
//! assert_eq!(outcome.clusters[0].name, "Running Shoes");
//! assert_eq!(outcome.unclustered, vec![3]);
//! ```
//!
//! # API
//! * [`cluster_keywords`]`(&[ClusterInput], &ClusterOptions) -> ClusterOutcome` — lexical similarity only.
//! * [`cluster_keywords_with_embeddings`]`(&[ClusterInput], &[Vec<f32>], &ClusterOptions)` — the same, blending in
//!   the cosine of precomputed vectors (one per keyword, empty where missing; the server caches them per
//!   model + keyword). It fails only when the vectors do not fit the input ([`ClusterError`]).
//! * [`ClusterOutcome`] refers to keywords by input index: [`Cluster`]s (name, pillar, members, [`Intent`]), the
//!   `unclustered` keywords, and the near-duplicate groups that were treated as one keyword.
//! * [`detect_intent`] / [`IntentDetector`] label single keywords; [`metrics`] compares groupings (ARI, NMI).
//!
//! # Pipeline
//! 1. **Normalise**: [`crate::normalise::normalise_keyword`] (NFKC, case, punctuation), words,
//!    stopwords out, Snowball English stems.
//! 2. **Merge near-duplicates**: keywords with the same sorted stem set ("running shoes for women", "Women Running
//!    Shoe") become one unit; only units are clustered, duplicates follow their canonical keyword.
//! 3. **Similarity**: cosine of IDF-weighted stem vectors and of character-trigram vectors, blended 70/30; modifier
//!    words (intent words, years, brands) weigh 0.3. With embeddings: `(1 − w)·lexical + w·cosine`. Lexical
//!    similarity cannot know that "minoxidil" is about hair loss; embeddings can.
//! 4. **Candidates** are found through an inverted index over stems and stem pairs/triples, skipping keys held by
//!    too many keywords, and each keyword keeps its most similar neighbours: near-linear in the input size.
//! 5. **Neighbourhood reweighting**: each edge is blended with the cosine of its ends' neighbourhoods, so keywords
//!    that share a template ("things to do in paris" / "… in tokyo") but not a topic drift apart.
//! 6. **Grouping**: average-linkage agglomeration down to `threshold`, then a lower `attach_threshold` pass that
//!    only grows groups below `min_size`. Groups above `max_size` distinct keywords are then split along their
//!    strongest links, keeping the tightest core whole; groups still below `min_size` are left unclustered rather
//!    than forced together.
//! 7. **Labelling**: pillar = highest volume (ties: shortest, then alphabetical), name = the title-cased pillar
//!    (unique within the run), intent = the majority of the members' modifier-word intents.
//!
//! Measured on the labelled fixture (`tests/fixtures/cluster_topics.csv`, 648 keywords in 54 topics of 11–13):
//! ARI ≈ 0.75 and NMI ≈ 0.92 with the defaults (every topic is larger than `max_size`, so each is necessarily
//! split); 10k keywords cluster in well under a second and 100k in a few seconds, single-threaded
//! (`cargo bench -p ai --bench cluster`).
//!
//! Results never depend on input order or hash order: units are ordered by their duplicate key and every tie is
//! broken on ids derived from that order. Pure, synchronous, no I/O.

mod candidates;
mod dedupe;
mod features;
mod intent;
mod linkage;
pub mod metrics;
mod naming;
mod neighbourhood;
mod similarity;
mod text;
mod types;

pub use intent::{Intent, IntentDetector, detect_intent};
pub use types::{Cluster, ClusterError, ClusterInput, ClusterOptions, ClusterOutcome, DuplicateGroup};

use candidates::{CandidateLimits, candidate_edges};
use dedupe::{Unit, duplicate_groups, merge_duplicates};
use features::Features;
use intent::majority_intent;
use linkage::{LinkageParams, agglomerate};
use naming::{Prominence, by_prominence, make_unique, title_case};
use similarity::Similarity;
use text::{Analysed, Analyser};

/// Pairs less similar than this share of `attach_threshold` are left out of the similarity graph (counted as 0):
/// alone they could never reach a merge threshold, and dropping them keeps the graph small.
const EDGE_FLOOR_FACTOR: f32 = 0.5;

/// Clusters keywords by lexical similarity. See the [module documentation](self).
pub fn cluster_keywords(inputs: &[ClusterInput], options: &ClusterOptions) -> ClusterOutcome {
    let options = sanitised(options);
    let prepared = Prepared::new(inputs, &options);
    let similarity = Similarity::lexical(&prepared.features);
    prepared.finish(inputs, &similarity, &options)
}

/// Clusters keywords by lexical similarity blended with embedding cosine. `embeddings` holds one vector per input
/// keyword, in input order; an empty vector means "none for this keyword" (its pairs are scored lexically). With
/// at most [`ClusterOptions::exhaustive_embedding_limit`] distinct keywords every pair is compared, so keywords
/// sharing no word can still be grouped; above it only lexical candidates are re-scored.
pub fn cluster_keywords_with_embeddings(
    inputs: &[ClusterInput],
    embeddings: &[Vec<f32>],
    options: &ClusterOptions,
) -> Result<ClusterOutcome, ClusterError> {
    if embeddings.len() != inputs.len() {
        return Err(ClusterError::EmbeddingCount { keywords: inputs.len(), embeddings: embeddings.len() });
    }
    let options = sanitised(options);
    let prepared = Prepared::new(inputs, &options);
    let similarity =
        Similarity::with_embeddings(&prepared.features, &prepared.units, embeddings, options.embedding_weight)?;
    Ok(prepared.finish(inputs, &similarity, &options))
}

/// Options with every value brought into its meaningful range.
fn sanitised(options: &ClusterOptions) -> ClusterOptions {
    let defaults = ClusterOptions::default();
    let unit = |value: f32, fallback: f32| if value.is_finite() { value.clamp(0.0, 1.0) } else { fallback };
    let threshold = unit(options.threshold, defaults.threshold);
    let min_size = options.min_size.max(1);
    ClusterOptions {
        threshold,
        attach_threshold: unit(options.attach_threshold, defaults.attach_threshold).min(threshold),
        min_size,
        max_size: options.max_size.max(min_size),
        embedding_weight: unit(options.embedding_weight, defaults.embedding_weight),
        max_key_frequency: options.max_key_frequency.max(2),
        max_neighbours: options.max_neighbours.max(1),
        exhaustive_embedding_limit: options.exhaustive_embedding_limit,
        brand_terms: options.brand_terms.clone(),
    }
}

/// Analysed input, duplicate units and their vectors: everything before similarity.
struct Prepared {
    analysed: Vec<Analysed>,
    units: Vec<Unit>,
    empty: Vec<usize>,
    features: Features,
}

impl Prepared {
    fn new(inputs: &[ClusterInput], options: &ClusterOptions) -> Self {
        let mut analyser = Analyser::new(&options.brand_terms);
        let analysed: Vec<Analysed> = inputs.iter().map(|input| analyser.analyse(&input.text)).collect();
        let (units, empty) = merge_duplicates(inputs, &analysed);
        let canonical: Vec<&Analysed> = units.iter().filter_map(|unit| analysed.get(unit.canonical)).collect();
        let features = Features::build(&canonical);
        Self { analysed, units, empty, features }
    }

    fn finish(&self, inputs: &[ClusterInput], similarity: &Similarity<'_>, options: &ClusterOptions) -> ClusterOutcome {
        let limits = CandidateLimits {
            max_key_frequency: options.max_key_frequency,
            max_neighbours: options.max_neighbours,
            min_similarity: options.attach_threshold * EDGE_FLOOR_FACTOR,
            exhaustive: similarity.has_embeddings() && self.units.len() <= options.exhaustive_embedding_limit,
        };
        let mut edges = candidate_edges(&self.features, similarity, limits);
        neighbourhood::reweight(self.units.len(), &mut edges, neighbourhood::WEIGHT);
        let params = LinkageParams {
            threshold: options.threshold,
            attach_threshold: options.attach_threshold,
            min_size: options.min_size,
            max_size: options.max_size,
        };
        let groups = agglomerate(self.units.len(), &edges, params);

        let detector = IntentDetector::new(&options.brand_terms);
        let prominence = |index: usize| Prominence {
            index,
            volume: inputs.get(index).and_then(|input| input.volume),
            text: self.analysed.get(index).map_or("", |analysis| analysis.normalised.as_str()),
        };
        let mut clusters = Vec::new();
        let mut unclustered = self.empty.clone();
        for group in groups {
            let members: Vec<usize> = group
                .iter()
                .filter_map(|&unit| self.units.get(unit as usize))
                .flat_map(|unit| unit.members.iter().copied())
                .collect();
            if group.len() < options.min_size {
                unclustered.extend(members);
                continue;
            }
            let mut ranked: Vec<Prominence<'_>> = members.iter().map(|&index| prominence(index)).collect();
            ranked.sort_by(by_prominence);
            let Some(pillar) = ranked.first().copied() else { continue };
            let intents: Vec<_> = ranked
                .iter()
                .map(|member| inputs.get(member.index).and_then(|input| detector.detect(&input.text)))
                .collect();
            let pillar_intent = intents.first().copied().flatten();
            clusters.push((
                pillar,
                Cluster {
                    name: title_case(pillar.text),
                    pillar: pillar.index,
                    members: ranked.iter().map(|member| member.index).collect(),
                    intent: majority_intent(&intents, pillar_intent),
                },
            ));
        }
        clusters.sort_by(|(x, _), (y, _)| by_prominence(x, y));
        let mut clusters: Vec<Cluster> = clusters.into_iter().map(|(_, cluster)| cluster).collect();
        let mut names: Vec<String> = clusters.iter().map(|cluster| cluster.name.clone()).collect();
        make_unique(&mut names);
        for (cluster, name) in clusters.iter_mut().zip(names) {
            cluster.name = name;
        }
        unclustered.sort_unstable();
        ClusterOutcome { clusters, unclustered, duplicates: duplicate_groups(&self.units) }
    }
}
