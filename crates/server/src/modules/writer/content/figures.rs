//! In-article images inside the article's HTML. A drawn in-article image becomes a `<figure>` after the section its
//! prompt was made for: image `n` (position `n`, 1-based) belongs to the article's `n`-th H2 section that is not
//! the conclusion, which is how the image prompts pick their subjects. Its `<img>` points at the image's stable
//! path (`/api/v1/writer/images/{id}/file/`), which is what is stored, exported and read by a publisher; answers
//! sign that path for a browser (an `<img>` cannot send a token), and saving takes the signature out again.

use std::collections::HashMap;

/// The path every in-article image link starts with.
const PREFIX: &str = "/api/v1/writer/images/";
const SUFFIX: &str = "/file/";

/// The stable (unsigned) link of an image's file.
pub fn image_path(id: i64) -> String {
    format!("{PREFIX}{id}{SUFFIX}")
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The figure of one in-article image.
pub fn figure(id: i64, alt: &str, width: u32, height: u32) -> String {
    format!(
        r#"<figure><img src="{}" alt="{}" width="{width}" height="{height}"></figure>"#,
        image_path(id),
        escape_attribute(alt)
    )
}

/// The longest alt text written.
const ALT_MAX: usize = 125;

/// Alt text from an image prompt: its first sentence (the subject, before the style template's additions). A
/// longer one is cut at its last clause (comma) that fits, else at a word, to at most 125 characters.
pub fn alt_from_prompt(prompt: &str) -> String {
    let first = prompt.split(['\n', '\r']).next().unwrap_or_default();
    let first = first.split(". ").next().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    let alt = if first.chars().count() <= ALT_MAX {
        first
    } else {
        let head: String = first.chars().take(ALT_MAX).collect();
        match head.rfind(", ") {
            Some(comma) if comma > ALT_MAX / 3 => head[..comma].to_owned(),
            _ => head.rsplit_once(' ').map_or(head.clone(), |(words, _)| words.to_owned()),
        }
    };
    let alt = alt.trim_end_matches(['.', ',', ';', ':']).to_owned();
    if alt.is_empty() { "Illustration".to_owned() } else { alt }
}

/// One link to an image file inside a `src` attribute: the byte range of the whole address (path and any query)
/// and the image id.
struct Link {
    start: usize,
    end: usize,
    id: i64,
}

/// The image links of sanitised HTML (double-quoted `src` attributes, as the sanitiser writes them).
fn links(html: &str) -> Vec<Link> {
    let mut found = Vec::new();
    let needle = format!("src=\"{PREFIX}");
    let mut from = 0;
    while let Some(at) = html[from..].find(&needle) {
        let start = from + at + "src=\"".len();
        let digits_from = start + PREFIX.len();
        let digits: String = html[digits_from..].chars().take_while(char::is_ascii_digit).collect();
        let after = digits_from + digits.len();
        from = after;
        let (Ok(id), true) = (digits.parse::<i64>(), html[after..].starts_with(SUFFIX)) else { continue };
        let Some(close) = html[after..].find('"') else { break };
        let end = after + close;
        // Only the path and its query: anything else after `/file/` is not one of ours.
        if end == after + SUFFIX.len() || html[after + SUFFIX.len()..end].starts_with('?') {
            found.push(Link { start, end, id });
        }
        from = end;
    }
    found
}

fn replace_links(html: &str, mut address: impl FnMut(i64) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for link in links(html) {
        if let Some(replacement) = address(link.id) {
            out.push_str(&html[last..link.start]);
            out.push_str(&replacement);
            last = link.end;
        }
    }
    out.push_str(&html[last..]);
    out
}

/// Whether the HTML already shows this image.
pub fn shows(html: &str, id: i64) -> bool {
    links(html).iter().any(|l| l.id == id)
}

/// The HTML with every image link back in its stable form (signatures from an answer taken out before saving).
pub fn canonical(html: &str) -> String {
    replace_links(html, |id| Some(image_path(id)))
}

/// The HTML with the links of the given images signed for a browser; `query` gives an image's query string
/// (without `?`, `&` already written as `&amp;`). Links to other images stay as they are: a link to an image of
/// another article or account is never signed.
pub fn signed(html: &str, queries: &HashMap<i64, String>) -> String {
    replace_links(html, |id| queries.get(&id).map(|q| format!("{}?{q}", image_path(id))))
}

/// The H2 headings of the HTML in order: where each `<h2…>` tag starts, and its visible text.
fn h2_starts(html: &str) -> Vec<(usize, String)> {
    let lowered = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lowered[from..].find("<h2") {
        let open = from + at;
        from = open + 3;
        if !lowered[from..].starts_with(['>', ' ', '\t', '\n', '\r']) {
            continue;
        }
        let Some(gt) = lowered[open..].find('>') else { break };
        let text_start = open + gt + 1;
        let end = lowered[text_start..].find("</h2>").map_or(html.len(), |e| text_start + e);
        let text = super::html::text_of(&html[text_start..end]).split_whitespace().collect::<Vec<_>>().join(" ");
        out.push((open, text));
        from = end;
    }
    out
}

/// Puts `figure` at the end of the `section`-th (0-based) H2 section that is not the conclusion: just before the
/// next H2, or at the end of the article. Without that many sections it goes after the last such section, and
/// without any at the end.
pub fn place(html: &str, section: usize, figure: &str) -> String {
    let headings = h2_starts(html);
    let eligible: Vec<usize> =
        (0..headings.len()).filter(|&i| !headings[i].1.trim().eq_ignore_ascii_case("conclusion")).collect();
    let at = match eligible.get(section).or(eligible.last()) {
        Some(&i) => headings.get(i + 1).map_or(html.len(), |next| next.0),
        None => html.len(),
    };
    format!("{}{figure}{}", &html[..at], &html[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "<p>Intro</p><h2>One</h2><p>a</p><h2>Two</h2><p>b</p><h2>Conclusion</h2><p>c</p>";

    #[test]
    fn places_after_the_section_the_prompt_was_for() {
        let placed = place(ARTICLE, 0, "<figure>1</figure>");
        assert_eq!(
            placed,
            "<p>Intro</p><h2>One</h2><p>a</p><figure>1</figure><h2>Two</h2><p>b</p><h2>Conclusion</h2><p>c</p>"
        );
        let placed = place(&placed, 1, "<figure>2</figure>");
        assert!(placed.contains("<p>b</p><figure>2</figure><h2>Conclusion</h2>"), "{placed}");
        // More images than sections: after the last section that is not the conclusion.
        let third = place(&placed, 5, "<figure>3</figure>");
        assert!(third.contains("<figure>2</figure><figure>3</figure><h2>Conclusion</h2>"), "{third}");
        assert_eq!(place("<p>no headings</p>", 0, "<f/>"), "<p>no headings</p><f/>");
        assert_eq!(place("<h2>Only</h2><p>x</p>", 0, "<f/>"), "<h2>Only</h2><p>x</p><f/>");
        // <h2x> is not a heading; attributes are fine.
        assert_eq!(
            place("<h2 id=\"a\">A</h2><p>x</p><h2>B</h2>", 0, "<f/>"),
            "<h2 id=\"a\">A</h2><p>x</p><f/><h2>B</h2>"
        );
    }

    #[test]
    fn links_are_signed_for_their_own_images_and_saved_without_signatures() {
        let html = format!("<p>x</p>{}{}", figure(7, "A \"cup\" & <saucer>", 1024, 1024), figure(9, "Other", 1, 1));
        assert!(html.contains(r#"alt="A &quot;cup&quot; &amp; &lt;saucer&gt;""#), "{html}");
        assert!(shows(&html, 7) && shows(&html, 9) && !shows(&html, 8));
        let queries = HashMap::from([(7, "expires=5&amp;sig=ab".to_owned())]);
        let signed_html = signed(&html, &queries);
        assert!(signed_html.contains(r#"src="/api/v1/writer/images/7/file/?expires=5&amp;sig=ab""#), "{signed_html}");
        assert!(signed_html.contains(r#"src="/api/v1/writer/images/9/file/""#), "not ours: left unsigned");
        assert_eq!(canonical(&signed_html), html);
        // Other addresses are left alone.
        let foreign =
            r#"<img src="/api/v1/writer/images/7/filex"><img src="https://cdn.example/api/v1/writer/images/7/file/">"#;
        assert_eq!(canonical(foreign), foreign);
        assert!(!shows(foreign, 7));
    }

    #[test]
    fn alt_text_is_the_prompts_subject() {
        assert_eq!(
            alt_from_prompt("A barista tamping espresso in a sunlit café. Warm style, realistic photo, no text."),
            "A barista tamping espresso in a sunlit café"
        );
        assert_eq!(alt_from_prompt("   "), "Illustration");
        let long = "word ".repeat(60);
        assert!(alt_from_prompt(&long).chars().count() <= 125);
        // Too long: cut at the last clause that fits rather than inside a quotation.
        let offline = "Stress management techniques: the main options, illustrating “Stress Management Techniques: The \
                       Options Compared Side by Side”. Natural style, realistic photo.";
        assert_eq!(alt_from_prompt(offline), "Stress management techniques: the main options");
    }
}
