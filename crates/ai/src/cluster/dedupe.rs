//! Near-duplicate merging: keywords with the same duplicate key become one unit.
//!
//! "running shoes for women", "Women Running Shoe" and "women's running shoes" are one search concept; clustering
//! them separately would fill clusters with variants and skew average similarities. Units are ordered by key, not
//! by input position, so shuffled input gives the same units in the same order.

use std::collections::BTreeMap;

use super::naming::{Prominence, by_prominence};
use super::text::Analysed;
use super::types::{ClusterInput, DuplicateGroup};

/// One distinct keyword with its duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unit {
    /// The input index that stands for the unit (see [`by_prominence`]).
    pub canonical: usize,
    /// All input indices of the unit, canonical included, ascending.
    pub members: Vec<usize>,
}

/// Units in key order, plus the indices of keywords with an empty key (nothing left after normalisation).
pub(crate) fn merge_duplicates(inputs: &[ClusterInput], analysed: &[Analysed]) -> (Vec<Unit>, Vec<usize>) {
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut empty = Vec::new();
    for (index, analysis) in analysed.iter().enumerate() {
        if analysis.key.is_empty() {
            empty.push(index);
        } else {
            by_key.entry(analysis.key.as_str()).or_default().push(index);
        }
    }
    let units = by_key
        .into_values()
        .map(|members| {
            let prominence = |index: usize| Prominence {
                index,
                volume: inputs.get(index).and_then(|input| input.volume),
                text: analysed.get(index).map_or("", |analysis| analysis.normalised.as_str()),
            };
            let canonical =
                members.iter().map(|&index| prominence(index)).min_by(by_prominence).map_or(0, |best| best.index);
            Unit { canonical, members }
        })
        .collect();
    (units, empty)
}

/// The duplicate groups to report: units with more than one member, by canonical index.
pub(crate) fn duplicate_groups(units: &[Unit]) -> Vec<DuplicateGroup> {
    let mut groups: Vec<DuplicateGroup> = units
        .iter()
        .filter(|unit| unit.members.len() > 1)
        .map(|unit| DuplicateGroup {
            canonical: unit.canonical,
            duplicates: unit.members.iter().copied().filter(|&index| index != unit.canonical).collect(),
        })
        .collect();
    groups.sort_by_key(|group| group.canonical);
    groups
}
