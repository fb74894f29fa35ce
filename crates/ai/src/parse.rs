//! Tolerant parsing of structured (JSON) model output.
//!
//! Even with a provider's native structured-output mode, answers arrive wrapped or bent: inside Markdown fences,
//! after a sentence of prose, behind a `<think>` block, with trailing commas, with typographic quotes, with a BOM,
//! or cut off at the token limit. [`parse_json`] recovers the JSON from all of these and says clearly when it
//! cannot: [`ParseError::Truncated`] tells the caller a repair retry (or a higher token limit) is worth one more
//! call, the other errors do not.
//!
//! How it works: reasoning blocks are removed, then the text is scanned for balanced `{…}` / `[…]` spans (strings
//! respected); each span is parsed as it is and, if that fails, once more after a repair pass (trailing commas
//! dropped, typographic quotes and unescaped inner quotes fixed, raw control characters escaped). The longest
//! span that parses wins, so a stray `[1]` in the prose does not shadow the real answer.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why no JSON value could be taken from a model's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The answer contains nothing that looks like JSON.
    #[error("the answer contains no JSON")]
    NoJson,
    /// The JSON (or the reasoning before it) stops before it is complete, typically at the output token limit.
    #[error("the JSON in the answer is cut off")]
    Truncated,
    /// JSON was found but cannot be read, or does not have the expected shape; the detail says where.
    #[error("the JSON in the answer is invalid: {0}")]
    Invalid(String),
}

/// Reasoning-block tags some models emit before their answer (DeepSeek-R1, Qwen3, …).
const REASONING_TAGS: [&str; 4] = ["think", "thinking", "reasoning", "reflection"];

/// Upper bound on `{`/`[` positions tried, so a pathological answer (thousands of brackets) costs linear time.
const MAX_CANDIDATES: usize = 256;

/// Extracts the JSON value from a model's answer. See the module documentation for what is tolerated.
pub fn parse_json(text: &str) -> Result<Value, ParseError> {
    let without_bom = text.replace('\u{feff}', "");
    find_json(strip_reasoning(&without_bom)?)
}

/// [`parse_json`] followed by deserialisation into `T`. A shape mismatch is [`ParseError::Invalid`] with the path
/// of the offending field (e.g. `clusters[2].volume: invalid type: string "n/a", expected u64`). Numbers that
/// models send as strings are accepted for fields marked with [`crate::lenient`] helpers.
pub fn parse_as<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let value = parse_json(text)?;
    serde_path_to_error::deserialize(value).map_err(|err| ParseError::Invalid(err.to_string()))
}

/// Removes `<think>…</think>`-style blocks at the start of the answer, where models put them, and everything up to
/// an orphan closing tag (some chat templates put the opening tag in the prompt). Blocks further in are left
/// alone: they may be content inside the JSON. A block left open means the answer was cut off while the model was
/// still reasoning: [`ParseError::Truncated`].
fn strip_reasoning(text: &str) -> Result<&str, ParseError> {
    let mut rest = text;
    'blocks: loop {
        rest = rest.trim_start();
        for tag in REASONING_TAGS {
            if find_ignore_ascii_case(rest, &format!("<{tag}>")) == Some(0) {
                let close = format!("</{tag}>");
                match find_ignore_ascii_case(rest, &close) {
                    Some(at) => rest = &rest[at + close.len()..],
                    None => return Err(ParseError::Truncated),
                }
                continue 'blocks;
            }
        }
        break;
    }
    for tag in REASONING_TAGS {
        let close = format!("</{tag}>");
        if let Some(at) = find_ignore_ascii_case(rest, &close) {
            rest = &rest[at + close.len()..];
        }
    }
    Ok(rest)
}

/// Byte offset of an ASCII `needle` in `haystack`, ignoring ASCII case. The needle starts and ends with ASCII
/// characters, so the offsets around a match are char boundaries.
fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack.as_bytes().windows(needle.len()).position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

fn find_json(text: &str) -> Result<Value, ParseError> {
    let bytes = text.as_bytes();
    let mut best: Option<(usize, Value)> = None;
    let mut first_error: Option<String> = None;
    let mut position = 0;
    for _ in 0..MAX_CANDIDATES {
        let Some(offset) = bytes.get(position..).and_then(|rest| rest.iter().position(|b| matches!(b, b'{' | b'[')))
        else {
            break;
        };
        let start = position + offset;
        let candidate_start = &text[start..];
        let detached = text[..start].chars().next_back().is_none_or(char::is_whitespace);
        match balanced_end(&bytes[start..]) {
            Some(length) => {
                let candidate = &candidate_start[..length];
                match parse_candidate(candidate) {
                    Ok(value) => {
                        if best.as_ref().is_none_or(|(best_length, _)| length > *best_length) {
                            best = Some((length, value));
                        }
                        position = start + length;
                    }
                    Err(err) => {
                        if first_error.is_none() && looks_like_json(candidate, detached) {
                            first_error = Some(err);
                        }
                        position = start + 1;
                    }
                }
            }
            // Everything from here to the end is one unfinished value: the answer was cut off inside it.
            None if looks_like_json(candidate_start, detached) => return Err(ParseError::Truncated),
            None => position = start + 1,
        }
    }
    match (best, first_error) {
        (Some((_, value)), _) => Ok(value),
        (None, Some(err)) => Err(ParseError::Invalid(err)),
        (None, None) => Err(ParseError::NoJson),
    }
}

/// The length of the balanced `{…}` or `[…]` starting at `bytes[0]`, or `None` if the text ends first. Brackets
/// inside (ASCII-quoted) strings are ignored. Both delimiters are ASCII, so the length is a char boundary.
fn balanced_end(bytes: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (index, &byte) in bytes.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(index + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a span starting with `{` or `[` plausibly begins a JSON value (and is not prose like `[see above]` or
/// a `:-{`), judged by the first character after the bracket. A bracket with nothing after it counts when it
/// stands apart (`detached`: at the start of the text or after whitespace): an answer cut off right after
/// "Here you go: {" is truncated JSON.
fn looks_like_json(span: &str, detached: bool) -> bool {
    let mut chars = span.chars();
    let opener = chars.next();
    let rest = chars.as_str().trim_start();
    let Some(first) = rest.chars().next() else { return detached };
    let is_quote = matches!(first, '"' | '“' | '”' | '‘' | '’');
    match opener {
        Some('{') => is_quote || first == '}',
        Some('[') => {
            is_quote
                || matches!(first, '{' | '[' | ']' | '-' | '0'..='9')
                || ["true", "false", "null"].iter().any(|word| rest.starts_with(word))
        }
        _ => false,
    }
}

fn parse_candidate(candidate: &str) -> Result<Value, String> {
    serde_json::from_str(candidate).or_else(|_| serde_json::from_str(&repair(candidate)).map_err(|err| err.to_string()))
}

/// Which character opened the string being read in [`repair`].
#[derive(Clone, Copy)]
enum Quote {
    Ascii,
    /// `“` / `”` (or `„`) used as JSON quotes.
    Double,
    /// `‘` / `’` used as JSON quotes.
    Single,
}

/// Rewrites near-JSON into JSON: trailing commas removed; typographic quotes used as delimiters become `"`;
/// quotes inside strings that do not end them (not followed by `:`, `,`, `}`, `]` or the end) are escaped; raw
/// control characters inside strings are escaped.
fn repair(candidate: &str) -> String {
    let chars: Vec<char> = candidate.chars().collect();
    let mut out = String::with_capacity(candidate.len() + 16);
    let mut open: Option<Quote> = None;
    let mut index = 0;
    while let Some(&c) = chars.get(index) {
        match open {
            Some(quote) => match c {
                '\\' => {
                    out.push('\\');
                    if let Some(&escaped) = chars.get(index + 1) {
                        out.push(escaped);
                        index += 1;
                    }
                }
                _ if closes(quote, c) && ends_string(&chars, index + 1) => {
                    out.push('"');
                    open = None;
                }
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                _ if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                _ => out.push(c),
            },
            None => match c {
                '"' | '“' | '”' | '„' | '‘' | '’' => {
                    out.push('"');
                    open = Some(match c {
                        '"' => Quote::Ascii,
                        '‘' | '’' => Quote::Single,
                        _ => Quote::Double,
                    });
                }
                ',' if matches!(next_significant(&chars, index + 1), Some('}' | ']')) => {}
                _ => out.push(c),
            },
        }
        index += 1;
    }
    out
}

fn closes(quote: Quote, c: char) -> bool {
    match quote {
        Quote::Ascii => c == '"',
        Quote::Double => matches!(c, '”' | '“' | '"'),
        Quote::Single => matches!(c, '’' | '‘'),
    }
}

/// A quote ends a string only if what follows is structural: `:`, `,`, `}`, `]` or the end of the text.
fn ends_string(chars: &[char], from: usize) -> bool {
    matches!(next_significant(chars, from), None | Some(':' | ',' | '}' | ']'))
}

fn next_significant(chars: &[char], from: usize) -> Option<char> {
    chars.get(from..)?.iter().copied().find(|c| !c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(text: &str) -> Value {
        match parse_json(text) {
            Ok(value) => value,
            Err(err) => panic!("{text:?} did not parse: {err}"),
        }
    }

    #[test]
    fn plain_json() {
        assert_eq!(ok(r#"{"a": 1, "b": [true, null]}"#), json!({"a": 1, "b": [true, null]}));
        assert_eq!(ok(r#"  [1, 2, 3]  "#), json!([1, 2, 3]));
    }

    #[test]
    fn fenced_json() {
        assert_eq!(ok("```json\n{\"a\": 1}\n```"), json!({"a": 1}));
        assert_eq!(ok("```\n[{\"a\": 1}]\n```"), json!([{"a": 1}]));
        assert_eq!(ok("```JSON\n{\"code\": \"```\"}\n```"), json!({"code": "```"}));
    }

    #[test]
    fn prose_around_json() {
        let text = "Sure! Here are the clusters:\n\n{\"clusters\": [\"a\"]}\n\nLet me know if you need more.";
        assert_eq!(ok(text), json!({"clusters": ["a"]}));
        assert_eq!(ok("Result: {\"a\": 1} :-{"), json!({"a": 1}));
    }

    #[test]
    fn the_longest_value_wins_over_bracketed_prose() {
        let text = "See note [1] and the list [see above]. Answer: {\"ideas\": [{\"title\": \"x\"}]}";
        assert_eq!(ok(text), json!({"ideas": [{"title": "x"}]}));
    }

    #[test]
    fn braces_inside_strings_do_not_confuse_the_scan() {
        assert_eq!(ok(r#"{"html": "<p>{not json} ]</p>", "n": 1}"#), json!({"html": "<p>{not json} ]</p>", "n": 1}));
    }

    #[test]
    fn reasoning_blocks_are_skipped() {
        let text = "<think>Maybe {\"draft\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}? No.</think>\n{\"final\": true}";
        assert_eq!(ok(text), json!({"final": true}));
        let text = "<THINKING>a</THINKING><reasoning>b</reasoning>\n```json\n{\"x\": 1}\n```";
        assert_eq!(ok(text), json!({"x": 1}));
        // The opening tag was part of the prompt.
        assert_eq!(ok("I should list {\"big\": \"draft object\"} first.\n</think>\n{\"x\": 2}"), json!({"x": 2}));
    }

    #[test]
    fn reasoning_cut_off_is_truncation() {
        assert_eq!(parse_json("<think>The user wants {\"a\": 1} so"), Err(ParseError::Truncated));
    }

    #[test]
    fn trailing_commas() {
        assert_eq!(ok("{\"a\": [1, 2, ], \"b\": {\"c\": 3,\n},\n}"), json!({"a": [1, 2], "b": {"c": 3}}));
    }

    #[test]
    fn typographic_quotes_as_delimiters() {
        assert_eq!(ok("{“title”: “Best guide”, “n”: 2}"), json!({"title": "Best guide", "n": 2}));
        assert_eq!(ok("{‘title’: ‘Don’t panic’}"), json!({"title": "Don’t panic"}));
        assert_eq!(ok("{“quote”: “He said \"hi\" twice”}"), json!({"quote": "He said \"hi\" twice"}));
    }

    #[test]
    fn typographic_quotes_inside_ascii_strings_are_kept() {
        assert_eq!(ok(r#"{"title": "The “best” guide", "x": [1,]}"#), json!({"title": "The “best” guide", "x": [1]}));
    }

    #[test]
    fn bom_control_characters_and_inner_quotes() {
        assert_eq!(ok("\u{feff}{\"a\": 1}"), json!({"a": 1}));
        assert_eq!(ok("{\"text\": \"line one\nline two\ttab\"}"), json!({"text": "line one\nline two\ttab"}));
        assert_eq!(ok(r#"{"title": "The "best" guide"}"#), json!({"title": "The \"best\" guide"}));
    }

    #[test]
    fn truncated_output() {
        assert_eq!(parse_json(r#"{"clusters": [{"name": "a"}, {"name": "b"#), Err(ParseError::Truncated));
        assert_eq!(parse_json("```json\n{\"a\": [1, 2"), Err(ParseError::Truncated));
        assert_eq!(parse_json("Here you go:\n{"), Err(ParseError::Truncated));
        assert_eq!(parse_json("[{\"a\": 1}, {\"a\": 2}, {\"a\""), Err(ParseError::Truncated));
        assert_eq!(parse_json("{“a”: “b"), Err(ParseError::Truncated));
    }

    #[test]
    fn no_json() {
        assert_eq!(parse_json(""), Err(ParseError::NoJson));
        assert_eq!(parse_json("I cannot help with that."), Err(ParseError::NoJson));
        assert_eq!(parse_json("See [above] and {this}."), Err(ParseError::NoJson));
        assert_eq!(parse_json("sad :-{"), Err(ParseError::NoJson));
    }

    #[test]
    fn invalid_json() {
        assert!(matches!(parse_json(r#"{"a": 1 "b": 2}"#), Err(ParseError::Invalid(_))));
        assert!(matches!(parse_json(r#"[true, nope]"#), Err(ParseError::Invalid(_))));
    }

    #[test]
    fn pathological_inputs_finish_quickly() {
        assert_eq!(parse_json(&"[".repeat(200_000)), Err(ParseError::Truncated));
        assert_eq!(parse_json(&"{a} ".repeat(50_000)), Err(ParseError::NoJson));
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(parse_json(&deep), Err(ParseError::Invalid(_))));
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in ["é{“", "{\\", "[\"\\", "“”‘’„", "{\"a\":\"\u{0}\"}", "}{][", "<think>", "</think>", "{,}", "[,]"]
        {
            let _ = parse_json(text);
        }
    }

    #[test]
    fn parse_as_deserialises_and_reports_the_failing_path() {
        #[derive(serde::Deserialize)]
        struct Cluster {
            name: String,
        }
        #[derive(serde::Deserialize)]
        struct Answer {
            clusters: Vec<Cluster>,
        }
        let answer = parse_as::<Answer>("```json\n{\"clusters\": [{\"name\": \"a\"},]}\n```").unwrap();
        assert_eq!(answer.clusters.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["a"]);
        let err = parse_as::<Answer>(r#"{"clusters": [{"name": "a"}, {"name": 3}]}"#).err();
        assert!(matches!(&err, Some(ParseError::Invalid(detail)) if detail.starts_with("clusters[1].name")), "{err:?}");
        assert!(matches!(parse_as::<Answer>("nothing"), Err(ParseError::NoJson)));
    }
}
