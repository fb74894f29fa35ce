//! Texts and paths: naming a place in the answer for messages, recognising placeholders, shortening a text at a
//! word boundary, reading a number out of words, the text an object stands for, list markers.

use crate::loose::Node;

use super::schema::key_form;

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

pub(super) fn named(path: &str) -> String {
    if path.is_empty() { "the answer".to_owned() } else { format!("`{path}`") }
}

/// The last property name in a path (`ideas[0].covered_keywords` → `covered_keywords`).
pub(super) fn field_of(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

pub(super) fn describe(node: &Node) -> &'static str {
    match node {
        Node::Null => "nothing",
        Node::Bool(_) => "a boolean",
        Node::Number(_) => "a number",
        Node::String(_) => "a text",
        Node::Array(_) => "a list",
        Node::Object(_) => "an object",
    }
}

/// An empty text, or a `...` / `…` / `etc.` element standing for "more of the same".
pub(super) fn is_placeholder(node: &Node) -> bool {
    matches!(node, Node::String(s) if matches!(s.trim(), "" | "..." | "…" | "etc" | "etc." | "and more"))
}

/// Words left dangling at the end of a shortened text.
const DANGLING: &[&str] =
    &["and", "or", "but", "the", "a", "an", "of", "to", "for", "with", "in", "on", "at", "by", "from", "vs", "&"];

/// `text` cut to at most `max` characters at a word boundary, without trailing punctuation or a dangling word.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max).collect();
    let at_boundary = text.chars().nth(max).is_some_and(char::is_whitespace);
    let mut short = if at_boundary {
        head
    } else {
        match head.rfind(char::is_whitespace) {
            Some(at) if at > 0 => head[..at].to_owned(),
            _ => head,
        }
    };
    loop {
        let before = short.len();
        short = short.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—(/|·".contains(c)).to_owned();
        if let Some((rest, last)) = short.rsplit_once(' ')
            && DANGLING.contains(&last.to_lowercase().as_str())
        {
            short = rest.to_owned();
        }
        if short.len() == before {
            return short;
        }
    }
}

/// The first number written in `text` (`"1,800"`, `"about 2000 words"`, `"~1500"`), digit groups allowed.
pub(super) fn number_in_text(text: &str) -> Option<f64> {
    let chars: Vec<char> = text.chars().collect();
    let start = chars.iter().enumerate().position(|(i, c)| {
        c.is_ascii_digit() || (matches!(c, '-' | '.') && chars.get(i + 1).is_some_and(char::is_ascii_digit))
    })?;
    let run: String = chars[start..]
        .iter()
        .enumerate()
        .take_while(|(i, c)| c.is_ascii_digit() || matches!(c, ',' | '.' | '_') || (*i == 0 && **c == '-'))
        .map(|(_, c)| *c)
        .collect();
    let run = run.trim_end_matches([',', '.', '_']);
    crate::lenient::without_separators(run)?.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Object fields that hold the text an object stands for, in order of preference.
const TEXT_FIELDS: &[&str] =
    &["prompt", "text", "value", "content", "description", "keyword", "name", "title", "html", "label"];

pub(super) fn text_field(members: Vec<(String, Node)>) -> Option<String> {
    let texts: Vec<(String, String)> = members
        .into_iter()
        .filter_map(|(key, value)| match value {
            Node::String(text) if !text.trim().is_empty() => Some((key_form(&key), text)),
            _ => None,
        })
        .collect();
    for field in TEXT_FIELDS {
        if let Some((_, text)) = texts.iter().find(|(key, _)| key == field) {
            return Some(text.clone());
        }
    }
    match texts.as_slice() {
        [(_, only)] => Some(only.clone()),
        _ => None,
    }
}

/// A list line without its marker: `1. `, `2) `, `- `, `* `, `• `.
pub(super) fn strip_list_marker(line: &str) -> String {
    let line = line.trim();
    let without_number = match line.find(['.', ')']) {
        Some(at) if at > 0 && line[..at].chars().all(|c| c.is_ascii_digit()) => &line[at + 1..],
        _ => line,
    };
    without_number.trim_start_matches(['-', '*', '•', '·']).trim().to_owned()
}
