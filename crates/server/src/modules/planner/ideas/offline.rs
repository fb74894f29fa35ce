//! The Offline provider's ideas: built deterministically from a cluster's name and keywords, so the pipeline runs
//! without a model. Every idea says it is an offline draft.

use domain::outline::{Outline, Section};

use super::dto::IdeaDraft;

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// Short words a headline keeps in lower case (unless first).
const MINOR_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or", "per", "the",
    "to", "vs", "via", "with",
];

/// A keyword as a headline names it: each word capitalised except short joining words ("Meditation for
/// Anxiety", "How to Manage Stress"); words already written with capitals ("iPhone", "SEO") are kept.
fn title_case(text: &str) -> String {
    text.split_whitespace()
        .enumerate()
        .map(|(i, word)| {
            let keep = word.chars().any(char::is_uppercase) || (i > 0 && MINOR_WORDS.contains(&word));
            if keep { word.to_owned() } else { capitalise(word) }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words that make a keyword a question or an instruction rather than a thing ("how to meditate daily").
const QUESTION_WORDS: &[&str] =
    &["how", "what", "why", "when", "where", "which", "who", "can", "does", "do", "is", "are", "should"];

fn is_question(topic: &str) -> bool {
    topic.split_whitespace().next().is_some_and(|w| QUESTION_WORDS.contains(&w.to_lowercase().as_str()))
}

/// The titles of the seven angles. The topic always stands as a name on its own (before a colon, or as the whole
/// subject), so any keyword reads grammatically: a thing ("espresso machine"), a phrase ("meditation for
/// anxiety") or a question ("how to manage stress").
fn titles(topic: &str) -> [String; 7] {
    let t = title_case(topic);
    let choose = if is_question(topic) {
        format!("{t}: A Step-by-Step Approach")
    } else {
        format!("{t}: What to Look For and How to Choose")
    };
    [
        format!("{t}: The Complete Guide"),
        choose,
        format!("{t}: Common Mistakes and How to Avoid Them"),
        format!("{t}: The Options Compared Side by Side"),
        format!("{t}: A Beginner's Guide"),
        format!("{t}: Your Questions Answered"),
        format!("{t}: Practical Tips That Make a Difference"),
    ]
}

fn section(h2: String, h3: Vec<String>) -> Section {
    Section { h2, h3 }
}

/// `count` ideas (3–7) for a cluster whose keywords are given by falling volume (the pillar first).
pub fn ideas(cluster_name: &str, keywords: &[String], count: usize) -> Vec<IdeaDraft> {
    let topic = keywords.first().cloned().unwrap_or_else(|| cluster_name.to_lowercase());
    let others: Vec<&String> = keywords.iter().skip(1).collect();
    let pick = |n: usize| -> Vec<String> {
        others.iter().cycle().skip(n).take(others.len().min(3)).map(|s| (*s).clone()).collect()
    };
    // (title, structure, angle): each angle gives its own outline.
    let [guide, choose, mistakes, compare, beginners, faq, tips] = titles(&topic);
    let plans: [(String, &str, &str); 7] = [
        (guide, "guide", "guide"),
        (choose, "article", "choose"),
        (mistakes, "listicle", "mistakes"),
        (compare, "comparison", "compare"),
        (beginners, "article", "beginners"),
        (faq, "article", "faq"),
        (tips, "listicle", "tips"),
    ];
    let name = capitalise(&topic);
    plans
        .into_iter()
        .take(count.clamp(3, 7))
        .enumerate()
        .map(|(n, (title, structure, angle))| {
            let covered = pick(n);
            let mut sections = vec![
                section(
                    format!("{name}: what it means for you"),
                    vec!["Who this is for".into(), "What you will learn".into()],
                ),
                section(
                    match angle {
                        "choose" => format!("{name}: what to look for"),
                        "mistakes" => format!("{name}: the mistakes people make"),
                        "compare" => format!("{name}: the main options"),
                        "beginners" => format!("{name}: first steps"),
                        "faq" => format!("{name}: the questions people ask"),
                        "tips" => format!("{name}: tips that make a difference"),
                        _ => format!("{name} explained"),
                    },
                    vec!["The essentials".into(), "What experts agree on".into()],
                ),
            ];
            for keyword in &covered {
                sections.push(section(capitalise(keyword), vec!["Why it matters".into(), "Practical advice".into()]));
            }
            let fillers = [
                (
                    format!("{name}: costs and budget"),
                    vec!["What to expect to spend".to_owned(), "Where to save".to_owned()],
                ),
                (format!("{name}: a checklist"), vec!["Before you start".to_owned(), "Along the way".to_owned()]),
                ("Frequently asked questions".to_owned(), vec!["Quick answers".to_owned()]),
                ("Next steps".to_owned(), vec!["Key takeaways".to_owned()]),
            ];
            for (h2, h3) in fillers {
                if sections.len() >= 8 {
                    break;
                }
                sections.push(section(h2, h3));
            }
            while sections.len() < 6 {
                sections.push(section(format!("{name}: more to know ({})", sections.len()), Vec::new()));
            }
            IdeaDraft {
                title,
                description: format!(
                    "Offline draft: a {structure} about “{topic}” for the “{cluster_name}” cluster, covering {}.",
                    if covered.is_empty() { "the main keyword".to_owned() } else { covered.join(", ") }
                ),
                content_type: "post".into(),
                content_structure: structure.into(),
                primary_keywords: vec![topic.clone()],
                covered_keywords: covered,
                outline: Outline(sections),
                target_word_count: 1200 + 100 * n as i32,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideas_are_deterministic_and_follow_the_rules() {
        let keywords: Vec<String> =
            ["compost bin", "best compost bin", "compost bins for kitchen", "rotating compost bin"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
        let first = ideas("Compost Bin", &keywords, 4);
        assert_eq!(first, ideas("Compost Bin", &keywords, 4));
        assert_eq!(first.len(), 4);
        for idea in &first {
            assert!(idea.description.starts_with("Offline draft"));
            assert!(idea.outline.clone().cleaned().is_ok(), "{:?}", idea.outline);
            assert_eq!(idea.primary_keywords, vec!["compost bin"]);
            assert!(idea.covered_keywords.iter().all(|k| keywords.contains(k)));
        }
        assert_eq!(ideas("Solo", &["one keyword".to_owned()], 9).len(), 7);
        assert!(ideas("Solo", &["one keyword".to_owned()], 3).iter().all(|i| i.outline.clone().cleaned().is_ok()));
    }

    #[test]
    fn titles_name_the_topic_grammatically() {
        let titles: Vec<String> =
            ideas("Espresso", &["espresso machine".to_owned()], 7).into_iter().map(|i| i.title).collect();
        assert_eq!(titles[0], "Espresso Machine: The Complete Guide");
        assert_eq!(titles[1], "Espresso Machine: What to Look For and How to Choose");
        assert!(titles.iter().all(|t| t.starts_with("Espresso Machine: ")), "{titles:?}");
        assert!(!titles.iter().any(|t| t.contains("Choose Espresso machine")), "{titles:?}");
        let question = ideas("Stress", &["how to manage stress".to_owned()], 3);
        assert_eq!(question[1].title, "How to Manage Stress: A Step-by-Step Approach");
        assert_eq!(title_case("meditation for anxiety"), "Meditation for Anxiety");
        assert_eq!(title_case("best SEO tools for iPhone"), "Best SEO Tools for iPhone");
        assert_eq!(title_case("the art of tea"), "The Art of Tea");
        let outline = &question[0].outline.0;
        assert_eq!(outline[0].h2, "How to manage stress: what it means for you");
    }
}
