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
}
