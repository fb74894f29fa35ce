//! Tolerant reading of structured (JSON) model output.
//!
//! Even with a provider's native structured-output mode, answers arrive wrapped or bent: inside Markdown fences,
//! after a sentence of prose, behind a `<think>` block, with trailing commas, comments, single quotes or
//! typographic quotes, as a JSON string holding the JSON, with a BOM, or cut off at the token limit.
//! [`parse_json`] recovers the JSON from all of these and says clearly when it cannot: [`ParseError::Truncated`]
//! tells the caller a repair retry (with a higher token limit) is worth one more call, [`ParseError::Refused`] that
//! the model declined (another call will not help), the other errors say what is wrong.
//!
//! [`read`] goes on from there the way a careful reader of the reply would: it fits the value to the JSON schema
//! that was asked for ([`crate::shape`]: keys in another case, a missing or extra wrapper, loose types, over-long
//! texts, unusable list elements left out) and deserialises it, keeping notes of what it had to adjust.
//!
//! How the JSON is found: reasoning blocks are removed, then the text is scanned for values that start with `{`
//! or `[` (or a JSON string that starts with one of them: double-encoded answers). Each is read by the tolerant reader
//! ([`crate::loose`]), which reads plain JSON exactly as JSON. The longest value read wins, so a stray `[1]` in the prose
//! does not shadow the real answer; a value that cannot be read is skipped as a whole, so the answer's error is
//! reported, not a complaint about a list inside it.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Finish;
use crate::loose::{self, Failure, Node};
use crate::shape::{self, Hints};

/// Why no usable value could be taken from a model's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The answer is empty (or only whitespace, or only a reasoning block).
    #[error("the answer is empty")]
    Empty,
    /// The answer contains nothing that looks like JSON.
    #[error("the answer contains no JSON")]
    NoJson,
    /// The JSON (or the reasoning before it) stops before it is complete, typically at the output token limit.
    #[error("the JSON in the answer is cut off")]
    Truncated,
    /// JSON was found but cannot be read, or does not have the expected shape; the detail says where.
    #[error("the JSON in the answer is invalid: {0}")]
    Invalid(String),
    /// The model declined to answer; its words (shortened) are kept.
    #[error("the model declined to answer: “{0}”")]
    Refused(String),
    /// The JSON was read, but nothing in it can be used (every element broke the schema, or a required part is
    /// missing); the detail says why.
    #[error("{0}")]
    Unusable(String),
}

/// Reasoning-block tags some models emit before their answer (DeepSeek-R1, Qwen3, …).
const REASONING_TAGS: [&str; 4] = ["think", "thinking", "reasoning", "reflection"];

/// Upper bound on values tried, so a pathological answer (thousands of brackets) costs linear time.
const MAX_CANDIDATES: usize = 256;

/// How many times a JSON string holding JSON is unwrapped.
const MAX_ENCODING_DEPTH: usize = 3;

/// Extracts the JSON value from a model's answer. See the module documentation for what is tolerated.
pub fn parse_json(text: &str) -> Result<Value, ParseError> {
    let without_bom = text.replace('\u{feff}', "");
    let chars: Vec<char> = strip_reasoning(&without_bom)?.chars().collect();
    Ok(longest(scan(&chars, false, 0)?).into_value())
}

/// [`parse_json`] followed by deserialisation into `T`. A shape mismatch is [`ParseError::Invalid`] with the path
/// of the offending field (e.g. `clusters[2].volume: invalid type: string "n/a", expected u64`). Numbers that
/// models send as strings are accepted for fields marked with [`crate::lenient`] helpers.
pub fn parse_as<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let value = parse_json(text)?;
    serde_path_to_error::deserialize(value).map_err(|err| ParseError::Invalid(err.to_string()))
}

/// A reply read into `T`, with what had to be adjusted or left out on the way (for logs and task results).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading<T> {
    pub value: T,
    pub notes: Vec<String>,
}

/// Reads a model's reply the way a careful reader would (module documentation): finds the JSON, fits it to
/// `schema` (the schema the request asked for; `None` takes the JSON as it is) with `hints`, and deserialises it.
/// `finish` is why the model stopped: a reply that ended normally may have left out its last closing brackets;
/// one stopped at the token limit is [`ParseError::Truncated`] whenever it cannot be read.
pub fn read<T: DeserializeOwned>(
    text: &str,
    finish: &Finish,
    schema: Option<&Value>,
    hints: &Hints,
) -> Result<Reading<T>, ParseError> {
    let cut = *finish == Finish::Length;
    let without_bom = text.replace('\u{feff}', "");
    let rest = strip_reasoning(&without_bom)?;
    let chars: Vec<char> = rest.chars().collect();
    let found = match scan(&chars, !cut, 0) {
        Ok(found) => found,
        Err(ParseError::NoJson) => {
            return Err(match crate::refusal::in_text(rest) {
                Some(words) => ParseError::Refused(words),
                None if cut => ParseError::Truncated,
                None if rest.trim().is_empty() => ParseError::Empty,
                None => ParseError::NoJson,
            });
        }
        Err(ParseError::Invalid(_)) if cut => return Err(ParseError::Truncated),
        Err(other) => return Err(other),
    };
    let node = choose(found, schema, hints);
    if let Some(words) = schema.and_then(|schema| crate::refusal::in_json(&node, schema)) {
        return Err(ParseError::Refused(words));
    }
    let (value, notes) = match schema {
        Some(schema) => shape::fit(node, schema, hints).map_err(ParseError::Unusable)?,
        None => (node.into_value(), Vec::new()),
    };
    let value = serde_path_to_error::deserialize(value).map_err(|err| ParseError::Invalid(err.to_string()))?;
    Ok(Reading { value, notes })
}

/// The JSON value in `text` as read (members in the order written), for fields that hold JSON as text.
pub(crate) fn node_in(text: &str) -> Option<Node> {
    let chars: Vec<char> = text.chars().collect();
    scan(&chars, false, 0).ok().map(longest)
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

/// A value found in the answer and how many characters it spans.
struct Candidate {
    length: usize,
    node: Node,
}

/// Every value in `chars`, in order. `close_at_eof`: the end of the text may close the containers still open (the
/// model stopped normally but left out its last brackets). `depth` counts JSON strings unwrapped so far.
fn scan(chars: &[char], close_at_eof: bool, depth: usize) -> Result<Vec<Candidate>, ParseError> {
    let mut found = Vec::new();
    let mut first_error: Option<String> = None;
    let mut position = 0;
    for _ in 0..MAX_CANDIDATES {
        let Some(start) = (position..chars.len()).find(|&at| opens(chars, at)) else { break };
        let detached = start == 0 || chars[start - 1].is_whitespace();
        if !looks_like_json(chars, start, detached) {
            position = start + 1;
            continue;
        }
        match loose::parse_at(chars, start, close_at_eof) {
            Ok((Node::String(inner), end)) => {
                match unwrap_encoded(&inner, close_at_eof, depth) {
                    Ok(Some(node)) => found.push(Candidate { length: end - start, node }),
                    Ok(None) => {}
                    Err(message) => {
                        first_error.get_or_insert(message);
                    }
                }
                position = end.max(start + 1);
            }
            Ok((node, end)) => {
                found.push(Candidate { length: end - start, node });
                position = end.max(start + 1);
            }
            Err(Failure::Truncated) => return Err(ParseError::Truncated),
            Err(Failure::Invalid { at, message }) => match balanced_end(&chars[start..]) {
                // Skipped as a whole: a list inside a broken object is not the answer.
                Some(length) => {
                    let (line, column) = loose::line_column(chars, at);
                    first_error.get_or_insert_with(|| format!("{message} (line {line}, column {column})"));
                    position = start + length;
                }
                // Unbalanced to the end of the text: it stops before it is complete.
                None => return Err(ParseError::Truncated),
            },
        }
    }
    if found.is_empty() { Err(first_error.map_or(ParseError::NoJson, ParseError::Invalid)) } else { Ok(found) }
}

/// The JSON inside a JSON string (a double-encoded answer), or `None` when the string does not hold JSON.
fn unwrap_encoded(inner: &str, close_at_eof: bool, depth: usize) -> Result<Option<Node>, String> {
    let trimmed = inner.trim_start();
    if depth >= MAX_ENCODING_DEPTH || !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return Ok(None);
    }
    let chars: Vec<char> = inner.chars().collect();
    match scan(&chars, close_at_eof, depth + 1) {
        Ok(found) => Ok(Some(longest(found))),
        Err(ParseError::NoJson) => Ok(None),
        Err(ParseError::Truncated) => Err("the JSON inside the JSON string is incomplete".to_owned()),
        Err(other) => Err(format!("in the JSON inside the JSON string: {other}")),
    }
}

/// The longest value (the first of equals).
fn longest(found: Vec<Candidate>) -> Node {
    let mut best: Option<Candidate> = None;
    for candidate in found {
        if best.as_ref().is_none_or(|b| candidate.length > b.length) {
            best = Some(candidate);
        }
    }
    best.map_or(Node::Null, |b| b.node)
}

/// The answer among the values found: the longest, except that several objects in a row, each one element of the
/// list the schema asks for (JSON Lines), are that list.
fn choose(found: Vec<Candidate>, schema: Option<&Value>, hints: &Hints) -> Node {
    let several_elements = found.len() > 1
        && found.iter().all(|c| matches!(c.node, Node::Object(_)))
        && schema.is_some_and(|schema| found.iter().all(|c| shape::is_list_element(&c.node, schema, hints)));
    if several_elements {
        return Node::Array(found.into_iter().map(|c| c.node).collect());
    }
    longest(found)
}

/// Whether a value may start at `chars[at]`: `{`, `[`, or a quote right before one of them (a JSON string holding
/// JSON).
fn opens(chars: &[char], at: usize) -> bool {
    match chars[at] {
        '{' | '[' => true,
        '"' => chars[at + 1..].iter().find(|c| !c.is_whitespace()).is_some_and(|c| matches!(c, '{' | '[')),
        _ => false,
    }
}

/// Whether a span starting with `{` or `[` plausibly begins a JSON value (and is not prose like `[see above]` or
/// a `:-{`), judged by what follows the bracket: a quote, a closing bracket, a comment, a key without quotes
/// followed by `:` (objects), or a value (lists). A bracket with nothing after it counts when it stands apart
/// (`detached`: at the start of the text or after whitespace): an answer cut off right after "Here you go: {" is
/// truncated JSON.
fn looks_like_json(chars: &[char], start: usize, detached: bool) -> bool {
    let opener = chars[start];
    if opener == '"' {
        return true;
    }
    let rest = &chars[start + 1..];
    let Some(offset) = rest.iter().position(|c| !c.is_whitespace()) else { return detached };
    let rest = &rest[offset..];
    let first = rest[0];
    let is_quote = matches!(first, '"' | '\'' | '`' | '“' | '”' | '‘' | '’' | '„');
    let comment = first == '/' && matches!(rest.get(1), Some('/' | '*'));
    if is_quote || comment {
        return true;
    }
    match opener {
        '{' => first == '}' || bare_key(rest),
        _ => {
            matches!(first, '{' | '[' | ']' | '-' | '+' | '.' | '0'..='9')
                || ["true", "false", "null", "True", "False", "None", "NaN"].iter().any(|word| {
                    let word: Vec<char> = word.chars().collect();
                    rest.starts_with(&word)
                })
        }
    }
}

/// Whether `rest` starts with an unquoted key and its `:` (`{name: …}`).
fn bare_key(rest: &[char]) -> bool {
    if !rest[0].is_alphabetic() && rest[0] != '_' {
        return false;
    }
    let key_length = rest.iter().take(40).position(|c| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '-' | ' ')));
    key_length.is_some_and(|length| rest.get(length) == Some(&':'))
}

/// The length of the balanced `{…}` or `[…]` starting at `chars[0]`, or `None` if the text ends first. Brackets
/// inside (ASCII-quoted) strings are ignored.
fn balanced_end(chars: &[char]) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (index, &c) in chars.iter().enumerate() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
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
    fn read_fits_the_schema_and_tells_refusals_and_cut_offs_apart() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Ideas {
            ideas: Vec<Idea>,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Idea {
            title: String,
        }
        let schema = json!({"type": "object", "required": ["ideas"], "properties": {"ideas": {"type": "array",
            "minItems": 1, "items": {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}}}});
        let hints = Hints::new();
        let value = |text: &str, finish: &Finish| read::<Ideas>(text, finish, Some(&schema), &hints).map(|r| r.value);
        let want = Ideas { ideas: vec![Idea { title: "a".into() }, Idea { title: "b".into() }] };
        assert_eq!(value("{'Ideas': [{'title': 'a'}, {'title': 'b'}]}", &Finish::Stop), Ok(Ideas { ..want }));
        assert_eq!(value("{\"title\": \"a\"}\n{\"title\": \"b\"}", &Finish::Stop).map(|i| i.ideas.len()), Ok(2));
        assert_eq!(value("{\"ideas\": [{\"title\": \"a\"}]", &Finish::Stop).map(|i| i.ideas.len()), Ok(1));
        assert_eq!(value("{\"ideas\": [{\"title\": \"a\"}]", &Finish::Length), Err(ParseError::Truncated));
        assert_eq!(value("Here you go:\n{", &Finish::Stop), Err(ParseError::Truncated));
        assert_eq!(value("Sure, here:", &Finish::Length), Err(ParseError::Truncated));
        assert_eq!(value("  ", &Finish::Stop), Err(ParseError::Empty));
        assert!(
            matches!(value("I can't help with that.", &Finish::Stop), Err(ParseError::Refused(w)) if w == "I can't help with that.")
        );
        assert!(matches!(value("{\"error\": \"No.\"}", &Finish::Stop), Err(ParseError::Refused(w)) if w == "No."));
        assert!(
            matches!(value("{\"ideas\": [{\"x\": 1}]}", &Finish::Stop), Err(ParseError::Unusable(r)) if r.contains("title"))
        );
        let reading = read::<Ideas>("[{\"title\": \"a\"}, {}]", &Finish::Stop, Some(&schema), &hints).unwrap();
        assert_eq!(reading.notes.len(), 2, "wrapped, and one element left out: {:?}", reading.notes);
    }

    #[test]
    fn a_broken_object_is_reported_not_the_list_inside_it() {
        let err = parse_json("{\"clusters\" [{\"name\": \"a\"}, {\"name\": \"b\"}]}").unwrap_err();
        assert_eq!(err, ParseError::Invalid("expected ':' after the key \"clusters\" (line 1, column 13)".into()));
    }

    #[test]
    fn double_encoded_answers_are_unwrapped() {
        assert_eq!(ok("\"{\\\"a\\\": [1, 2]}\""), json!({"a": [1, 2]}));
        assert_eq!(ok("Result: \"[\\\"x\\\"]\""), json!(["x"]));
        assert_eq!(parse_json("He said \"[citation needed]\" there."), Err(ParseError::NoJson));
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
        assert!(matches!(parse_json(r#"{"a": 1 ; "b": 2}"#), Err(ParseError::Invalid(_))));
        assert!(matches!(parse_json(r#"[true, !]"#), Err(ParseError::Invalid(_))));
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
