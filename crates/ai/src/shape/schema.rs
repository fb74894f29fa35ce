//! Reading the request's JSON schema: what kind of value a schema asks for, its properties and required fields,
//! and which property a key in a reply stands for (another spelling, an alias, a wrapper around the answer).

use serde_json::{Map, Value};

use super::Hints;
use crate::loose::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    Any,
}

pub(super) fn kind(schema: &Value) -> Kind {
    let name = match schema.get("type") {
        Some(Value::String(name)) => Some(name.as_str()),
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).find(|n| *n != "null"),
        _ => None,
    };
    match name {
        Some("object") => Kind::Object,
        Some("array") => Kind::Array,
        Some("string") => Kind::String,
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("boolean") => Kind::Boolean,
        _ if schema.get("properties").is_some() => Kind::Object,
        _ if schema.get("items").is_some() => Kind::Array,
        _ => Kind::Any,
    }
}

static NO_PROPERTIES: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

pub(super) fn properties(schema: &Value) -> &Map<String, Value> {
    schema.get("properties").and_then(Value::as_object).unwrap_or(&NO_PROPERTIES)
}

pub(super) fn required(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The list property of an object schema whose one required property is a list: (its name, its items' schema).
pub(super) fn list_property(schema: &Value) -> Option<(&str, &Value)> {
    let required = required(schema);
    let [name] = required.as_slice() else { return None };
    let property = properties(schema).get(*name)?;
    (kind(property) == Kind::Array).then(|| (*name, property.get("items").unwrap_or(&Value::Null)))
}

/// The required text property of an object schema that requires exactly one.
pub(super) fn first_text_field(schema: &Value) -> Option<&str> {
    let required = required(schema);
    let [name] = required.as_slice() else { return None };
    properties(schema).get(*name).filter(|s| kind(s) == Kind::String).map(|_| *name)
}

/// The text and list-of-texts properties of an object schema made of exactly those two.
pub(super) fn text_and_list(schema: &Value) -> Option<(&str, &str)> {
    let props = properties(schema);
    if props.len() != 2 {
        return None;
    }
    let text = props.iter().find(|(_, s)| kind(s) == Kind::String)?.0;
    let list = props
        .iter()
        .find(|(_, s)| kind(s) == Kind::Array && s.get("items").is_some_and(|i| kind(i) == Kind::String))?
        .0;
    Some((text, list))
}

/// Keys compared ignoring case, `_`, `-`, spaces and other punctuation (`In-article prompts` = `in_article_prompts`).
pub(super) fn key_form(key: &str) -> String {
    key.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The property `key` stands for: itself, the same name in another spelling, or an alias.
pub(super) fn property_for<'s>(key: &str, props: &'s Map<String, Value>, hints: &Hints) -> Option<&'s str> {
    if let Some((name, _)) = props.get_key_value(key) {
        return Some(name);
    }
    let form = key_form(key);
    props
        .keys()
        .find(|p| key_form(p) == form)
        .or_else(|| {
            props
                .keys()
                .find(|p| hints.aliases.get(p.as_str()).is_some_and(|names| names.iter().any(|n| key_form(n) == form)))
        })
        .map(String::as_str)
}

/// The member holding the whole answer (`{"image_prompts": {"featured_prompt": …}}`), when none of the object's
/// own keys is a required property in any spelling (an alias alone does not count: `image_prompts` may be another
/// name of a field, and still be the wrapper).
pub(super) fn wrapped_answer(members: &[(String, Node)], schema: &Value, hints: &Hints) -> Option<usize> {
    let required = required(schema);
    let forms: Vec<String> = required.iter().map(|r| key_form(r)).collect();
    if required.is_empty() || members.iter().any(|(key, _)| forms.contains(&key_form(key))) {
        return None;
    }
    let props = properties(schema);
    let holders: Vec<usize> = members
        .iter()
        .enumerate()
        .filter(|(_, (_, value))| match value {
            Node::Object(inner) => {
                inner.iter().any(|(k, _)| property_for(k, props, hints).is_some_and(|p| required.contains(&p)))
            }
            _ => false,
        })
        .map(|(i, _)| i)
        .collect();
    match holders.as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}

/// Whether an object reads as one element of a list of `items`: it has one of their required fields.
pub(super) fn looks_like_item(members: &[(String, Node)], items: &Value, hints: &Hints) -> bool {
    let props = properties(items);
    let required = required(items);
    members.iter().any(|(key, _)| property_for(key, props, hints).is_some_and(|p| required.contains(&p)))
}
