//! Agreement between two groupings of the same items: adjusted Rand index and normalised mutual information.
//!
//! Used to score the engine against hand-labelled topics. Both take one label per item (any `usize` values; only
//! equality matters), so unclustered keywords should get labels of their own (see
//! `ClusterOutcome::labels`).

use std::collections::BTreeMap;

/// Adjusted Rand index (Hubert & Arabie 1985): pair-counting agreement corrected for chance. 1 for identical
/// groupings, about 0 for random ones, negative when worse than chance. Two identical trivial groupings (one
/// cluster, or all singletons, or fewer than two items) score 1.
/// Labels of different lengths are compared over the shorter one.
pub fn adjusted_rand_index(truth: &[usize], predicted: &[usize]) -> f64 {
    let table = Contingency::new(truth, predicted);
    let pairs = |count: f64| count * (count - 1.0) / 2.0;
    let index: f64 = table.cells.values().map(|&count| pairs(count)).sum();
    let rows: f64 = table.rows.values().map(|&count| pairs(count)).sum();
    let columns: f64 = table.columns.values().map(|&count| pairs(count)).sum();
    let total = pairs(table.total);
    if total == 0.0 {
        return 1.0;
    }
    let expected = rows * columns / total;
    let maximum = (rows + columns) / 2.0;
    if maximum == expected {
        return 1.0;
    }
    (index - expected) / (maximum - expected)
}

/// Normalised mutual information with the arithmetic mean of the two entropies as normaliser (scikit-learn's
/// default): 1 for identical groupings, 0 for independent ones. Two single-cluster groupings score 1.
pub fn normalized_mutual_info(truth: &[usize], predicted: &[usize]) -> f64 {
    let table = Contingency::new(truth, predicted);
    let n = table.total;
    if n == 0.0 {
        return 1.0;
    }
    let entropy =
        |counts: &BTreeMap<usize, f64>| -> f64 { counts.values().map(|&count| count / n).map(|p| -p * p.ln()).sum() };
    let (h_truth, h_predicted) = (entropy(&table.rows), entropy(&table.columns));
    if h_truth == 0.0 && h_predicted == 0.0 {
        return 1.0;
    }
    let mutual: f64 = table
        .cells
        .iter()
        .map(|(&(row, column), &count)| {
            let a = table.rows.get(&row).copied().unwrap_or(1.0);
            let b = table.columns.get(&column).copied().unwrap_or(1.0);
            count / n * (n * count / (a * b)).ln()
        })
        .sum();
    (mutual / ((h_truth + h_predicted) / 2.0)).clamp(0.0, 1.0)
}

/// Everything the benchmark reports about one grouping against the truth. All shares are 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub ari: f64,
    pub nmi: f64,
    /// Of the keyword pairs put in one cluster, the share that share an intent (unclustered keywords pair with
    /// nothing).
    pub pair_precision: f64,
    /// Of the keyword pairs that share an intent, the share put in one cluster.
    pub pair_recall: f64,
    /// Of the intents with at least two keywords, the share whose clustered keywords lie in more than one cluster.
    pub split_intents: f64,
    /// Of the clusters, the share whose members come from more than one intent.
    pub mixed_clusters: f64,
    /// Share of keywords left unclustered.
    pub unclustered: f64,
    pub clusters: usize,
}

/// Scores a clustering (`clusters`: member indices per cluster; every other index counts as unclustered) against
/// `truth` (one intent label per keyword), over the keywords where `keep` is true (all when `keep` is empty).
pub fn score(truth: &[usize], clusters: &[Vec<usize>], keep: &[bool]) -> Scores {
    let kept = |index: usize| keep.is_empty() || keep.get(index).copied().unwrap_or(false);
    let n = truth.len();
    let mut cluster_of: Vec<Option<usize>> = vec![None; n];
    for (label, members) in clusters.iter().enumerate() {
        for &member in members {
            if let Some(slot) = cluster_of.get_mut(member) {
                *slot = Some(label);
            }
        }
    }
    let indices: Vec<usize> = (0..n).filter(|&index| kept(index)).collect();
    let truth_kept: Vec<usize> = indices.iter().map(|&index| truth[index]).collect();
    let predicted: Vec<usize> =
        indices.iter().map(|&index| cluster_of[index].unwrap_or(clusters.len() + index)).collect();
    let table = Contingency::new(&truth_kept, &predicted);
    let pairs = |count: f64| count * (count - 1.0) / 2.0;
    let together: f64 = table.cells.values().map(|&count| pairs(count)).sum();
    let same_truth: f64 = table.rows.values().map(|&count| pairs(count)).sum();
    let same_cluster: f64 = table.columns.values().map(|&count| pairs(count)).sum();
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 1.0 };
    let mut clusters_per_intent: BTreeMap<usize, std::collections::BTreeSet<usize>> = BTreeMap::new();
    let mut intent_sizes: BTreeMap<usize, usize> = BTreeMap::new();
    let mut intents_per_cluster: BTreeMap<usize, std::collections::BTreeSet<usize>> = BTreeMap::new();
    let mut unclustered = 0usize;
    for &index in &indices {
        *intent_sizes.entry(truth[index]).or_insert(0) += 1;
        match cluster_of[index] {
            Some(cluster) => {
                clusters_per_intent.entry(truth[index]).or_default().insert(cluster);
                intents_per_cluster.entry(cluster).or_default().insert(truth[index]);
            }
            None => unclustered += 1,
        }
    }
    let multi: Vec<usize> = intent_sizes.iter().filter(|&(_, &size)| size >= 2).map(|(&intent, _)| intent).collect();
    let split = multi.iter().filter(|intent| clusters_per_intent.get(intent).is_some_and(|set| set.len() > 1)).count();
    let mixed = intents_per_cluster.values().filter(|set| set.len() > 1).count();
    Scores {
        ari: adjusted_rand_index(&truth_kept, &predicted),
        nmi: normalized_mutual_info(&truth_kept, &predicted),
        pair_precision: ratio(together, same_cluster),
        pair_recall: ratio(together, same_truth),
        split_intents: ratio(split as f64, multi.len() as f64),
        mixed_clusters: ratio(mixed as f64, intents_per_cluster.len() as f64),
        unclustered: ratio(unclustered as f64, indices.len() as f64),
        clusters: intents_per_cluster.len(),
    }
}

/// Counts of items per (truth, predicted) label pair and per label on each side. Ordered maps, so sums run in the
/// same order every time and results are bit-for-bit repeatable.
struct Contingency {
    cells: BTreeMap<(usize, usize), f64>,
    rows: BTreeMap<usize, f64>,
    columns: BTreeMap<usize, f64>,
    total: f64,
}

impl Contingency {
    fn new(truth: &[usize], predicted: &[usize]) -> Self {
        let mut table = Self { cells: BTreeMap::new(), rows: BTreeMap::new(), columns: BTreeMap::new(), total: 0.0 };
        for (&row, &column) in truth.iter().zip(predicted) {
            *table.cells.entry((row, column)).or_insert(0.0) += 1.0;
            *table.rows.entry(row).or_insert(0.0) += 1.0;
            *table.columns.entry(column).or_insert(0.0) += 1.0;
            table.total += 1.0;
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    #[test]
    fn identical_up_to_renaming() {
        close(adjusted_rand_index(&[0, 0, 1, 1, 2], &[7, 7, 3, 3, 9]), 1.0);
        close(normalized_mutual_info(&[0, 0, 1, 1, 2], &[7, 7, 3, 3, 9]), 1.0);
    }

    /// By hand: contingency [[2,1,0],[0,1,2]]; Σ C(nij,2) = 2, rows Σ C = 6, columns Σ C = 3, C(6,2) = 15;
    /// expected = 6·3/15 = 1.2, max = 4.5, ARI = 0.8 / 3.3. MI = 2·(2/6)·ln 2, H = ln 2 and ln 3.
    #[test]
    fn split_clusters() {
        let truth = [0, 0, 0, 1, 1, 1];
        let predicted = [0, 0, 1, 1, 2, 2];
        close(adjusted_rand_index(&truth, &predicted), 0.8 / 3.3);
        let ln2 = 2f64.ln();
        close(normalized_mutual_info(&truth, &predicted), (2.0 / 3.0 * ln2) / ((ln2 + 3f64.ln()) / 2.0));
    }

    /// By hand: no pair agrees; expected = 2·2/6, max = 2, ARI = (0 − 2/3) / (2 − 2/3) = −0.5; MI = 0.
    #[test]
    fn independent_groupings() {
        close(adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]), -0.5);
        close(normalized_mutual_info(&[0, 0, 1, 1], &[0, 1, 0, 1]), 0.0);
    }

    #[test]
    fn scores_count_splits_mixes_and_pairs() {
        // Intent 0 = {0,1,2} split over clusters A={0,1} and B={2,3}; intent 1 = {3,4}, 4 unclustered.
        let scores = score(&[0, 0, 0, 1, 1], &[vec![0, 1], vec![2, 3]], &[]);
        close(scores.pair_precision, 1.0 / 2.0);
        close(scores.pair_recall, 1.0 / 4.0);
        close(scores.split_intents, 1.0 / 2.0);
        close(scores.mixed_clusters, 1.0 / 2.0);
        close(scores.unclustered, 1.0 / 5.0);
        let only_first = score(&[0, 0, 0, 1, 1], &[vec![0, 1], vec![2, 3]], &[true, true, false, false, false]);
        close(only_first.ari, 1.0);
        close(only_first.split_intents, 0.0);
    }

    #[test]
    fn trivial_groupings() {
        close(adjusted_rand_index(&[], &[]), 1.0);
        close(adjusted_rand_index(&[3], &[4]), 1.0);
        close(adjusted_rand_index(&[0, 0, 0], &[1, 1, 1]), 1.0);
        close(adjusted_rand_index(&[0, 1, 2], &[0, 1, 2]), 1.0);
        close(adjusted_rand_index(&[0, 0, 0, 0], &[0, 1, 2, 3]), 0.0);
        close(normalized_mutual_info(&[0, 0, 0], &[1, 1, 1]), 1.0);
        close(normalized_mutual_info(&[0, 0, 0, 0], &[0, 1, 2, 3]), 0.0);
    }
}
