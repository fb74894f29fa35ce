//! Candidate pairs: which units are compared at all.
//!
//! Comparing every pair is quadratic (5·10⁹ pairs for 100k keywords). Instead each unit is indexed under its topic
//! stems and under every pair and triple of them; units are compared only when they share an index key, and keys
//! held by more than `max_key_frequency` units are skipped. Frequent single stems ("shoe" in a shoe shop's list) are
//! thus dropped while their combinations ("trail + run + shoe") still connect the keywords that really belong
//! together. Each unit keeps its `max_neighbours` most similar partners, which bounds the graph at n·k edges.

use std::collections::HashMap;

use foldhash::fast::FixedState;

use super::features::Features;
use super::similarity::Similarity;

/// At most this many of a unit's rarest topic stems form its pair and triple keys (a 12-word keyword would
/// otherwise have 220 triples).
const MAX_COMBINED_STEMS: usize = 8;

/// An undirected edge between two units (`a < b`) with their similarity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Edge {
    pub a: u32,
    pub b: u32,
    pub similarity: f32,
}

/// Limits for [`candidate_edges`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct CandidateLimits {
    pub max_key_frequency: usize,
    pub max_neighbours: usize,
    /// Pairs less similar than this are not kept.
    pub min_similarity: f32,
    /// Compare every pair instead of using the index (small inputs with embeddings).
    pub exhaustive: bool,
}

/// The similarity graph: each unit's most similar candidates, as sorted, de-duplicated edges.
pub(crate) fn candidate_edges(features: &Features, similarity: &Similarity<'_>, limits: CandidateLimits) -> Vec<Edge> {
    let units = features.topic_ids.len();
    let mut neighbours: Vec<Vec<(u32, f32)>> = vec![Vec::new(); units];
    if limits.exhaustive {
        for a in 0..units {
            for b in a + 1..units {
                let value = similarity.between(a, b);
                if value >= limits.min_similarity {
                    push(&mut neighbours, a, b, value);
                    push(&mut neighbours, b, a, value);
                }
            }
        }
    } else {
        let index = KeyIndex::build(features, limits.max_key_frequency);
        // `seen[b] == a + 1` marks b as already compared with a, without clearing between units.
        let mut seen = vec![0u32; units];
        let mut dense = vec![0.0; features.dimension()];
        for a in 0..units {
            let stamp = a as u32 + 1;
            features.scatter(a, &mut dense, false);
            for key in unit_keys(features, a) {
                let Some(postings) = index.postings.get(&key) else { continue };
                // Postings are ascending; pairs with a lower unit were scored when that unit came first.
                let later = postings.partition_point(|&b| b as usize <= a);
                for &b in postings.get(later..).unwrap_or_default() {
                    let b_index = b as usize;
                    if seen.get(b_index) == Some(&stamp) {
                        continue;
                    }
                    if let Some(slot) = seen.get_mut(b_index) {
                        *slot = stamp;
                    }
                    let value = similarity.blend(a, b_index, features.dense_similarity(&dense, b_index));
                    if value >= limits.min_similarity {
                        push(&mut neighbours, a, b_index, value);
                        push(&mut neighbours, b_index, a, value);
                    }
                }
            }
            features.scatter(a, &mut dense, true);
        }
    }
    let mut edges = Vec::new();
    for (a, list) in neighbours.iter_mut().enumerate() {
        list.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        list.truncate(limits.max_neighbours);
        for &(b, value) in list.iter() {
            let (low, high) = if (a as u32) < b { (a as u32, b) } else { (b, a as u32) };
            edges.push(Edge { a: low, b: high, similarity: value });
        }
    }
    edges.sort_by(|x, y| x.a.cmp(&y.a).then(x.b.cmp(&y.b)));
    edges.dedup_by(|x, y| x.a == y.a && x.b == y.b);
    edges
}

fn push(neighbours: &mut [Vec<(u32, f32)>], from: usize, to: usize, value: f32) {
    if let Some(list) = neighbours.get_mut(from) {
        list.push((to as u32, value));
    }
}

/// An index key: one, two or three stem ids, ascending, padded with `u32::MAX`.
type Key = [u32; 3];

/// Units by index key, keeping only keys held by 2 to `max_key_frequency` units.
struct KeyIndex {
    postings: HashMap<Key, Vec<u32>, FixedState>,
}

impl KeyIndex {
    fn build(features: &Features, max_key_frequency: usize) -> Self {
        let mut postings: HashMap<Key, Vec<u32>, FixedState> = HashMap::default();
        for unit in 0..features.topic_ids.len() {
            for key in unit_keys(features, unit) {
                postings.entry(key).or_default().push(unit as u32);
            }
        }
        postings.retain(|_, units| units.len() >= 2 && units.len() <= max_key_frequency);
        Self { postings }
    }
}

/// A unit's index keys: its topic stems alone, in pairs and in triples (from its rarest stems).
fn unit_keys(features: &Features, unit: usize) -> Vec<Key> {
    let Some(ids) = features.topic_ids.get(unit) else { return Vec::new() };
    let frequency = |id: u32| features.stem_frequency.get(id as usize).copied().unwrap_or(0);
    let mut rarest: Vec<u32> = ids.clone();
    rarest.sort_by_key(|&id| (frequency(id), id));
    rarest.truncate(MAX_COMBINED_STEMS);
    rarest.sort_unstable();
    let mut keys: Vec<Key> = ids.iter().map(|&id| [id, u32::MAX, u32::MAX]).collect();
    for (i, &first) in rarest.iter().enumerate() {
        for (j, &second) in rarest.iter().enumerate().skip(i + 1) {
            keys.push([first, second, u32::MAX]);
            for &third in rarest.iter().skip(j + 1) {
                keys.push([first, second, third]);
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::super::text::{Analysed, Analyser};
    use super::*;

    fn edges(keywords: &[&str], max_key_frequency: usize) -> Vec<(u32, u32)> {
        let mut analyser = Analyser::new(&[]);
        let analysed: Vec<Analysed> = keywords.iter().map(|keyword| analyser.analyse(keyword)).collect();
        let features = Features::build(&analysed.iter().collect::<Vec<_>>());
        let similarity = Similarity::lexical(&features);
        let limits = CandidateLimits { max_key_frequency, max_neighbours: 10, min_similarity: 0.01, exhaustive: false };
        candidate_edges(&features, &similarity, limits).iter().map(|edge| (edge.a, edge.b)).collect()
    }

    #[test]
    fn frequent_stems_alone_do_not_make_candidates_but_their_pairs_do() {
        let keywords = ["trail running shoes", "trail running shoes women", "dress shoes", "tennis shoes"];
        // "shoe" is in all four: with a cap of 3 it is skipped, yet "trail + run" still links the first two.
        assert_eq!(edges(&keywords, 3), vec![(0, 1)]);
        assert_eq!(edges(&keywords, 4).len(), 6);
    }

    #[test]
    fn keywords_sharing_nothing_are_never_compared() {
        assert!(edges(&["dog bed", "solar panel"], 100).is_empty());
    }
}
