//! A reader for JSON as models write it, used by [`crate::parse`] when strict JSON fails.
//!
//! It reads what a careful person reads without hesitation: `//`, `/* */` and `#` comments; single-quoted,
//! typographic and back-quoted strings (Python reprs, JavaScript literals); unquoted keys; `True`/`False`/`None`,
//! `NaN`/`Infinity` (read as `null`: no number was given); unknown escapes such as `\'` or `\_` (the character
//! itself); raw line breaks and unescaped inner quotes in strings (a quote ends a string only where the JSON goes
//! on after it); trailing, doubled and missing commas; `...` placeholders in lists; a closing bracket of the
//! wrong kind where the enclosing one is meant; numbers such as `+1`, `.5` and `0x1F`; and a number followed by a
//! word (`1500 words`), read as text. It does not guess beyond that: a key without its `:`, a stray character
//! or a value cut off are errors, each with its position.

use serde_json::{Number, Value};

/// A JSON value as read, with object members in the order the model wrote them (an outline given as
/// `{"H2": ["H3", …]}` means that order; `serde_json::Map` here sorts its keys).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    /// The value as `serde_json` holds it (a key written twice keeps its last value, as in `serde_json`).
    pub(crate) fn into_value(self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Number(n) => Value::Number(n),
            Node::String(s) => Value::String(s),
            Node::Array(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Object(members) => Value::Object(members.into_iter().map(|(k, v)| (k, v.into_value())).collect()),
        }
    }
}

/// Why a value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The text ends inside the value.
    Truncated,
    /// The value is malformed at `at` (a char index), as `message` says.
    Invalid { at: usize, message: String },
}

/// Deeper nesting than this is refused (no model answer nests this deep; it bounds the recursion).
const MAX_DEPTH: usize = 128;

/// Reads one value starting at `chars[start]`; returns it and the index just after it. With `close_at_eof`, the
/// end of the text closes the containers still open, where a separator or closing bracket was due and something
/// was read in them (a reply that stopped normally but left out its last brackets); it never completes a string,
/// key or number, nor makes an empty value of a lone `{`.
pub(crate) fn parse_at(chars: &[char], start: usize, close_at_eof: bool) -> Result<(Node, usize), Failure> {
    let mut reader = Reader { chars, pos: start, open: Vec::new(), close_at_eof };
    let value = reader.value()?;
    Ok((value, reader.pos))
}

/// Line and column (1-based) of a char index, for messages.
pub(crate) fn line_column(chars: &[char], at: usize) -> (usize, usize) {
    let before = &chars[..at.min(chars.len())];
    let line = before.iter().filter(|c| **c == '\n').count() + 1;
    let column = before.iter().rev().take_while(|c| **c != '\n').count() + 1;
    (line, column)
}

struct Reader<'a> {
    chars: &'a [char],
    pos: usize,
    /// The containers open around the current position: `{` or `[`.
    open: Vec<char>,
    close_at_eof: bool,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '`' | '“' | '”' | '„' | '‘' | '’')
}

/// Whether `c` ends a string opened by `opener`.
fn closes(opener: char, c: char) -> bool {
    match opener {
        '"' => c == '"',
        '\'' => c == '\'',
        '`' => c == '`',
        '‘' | '’' => matches!(c, '’' | '‘'),
        _ => matches!(c, '”' | '“' | '"'),
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '$' | '-')
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at(&self, index: usize) -> Option<char> {
        self.chars.get(index).copied()
    }

    fn invalid<T>(&self, message: impl Into<String>) -> Result<T, Failure> {
        Err(Failure::Invalid { at: self.pos, message: message.into() })
    }

    /// Skips whitespace and comments (`//…`, `#…` to the end of the line, `/*…*/`).
    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == '\u{feff}' {
                self.pos += 1;
            } else if c == '#' || (c == '/' && self.at(self.pos + 1) == Some('/')) {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
            } else if c == '/' && self.at(self.pos + 1) == Some('*') {
                self.pos += 2;
                while self.pos < self.chars.len() && !(self.peek() == Some('*') && self.at(self.pos + 1) == Some('/')) {
                    self.pos += 1;
                }
                self.pos = (self.pos + 2).min(self.chars.len());
            } else {
                break;
            }
        }
    }

    /// The next significant character from `from` (whitespace and `//`, `/* */` comments skipped; not `#`, which
    /// text inside a string often holds), and whether a line break was passed on the way.
    fn next_significant(&self, from: usize) -> (Option<char>, bool) {
        let mut index = from;
        loop {
            match (self.at(index), self.at(index + 1)) {
                (Some(c), _) if c.is_whitespace() => index += 1,
                (Some('/'), Some('/')) => {
                    while self.at(index).is_some_and(|c| c != '\n') {
                        index += 1;
                    }
                }
                (Some('/'), Some('*')) => {
                    index += 2;
                    while self.at(index).is_some() && !(self.at(index) == Some('*') && self.at(index + 1) == Some('/'))
                    {
                        index += 1;
                    }
                    index += 2;
                }
                _ => break,
            }
        }
        let end = index.min(self.chars.len());
        (self.at(index), self.chars[from.min(end)..end].contains(&'\n'))
    }

    /// Skips a `...` / `…` placeholder if one is next; true if it did.
    fn skip_ellipsis(&mut self) -> bool {
        if self.peek() == Some('…') {
            self.pos += 1;
            return true;
        }
        if self.chars.get(self.pos..self.pos + 3) == Some(&['.', '.', '.']) {
            self.pos += 3;
            while self.peek() == Some('.') {
                self.pos += 1;
            }
            return true;
        }
        false
    }

    fn value(&mut self) -> Result<Node, Failure> {
        self.skip_space();
        let Some(c) = self.peek() else { return Err(Failure::Truncated) };
        match c {
            '{' | '[' => {
                if self.open.len() >= MAX_DEPTH {
                    return self.invalid("the JSON is nested too deeply");
                }
                if c == '{' { self.object() } else { self.array() }
            }
            c if is_quote(c) => self.string().map(Node::String),
            '-' | '+' | '.' | '0'..='9' => self.number(),
            c if c.is_alphabetic() || c == '_' => self.word(),
            other => self.invalid(format!("unexpected {other:?}")),
        }
    }

    /// What follows a value inside a container: a separator, the closer, or (tolerated) the next element on its
    /// own. Returns true when the container ends here (its closer is consumed, or belongs to an enclosing one).
    fn after_element(&mut self, closer: char, what: &str) -> Result<bool, Failure> {
        self.skip_space();
        match self.peek() {
            None if self.close_at_eof => Ok(true),
            None => Err(Failure::Truncated),
            Some(',') => Ok(false),
            Some(c) if c == closer => Ok(false),
            Some(c @ ('}' | ']')) if self.encloses(c) => Ok(true),
            // A missing comma: the next element starts right away.
            Some(c) if is_quote(c) || c == '{' || c == '[' || c.is_alphanumeric() || matches!(c, '-' | '+') => {
                Ok(false)
            }
            Some(c) => self.invalid(format!("expected ',' or '{closer}' after {what}, found {c:?}")),
        }
    }

    /// Whether `closer` closes a container enclosing the current one (the current one was left unclosed).
    fn encloses(&self, closer: char) -> bool {
        let opener = if closer == '}' { '{' } else { '[' };
        self.open.iter().rev().skip(1).any(|c| *c == opener)
    }

    /// Before each member of an object or element of a list: skips stray commas, then says whether the container
    /// ends here (its `closer`, the end of an enclosing container left unclosed, or the end of a cut-off reply that
    /// already gave something), whether an `...` placeholder was skipped, or whether an element follows.
    fn next_element(&mut self, closer: char, empty: bool) -> Result<Next, Failure> {
        self.skip_space();
        while self.peek() == Some(',') {
            self.pos += 1;
            self.skip_space();
        }
        let other = if closer == '}' { ']' } else { '}' };
        match self.peek() {
            None if self.close_at_eof && !empty => return Ok(Next::End),
            None => return Err(Failure::Truncated),
            Some(c) if c == closer => {
                self.pos += 1;
                return Ok(Next::End);
            }
            Some(c) if c == other && self.encloses(other) => return Ok(Next::End),
            _ => {}
        }
        Ok(if self.skip_ellipsis() { Next::Again } else { Next::Element })
    }

    fn object(&mut self) -> Result<Node, Failure> {
        self.pos += 1;
        self.open.push('{');
        let mut members = Vec::new();
        loop {
            match self.next_element('}', members.is_empty())? {
                Next::End => break,
                Next::Again => continue,
                Next::Element => {}
            }
            let key = self.key()?;
            self.skip_space();
            match self.peek() {
                Some(':') => self.pos += 1,
                None => return Err(Failure::Truncated),
                Some(_) => return self.invalid(format!("expected ':' after the key {key:?}")),
            }
            let value = self.value()?;
            let done = self.after_element('}', &format!("the value of {key:?}"))?;
            members.push((key, value));
            if done {
                break;
            }
        }
        self.open.pop();
        Ok(Node::Object(members))
    }

    fn key(&mut self) -> Result<String, Failure> {
        match self.peek() {
            Some(c) if is_quote(c) => self.quoted_key(c),
            Some(c) if is_word_char(c) => {
                let start = self.pos;
                while self.peek().is_some_and(|c| is_word_char(c) || c == ' ') {
                    self.pos += 1;
                }
                if self.peek().is_none() {
                    return Err(Failure::Truncated);
                }
                Ok(self.chars[start..self.pos].iter().collect::<String>().trim_end().to_owned())
            }
            Some(c) => self.invalid(format!("expected a key or '}}', found {c:?}")),
            None => Err(Failure::Truncated),
        }
    }

    fn array(&mut self) -> Result<Node, Failure> {
        self.pos += 1;
        self.open.push('[');
        let mut items = Vec::new();
        loop {
            match self.next_element(']', items.is_empty())? {
                Next::End => break,
                Next::Again => continue,
                Next::Element => {}
            }
            items.push(self.value()?);
            if self.after_element(']', "a list element")? {
                break;
            }
        }
        self.open.pop();
        Ok(Node::Array(items))
    }

    /// A quoted key: it ends at its first closing quote (keys hold no quotes; a key missing its `:` must be
    /// reported as that, not read on into the value).
    fn quoted_key(&mut self, opener: char) -> Result<String, Failure> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else { return Err(Failure::Truncated) };
            self.pos += 1;
            match c {
                '\\' => self.escape(&mut out)?,
                c if closes(opener, c) => return Ok(out),
                c => out.push(c),
            }
        }
    }

    /// A quoted string. A closing quote ends it only where the JSON goes on (`:`, `,`, a closing bracket, a
    /// comment, the end, or the next element on a new line); elsewhere it is a quote inside the text.
    fn string(&mut self) -> Result<String, Failure> {
        let opener = self.peek().unwrap_or('"');
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else { return Err(Failure::Truncated) };
            self.pos += 1;
            match c {
                '\\' => self.escape(&mut out)?,
                // A string on its own (a double-encoded answer) was written by an encoder: its first unescaped
                // quote ends it.
                c if closes(opener, c) && (self.open.is_empty() || self.ends_string()) => return Ok(out),
                c => out.push(c),
            }
        }
    }

    fn ends_string(&self) -> bool {
        match self.next_significant(self.pos) {
            (None | Some(':' | ',' | '}' | ']'), _) => true,
            (Some(c), newline) => newline && (is_quote(c) || c == '{' || c == '['),
        }
    }

    /// The character after a backslash: JSON's escapes, `\'`, and any other character as itself.
    fn escape(&mut self, out: &mut String) -> Result<(), Failure> {
        let Some(c) = self.peek() else { return Err(Failure::Truncated) };
        self.pos += 1;
        match c {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'u' => match self.hex4() {
                Some(high @ 0xD800..=0xDBFF) => {
                    let low = (self.peek() == Some('\\') && self.at(self.pos + 1) == Some('u'))
                        .then(|| {
                            self.pos += 2;
                            self.hex4()
                        })
                        .flatten();
                    let code = low
                        .filter(|l| (0xDC00..=0xDFFF).contains(l))
                        .map(|l| 0x10000 + ((high - 0xD800) << 10) + (l - 0xDC00));
                    out.push(code.and_then(char::from_u32).unwrap_or('\u{fffd}'));
                }
                Some(code) => out.push(char::from_u32(code).unwrap_or('\u{fffd}')),
                None if self.pos + 4 > self.chars.len() => return Err(Failure::Truncated),
                None => out.push('u'),
            },
            '\n' => {}
            other => out.push(other),
        }
        Ok(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits: String = self.chars.get(self.pos..self.pos + 4)?.iter().collect();
        let code = u32::from_str_radix(&digits, 16).ok()?;
        self.pos += 4;
        Some(code)
    }

    fn number(&mut self) -> Result<Node, Failure> {
        let start = self.pos;
        let negative = self.peek() == Some('-');
        if matches!(self.peek(), Some('-' | '+')) {
            self.pos += 1;
        }
        if self.peek().is_some_and(char::is_alphabetic) {
            let word = self.word_text();
            return match word.to_ascii_lowercase().as_str() {
                "infinity" | "inf" => Ok(Node::Null),
                _ => Err(Failure::Invalid { at: start, message: format!("unexpected {word:?}") }),
            };
        }
        let digits_start = self.pos;
        if self.peek() == Some('0') && matches!(self.at(self.pos + 1), Some('x' | 'X')) {
            self.pos += 2;
            let hex_start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                self.pos += 1;
            }
            let hex: String = self.chars[hex_start..self.pos].iter().collect();
            let value = i64::from_str_radix(&hex, 16)
                .map_err(|_| Failure::Invalid { at: start, message: format!("{hex:?} is not a hexadecimal number") })?;
            return Ok(Node::Number(Number::from(if negative { -value } else { value })));
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E'))
            || (matches!(self.peek(), Some('-' | '+')) && matches!(self.at(self.pos - 1), Some('e' | 'E')))
        {
            self.pos += 1;
        }
        if self.pos == self.chars.len() && !self.close_at_eof {
            return Err(Failure::Truncated);
        }
        // A number run into a word (`1500 words`, `10k`) is text; the reader of the field decides.
        if self.peek().is_some_and(|c| c.is_alphabetic()) || self.continues_as_words() {
            self.pos = start;
            return self.bare_text();
        }
        let mut text: String = self.chars[digits_start..self.pos].iter().collect();
        if text.starts_with('.') {
            text.insert(0, '0');
        }
        if text.ends_with('.') {
            text.push('0');
        }
        if negative {
            text.insert(0, '-');
        }
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Number(number)) => Ok(Node::Number(number)),
            _ => Err(Failure::Invalid { at: start, message: format!("{text:?} is not a number") }),
        }
    }

    /// After a number: more words on the same line before the next separator (`2000 words,`).
    fn continues_as_words(&self) -> bool {
        let mut index = self.pos;
        while self.at(index).is_some_and(|c| c == ' ' || c == '\t') {
            index += 1;
        }
        index > self.pos && self.at(index).is_some_and(char::is_alphabetic)
    }

    fn word_text(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// `true`, `None`, `NaN` and friends; any other unquoted word starts a bare text value.
    fn word(&mut self) -> Result<Node, Failure> {
        let start = self.pos;
        let word = self.word_text();
        let value = match word.as_str() {
            "true" | "True" | "TRUE" => Node::Bool(true),
            "false" | "False" | "FALSE" => Node::Bool(false),
            "null" | "None" | "NULL" | "Null" | "nil" | "undefined" | "NaN" | "nan" | "Infinity" => Node::Null,
            _ => {
                self.pos = start;
                return self.bare_text();
            }
        };
        if self.peek().is_none() && !self.close_at_eof {
            return Err(Failure::Truncated);
        }
        Ok(value)
    }

    /// Unquoted text up to the next separator, closing bracket or line end (`{"name": Raised Beds}`).
    fn bare_text(&mut self) -> Result<Node, Failure> {
        if self.open.is_empty() {
            return self.invalid("expected a JSON value");
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| !matches!(c, ',' | '}' | ']' | '\n')) {
            self.pos += 1;
        }
        if self.peek().is_none() && !self.close_at_eof {
            return Err(Failure::Truncated);
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        Ok(Node::String(text.trim().to_owned()))
    }
}

/// What comes next inside a container (see `next_element`).
enum Next {
    End,
    Again,
    Element,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Result<Value, Failure> {
        let chars: Vec<char> = text.chars().collect();
        parse_at(&chars, 0, false).map(|(node, _)| node.into_value())
    }

    fn ok(text: &str) -> Value {
        read(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    #[test]
    fn python_and_javascript_literals() {
        assert_eq!(
            ok("{'a': 'b', \"c\": None, 'd': True, e: False}"),
            json!({"a": "b", "c": null, "d": true, "e": false})
        );
        assert_eq!(
            ok("[NaN, Infinity, -Infinity, +1, .5, 2., 0x1F, -3e2]"),
            json!([null, null, null, 1, 0.5, 2.0, 31, -300.0])
        );
        assert_eq!(ok("{`a`: `b`}"), json!({"a": "b"}));
    }

    #[test]
    fn comments_are_skipped() {
        let text = "/* head */ {\n // line\n \"a\": 1, # hash\n \"b\": /* inline */ [2, 3] // end\n}";
        assert_eq!(ok(text), json!({"a": 1, "b": [2, 3]}));
        assert_eq!(ok("{\"url\": \"http://x.y/#z\"}"), json!({"url": "http://x.y/#z"}));
    }

    #[test]
    fn escapes_known_and_unknown() {
        assert_eq!(
            ok(r#"["it\'s", "a\_b", "\$5", "tab\there", "\u00e9\ud83d\ude00", "\q"]"#),
            json!(["it's", "a_b", "$5", "tab\there", "é😀", "q"])
        );
    }

    #[test]
    fn inner_quotes_and_raw_line_breaks() {
        assert_eq!(
            ok("{\"t\": \"The \"best\" one\", \"h\": \"<a href=\"x\">y</a>\"}"),
            json!({"t": "The \"best\" one", "h": "<a href=\"x\">y</a>"})
        );
        assert_eq!(ok("{'t': 'A gardener's guide', 'u': 'ok'}"), json!({"t": "A gardener's guide", "u": "ok"}));
        assert_eq!(ok("{\"t\": \"line one\nline two\"}"), json!({"t": "line one\nline two"}));
    }

    #[test]
    fn commas_missing_doubled_and_trailing_and_placeholders() {
        assert_eq!(ok("[\n \"a\"\n \"b\"\n]"), json!(["a", "b"]));
        assert_eq!(ok("[1 2, , 3,]"), json!([1, 2, 3]));
        assert_eq!(ok("{\"a\": [1, 2, ...], \"b\": [\"x\", …]}"), json!({"a": [1, 2], "b": ["x"]}));
        assert_eq!(ok("{\"a\": 1 \"b\": 2,}"), json!({"a": 1, "b": 2}));
    }

    #[test]
    fn wrong_closers_close_the_enclosing_container() {
        assert_eq!(ok("[{\"a\": 1]"), json!([{"a": 1}]));
        assert_eq!(ok("{\"a\": [1, 2}"), json!({"a": [1, 2]}));
    }

    #[test]
    fn bare_keys_and_words() {
        assert_eq!(ok("{name: Raised Beds, count: 1500 words}"), json!({"name": "Raised Beds", "count": "1500 words"}));
        assert_eq!(ok("{Featured prompt: \"x\"}"), json!({"Featured prompt": "x"}));
    }

    #[test]
    fn truncation_and_errors() {
        assert_eq!(read("{\"a\": [1, 2"), Err(Failure::Truncated));
        assert_eq!(read("{\"a\": \"b"), Err(Failure::Truncated));
        assert_eq!(read("{\"a\": tr"), Err(Failure::Truncated));
        assert_eq!(read("[1, 2"), Err(Failure::Truncated));
        let Err(Failure::Invalid { message, .. }) = read("{\"clusters\" [1]}") else { panic!() };
        assert!(message.contains("':' after the key \"clusters\""), "{message}");
        assert!(matches!(read("{\"a\": 1 ; }"), Err(Failure::Invalid { .. })));
        assert!(matches!(read("[true, !]"), Err(Failure::Invalid { .. })));
    }

    #[test]
    fn close_at_eof_finishes_containers_only() {
        let chars: Vec<char> = "{\"a\": [1, 2], \"b\": \"x\"".chars().collect();
        assert_eq!(parse_at(&chars, 0, true).map(|v| v.0.into_value()), Ok(json!({"a": [1, 2], "b": "x"})));
        let chars: Vec<char> = "{\"a\": \"x".chars().collect();
        assert_eq!(parse_at(&chars, 0, true), Err(Failure::Truncated));
    }

    #[test]
    fn positions_for_messages() {
        let chars: Vec<char> = "ab\ncd".chars().collect();
        assert_eq!(line_column(&chars, 4), (2, 2));
        assert_eq!(line_column(&chars, 0), (1, 1));
    }
}
