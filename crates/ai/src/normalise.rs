//! Keyword normalisation for matching what a model returns against what it was given.
//!
//! Models echo keywords back with small changes: different case, curly apostrophes, doubled spaces, full-width
//! characters, quotes or a trailing full stop. Comparing normalised forms lets the clustering and ideas functions
//! map every returned keyword to the input row it means, and report the ones the model made up.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use unicode_normalization::UnicodeNormalization;

/// Characters trimmed from both ends: quotes, sentence punctuation and list bullets. Characters that can be part
/// of a keyword (`+`, `#`, `&`, `%`, brackets, digits) are kept.
const EDGE_PUNCTUATION: &[char] = &[
    '"', '\'', '`', '«', '»', '‹', '›', '„', '‚', '.', ',', ';', ':', '!', '?', '¿', '¡', '-', '–', '—', '*', '•', '·',
];

/// The matching key of a keyword: Unicode NFKC, apostrophes unified to `'`, typographic double quotes to `"`,
/// lower-cased, surrounding quotes / punctuation / whitespace removed, inner whitespace collapsed to one space.
pub fn normalise_keyword(keyword: &str) -> String {
    let unified: String = keyword
        .nfkc()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{2032}' | '\u{00B4}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => '"',
            other => other,
        })
        .collect::<String>()
        .to_lowercase();
    let trimmed = unified.trim_matches(|c: char| c.is_whitespace() || EDGE_PUNCTUATION.contains(&c));
    trimmed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Maps keywords returned by a model onto the input list by their normalised form.
///
/// Returns `(matched, unknown)`: `matched` holds indices into `input`, in the order the model returned them, each
/// at most once (a keyword the model repeats counts once; if the input itself has two keywords with the same
/// normalised form, the first one is used). `unknown` holds the returned strings, as the model wrote them, that
/// match no input keyword. Returned strings that normalise to nothing are ignored.
pub fn match_keywords(returned: &[String], input: &[String]) -> (Vec<usize>, Vec<String>) {
    let mut by_key: HashMap<String, usize> = HashMap::with_capacity(input.len());
    for (index, keyword) in input.iter().enumerate() {
        by_key.entry(normalise_keyword(keyword)).or_insert(index);
    }
    let mut matched = Vec::new();
    let mut unknown = Vec::new();
    let mut seen = vec![false; input.len()];
    for keyword in returned {
        let key = normalise_keyword(keyword);
        if key.is_empty() {
            continue;
        }
        match by_key.entry(key) {
            Entry::Occupied(entry) => {
                let index = *entry.get();
                if let Some(seen) = seen.get_mut(index).filter(|seen| !**seen) {
                    *seen = true;
                    matched.push(index);
                }
            }
            Entry::Vacant(_) => unknown.push(keyword.clone()),
        }
    }
    (matched, unknown)
}

/// A cluster the model named, with the input keywords it was matched to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCluster {
    /// The name with its whitespace collapsed.
    pub name: String,
    pub description: String,
    /// Indices into the input list, in the order the model named them.
    pub members: Vec<usize>,
}

/// What a model's clusters come to against the input list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    pub clusters: Vec<NamedCluster>,
    /// Keywords the model named that are not in the input, as it wrote them.
    pub unknown: Vec<String>,
}

/// Matches each cluster the model named (name, description, keywords) to `input`. A keyword joins the first
/// cluster that names it; a cluster left with no keyword of the input, or without a name, is dropped. When no
/// cluster is left, the error says so and names what the model named instead: a reply with nothing usable is a
/// failure, not an empty success.
pub fn assign_clusters<'a>(
    named: impl IntoIterator<Item = (&'a str, &'a str, &'a [String])>,
    input: &[String],
) -> Result<Assignment, String> {
    let mut assignment = Assignment::default();
    let mut taken = vec![false; input.len()];
    let mut named_any = 0usize;
    for (name, description, keywords) in named {
        named_any += 1;
        let (matched, unknown) = match_keywords(keywords, input);
        assignment.unknown.extend(unknown);
        let members: Vec<usize> =
            matched.into_iter().filter(|i| taken.get_mut(*i).is_some_and(|t| !std::mem::replace(t, true))).collect();
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if members.is_empty() || name.is_empty() {
            continue;
        }
        assignment.clusters.push(NamedCluster { name, description: description.trim().to_owned(), members });
    }
    if !assignment.clusters.is_empty() {
        return Ok(assignment);
    }
    Err(match assignment.unknown.as_slice() {
        [] if named_any == 0 => "it has no clusters".to_owned(),
        [] => "none of its clusters holds a keyword of the list it was given".to_owned(),
        unknown => {
            let shown: Vec<String> = unknown.iter().take(5).map(|k| format!("“{k}”")).collect();
            let more = if unknown.len() > 5 { format!(" and {} more", unknown.len() - 5) } else { String::new() };
            format!(
                "none of its clusters names a keyword of the list it was given (it named {}{more})",
                shown.join(", ")
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_space_quotes_and_width() {
        assert_eq!(normalise_keyword("  Best   SEO\tTools  "), "best seo tools");
        assert_eq!(normalise_keyword("“best seo tools”."), "best seo tools");
        assert_eq!(normalise_keyword("men’s shoes"), "men's shoes");
        assert_eq!(normalise_keyword("ＳＥＯ ｔｏｏｌｓ"), "seo tools");
        assert_eq!(normalise_keyword("café\u{a0}near me"), "café near me");
        assert_eq!(normalise_keyword("cafe\u{301}"), "café");
        assert_eq!(normalise_keyword("- 'c++ tutorial'"), "c++ tutorial");
        assert_eq!(normalise_keyword("c#"), "c#");
        assert_eq!(normalise_keyword("what is seo?"), "what is seo");
        assert_eq!(normalise_keyword("«  »"), "");
    }

    #[test]
    fn matches_returned_keywords_to_input_rows() {
        let input: Vec<String> =
            ["best SEO tools", "men's shoes", "Best seo tools", "café"].iter().map(|s| s.to_string()).collect();
        let returned: Vec<String> = ["Men’s Shoes", "best seo tools.", "made up", "BEST SEO TOOLS", "  ", "CAFÉ"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (matched, unknown) = match_keywords(&returned, &input);
        assert_eq!(matched, vec![1, 0, 3]);
        assert_eq!(unknown, vec!["made up".to_string()]);
    }

    #[test]
    fn empty_lists() {
        assert_eq!(match_keywords(&[], &[]), (vec![], vec![]));
        assert_eq!(match_keywords(&["x".to_string()], &[]), (vec![], vec!["x".to_string()]));
    }

    #[test]
    fn clusters_are_assigned_first_come_and_nothing_usable_is_an_error() {
        let input: Vec<String> = ["a b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let one = vec!["A  B".to_string(), "made up".to_string()];
        let two = vec!["a b".to_string(), "c".to_string()];
        let three = vec!["a b".to_string()];
        let named = vec![
            ("  First   one ", " x ", one.as_slice()),
            ("Second", "", two.as_slice()),
            ("Third", "", three.as_slice()),
        ];
        let assignment = assign_clusters(named, &input).unwrap();
        assert_eq!(assignment.clusters.len(), 2, "the third has nothing left");
        assert_eq!(
            (assignment.clusters[0].name.as_str(), assignment.clusters[0].description.as_str()),
            ("First one", "x")
        );
        assert_eq!(assignment.clusters[0].members, vec![0]);
        assert_eq!(assignment.clusters[1].members, vec![2 - 1]);
        assert_eq!(assignment.unknown, vec!["made up".to_string()]);
        let invented = vec!["mulch calculator".to_string()];
        let err = assign_clusters(vec![("Soil", "", invented.as_slice())], &input).unwrap_err();
        assert!(err.contains("“mulch calculator”"), "{err}");
        assert_eq!(assign_clusters(Vec::<(&str, &str, &[String])>::new(), &input).unwrap_err(), "it has no clusters");
    }
}
