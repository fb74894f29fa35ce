//! The SEO checklist shown beside the editor: lengths of title and meta, headings, the main keyword's places,
//! length against the target, and images.

use serde::Serialize;
use utoipa::ToSchema;

use super::html;

pub const META_TITLE_MAX: usize = 60;
pub const META_DESCRIPTION_MAX: usize = 160;
const META_DESCRIPTION_MIN: usize = 70;

#[derive(Debug, Serialize, ToSchema)]
pub struct Check {
    pub id: &'static str,
    pub label: &'static str,
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Validation {
    pub checks: Vec<Check>,
    /// Share of checks passed, 0–100.
    pub score: u8,
    pub word_count: i32,
    pub target_words: Option<i32>,
}

/// What the checklist looks at.
pub struct Subject<'a> {
    pub title: &'a str,
    pub meta_title: &'a str,
    pub meta_description: &'a str,
    pub html: &'a str,
    pub primary_keyword: &'a str,
    pub target_words: Option<i32>,
    /// Generated images (the featured one included).
    pub images: usize,
}

fn contains(haystack: &str, needle: &str) -> bool {
    let key = ai::normalise::normalise_keyword(needle);
    !key.is_empty() && ai::normalise::normalise_keyword(haystack).contains(&key)
}

pub fn validate(s: &Subject<'_>) -> Validation {
    let words = html::word_count(s.html);
    let h2 = html::count_tag(s.html, "h2");
    let keyword = s.primary_keyword.trim();
    let has_keyword = !keyword.is_empty();
    let meta_title_len = s.meta_title.chars().count();
    let meta_len = s.meta_description.chars().count();
    let mut checks = vec![
        Check {
            id: "meta_title_length",
            label: "Meta title is 1–60 characters",
            passed: (1..=META_TITLE_MAX).contains(&meta_title_len),
            detail: format!("{meta_title_len} characters"),
        },
        Check {
            id: "meta_description_length",
            label: "Meta description is 70–160 characters",
            passed: (META_DESCRIPTION_MIN..=META_DESCRIPTION_MAX).contains(&meta_len),
            detail: format!("{meta_len} characters"),
        },
        Check {
            id: "no_h1",
            label: "No H1 in the body (the title is the H1)",
            passed: html::count_tag(s.html, "h1") == 0,
            detail: format!("{} H1", html::count_tag(s.html, "h1")),
        },
        Check { id: "h2_count", label: "At least 3 H2 sections", passed: h2 >= 3, detail: format!("{h2} H2 sections") },
        Check {
            id: "keyword_in_title",
            label: "Main keyword in the title",
            passed: has_keyword && contains(s.title, keyword),
            detail: if has_keyword { format!("“{keyword}”") } else { "no main keyword set".into() },
        },
        Check {
            id: "keyword_in_first_paragraph",
            label: "Main keyword in the first paragraph",
            passed: has_keyword && contains(&html::first_paragraph(s.html), keyword),
            detail: String::new(),
        },
        Check {
            id: "keyword_in_meta_description",
            label: "Main keyword in the meta description",
            passed: has_keyword && contains(s.meta_description, keyword),
            detail: String::new(),
        },
        Check {
            id: "images_present",
            label: "At least one image",
            passed: s.images > 0,
            detail: format!("{} generated", s.images),
        },
    ];
    if let Some(target) = s.target_words {
        let low = target * 8 / 10;
        checks.push(Check {
            id: "word_count",
            label: "Length within 20 % of the target",
            passed: words >= low && words <= target * 12 / 10 + 50,
            detail: format!("{words} of {target} words"),
        });
    }
    let passed = checks.iter().filter(|c| c.passed).count();
    let score = u8::try_from(passed * 100 / checks.len().max(1)).unwrap_or(100);
    Validation { checks, score, word_count: words, target_words: s.target_words }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_article_passes_and_a_bad_one_says_why() {
        let body =
            format!("<p>Compost bins turn scraps into soil.</p>{}", "<h2>Part</h2><p>word word word</p>".repeat(4));
        let good = Subject {
            title: "Compost Bins: A Guide",
            meta_title: "Compost Bins: A Guide",
            meta_description: "Everything about compost bins: types, sizes, where to put them and how to keep them working all year long.",
            html: &body,
            primary_keyword: "compost bins",
            target_words: Some(20),
            images: 3,
        };
        let result = validate(&good);
        assert!(result.checks.iter().all(|c| c.passed), "{:#?}", result.checks);
        assert_eq!(result.score, 100);
        let bad = Subject { meta_title: &"x".repeat(61), html: "<h1>Hi</h1><p>nothing</p>", images: 0, ..good };
        let result = validate(&bad);
        let failed: Vec<&str> = result.checks.iter().filter(|c| !c.passed).map(|c| c.id).collect();
        assert_eq!(
            failed,
            ["meta_title_length", "no_h1", "h2_count", "keyword_in_first_paragraph", "images_present", "word_count"]
        );
        assert!(result.score < 50);
    }
}
