//! Long-tail modifiers learned from the keyword list itself.
//!
//! A fixed word list cannot know every town, audience or qualifier people add to a search ("… in boise", "… for
//! dummies", "wet …"). What gives them away is how they attach: a modifier is added to many *different* keywords
//! that exist without it ("cat food" → "cat food in boise", "lose weight fast" ← "lose weight"). So a topic stem is
//! learned as a modifier when most of the distinct topic cores holding it still name an existing core without it,
//! and it does so for at least [`MIN_BASES`] different cores. A head term that defines its own intent does not pass:
//! "calculator" in "mortgage calculator" leaves "mortgage", which is no keyword of its own; "bowls" in "cat food
//! bowls" attaches to one core only. The test gets sharper as the list grows, which is where long tails appear.
//! A learned word is then treated as a modifier only in keywords where dropping it leaves an existing keyword
//! core: "budget" in "cat food on a budget", but not in "monthly budget".

use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;

use super::text::Analysed;

/// Distinct cores a stem must attach to before it can be a modifier.
const MIN_BASES: usize = 3;
/// Share of the distinct cores holding a stem in which it attaches to an existing core.
const MIN_ATTACHED_SHARE: f32 = 0.5;
/// Keywords with more learned stems than this are not searched for the best set to remove at once.
const MAX_SUBSET_SEARCH: usize = 6;
/// Cores with more stems than this are not searched for two-word modifiers ("pros and cons").
const MAX_PAIR_SEARCH: usize = 8;

/// The modifiers learned from one keyword list, and the topic cores they were learned from (stems as ids).
pub(crate) struct Modifiers {
    ids: HashMap<String, u32, FixedState>,
    learned: HashSet<u32, FixedState>,
    cores: HashSet<Vec<u32>, FixedState>,
}

impl Modifiers {
    /// Learns from the analyses of the distinct keywords. A stem attaches to a core when removing it (alone, or
    /// with one other stem, for two-word modifiers such as "pros and cons") leaves another existing core.
    pub fn learn(analysed: &[&Analysed]) -> Self {
        let mut ids: HashMap<String, u32, FixedState> = HashMap::default();
        let mut cores: HashSet<Vec<u32>, FixedState> = HashSet::default();
        for analysis in analysed {
            let mut core: Vec<u32> = analysis
                .topic_stems
                .iter()
                .map(|stem| {
                    let next = ids.len() as u32;
                    *ids.entry(stem.clone()).or_insert(next)
                })
                .collect();
            core.sort_unstable();
            core.dedup();
            if !core.is_empty() {
                cores.insert(core);
            }
        }
        let mut stats: HashMap<u32, Attachment<'_>, FixedState> = HashMap::default();
        let mut attached: Vec<(usize, &Vec<u32>)> = Vec::new();
        for core in &cores {
            attached.clear();
            if core.len() >= 2 {
                for position in 0..core.len() {
                    if let Some(base) = cores.get(&without(core, &[position])) {
                        attached.push((position, base));
                    }
                }
            }
            if core.len() >= 3 && core.len() <= MAX_PAIR_SEARCH {
                for first in 0..core.len() {
                    for second in first + 1..core.len() {
                        if let Some(base) = cores.get(&without(core, &[first, second])) {
                            attached.push((first, base));
                            attached.push((second, base));
                        }
                    }
                }
            }
            for (position, &stem) in core.iter().enumerate() {
                let entry = stats.entry(stem).or_insert((0, 0, Vec::new()));
                entry.0 += 1;
                let mut any = false;
                for &(at, base) in attached.iter() {
                    if at != position {
                        continue;
                    }
                    any = true;
                    if entry.2.len() < MIN_BASES && !entry.2.contains(&base) {
                        entry.2.push(base);
                    }
                }
                if any {
                    entry.1 += 1;
                }
            }
        }
        let learned = stats
            .into_iter()
            .filter(|(_, (holding, attached, bases))| {
                bases.len() >= MIN_BASES && *attached as f32 >= MIN_ATTACHED_SHARE * *holding as f32
            })
            .map(|(stem, _)| stem)
            .collect();
        Self { ids, learned, cores }
    }

    /// Whether a stem was learned as a modifier.
    pub fn is_learned(&self, stem: &str) -> bool {
        self.ids.get(stem).is_some_and(|id| self.learned.contains(id))
    }

    /// The stems of this keyword that act as modifiers in it: learned stems whose removal (one or two at a time,
    /// repeatedly) still leaves an existing core. "budget" is a modifier in "cat food on a budget" but the topic of
    /// "monthly budget", since "monthly" alone is no keyword.
    pub fn modifiers_in(&self, analysis: &Analysed) -> Vec<String> {
        let mut current: Vec<u32> = Vec::with_capacity(analysis.topic_stems.len());
        for stem in &analysis.topic_stems {
            match self.ids.get(stem) {
                Some(&id) => current.push(id),
                None => return Vec::new(),
            }
        }
        current.sort_unstable();
        current.dedup();
        let mut removed: Vec<u32> = Vec::new();
        // The largest set of learned stems whose removal leaves a keyword of the list ("antivirus for busy people
        // for seniors" → "antivirus"); then one or two at a time.
        let learned_positions: Vec<usize> =
            (0..current.len()).filter(|&i| self.learned.contains(&current[i])).collect();
        if !learned_positions.is_empty() && learned_positions.len() <= MAX_SUBSET_SEARCH {
            let mut best: Option<(usize, Vec<usize>)> = None;
            for mask in 1u32..(1u32 << learned_positions.len()) {
                let positions: Vec<usize> = learned_positions
                    .iter()
                    .enumerate()
                    .filter(|(bit, _)| mask & (1 << bit) != 0)
                    .map(|(_, &position)| position)
                    .collect();
                if positions.len() >= current.len() || best.as_ref().is_some_and(|(size, _)| *size >= positions.len()) {
                    continue;
                }
                if self.cores.contains(&without(&current, &positions)) {
                    best = Some((positions.len(), positions));
                }
            }
            if let Some((_, positions)) = best {
                removed.extend(positions.iter().filter_map(|&position| current.get(position).copied()));
                current = without(&current, &positions);
            }
        }
        loop {
            let learned: Vec<usize> = (0..current.len()).filter(|&i| self.learned.contains(&current[i])).collect();
            if learned.is_empty() || current.len() < 2 {
                break;
            }
            let mut step: Option<Vec<usize>> = None;
            for &position in &learned {
                if self.cores.contains(&without(&current, &[position])) {
                    step = Some(vec![position]);
                    break;
                }
            }
            if step.is_none() && current.len() >= 3 {
                'pairs: for (index, &first) in learned.iter().enumerate() {
                    for &second in learned.iter().skip(index + 1) {
                        if self.cores.contains(&without(&current, &[first, second])) {
                            step = Some(vec![first, second]);
                            break 'pairs;
                        }
                    }
                }
            }
            let Some(step) = step else { break };
            removed.extend(step.iter().filter_map(|&position| current.get(position).copied()));
            current = without(&current, &step);
        }
        analysis
            .topic_stems
            .iter()
            .filter(|stem| self.ids.get(*stem).is_some_and(|id| removed.contains(id)))
            .cloned()
            .collect()
    }
}

/// Per stem: distinct cores holding it, how many of those it attaches in, and the distinct bases it attaches to
/// (capped at [`MIN_BASES`]).
type Attachment<'a> = (usize, usize, Vec<&'a Vec<u32>>);

/// The core without the stems at `positions`.
fn without(core: &[u32], positions: &[usize]) -> Vec<u32> {
    core.iter().enumerate().filter(|(index, _)| !positions.contains(index)).map(|(_, &stem)| stem).collect()
}

#[cfg(test)]
mod tests {
    use super::super::text::Analyser;
    use super::*;

    fn learned(keywords: &[&str]) -> Vec<String> {
        let mut analyser = Analyser::new(&[]);
        let analysed: Vec<Analysed> = keywords.iter().map(|keyword| analyser.analyse(keyword)).collect();
        let modifiers = Modifiers::learn(&analysed.iter().collect::<Vec<_>>());
        let mut out: Vec<String> = modifiers.ids.keys().filter(|stem| modifiers.is_learned(stem)).cloned().collect();
        out.sort();
        out
    }

    #[test]
    fn a_learned_word_is_a_modifier_only_where_the_rest_is_a_keyword() {
        let keywords = [
            "cat food",
            "cat food on a budget",
            "vpn",
            "vpn on a budget",
            "dog beds",
            "dog beds on a budget",
            "monthly budget",
            "how to budget",
            "cat food pros and cons",
            "vpn pros and cons",
            "dog beds pros and cons",
        ];
        let mut analyser = Analyser::new(&[]);
        let analysed: Vec<Analysed> = keywords.iter().map(|keyword| analyser.analyse(keyword)).collect();
        let modifiers = Modifiers::learn(&analysed.iter().collect::<Vec<_>>());
        assert!(modifiers.is_learned("budget"));
        assert_eq!(modifiers.modifiers_in(&analysed[1]), ["budget"]);
        assert!(modifiers.modifiers_in(&analysed[6]).is_empty(), "the topic of \"monthly budget\"");
        let mut pair = modifiers.modifiers_in(&analysed[8]);
        pair.sort();
        assert_eq!(pair, ["con", "pros"]);
    }

    #[test]
    fn places_added_to_many_keywords_are_modifiers_head_terms_are_not() {
        let keywords = [
            "cat food",
            "cat food tulsa",
            "mortgage rates",
            "mortgage rates tulsa",
            "dog beds",
            "dog beds tulsa",
            "mortgage calculator",
            "cat food bowls",
            "cat bowls",
            "ceramic cat bowl",
        ];
        assert_eq!(learned(&keywords), ["tulsa"]);
    }

    #[test]
    fn stacked_modifiers_are_learned_in_the_second_round() {
        let keywords = [
            "cat food",
            "cat food tulsa",
            "dog beds",
            "dog beds tulsa",
            "vpn",
            "vpn tulsa",
            "cat food zeta",
            "dog beds zeta",
            "vpn zeta",
            "cat food tulsa zeta",
        ];
        assert_eq!(learned(&keywords), ["tulsa", "zeta"]);
    }
}
