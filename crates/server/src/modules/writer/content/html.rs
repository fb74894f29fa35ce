//! Article HTML: sanitised with an allow-list before it is stored (from the model or from a user's edit), and
//! measured (word count, headings, first paragraph) for the SEO checks.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Tags an article may use: text structure, lists, tables, quotes, links, images. No scripts, styles, frames,
/// forms or embeds; no event handlers or `style` attributes.
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "p",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "a",
        "blockquote",
        "br",
        "hr",
        "code",
        "pre",
        "figure",
        "figcaption",
        "img",
        "span",
        "sub",
        "sup",
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::default();
    builder
        .tags(tags)
        .tag_attributes(
            [
                ("a", ["href", "title"].into_iter().collect()),
                ("img", ["src", "alt", "width", "height"].into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    builder
});

/// The HTML with everything outside the allow-list removed (an `<h1>` becomes its text: the title is the H1).
pub fn sanitise(html: &str) -> String {
    CLEANER.clean(html).to_string().trim().to_owned()
}

/// The visible text, tags removed and common entities decoded.
pub fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Words of the visible text.
pub fn word_count(html: &str) -> i32 {
    i32::try_from(text_of(html).split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count())
        .unwrap_or(i32::MAX)
}

/// How many times a tag opens (`<h2>` or `<h2 …>`), case-insensitively.
pub fn count_tag(html: &str, tag: &str) -> usize {
    let lowered = html.to_lowercase();
    let open = format!("<{tag}");
    lowered
        .match_indices(&open)
        .filter(|(i, _)| lowered[i + open.len()..].starts_with(['>', ' ', '/', '\t', '\n']))
        .count()
}

/// The text of the first paragraph.
pub fn first_paragraph(html: &str) -> String {
    let lowered = html.to_lowercase();
    let Some(start) = lowered.find("<p") else { return String::new() };
    let end = lowered[start..].find("</p>").map_or(html.len(), |e| start + e);
    text_of(&html[start..end]).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_scripts_handlers_frames_and_styles() {
        let dirty = r#"<h1>Title</h1><p onclick="steal()">Hi <a href="javascript:alert(1)">x</a> <a href="https://ok.example/">ok</a></p>
            <script>alert(1)</script><iframe src="https://evil.example"></iframe><img src=x onerror=alert(1)>
            <p style="position:fixed">styled</p><svg><script>alert(2)</script></svg><!-- note --><form><input></form>"#;
        let clean = sanitise(dirty);
        for bad in [
            "<script",
            "onclick",
            "javascript:",
            "<iframe",
            "onerror",
            "style=",
            "<svg",
            "<!--",
            "<form",
            "<input",
            "<h1",
        ] {
            assert!(!clean.to_lowercase().contains(bad), "{bad} survived: {clean}");
        }
        assert!(clean.contains(r#"<a href="https://ok.example/" rel="noopener noreferrer">ok</a>"#), "{clean}");
        assert!(clean.contains("Title") && clean.contains("styled"), "{clean}");
    }

    #[test]
    fn keeps_article_structure() {
        let html = "<h2>A</h2><p>One <strong>two</strong></p><ul><li>x</li></ul><table><tr><td>1</td></tr></table>";
        let clean = sanitise(html);
        assert!(clean.contains("<h2>A</h2>") && clean.contains("<strong>two</strong>") && clean.contains("<td>1</td>"));
    }

    #[test]
    fn measures_text() {
        let html = "<p>Compost bins &amp; more, for everyone.</p><h2>Why</h2><h2 id=x>How</h2><h3>Sub</h3>";
        assert_eq!(word_count(html), 8, "a lone & is not a word");
        assert_eq!(count_tag(html, "h2"), 2);
        assert_eq!(count_tag(html, "h3"), 1);
        assert_eq!(count_tag("<header>", "h"), 0);
        assert_eq!(first_paragraph(html), "Compost bins & more, for everyone.");
        assert_eq!(word_count("<p> — </p>"), 0);
    }
}
