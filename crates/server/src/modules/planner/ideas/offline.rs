//! The Offline provider's ideas: built deterministically from a cluster's name and keywords, so the pipeline runs
//! without a model. Every idea says it is an offline draft.

use domain::outline::{Outline, Section};

use super::dto::IdeaDraft;

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
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
    let plans: [(String, &str, &str); 7] = [
        (format!("{}: The Complete Guide", capitalise(&topic)), "guide", "guide"),
        (format!("How to Choose {}: A Step-by-Step Approach", capitalise(&topic)), "article", "choose"),
        (format!("Common {} Mistakes and How to Avoid Them", capitalise(&topic)), "listicle", "mistakes"),
        (format!("{}: Options Compared Side by Side", capitalise(&topic)), "comparison", "compare"),
        (format!("{} for Beginners: Where to Start", capitalise(&topic)), "article", "beginners"),
        (format!("{} Questions Answered", capitalise(&topic)), "article", "faq"),
        (format!("Getting More From {}: Practical Tips", capitalise(&topic)), "listicle", "tips"),
    ];
    plans
        .into_iter()
        .take(count.clamp(3, 7))
        .enumerate()
        .map(|(n, (title, structure, angle))| {
            let covered = pick(n);
            let mut sections = vec![
                section(
                    format!("What {topic} means for you"),
                    vec!["Who this is for".into(), "What you will learn".into()],
                ),
                section(
                    match angle {
                        "choose" => format!("What to look for in {topic}"),
                        "mistakes" => format!("Mistakes people make with {topic}"),
                        "compare" => format!("The main {topic} options"),
                        "beginners" => format!("First steps with {topic}"),
                        "faq" => format!("The questions people ask about {topic}"),
                        "tips" => format!("Tips that make a difference with {topic}"),
                        _ => format!("{} explained", capitalise(&topic)),
                    },
                    vec!["The essentials".into(), "What experts agree on".into()],
                ),
            ];
            for keyword in &covered {
                sections.push(section(
                    capitalise(keyword),
                    vec![format!("Why {keyword} matters"), "Practical advice".into()],
                ));
            }
            let fillers = [
                (
                    format!("Costs and budget for {topic}"),
                    vec!["What to expect to spend".to_owned(), "Where to save".to_owned()],
                ),
                (format!("A checklist for {topic}"), vec!["Before you start".to_owned(), "Along the way".to_owned()]),
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
                sections.push(section(format!("More about {topic} ({})", sections.len()), Vec::new()));
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
}
