//! Pillar choice and cluster names.
//!
//! Both must be deterministic and independent of input order, so every comparison ends on the keyword text and,
//! for identical texts, the input index.

use std::cmp::Ordering;
use std::collections::BTreeSet;

/// Small words left lower-case inside a title ("Running Shoes for Women").
const SMALL_WORDS: &[&str] =
    &["a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "vs", "with"];

/// What ranks a keyword as the face of its group.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prominence<'a> {
    pub index: usize,
    pub volume: Option<i64>,
    /// The normalised text.
    pub text: &'a str,
}

/// Most prominent first: highest volume (unknown below any known value), then shortest text (in characters), then
/// alphabetical, then lowest input index.
pub(crate) fn by_prominence(a: &Prominence<'_>, b: &Prominence<'_>) -> Ordering {
    b.volume
        .cmp(&a.volume)
        .then_with(|| a.text.chars().count().cmp(&b.text.chars().count()))
        .then_with(|| a.text.cmp(b.text))
        .then_with(|| a.index.cmp(&b.index))
}

/// Title case for a normalised keyword: every word capitalised except small joining words after the first.
pub(crate) fn title_case(normalised: &str) -> String {
    let mut out = String::with_capacity(normalised.len());
    for (position, word) in normalised.split(' ').enumerate() {
        if position > 0 {
            out.push(' ');
        }
        if position > 0 && SMALL_WORDS.contains(&word) {
            out.push_str(word);
            continue;
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// Makes names unique in the given order: a repeated name gets " 2", " 3", … (the first keeps its name).
pub(crate) fn make_unique(names: &mut [String]) {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for name in names.iter_mut() {
        if taken.insert(name.to_lowercase()) {
            continue;
        }
        let mut suffix = 2;
        while !taken.insert(format!("{name} {suffix}").to_lowercase()) {
            suffix += 1;
        }
        name.push_str(&format!(" {suffix}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prominence_order() {
        let p = |index, volume, text| Prominence { index, volume, text };
        let mut items = [
            p(0, Some(10), "running shoes for men"),
            p(1, None, "a"),
            p(2, Some(90), "trail shoes"),
            p(3, Some(90), "road shoes"),
            p(4, Some(90), "running shoes"),
            p(5, Some(0), "b"),
            p(6, Some(90), "road shoes"),
        ];
        items.sort_by(by_prominence);
        let order: Vec<usize> = items.iter().map(|item| item.index).collect();
        assert_eq!(order, [3, 6, 2, 4, 0, 5, 1]);
    }

    #[test]
    fn titles() {
        assert_eq!(title_case("running shoes for women"), "Running Shoes for Women");
        assert_eq!(title_case("how to train a puppy"), "How to Train a Puppy");
        assert_eq!(title_case("the 4k tv"), "The 4k Tv");
        assert_eq!(title_case("éclair recipe"), "Éclair Recipe");
        assert_eq!(title_case(""), "");
    }

    #[test]
    fn unique_names() {
        let mut names = vec!["Dog Bed".to_owned(), "Dog Bed".to_owned(), "dog bed".to_owned(), "Dog Bed 2".to_owned()];
        make_unique(&mut names);
        assert_eq!(names, ["Dog Bed", "Dog Bed 2", "dog bed 3", "Dog Bed 2 2"]);
    }
}
