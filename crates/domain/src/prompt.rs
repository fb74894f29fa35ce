//! Prompt templates with `{placeholders}`. A placeholder is `{name}` with a lower-case identifier inside, so JSON
//! examples in a prompt (`{"clusters": …}`) are left alone. Unknown placeholders are reported when a template is
//! saved, and left as written when it is rendered.

use std::collections::BTreeSet;

/// The placeholder names used in a template, in order of first use, each once.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (start, end) in spans(template) {
        let name = &template[start + 1..end - 1];
        if seen.insert(name) {
            out.push(name);
        }
    }
    out
}

/// Fills each `{name}` for which `value` answers; other braces stay as they are.
pub fn render<'a>(template: &str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut last = 0;
    for (start, end) in spans(template) {
        if let Some(filled) = value(&template[start + 1..end - 1]) {
            out.push_str(&template[last..start]);
            out.push_str(filled);
            last = end;
        }
    }
    out.push_str(&template[last..]);
    out
}

/// Byte ranges of `{identifier}` spans (braces included).
fn spans(template: &str) -> Vec<(usize, usize)> {
    let bytes = template.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_lowercase() || bytes[j] == b'_' || bytes[j].is_ascii_digit()) {
                j += 1;
            }
            let named = j > i + 1 && bytes[i + 1].is_ascii_lowercase();
            if named && j < bytes.len() && bytes[j] == b'}' {
                out.push((i, j + 1));
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Problems with a template against the variables its function provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblems {
    pub unknown: Vec<String>,
    pub missing: Vec<String>,
}

/// Checks a template: every placeholder must be one the function fills, and the required ones must be present.
pub fn check(template: &str, known: &[&str], required: &[&str]) -> Result<(), TemplateProblems> {
    let used = placeholders(template);
    let unknown: Vec<String> = used.iter().filter(|n| !known.contains(n)).map(|n| (*n).to_owned()).collect();
    let missing: Vec<String> = required.iter().filter(|n| !used.contains(n)).map(|n| (*n).to_owned()).collect();
    if unknown.is_empty() && missing.is_empty() { Ok(()) } else { Err(TemplateProblems { unknown, missing }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders_but_not_json() {
        let t = r#"Group {keywords} for {sector}. Answer {"clusters": [{"name": "x"}]} {keywords} {Bad} {a-b} {}"#;
        assert_eq!(placeholders(t), vec!["keywords", "sector"]);
    }

    #[test]
    fn renders_known_values_and_keeps_the_rest() {
        let t = "Hi {name}, {unknown} stays; {\"json\": 1}; {name}!";
        let out = render(t, |n| (n == "name").then_some("Ann"));
        assert_eq!(out, "Hi Ann, {unknown} stays; {\"json\": 1}; Ann!");
    }

    #[test]
    fn values_are_not_rescanned() {
        let out = render("{a} {b}", |n| match n {
            "a" => Some("{b}"),
            "b" => Some("B"),
            _ => None,
        });
        assert_eq!(out, "{b} B");
    }

    #[test]
    fn check_reports_unknown_and_missing() {
        assert!(check("{keywords} in {sector}", &["keywords", "sector"], &["keywords"]).is_ok());
        let problems = check("{sector} {colour}", &["keywords", "sector"], &["keywords"]).unwrap_err();
        assert_eq!(problems.unknown, vec!["colour"]);
        assert_eq!(problems.missing, vec!["keywords"]);
    }

    #[test]
    fn handles_unicode_and_unclosed_braces() {
        assert_eq!(placeholders("é{naïve} {open {ok}"), vec!["ok"]);
        assert_eq!(render("ü {x", |_| Some("y")), "ü {x");
    }
}
