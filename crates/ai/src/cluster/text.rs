//! Keyword analysis: words, stems, stopwords and the duplicate key.
//!
//! Everything later in the engine works on what this produces. The base form is
//! [`crate::normalise::normalise_keyword`] (NFKC, lower case, trimmed punctuation), so clustering and the matching
//! of model output agree on what "the same keyword" means.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use rust_stemmers::{Algorithm, Stemmer};

use super::intent::is_modifier_word;
use crate::normalise::normalise_keyword;

/// Function words that change neither topic nor intent: "running shoes for women" is "women running shoes".
/// Question words ("how", "what") are not here: they carry intent, see [`is_modifier_word`].
const STOPWORDS: &[&str] = &[
    "a", "about", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does",
    "for", "from", "has", "have", "he", "her", "his", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of",
    "on", "or", "our", "s", "she", "should", "so", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "those", "to", "was", "we", "were", "will", "with", "would", "you", "your",
];

/// One keyword taken apart.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Analysed {
    /// [`normalise_keyword`] of the input.
    pub normalised: String,
    /// Sorted, de-duplicated stems of every word except stopwords, space-separated. Keywords with the same key are
    /// near-duplicates (plurals, word order, stopwords, case, Unicode form). Empty when the keyword has no words.
    pub key: String,
    /// Stems of topic words (neither stopwords nor modifiers), first occurrence order, without repeats.
    pub topic_stems: Vec<String>,
    /// Stems of modifier and brand words, first occurrence order, without repeats.
    pub modifier_stems: Vec<String>,
    /// Topic words as written (unstemmed), the source of character n-grams.
    pub topic_words: Vec<String>,
}

impl Analysed {
    /// The core key: sorted topic stems (keywords that differ only in modifiers share it). A keyword without topic
    /// words keeps its duplicate key, marked so it cannot meet a real topic.
    pub fn core_key(&self) -> String {
        if self.topic_stems.is_empty() {
            return format!("~{}", self.key);
        }
        let mut stems: Vec<&str> = self.topic_stems.iter().map(String::as_str).collect();
        stems.sort_unstable();
        stems.join(" ")
    }

    /// A copy where the topic stems in `learned` (long-tail modifiers found in the keyword list) count as modifiers.
    /// A keyword made only of such words keeps them as its topic.
    pub fn with_learned_modifiers(&self, learned: &[String]) -> Analysed {
        let learned = |stem: &str| learned.iter().any(|found| found == stem);
        if !self.topic_stems.iter().any(|stem| learned(stem)) || self.topic_stems.iter().all(|stem| learned(stem)) {
            return self.clone();
        }
        let mut out = Analysed {
            normalised: self.normalised.clone(),
            key: self.key.clone(),
            modifier_stems: self.modifier_stems.clone(),
            ..Analysed::default()
        };
        for (index, stem) in self.topic_stems.iter().enumerate() {
            if learned(stem) {
                if !out.modifier_stems.contains(stem) {
                    out.modifier_stems.push(stem.clone());
                }
            } else {
                out.topic_stems.push(stem.clone());
                if let Some(word) = self.topic_words.get(index) {
                    out.topic_words.push(word.clone());
                }
            }
        }
        out
    }
}

/// Splits, filters and stems keywords, caching stems (large keyword lists repeat the same few thousand words).
pub(crate) struct Analyser {
    stemmer: Stemmer,
    stems: HashMap<String, String, FixedState>,
    brand_words: Vec<String>,
}

impl Analyser {
    /// An English analyser; words of `brand_terms` count as modifiers.
    pub fn new(brand_terms: &[String]) -> Self {
        let mut brand_words: Vec<String> =
            brand_terms.iter().flat_map(|brand| words(&normalise_keyword(brand))).collect();
        brand_words.sort();
        brand_words.dedup();
        Self { stemmer: Stemmer::create(Algorithm::English), stems: HashMap::default(), brand_words }
    }

    /// Analyses one keyword.
    pub fn analyse(&mut self, keyword: &str) -> Analysed {
        let normalised = normalise_keyword(keyword);
        let all_words = words(&normalised);
        let kept: Vec<&String> = all_words.iter().filter(|word| !STOPWORDS.contains(&word.as_str())).collect();
        // A keyword of stopwords only ("how to" aside, rare) still needs a key: use all its words.
        let kept: Vec<&String> = if kept.is_empty() { all_words.iter().collect() } else { kept };
        let mut out = Analysed { normalised: normalised.clone(), ..Analysed::default() };
        let mut key_stems = Vec::with_capacity(kept.len());
        for word in kept {
            let stem = self.stem(word);
            key_stems.push(stem.clone());
            let is_modifier = is_modifier_word(word) || self.brand_words.binary_search(word).is_ok();
            let list = if is_modifier { &mut out.modifier_stems } else { &mut out.topic_stems };
            if !list.contains(&stem) {
                list.push(stem);
                if !is_modifier {
                    out.topic_words.push(word.clone());
                }
            }
        }
        key_stems.sort();
        key_stems.dedup();
        out.key = key_stems.join(" ");
        out
    }

    /// The Snowball (Porter 2) English stem; words with digits or symbols ("c++", "4k", "2024") are kept as they
    /// are, the stemmer would only mangle them.
    fn stem(&mut self, word: &str) -> String {
        if let Some(stem) = self.stems.get(word) {
            return stem.clone();
        }
        let stem =
            if word.chars().all(char::is_alphabetic) { self.stemmer.stem(word).into_owned() } else { word.to_owned() };
        self.stems.insert(word.to_owned(), stem.clone());
        stem
    }
}

/// The words of a normalised keyword. A possessive "'s" goes ("men's" → "men"), other apostrophes join
/// ("don't" → "dont"); letters, digits, `+` and `#` (for "c++", "c#") make up words; everything else separates.
fn words(normalised: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in normalised.split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#' || c == '\'')) {
        let without_possessive = raw.strip_suffix("'s").unwrap_or(raw);
        let word: String = without_possessive.chars().filter(|&c| c != '\'').collect();
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(keyword: &str) -> String {
        Analyser::new(&[]).analyse(keyword).key
    }

    #[test]
    fn duplicate_keys_ignore_plural_order_stopwords_case_and_width() {
        assert_eq!(key("running shoes for women"), key("women running shoe"));
        assert_eq!(key("Dog Beds"), key("dog bed"));
        assert_eq!(key("ＤＯＧ ＢＥＤ"), key("dog bed"));
        assert_eq!(key("men's shoes"), key("shoes men"));
        assert_ne!(key("best running shoes"), key("running shoes"));
        assert_eq!(key(" ?! "), "");
        assert_eq!(key("to the"), "the to");
    }

    #[test]
    fn splits_topic_from_modifiers() {
        let mut analyser = Analyser::new(&["Nike".to_owned()]);
        let analysed = analyser.analyse("Best Nike running shoes near me 2024");
        assert_eq!(analysed.topic_stems, ["run", "shoe"]);
        assert_eq!(analysed.modifier_stems, ["best", "nike", "near", "2024"]);
        assert_eq!(analysed.topic_words, ["running", "shoes"]);
        assert_eq!(analyser.analyse("c++ tutorial").topic_stems, ["c++"]);
    }
}
