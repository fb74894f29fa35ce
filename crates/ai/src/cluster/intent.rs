//! Search-intent labels from modifier words.
//!
//! Intent is read from the words people add around a topic ("how to", "best", "buy", "login"), which is what SEO
//! tools conventionally use; a bare topic ("running shoes") expresses none, and a cluster of such keywords is
//! labelled informational, the most common intent for content pages.

use serde::{Deserialize, Serialize};

use crate::normalise::normalise_keyword;

/// Why someone searches: to learn, to compare before buying, to buy, or to reach a known site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    Informational,
    Commercial,
    Transactional,
    Navigational,
}

impl Intent {
    /// The lowercase name used in the API and database.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Informational => "informational",
            Intent::Commercial => "commercial",
            Intent::Transactional => "transactional",
            Intent::Navigational => "navigational",
        }
    }
}

/// Words that name a site or account area: the searcher already knows where to go.
/// Deliberately short: "app", "account" or "website" also name products ("budgeting app", "savings account").
const NAVIGATIONAL_WORDS: &[&str] = &["login", "signin", "logon", "homepage"];
/// Two-word navigational phrases.
const NAVIGATIONAL_PHRASES: &[(&str, &str)] = &[
    ("log", "in"),
    ("sign", "in"),
    ("official", "site"),
    ("official", "website"),
    ("customer", "service"),
    ("phone", "number"),
    ("contact", "number"),
];
/// Words of someone ready to pay.
const TRANSACTIONAL_WORDS: &[&str] = &[
    "buy",
    "purchase",
    "order",
    "price",
    "prices",
    "pricing",
    "cost",
    "costs",
    "cheap",
    "cheapest",
    "affordable",
    "deal",
    "deals",
    "discount",
    "discounts",
    "coupon",
    "coupons",
    "promo",
    "voucher",
    "sale",
    "shop",
    "hire",
    "rent",
    "rental",
    "booking",
    "quote",
    "quotes",
    "subscription",
    "wholesale",
];
/// Two-word transactional phrases.
const TRANSACTIONAL_PHRASES: &[(&str, &str)] = &[("near", "me"), ("for", "sale"), ("free", "shipping")];
/// Words of someone comparing options before buying.
const COMMERCIAL_WORDS: &[&str] = &[
    "best",
    "top",
    "review",
    "reviews",
    "vs",
    "versus",
    "compare",
    "comparison",
    "alternative",
    "alternatives",
    "rated",
    "ranking",
    "recommended",
];
/// Words of someone who wants to learn.
const INFORMATIONAL_WORDS: &[&str] = &[
    "how",
    "what",
    "why",
    "when",
    "where",
    "who",
    "which",
    "guide",
    "tutorial",
    "tips",
    "ideas",
    "examples",
    "meaning",
    "definition",
    "learn",
    "benefits",
    "explained",
    "recipe",
    "diy",
    "checklist",
    "steps",
];

/// Words that carry no topic: they say what the searcher wants, not what about. Besides the intent words above
/// these include a few generic qualifiers.
/// ("list" is not one: "python list" and "packing list" are topics.) Audience, time, quality and source words that
/// say nothing about the topic follow; places and other long-tail words are learned from the keyword list itself
/// (see `modifiers.rs`).
const OTHER_MODIFIERS: &[&str] = &[
    "near",
    "online",
    "free",
    "new",
    "ways",
    "easy",
    "simple",
    "types",
    "today",
    "current",
    "latest",
    "popular",
    "good",
    "great",
    "quick",
    "fast",
    "ultimate",
    "complete",
    "essential",
    "expert",
    "professional",
    "local",
    "trusted",
    "reliable",
    "beginner",
    "beginners",
    "dummies",
    "seniors",
    "reddit",
    "quora",
    "youtube",
    "pdf",
    "faq",
];

/// Whether a (lower-case, unstemmed) word is an intent or generic modifier rather than part of a topic. The
/// similarity gives such words little weight, so "best dog food" and "best running shoes" do not meet on "best".
pub(crate) fn is_modifier_word(word: &str) -> bool {
    let is_year = word.len() == 4
        && (word.starts_with("19") || word.starts_with("20"))
        && word.bytes().all(|b| b.is_ascii_digit());
    is_year
        || [NAVIGATIONAL_WORDS, TRANSACTIONAL_WORDS, COMMERCIAL_WORDS, INFORMATIONAL_WORDS, OTHER_MODIFIERS]
            .iter()
            .any(|list| list.contains(&word))
}

/// Reads intent from keywords; holds the normalised brand words so a long keyword list pays for them once.
#[derive(Debug, Clone, Default)]
pub struct IntentDetector {
    brand_words: Vec<String>,
}

impl IntentDetector {
    /// A detector that also treats keywords made only of these brand names (and navigational words such as
    /// "login" or "official") as navigational.
    pub fn new(brand_terms: &[String]) -> Self {
        let mut brand_words: Vec<String> = brand_terms
            .iter()
            .flat_map(|brand| words(&normalise_keyword(brand)).map(str::to_owned).collect::<Vec<_>>())
            .collect();
        brand_words.sort();
        brand_words.dedup();
        Self { brand_words }
    }

    /// The intent a keyword's modifier words express, or `None` for a bare topic. When several apply, the most
    /// specific wins: navigational, then transactional, then commercial, then informational ("how to buy a used
    /// car" is transactional).
    pub fn detect(&self, keyword: &str) -> Option<Intent> {
        let normalised = normalise_keyword(keyword);
        let words: Vec<&str> = words(&normalised).collect();
        if words.is_empty() {
            return None;
        }
        let has_word = |list: &[&str]| words.iter().any(|word| list.contains(word));
        let has_phrase = |list: &[(&str, &str)]| words.windows(2).any(|pair| list.contains(&(pair[0], pair[1])));
        let is_brand = |word: &str| self.brand_words.binary_search_by(|brand| brand.as_str().cmp(word)).is_ok();
        let only_brand = words.iter().any(|word| is_brand(word))
            && words.iter().all(|word| is_brand(word) || NAVIGATIONAL_WORDS.contains(word) || *word == "official");
        if only_brand || has_word(NAVIGATIONAL_WORDS) || has_phrase(NAVIGATIONAL_PHRASES) {
            Some(Intent::Navigational)
        } else if has_word(TRANSACTIONAL_WORDS) || has_phrase(TRANSACTIONAL_PHRASES) {
            Some(Intent::Transactional)
        } else if has_word(COMMERCIAL_WORDS) {
            Some(Intent::Commercial)
        } else if has_word(INFORMATIONAL_WORDS) {
            Some(Intent::Informational)
        } else {
            None
        }
    }
}

/// The intent of one keyword; see [`IntentDetector::detect`]. For many keywords build one [`IntentDetector`].
pub fn detect_intent(keyword: &str, brand_terms: &[String]) -> Option<Intent> {
    IntentDetector::new(brand_terms).detect(keyword)
}

/// The words of a normalised keyword (apostrophes and other punctuation split words).
fn words(normalised: &str) -> impl Iterator<Item = &str> {
    normalised.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty())
}

/// The intent of a group: the one most members express. A tie goes to the pillar's intent when it is among the
/// tied ones, otherwise to the earlier variant in declaration order; a group where no member expresses one is
/// informational.
pub(crate) fn majority_intent(member_intents: &[Option<Intent>], pillar_intent: Option<Intent>) -> Intent {
    const ALL: [Intent; 4] = [Intent::Informational, Intent::Commercial, Intent::Transactional, Intent::Navigational];
    let count = |intent: Intent| member_intents.iter().filter(|found| **found == Some(intent)).count();
    let best = ALL.iter().map(|&intent| count(intent)).max().unwrap_or(0);
    if best == 0 {
        return Intent::Informational;
    }
    if let Some(pillar) = pillar_intent.filter(|&pillar| count(pillar) == best) {
        return pillar;
    }
    ALL.into_iter().find(|&intent| count(intent) == best).unwrap_or(Intent::Informational)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_modifiers() {
        let none: &[String] = &[];
        assert_eq!(detect_intent("how to train a puppy", none), Some(Intent::Informational));
        assert_eq!(detect_intent("sourdough starter guide", none), Some(Intent::Informational));
        assert_eq!(detect_intent("best running shoes", none), Some(Intent::Commercial));
        assert_eq!(detect_intent("Nike vs Adidas", none), Some(Intent::Commercial));
        assert_eq!(detect_intent("buy solar panels", none), Some(Intent::Transactional));
        assert_eq!(detect_intent("dog groomer near me", none), Some(Intent::Transactional));
        assert_eq!(detect_intent("how to buy a used car", none), Some(Intent::Transactional));
        assert_eq!(detect_intent("chase login", none), Some(Intent::Navigational));
        assert_eq!(detect_intent("netflix sign in", none), Some(Intent::Navigational));
        assert_eq!(detect_intent("running shoes", none), None);
        assert_eq!(detect_intent("best budgeting app", none), Some(Intent::Commercial));
        assert_eq!(detect_intent("savings account", none), None);
        assert_eq!(detect_intent("", none), None);
    }

    #[test]
    fn bare_brand_is_navigational() {
        let brands = vec!["Nike".to_owned(), "New Balance".to_owned()];
        assert_eq!(detect_intent("nike", &brands), Some(Intent::Navigational));
        assert_eq!(detect_intent("New Balance official", &brands), Some(Intent::Navigational));
        assert_eq!(detect_intent("nike running shoes", &brands), None);
        assert_eq!(detect_intent("best nike running shoes", &brands), Some(Intent::Commercial));
    }

    #[test]
    fn majority_with_pillar_tie_break() {
        use Intent::*;
        assert_eq!(majority_intent(&[None, None], None), Informational);
        assert_eq!(majority_intent(&[Some(Commercial), Some(Commercial), Some(Transactional)], None), Commercial);
        assert_eq!(majority_intent(&[Some(Commercial), Some(Transactional)], Some(Transactional)), Transactional);
        assert_eq!(majority_intent(&[Some(Transactional), Some(Commercial)], None), Commercial);
    }

    #[test]
    fn serde_names_are_lowercase() {
        assert_eq!(serde_json::to_string(&Intent::Transactional).ok().as_deref(), Some("\"transactional\""));
        assert_eq!(Intent::Navigational.as_str(), "navigational");
    }
}
