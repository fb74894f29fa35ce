//! Average-linkage agglomeration over the sparse similarity graph, optional splitting of oversize groups, and the
//! grouping of finished clusters under pillars.
//!
//! Starting from single units, the two groups with the highest average pairwise similarity merge while that
//! average reaches the threshold. Average linkage (rather than single linkage, i.e. connected components of the
//! threshold graph) keeps chains like "dog bed" – "dog bed for cats" – "cat tree" from collapsing into one group.
//! Pairs missing from the graph count as similarity 0.
//!
//! The graph keeps only each unit's nearest neighbours, so between two large halves of one intent most pairs are
//! missing: a plain average would shrink with size and split every large intent. The average is therefore taken
//! over at most `neighbours` pairs per unit of the smaller group (`sum / min(|A|·|B|, k·min(|A|, |B|))`), which is
//! the plain average while groups are small and stays scale-free when they are large.
//!
//! A second pass with a lower threshold only lets groups still below `min_size` keywords grow, so a loosely related
//! keyword joins a small group rather than both being dropped. There is no size limit unless `max_size` is set: a
//! cluster is one intent, however many keywords express it. The merge order is fully determined by similarity and
//! unit ids, never by hash order.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use foldhash::fast::FixedState;

use super::candidates::Edge;

/// Parameters of [`agglomerate`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct LinkageParams {
    pub threshold: f32,
    pub attach_threshold: f32,
    /// In keywords (unit weights).
    pub min_size: usize,
    /// In keywords (unit weights); `usize::MAX` for none.
    pub max_size: usize,
    /// Neighbours kept per unit in the graph (the `k` of the average).
    pub neighbours: usize,
}

/// Groups of unit ids (each ascending; groups ordered by their smallest id). Every unit is in exactly one group;
/// groups may weigh less than `min_size` (the caller decides what to do with them). `weights` holds the number of
/// keywords each unit stands for.
pub(crate) fn agglomerate(units: usize, edges: &[Edge], weights: &[usize], params: LinkageParams) -> Vec<Vec<u32>> {
    let mut state = State::new(units, edges, weights, params.neighbours);
    state.run(params.threshold, usize::MAX, |_, _| true);
    let min_size = params.min_size;
    state.run(params.attach_threshold.min(params.threshold), usize::MAX, |x, y| x.min(y) < min_size);
    let (fitting, oversize): (Vec<Vec<u32>>, Vec<Vec<u32>>) = state
        .members
        .into_iter()
        .filter(|members| !members.is_empty())
        .partition(|group| weight_of(group, weights) <= params.max_size);
    let mut groups = fitting;
    for (group, group_edges) in oversize.iter().zip(edges_within(units, &oversize, edges)) {
        groups.extend(split(group, &group_edges, weights, params));
    }
    for group in &mut groups {
        group.sort_unstable();
    }
    groups.sort_by_key(|group| group.first().copied());
    groups
}

/// Groups clusters under pillars: the clusters (given as groups of unit ids) are agglomerated once more, as units
/// of their own counting as many units as they hold, with the same bounded average (`neighbours` = k) at the lower
/// `threshold`: two facets of one topic are linked through many of their keywords, a chance word in common is a
/// link or two. Returns, per cluster, the indices of the other clusters of its pillar group (empty when alone).
pub(crate) fn pillar_groups(
    units: usize,
    edges: &[Edge],
    clusters: &[Vec<u32>],
    threshold: f32,
    neighbours: usize,
) -> Vec<Vec<usize>> {
    let mut cluster_of: Vec<Option<u32>> = vec![None; units];
    for (index, cluster) in clusters.iter().enumerate() {
        for &unit in cluster {
            if let Some(slot) = cluster_of.get_mut(unit as usize) {
                *slot = Some(index as u32);
            }
        }
    }
    let mut sums: HashMap<(u32, u32), f32, FixedState> = HashMap::default();
    for edge in edges {
        let locate = |unit: u32| cluster_of.get(unit as usize).copied().flatten();
        if let (Some(a), Some(b)) = (locate(edge.a), locate(edge.b))
            && a != b
        {
            *sums.entry((a.min(b), a.max(b))).or_insert(0.0) += edge.similarity;
        }
    }
    let mut cluster_edges: Vec<Edge> = sums.into_iter().map(|((a, b), similarity)| Edge { a, b, similarity }).collect();
    cluster_edges.sort_by(|x, y| x.a.cmp(&y.a).then(x.b.cmp(&y.b)));
    let counts: Vec<usize> = clusters.iter().map(Vec::len).collect();
    let mut state = State::with_counts(clusters.len(), &cluster_edges, &counts, &counts, neighbours);
    state.run(threshold, usize::MAX, |_, _| true);
    let mut siblings = vec![Vec::new(); clusters.len()];
    for group in state.members.iter().filter(|group| group.len() > 1) {
        for &member in group {
            if let Some(list) = siblings.get_mut(member as usize) {
                list.extend(group.iter().filter(|&&other| other != member).map(|&other| other as usize));
                list.sort_unstable();
            }
        }
    }
    siblings
}

fn weight_of(group: &[u32], weights: &[usize]) -> usize {
    group.iter().map(|&unit| weights.get(unit as usize).copied().unwrap_or(1)).sum()
}

/// The edges inside each group, renumbered to positions in the group (one pass over all edges).
fn edges_within(units: usize, groups: &[Vec<u32>], edges: &[Edge]) -> Vec<Vec<Edge>> {
    let mut place: Vec<Option<(usize, u32)>> = vec![None; units];
    for (group_index, group) in groups.iter().enumerate() {
        for (position, &unit) in group.iter().enumerate() {
            if let Some(slot) = place.get_mut(unit as usize) {
                *slot = Some((group_index, position as u32));
            }
        }
    }
    let mut within = vec![Vec::new(); groups.len()];
    let locate = |unit: u32| place.get(unit as usize).copied().flatten();
    for edge in edges {
        if let (Some((group_a, a)), Some((group_b, b))) = (locate(edge.a), locate(edge.b))
            && group_a == group_b
            && let Some(list) = within.get_mut(group_a)
        {
            list.push(Edge { a: a.min(b), b: a.max(b), similarity: edge.similarity });
        }
    }
    within
}

/// Splits a group weighing more than `max_size` keywords along its strongest links: parts are filled greedily up
/// to `max_size`, which keeps the tightest core of the topic whole. Only used when a cap is set.
fn split(group: &[u32], local_edges: &[Edge], weights: &[usize], params: LinkageParams) -> Vec<Vec<u32>> {
    let local_weights: Vec<usize> =
        group.iter().map(|&unit| weights.get(unit as usize).copied().unwrap_or(1)).collect();
    let mut state = State::new(group.len(), local_edges, &local_weights, params.neighbours);
    state.run(0.0, params.max_size, |_, _| true);
    state
        .members
        .into_iter()
        .filter(|part| !part.is_empty())
        .map(|part| part.into_iter().filter_map(|position| group.get(position as usize).copied()).collect())
        .collect()
}

/// Live groups, identified by the id of one of their units.
struct State {
    /// Members per group id; empty once absorbed into another group.
    members: Vec<Vec<u32>>,
    /// Per group id: neighbour group id → sum of similarities over all cross pairs.
    links: Vec<HashMap<u32, f32, FixedState>>,
    /// Bumped whenever a group changes, invalidating queued candidates that mention it.
    version: Vec<u32>,
    /// Per group id: how many units it counts as in averages.
    count: Vec<usize>,
    /// Per group id: how many keywords it holds (for `min_size` and `max_size`).
    weight: Vec<usize>,
    /// The `k` of the average (see the module documentation).
    neighbours: usize,
}

/// A queued merge candidate.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    average: f32,
    a: u32,
    b: u32,
    version_a: u32,
    version_b: u32,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    /// Highest average first; ties go to the lower ids, so the order never depends on insertion order.
    fn cmp(&self, other: &Self) -> Ordering {
        self.average
            .total_cmp(&other.average)
            .then_with(|| other.a.cmp(&self.a))
            .then_with(|| other.b.cmp(&self.b))
            .then_with(|| self.version_a.cmp(&other.version_a))
            .then_with(|| self.version_b.cmp(&other.version_b))
    }
}

impl State {
    fn new(units: usize, edges: &[Edge], weights: &[usize], neighbours: usize) -> Self {
        let counts = vec![1; units];
        let weights: Vec<usize> = (0..units).map(|unit| weights.get(unit).copied().unwrap_or(1)).collect();
        Self::with_counts(units, edges, &counts, &weights, neighbours)
    }

    fn with_counts(units: usize, edges: &[Edge], counts: &[usize], weights: &[usize], neighbours: usize) -> Self {
        let mut links: Vec<HashMap<u32, f32, FixedState>> = vec![HashMap::default(); units];
        for edge in edges {
            if let Some(map) = links.get_mut(edge.a as usize) {
                map.insert(edge.b, edge.similarity);
            }
            if let Some(map) = links.get_mut(edge.b as usize) {
                map.insert(edge.a, edge.similarity);
            }
        }
        Self {
            members: (0..units as u32).map(|unit| vec![unit]).collect(),
            links,
            version: vec![0; units],
            count: (0..units).map(|unit| counts.get(unit).copied().unwrap_or(1).max(1)).collect(),
            weight: (0..units).map(|unit| weights.get(unit).copied().unwrap_or(1)).collect(),
            neighbours: neighbours.max(1),
        }
    }

    /// Keywords in a group.
    fn size(&self, group: u32) -> usize {
        self.weight.get(group as usize).copied().unwrap_or(0)
    }

    fn count(&self, group: u32) -> usize {
        self.count.get(group as usize).copied().unwrap_or(1)
    }

    fn candidate(&self, a: u32, b: u32, sum: f32) -> Candidate {
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        let (count_a, count_b) = (self.count(a), self.count(b));
        let pairs = (count_a * count_b).min(self.neighbours * count_a.min(count_b)).max(1) as f32;
        let version = |group: u32| self.version.get(group as usize).copied().unwrap_or(0);
        Candidate { average: sum / pairs, a, b, version_a: version(a), version_b: version(b) }
    }

    /// Merges greedily while the best eligible candidate reaches `threshold`.
    fn run(&mut self, threshold: f32, max_size: usize, eligible: impl Fn(usize, usize) -> bool) {
        let allowed = |state: &State, candidate: &Candidate| {
            let (size_a, size_b) = (state.size(candidate.a), state.size(candidate.b));
            candidate.average >= threshold && size_a + size_b <= max_size && eligible(size_a, size_b)
        };
        let mut heap = BinaryHeap::new();
        for (a, map) in self.links.iter().enumerate() {
            for (&b, &sum) in map {
                if (a as u32) < b {
                    let candidate = self.candidate(a as u32, b, sum);
                    if allowed(self, &candidate) {
                        heap.push(candidate);
                    }
                }
            }
        }
        while let Some(candidate) = heap.pop() {
            let current = |group: u32, version: u32| self.version.get(group as usize) == Some(&version);
            if !current(candidate.a, candidate.version_a) || !current(candidate.b, candidate.version_b) {
                continue;
            }
            if !allowed(self, &candidate) {
                continue;
            }
            let kept = self.merge(candidate.a, candidate.b);
            let neighbours: Vec<(u32, f32)> = self
                .links
                .get(kept as usize)
                .map(|map| map.iter().map(|(&id, &sum)| (id, sum)).collect())
                .unwrap_or_default();
            for (other, sum) in neighbours {
                let next = self.candidate(kept, other, sum);
                if allowed(self, &next) {
                    heap.push(next);
                }
            }
        }
    }

    /// Merges two groups; the one with more links absorbs the other (less map copying). Returns the kept id.
    fn merge(&mut self, a: u32, b: u32) -> u32 {
        let degree = |group: u32| self.links.get(group as usize).map_or(0, HashMap::len);
        let (kept, gone) = if degree(a) >= degree(b) { (a, b) } else { (b, a) };
        let gone_links = self.links.get_mut(gone as usize).map(std::mem::take).unwrap_or_default();
        let gone_members = self.members.get_mut(gone as usize).map(std::mem::take).unwrap_or_default();
        if let Some(members) = self.members.get_mut(kept as usize) {
            members.extend(gone_members);
        }
        let (gone_count, gone_weight) = (self.count(gone), self.size(gone));
        if let Some(count) = self.count.get_mut(kept as usize) {
            *count += gone_count;
        }
        if let Some(weight) = self.weight.get_mut(kept as usize) {
            *weight += gone_weight;
        }
        if let Some(map) = self.links.get_mut(kept as usize) {
            map.remove(&gone);
        }
        for (other, sum) in gone_links {
            if other == kept {
                continue;
            }
            if let Some(map) = self.links.get_mut(other as usize) {
                map.remove(&gone);
                *map.entry(kept).or_insert(0.0) += sum;
            }
            if let Some(map) = self.links.get_mut(kept as usize) {
                *map.entry(other).or_insert(0.0) += sum;
            }
        }
        for group in [kept, gone] {
            if let Some(version) = self.version.get_mut(group as usize) {
                *version += 1;
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: u32, b: u32, similarity: f32) -> Edge {
        Edge { a, b, similarity }
    }

    fn params(max_size: usize) -> LinkageParams {
        LinkageParams { threshold: 0.5, attach_threshold: 0.3, min_size: 3, max_size, neighbours: 100 }
    }

    fn agglomerate(units: usize, edges: &[Edge], params: LinkageParams) -> Vec<Vec<u32>> {
        super::agglomerate(units, edges, &vec![1; units], params)
    }

    #[test]
    fn no_cap_keeps_a_big_topic_whole() {
        assert_eq!(sizes(&agglomerate(40, &complete(40), params(usize::MAX))), [40]);
    }

    #[test]
    fn large_halves_of_one_topic_merge_on_a_sparse_graph() {
        // 60 units, each linked to 4 scattered others: a plain average over all cross pairs of two 30-unit halves
        // would be about 0.1; the k-bounded one stays near the edge similarity.
        let mut edges: Vec<Edge> = (0..60u32)
            .flat_map(|a| [(7, 1), (13, 5), (31, 11), (17, 3)].map(move |(m, c)| (a, (a * m + c) % 60)))
            .filter(|(a, b)| a != b)
            .map(|(a, b)| edge(a.min(b), a.max(b), 0.9))
            .collect();
        edges.sort_by(|x, y| x.a.cmp(&y.a).then(x.b.cmp(&y.b)));
        edges.dedup_by(|x, y| x.a == y.a && x.b == y.b);
        let params = LinkageParams { neighbours: 4, threshold: 0.2, ..params(usize::MAX) };
        assert_eq!(sizes(&agglomerate(60, &edges, params)), [60]);
    }

    #[test]
    fn related_clusters_share_a_pillar() {
        // Clusters {0,1} and {2,3} are loosely linked; {4} is not linked at all.
        let edges = [edge(0, 2, 0.4), edge(1, 3, 0.4), edge(0, 3, 0.3)];
        let siblings = pillar_groups(5, &edges, &[vec![0, 1], vec![2, 3], vec![4]], 0.2, 10);
        assert_eq!(siblings, vec![vec![1], vec![0], vec![]]);
    }

    #[test]
    fn average_linkage_stops_chains() {
        // 0–1–2 is a chain: 0 and 2 are unrelated, so {0,1} + {2} averages (0.6 + 0) / 2 = 0.3 < 0.5.
        let edges = [edge(0, 1, 0.9), edge(1, 2, 0.6)];
        let groups = agglomerate(3, &edges, LinkageParams { min_size: 1, ..params(10) });
        assert_eq!(groups, vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn small_groups_attach_at_the_lower_threshold() {
        let edges = [edge(0, 1, 0.9), edge(1, 2, 0.8), edge(0, 2, 0.8), edge(2, 3, 0.9), edge(0, 3, 0.2)];
        // Pass 1 makes {0,1} and {2,3}; together they average (0.8 + 0.8 + 0.2 + 0) / 4 = 0.45, below 0.5 but
        // above 0.3, and both are smaller than 3, so pass 2 merges them. 4 has no edges and stays alone.
        let groups = agglomerate(5, &edges, params(10));
        assert_eq!(groups, vec![vec![0, 1, 2, 3], vec![4]]);
    }

    #[test]
    fn max_size_splits_big_topics() {
        let mut edges = Vec::new();
        for a in 0..6 {
            for b in a + 1..6 {
                edges.push(edge(a, b, if a / 3 == b / 3 { 0.9 } else { 0.7 }));
            }
        }
        let groups = agglomerate(6, &edges, params(3));
        assert_eq!(groups, vec![vec![0, 1, 2], vec![3, 4, 5]]);
    }

    fn complete(size: u32) -> Vec<Edge> {
        (0..size).flat_map(|a| (a + 1..size).map(move |b| edge(a, b, 0.9 - 0.01 * (a + b) as f32))).collect()
    }

    fn sizes(groups: &[Vec<u32>]) -> Vec<usize> {
        let mut sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        sizes.sort_unstable();
        sizes
    }

    #[test]
    fn split_keeps_the_core_when_the_rest_can_stand_alone() {
        assert_eq!(sizes(&agglomerate(13, &complete(13), params(10))), [3, 10]);
    }

    #[test]
    fn split_leaves_what_does_not_fit_alone() {
        assert_eq!(sizes(&agglomerate(11, &complete(11), params(10))), [1, 10]);
        assert_eq!(sizes(&agglomerate(25, &complete(25), params(10))), [5, 10, 10]);
    }
}
