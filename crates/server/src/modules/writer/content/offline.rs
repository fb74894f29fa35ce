//! The Offline provider's articles: built from the idea's outline and keywords, so the pipeline runs without a
//! model. The first paragraph says it is an offline draft.

use domain::outline::Outline;

use super::dto::ArticleDraft;
use super::label::OFFLINE_NOTE;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// Paragraph text about `subject` (a keyword or a heading, quoted as the name it is, so any wording reads
/// grammatically), varied by `seed` so sections do not repeat.
fn paragraph(subject: &str, keyword: &str, seed: usize) -> String {
    const OPENERS: [&str; 4] = [
        "When it comes to “{s}”, the details matter more than most people expect.",
        "“{S}” is easier to get right once you know what to look for.",
        "Many readers ask about “{s}”, and the answer depends on a few simple factors.",
        "Before deciding anything about “{s}”, it helps to step back and look at the whole picture.",
    ];
    const MIDDLES: [&str; 4] = [
        "Start with your goals, compare the options that fit them, and keep {k} in mind as you go.",
        "Think about budget, time and how often you will use it; {k} is a useful lens for each.",
        "Small choices early on save effort later, especially where {k} is concerned.",
        "Practical experience beats theory here, so test ideas on a small scale before committing.",
    ];
    let capital = {
        let mut c = subject.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    };
    let fill = |t: &str| t.replace("{s}", subject).replace("{S}", &capital).replace("{k}", keyword);
    format!(
        "{} {} This section gives you a clear, practical starting point you can act on today.",
        fill(OPENERS[seed % 4]),
        fill(MIDDLES[(seed / 4 + seed) % 4])
    )
}

/// The article of a task: an introduction using the main keyword, one H2 per outline section (its H3s as
/// sub-headings), one list and one table across the article, and a conclusion.
pub fn article(title: &str, outline: &Outline, keywords: &[String], target_words: i32) -> ArticleDraft {
    let primary = keywords.first().cloned().unwrap_or_else(|| title.to_lowercase());
    let secondary: Vec<String> = keywords.iter().skip(1).take(5).cloned().collect();
    let sections: Vec<(String, Vec<String>)> = if outline.0.is_empty() {
        ["Overview", "Key points", "How to get started", "Common mistakes", "Tips", "Next steps"]
            .iter()
            .map(|h| ((*h).to_owned(), Vec::new()))
            .collect()
    } else {
        outline.0.iter().map(|s| (s.h2.clone(), s.h3.clone())).collect()
    };
    // The introduction first (it carries the main keyword), then the offline label.
    let mut html = format!("<p>{}</p><p><em>{OFFLINE_NOTE}</em></p>", escape(&paragraph(&primary, &primary, 0)));
    // About 45 words a paragraph: the H3 paragraphs, the introduction and the conclusion are fixed, the rest of
    // the target is spread over the sections.
    let h3_count: usize = sections.iter().map(|(_, h3s)| h3s.len()).sum();
    let fixed = (h3_count + 3) * 45;
    let per_section = ((target_words.max(300) as usize).saturating_sub(fixed) / sections.len().max(1) / 45).clamp(1, 4);
    for (n, (h2, h3s)) in sections.iter().enumerate() {
        html.push_str(&format!("<h2>{}</h2>", escape(h2)));
        let topic = secondary.get(n % secondary.len().max(1)).cloned().unwrap_or_else(|| primary.clone());
        for k in 0..per_section {
            html.push_str(&format!("<p>{}</p>", escape(&paragraph(h2, &topic, n * 7 + k))));
        }
        for h3 in h3s {
            html.push_str(&format!("<h3>{}</h3><p>{}</p>", escape(h3), escape(&paragraph(h3, &topic, n + 3))));
        }
        if n == 1 {
            html.push_str("<ul>");
            for item in [
                "Set a clear goal",
                "Compare at least three options",
                "Check reviews and guarantees",
                "Start small and adjust",
            ] {
                html.push_str(&format!("<li>{item}</li>"));
            }
            html.push_str("</ul>");
        }
        if n == 2 {
            html.push_str(&format!(
                "<table><thead><tr><th>Option</th><th>Best for</th><th>Watch out for</th></tr></thead><tbody>\
                 <tr><td>Basic</td><td>Getting started with {p}</td><td>Limited features</td></tr>\
                 <tr><td>Mid-range</td><td>Most people</td><td>Comparing like with like</td></tr>\
                 <tr><td>Premium</td><td>Heavy use</td><td>Paying for extras you do not need</td></tr></tbody></table>",
                p = escape(&primary)
            ));
        }
    }
    html.push_str(&format!(
        "<h2>Conclusion</h2><p>{} With these points in hand, you can make confident decisions about {}.</p>",
        escape(&paragraph(&primary, &primary, 5)),
        escape(&primary)
    ));
    ArticleDraft {
        title: title.to_owned(),
        meta_title: clip(title, 60),
        meta_description: clip(
            &format!(
                "{}: a practical guide to {primary}, with clear steps, comparisons and tips to help you decide.",
                title
            ),
            160,
        ),
        html,
        primary_keyword: primary.clone(),
        secondary_keywords: secondary.clone(),
        tags: std::iter::once(primary).chain(secondary.into_iter().take(2)).collect(),
        categories: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::outline::Section;

    #[test]
    fn follows_the_outline_and_is_labelled() {
        let outline =
            Outline((1..=6).map(|i| Section { h2: format!("Part {i}"), h3: vec![format!("Detail {i}")] }).collect());
        let keywords = vec!["compost bin".to_owned(), "best compost bin".to_owned()];
        let a = article("Compost Bins <Guide>", &outline, &keywords, 1200);
        assert_eq!(a, article("Compost Bins <Guide>", &outline, &keywords, 1200), "deterministic");
        assert!(a.html.contains("Offline draft"));
        let words = crate::modules::writer::content::html::word_count(&a.html);
        assert!((960..=1440).contains(&words), "within 20 % of the 1,200-word target: {words}");
        assert!(crate::modules::writer::content::html::first_paragraph(&a.html).contains("compost bin"));
        for i in 1..=6 {
            assert!(a.html.contains(&format!("<h2>Part {i}</h2>")) && a.html.contains(&format!("<h3>Detail {i}</h3>")));
        }
        assert!(a.html.contains("<ul>") && a.html.contains("<table>") && !a.html.contains("<h1"));
        assert!(!a.html.contains("<Guide>"), "escaped");
        assert!(a.meta_title.chars().count() <= 60 && a.meta_description.chars().count() <= 160);
        assert!(a.meta_description.contains("compost bin"));
    }
}
