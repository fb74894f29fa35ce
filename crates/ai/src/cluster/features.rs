//! TF-IDF vectors of stems and character n-grams, and the lexical similarity between two units.
//!
//! Stems catch shared words; character n-grams catch what stemming misses ("refinance" / "refinancing",
//! "color" / "colour", typos, compounds split differently). IDF makes rare topic words count more than common
//! ones, and modifier words ("best", "near me", brands) are scaled down so they cannot carry a match on their own.

use std::collections::HashMap;

use foldhash::fast::FixedState;

use super::text::Analysed;

/// Length of the character n-grams, boundary markers included.
const GRAM_LEN: usize = 3;
/// Word boundary marker in n-grams, so "ash" in "cash" differs from the start of "ashes".
const BOUNDARY: char = '_';
/// Factor on the weight of modifier words.
const MODIFIER_WEIGHT: f32 = 0.3;
/// Exponent on IDF: 1 is classic TF-IDF; lower flattens it so one rare word ("nike") does not outweigh the shared
/// topic words ("running shoes").
const IDF_POWER: f32 = 0.5;
/// Stems found in few keywords weigh `df / (df + RARE_DAMPING)` of their IDF weight: a word only one keyword has
/// cannot link it to anything, it can only pull it away from its intent ("phalaenopsis care" from "orchid care").
/// Classic IDF does the opposite, which is what lets long-tail words split intents as lists grow.
pub(crate) const RARE_DAMPING: f32 = 1.0;
/// Share of the stem cosine in the lexical similarity; the rest is the n-gram cosine.
pub(crate) const STEM_SHARE: f32 = 0.7;

/// A sparse vector with ascending ids and (once built) unit length, or empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SparseVector {
    entries: Vec<(u32, f32)>,
}

impl SparseVector {
    /// From `(id, weight)` pairs with distinct ids, in any order; normalised to unit length.
    fn normalised(mut entries: Vec<(u32, f32)>) -> Self {
        entries.sort_by_key(|&(id, _)| id);
        let norm = entries.iter().map(|&(_, weight)| weight * weight).sum::<f32>().sqrt();
        if norm > 0.0 {
            for entry in &mut entries {
                entry.1 /= norm;
            }
        } else {
            entries.clear();
        }
        Self { entries }
    }

    /// Dot product with another vector: a merge over the sorted ids.
    pub fn dot(&self, other: &Self) -> f32 {
        let (a, b) = (&self.entries, &other.entries);
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while let (Some(&(id_a, w_a)), Some(&(id_b, w_b))) = (a.get(i), b.get(j)) {
            if id_a < id_b {
                i += 1;
            } else if id_a > id_b {
                j += 1;
            } else {
                sum += w_a * w_b;
                i += 1;
                j += 1;
            }
        }
        sum
    }
}

/// The vectors of every unit, plus what candidate generation needs.
#[derive(Debug, Default)]
pub(crate) struct Features {
    /// Per unit, the stem vector scaled by √[`STEM_SHARE`] followed by the n-gram vector scaled by
    /// √(1 − [`STEM_SHARE`]) (ids shifted past the stem ids): one dot product gives the blended similarity.
    vectors: Vec<SparseVector>,
    /// Per unit, the ids of its topic stems (or of its modifier stems when it has no topic word), ascending.
    pub topic_ids: Vec<Vec<u32>>,
    /// Per stem id, in how many units it occurs.
    pub stem_frequency: Vec<u32>,
    /// Number of distinct ids (stems and n-grams) over all vectors.
    dimension: usize,
}

impl Features {
    /// Builds the vectors for units given by their analysis. Ids are assigned in unit order, so equal input gives
    /// equal ids.
    pub fn build(units: &[&Analysed]) -> Self {
        let mut stem_ids: HashMap<&str, u32, FixedState> = HashMap::default();
        let mut gram_ids: HashMap<[char; GRAM_LEN], u32, FixedState> = HashMap::default();
        let mut stem_frequency: Vec<u32> = Vec::new();
        let mut gram_frequency: Vec<u32> = Vec::new();
        let mut unit_stems: Vec<Vec<(u32, bool)>> = Vec::with_capacity(units.len());
        let mut unit_grams: Vec<Vec<(u32, u32)>> = Vec::with_capacity(units.len());
        for analysis in units {
            let mut stems = Vec::new();
            let tagged = analysis.topic_stems.iter().map(|stem| (stem, false));
            for (stem, is_modifier) in tagged.chain(analysis.modifier_stems.iter().map(|stem| (stem, true))) {
                let id = *stem_ids.entry(stem.as_str()).or_insert_with(|| {
                    stem_frequency.push(0);
                    (stem_frequency.len() - 1) as u32
                });
                // A stem both topic and modifier in one keyword is counted once, as topic.
                if stems.iter().all(|&(seen, _)| seen != id) {
                    stems.push((id, is_modifier));
                    if let Some(count) = stem_frequency.get_mut(id as usize) {
                        *count += 1;
                    }
                }
            }
            let mut grams: Vec<(u32, u32)> = Vec::new();
            for gram in char_grams(analysis) {
                let id = *gram_ids.entry(gram).or_insert_with(|| {
                    gram_frequency.push(0);
                    (gram_frequency.len() - 1) as u32
                });
                match grams.iter_mut().find(|(seen, _)| *seen == id) {
                    Some((_, count)) => *count += 1,
                    None => {
                        grams.push((id, 1));
                        if let Some(count) = gram_frequency.get_mut(id as usize) {
                            *count += 1;
                        }
                    }
                }
            }
            unit_stems.push(stems);
            unit_grams.push(grams);
        }
        let total = units.len() as f32;
        let idf = |frequency: &[u32], id: u32| {
            let df = frequency.get(id as usize).copied().unwrap_or(1) as f32;
            (((total + 1.0) / (df + 1.0)).ln() + 1.0).powf(IDF_POWER)
        };
        let stems: Vec<SparseVector> = unit_stems
            .iter()
            .map(|stems| {
                let weighted = stems
                    .iter()
                    .map(|&(id, is_modifier)| {
                        let factor = if is_modifier { MODIFIER_WEIGHT } else { 1.0 };
                        let df = stem_frequency.get(id as usize).copied().unwrap_or(1) as f32;
                        (id, idf(&stem_frequency, id) * factor * df / (df + RARE_DAMPING))
                    })
                    .collect();
                SparseVector::normalised(weighted)
            })
            .collect();
        let grams: Vec<SparseVector> = unit_grams
            .iter()
            .map(|grams| {
                let weighted =
                    grams.iter().map(|&(id, count)| (id, (1.0 + (count as f32).ln()) * idf(&gram_frequency, id)));
                SparseVector::normalised(weighted.collect())
            })
            .collect();
        let topic_ids = unit_stems
            .iter()
            .map(|stems| {
                let has_topic = stems.iter().any(|&(_, is_modifier)| !is_modifier);
                let mut ids: Vec<u32> =
                    stems.iter().filter(|&&(_, is_modifier)| is_modifier != has_topic).map(|&(id, _)| id).collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        let offset = stem_frequency.len() as u32;
        let (stem_scale, gram_scale) = (STEM_SHARE.sqrt(), (1.0 - STEM_SHARE).sqrt());
        let vectors = stems
            .into_iter()
            .zip(grams)
            .map(|(stems, grams)| {
                let stem_part = stems.entries.into_iter().map(|(id, weight)| (id, weight * stem_scale));
                let gram_part = grams.entries.into_iter().map(|(id, weight)| (id + offset, weight * gram_scale));
                SparseVector { entries: stem_part.chain(gram_part).collect() }
            })
            .collect();
        let dimension = offset as usize + gram_frequency.len();
        Self { vectors, topic_ids, stem_frequency, dimension }
    }

    /// Length of a dense vector that can hold any unit's vector (see [`Features::scatter`]).
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// Writes a unit's weights into a dense vector (or zeroes them again with `clear`), so that one unit can be
    /// compared with many others by [`Features::dense_similarity`] without a merge per pair.
    pub fn scatter(&self, unit: usize, dense: &mut [f32], clear: bool) {
        for &(id, weight) in self.vectors.get(unit).map_or(&[][..], |vector| &vector.entries) {
            if let Some(slot) = dense.get_mut(id as usize) {
                *slot = if clear { 0.0 } else { weight };
            }
        }
    }

    /// Lexical similarity between the unit scattered into `dense` and `unit`.
    pub fn dense_similarity(&self, dense: &[f32], unit: usize) -> f32 {
        let entries = self.vectors.get(unit).map_or(&[][..], |vector| &vector.entries);
        entries.iter().map(|&(id, weight)| dense.get(id as usize).copied().unwrap_or(0.0) * weight).sum()
    }

    /// Lexical similarity of two units, 0–1: `STEM_SHARE · stem cosine + (1 − STEM_SHARE) · n-gram cosine`.
    pub fn similarity(&self, a: usize, b: usize) -> f32 {
        match (self.vectors.get(a), self.vectors.get(b)) {
            (Some(x), Some(y)) => x.dot(y),
            _ => 0.0,
        }
    }
}

/// Character n-grams of a unit's topic words (modifier words when it has none), each word padded with boundary
/// markers.
fn char_grams(analysis: &Analysed) -> Vec<[char; GRAM_LEN]> {
    let source: Vec<&str> = if analysis.topic_words.is_empty() {
        analysis.modifier_stems.iter().map(String::as_str).collect()
    } else {
        analysis.topic_words.iter().map(String::as_str).collect()
    };
    let mut grams = Vec::new();
    for word in source {
        let padded: Vec<char> =
            std::iter::once(BOUNDARY).chain(word.chars()).chain(std::iter::once(BOUNDARY)).collect();
        for window in padded.windows(GRAM_LEN) {
            let mut gram = [BOUNDARY; GRAM_LEN];
            gram.copy_from_slice(window);
            grams.push(gram);
        }
    }
    grams
}

#[cfg(test)]
mod tests {
    use super::super::text::Analyser;
    use super::*;

    fn features(keywords: &[&str]) -> Features {
        let mut analyser = Analyser::new(&[]);
        let analysed: Vec<Analysed> = keywords.iter().map(|keyword| analyser.analyse(keyword)).collect();
        Features::build(&analysed.iter().collect::<Vec<_>>())
    }

    #[test]
    fn identical_is_one_unrelated_is_zero() {
        let f = features(&["sourdough starter", "sourdough starter", "mortgage refinance"]);
        assert!((f.similarity(0, 1) - 1.0).abs() < 1e-5);
        assert!(f.similarity(0, 2).abs() < 1e-6);
    }

    #[test]
    fn dense_and_sparse_agree() {
        let f = features(&["best running shoes", "running shoes for flat feet", "trail running", "dog bed"]);
        let mut dense = vec![0.0; f.dimension()];
        f.scatter(0, &mut dense, false);
        for other in 0..4 {
            assert!((f.dense_similarity(&dense, other) - f.similarity(0, other)).abs() < 1e-6);
        }
        f.scatter(0, &mut dense, true);
        assert!(dense.iter().all(|&x| x == 0.0));
    }

    #[test]
    fn shared_topic_beats_shared_modifier() {
        let f = features(&["best running shoes", "running shoes for flat feet", "best dog food", "dog food"]);
        assert!(f.similarity(0, 1) > 0.3, "{}", f.similarity(0, 1));
        assert!(f.similarity(0, 2) < 0.15, "{}", f.similarity(0, 2));
        assert!(f.similarity(2, 3) > f.similarity(0, 2));
    }

    #[test]
    fn grams_catch_what_stemming_misses() {
        let f = features(&["mortgage refinancing", "refinance mortgage", "mortgage calculator"]);
        assert!(f.similarity(0, 1) > f.similarity(0, 2));
    }

    #[test]
    fn topic_ids_fall_back_to_modifiers() {
        let f = features(&["best deals", "dog food"]);
        assert_eq!(f.topic_ids.first().map(Vec::len), Some(2));
        assert_eq!(f.topic_ids.get(1).map(Vec::len), Some(2));
    }
}
