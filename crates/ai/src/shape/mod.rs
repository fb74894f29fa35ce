//! Fitting a reply to the JSON schema that was asked for, the way a careful reader takes an answer that is right
//! in substance and loose in form.
//!
//! Driven by the request's own schema (`type`, `properties`, `required`, `items`, `enum`, `minItems`, `maxItems`,
//! `maxLength`), plus [`Hints`] a function gives: other names models use for its fields, and which text fields
//! are comma-separated lists when sent as one string. What it reads, by what was asked for:
//!
//! * an object: keys in another case or spelling (`Clusters`, `metaTitle`, `In-article prompts`) and the hints'
//!   aliases; a JSON string holding it; the object inside a one-element list; a list where the object is only a
//!   wrapper around that list (`[…]` for `{"ideas": […]}`); one element of that list on its own (`{"title": …}`
//!   for `{"ideas": [{"title": …}]}`); an extra wrapper (`{"result": {…}}`, `{"keyword_clusters": […]}`); a list
//!   of texts for an object of one text and one list of texts (the first, then the rest); a text for an object
//!   whose one required field is a text (`"Intro"` for `{"h2": "Intro"}`).
//! * a list: a JSON string holding it; lines of a numbered or bulleted list; a comma-separated string (hinted
//!   fields only); one element on its own; an object holding the list as its one list (`{"sections": […]}`); an
//!   object mapping names to elements (`{"Raised Beds": ["…"]}`, `{"H2": ["H3", …]}`). Elements that cannot be
//!   used (a required field missing or empty) are left out with a note, `...` placeholders dropped; a list with
//!   more elements than `maxItems` keeps the first ones; none usable, or fewer than `minItems`, is an error.
//! * a text: numbers and booleans as text; lists of texts joined by line breaks; an object's `prompt` / `text` /
//!   `description` / … field; an `enum` value in another case or spelling; a text over `maxLength` shortened at a
//!   word boundary.
//! * a number: numbers in text (`"1,800"`, `"about 2000 words"`); `NaN`, `null` or words are left out.
//!
//! Absent optional fields stay absent (the reply type's defaults apply); keys the schema does not name are kept
//! as written.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Number, Value};

use crate::loose::Node;

mod schema;
mod text;

use schema::{
    Kind, first_text_field, key_form, kind, list_property, looks_like_item, properties, property_for, required,
    text_and_list, wrapped_answer,
};
pub(crate) use text::shorten;
use text::{describe, field_of, is_placeholder, join, named, number_in_text, strip_list_marker, text_field};

/// What a function tells the reader beyond its schema.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hints {
    /// Other names models give to a property (matched ignoring case, `_`, `-` and spaces), by property.
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Properties holding a list of short texts, which a model may send as one comma-separated string.
    #[serde(default)]
    pub comma_lists: Vec<String>,
}

impl Hints {
    /// No hints: the schema alone.
    pub fn new() -> Self {
        Self::default()
    }

    /// Other names for `property`.
    pub fn alias(mut self, property: &str, names: &[&str]) -> Self {
        self.aliases.entry(property.to_owned()).or_default().extend(names.iter().map(|n| (*n).to_owned()));
        self
    }

    /// `property` is a list of short texts that may arrive as one comma-separated string.
    pub fn comma_list(mut self, property: &str) -> Self {
        self.comma_lists.push(property.to_owned());
        self
    }
}

/// The value fitted to `schema`, with notes of what was adjusted or left out; or why nothing usable is in it.
pub(crate) fn fit(node: Node, schema: &Value, hints: &Hints) -> Result<(Value, Vec<String>), String> {
    let mut fitter = Fitter { hints, notes: Vec::new() };
    match fitter.fit(node, schema, "") {
        Fit::Value(value) => Ok((value, fitter.notes)),
        Fit::Absent => Err("the answer is empty".to_owned()),
        Fit::Bad(reason) => Err(reason),
    }
}

/// Whether `node` is one element of the list that `schema` (an object around one required list) asks for.
pub(crate) fn is_list_element(node: &Node, schema: &Value, hints: &Hints) -> bool {
    let (Some((list, items)), Node::Object(members)) = (list_property(schema), node) else { return false };
    !members.iter().any(|(key, _)| property_for(key, properties(schema), hints) == Some(list))
        && looks_like_item(members, items, hints)
}

/// Whether `schema` (an object) has a property matching `key`.
pub(crate) fn asks_for(schema: &Value, key: &str) -> bool {
    property_for(key, properties(schema), &Hints::new()).is_some()
}

enum Fit {
    Value(Value),
    /// Nothing was given (`null`, `NaN`, an empty answer): the field is left out.
    Absent,
    /// Cannot be used, and why.
    Bad(String),
}

struct Fitter<'h> {
    hints: &'h Hints,
    notes: Vec<String>,
}

impl Fitter<'_> {
    fn fit(&mut self, node: Node, schema: &Value, path: &str) -> Fit {
        match kind(schema) {
            Kind::Object => self.object(node, schema, path),
            Kind::Array => self.array(node, schema, path),
            Kind::String => self.text(node, schema, path),
            Kind::Integer => self.number(node, true, path),
            Kind::Number => self.number(node, false, path),
            Kind::Boolean => self.boolean(node),
            Kind::Any => match node {
                Node::Null => Fit::Absent,
                node => Fit::Value(node.into_value()),
            },
        }
    }

    fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    fn object(&mut self, node: Node, schema: &Value, path: &str) -> Fit {
        let members = match node {
            Node::Object(members) => members,
            Node::String(text) => {
                return match crate::parse::node_in(&text) {
                    Some(inner @ (Node::Object(_) | Node::Array(_))) => self.object(inner, schema, path),
                    _ => match first_text_field(schema) {
                        // An outline given as ["Intro", …]: each text is the one field its element needs.
                        Some(field) => {
                            self.object(Node::Object(vec![(field.to_owned(), Node::String(text))]), schema, path)
                        }
                        None => Fit::Bad(format!("{} is a text where an object was expected", named(path))),
                    },
                };
            }
            Node::Array(items) => return self.object_from_list(items, schema, path),
            Node::Null => return Fit::Absent,
            other => return Fit::Bad(format!("{} is {} where an object was expected", named(path), describe(&other))),
        };
        if let Some(index) = wrapped_answer(&members, schema, self.hints) {
            let (key, inner) = members.into_iter().nth(index).unwrap_or((String::new(), Node::Null));
            self.note(format!("took the answer from inside `{key}`"));
            return self.object(inner, schema, path);
        }
        let props = properties(schema);
        let members = self.gather(members, props);
        let members = self.rename(members, props);
        let members = self.lift(members, schema, path);
        if !props.is_empty() && !members.iter().any(|(key, _)| props.contains_key(key)) {
            if let Some((list, items)) = list_property(schema)
                && looks_like_item(&members, items, self.hints)
            {
                self.note(format!("read the answer as the only element of `{}`", join(path, list)));
                let wrapped = Node::Object(vec![(list.to_owned(), Node::Array(vec![Node::Object(members)]))]);
                return self.object(wrapped, schema, path);
            }
            let containers: Vec<usize> = members
                .iter()
                .enumerate()
                .filter(|(_, (_, v))| matches!(v, Node::Object(_) | Node::Array(_)))
                .map(|(i, _)| i)
                .collect();
            if let [only] = containers.as_slice() {
                let (key, inner) = members.into_iter().nth(*only).unwrap_or((String::new(), Node::Null));
                self.note(format!("took the answer from inside `{key}`"));
                return self.object(inner, schema, path);
            }
        }
        let required = required(schema);
        let mut out = Map::new();
        for (key, value) in members {
            let Some(sub) = props.get(&key) else {
                out.insert(key, value.into_value());
                continue;
            };
            let field = join(path, &key);
            match self.fit(value, sub, &field) {
                Fit::Value(value) => {
                    out.insert(key, value);
                }
                Fit::Absent => {}
                Fit::Bad(reason) if required.contains(&key.as_str()) => return Fit::Bad(reason),
                Fit::Bad(reason) => self.note(format!("left out `{field}`: {reason}")),
            }
        }
        for name in required {
            match out.get(name) {
                None | Some(Value::Null) => return Fit::Bad(format!("`{}` is missing", join(path, name))),
                Some(Value::String(text)) if text.trim().is_empty() => {
                    return Fit::Bad(format!("`{}` is empty", join(path, name)));
                }
                _ => {}
            }
        }
        Fit::Value(Value::Object(out))
    }

    /// Keys renamed to the properties they stand for. An exact key wins over a respelling, a respelling over an
    /// alias; a key whose property is taken keeps its own name (and is ignored).
    fn rename(&self, members: Vec<(String, Node)>, props: &Map<String, Value>) -> Vec<(String, Node)> {
        let rank = |key: &str, property: &str| {
            if key == property {
                0
            } else if key_form(key) == key_form(property) {
                1
            } else {
                2
            }
        };
        let targets: Vec<Option<(&str, u8)>> =
            members.iter().map(|(key, _)| property_for(key, props, self.hints).map(|p| (p, rank(key, p)))).collect();
        let mut winner: BTreeMap<&str, (u8, usize)> = BTreeMap::new();
        for (index, target) in targets.iter().enumerate() {
            if let Some((property, rank)) = target {
                let best = winner.entry(property).or_insert((*rank, index));
                if *rank < best.0 {
                    *best = (*rank, index);
                }
            }
        }
        members
            .into_iter()
            .zip(targets)
            .enumerate()
            .map(|(index, ((key, value), target))| match target {
                Some((property, _)) if winner.get(property).is_some_and(|(_, i)| *i == index) => {
                    (property.to_owned(), value)
                }
                _ => (key, value),
            })
            .collect()
    }

    /// A list property that is absent, given instead under several of its aliases (`primary_keyword` and
    /// `secondary_keywords` for `keywords`): their elements together, in the order written.
    fn gather(&mut self, members: Vec<(String, Node)>, props: &Map<String, Value>) -> Vec<(String, Node)> {
        let mut members = members;
        for (property, sub) in props {
            if kind(sub) != Kind::Array || members.iter().any(|(key, _)| key_form(key) == key_form(property)) {
                continue;
            }
            let Some(aliases) = self.hints.aliases.get(property) else { continue };
            let forms: Vec<String> = aliases.iter().map(|a| key_form(a)).collect();
            let given: Vec<usize> = members
                .iter()
                .enumerate()
                .filter(|(_, (key, _))| forms.contains(&key_form(key)))
                .map(|(i, _)| i)
                .collect();
            if given.len() < 2 {
                continue;
            }
            let mut elements = Vec::new();
            let mut rest = Vec::with_capacity(members.len());
            for (index, (key, value)) in members.into_iter().enumerate() {
                if !given.contains(&index) {
                    rest.push((key, value));
                    continue;
                }
                match value {
                    Node::Array(items) => elements.extend(items),
                    Node::Null => {}
                    other => elements.push(other),
                }
                if index == given[0] {
                    rest.push((property.clone(), Node::Null));
                }
            }
            self.note(format!("gathered `{property}` from {} fields", given.len()));
            if let Some(slot) = rest.iter_mut().find(|(key, _)| key == property) {
                slot.1 = Node::Array(elements);
            }
            members = rest;
        }
        members
    }

    /// Required properties missing here but given inside an object member the schema does not name
    /// (`{"seo": {"meta_title": …}}`): taken from there.
    fn lift(&mut self, members: Vec<(String, Node)>, schema: &Value, path: &str) -> Vec<(String, Node)> {
        let props = properties(schema);
        let missing: Vec<&str> =
            required(schema).into_iter().filter(|name| !members.iter().any(|(key, _)| key == name)).collect();
        if missing.is_empty() || missing.len() == required(schema).len() {
            return members;
        }
        let mut members = members;
        let mut lifted = Vec::new();
        for (key, value) in members.iter_mut() {
            let Node::Object(inner) = value else { continue };
            if props.contains_key(key.as_str()) {
                continue;
            }
            let mut index = 0;
            while index < inner.len() {
                let found = property_for(&inner[index].0, props, self.hints).filter(|p| missing.contains(p));
                match found {
                    Some(property) if !lifted.iter().any(|(p, _): &(String, Node)| p == property) => {
                        let (_, node) = inner.remove(index);
                        self.notes.push(format!("took `{}` from `{}`", join(path, property), join(path, key)));
                        lifted.push((property.to_owned(), node));
                    }
                    _ => index += 1,
                }
            }
        }
        members.extend(lifted);
        members
    }

    fn object_from_list(&mut self, items: Vec<Node>, schema: &Value, path: &str) -> Fit {
        if let Some((list, _)) = list_property(schema) {
            self.note(format!("read the list as `{}`", join(path, list)));
            return self.object(Node::Object(vec![(list.to_owned(), Node::Array(items))]), schema, path);
        }
        if items.len() == 1 {
            let only = items.into_iter().next().unwrap_or(Node::Null);
            return self.object(only, schema, path);
        }
        if let Some((text, list)) = text_and_list(schema)
            && !items.is_empty()
            && items.iter().all(|i| matches!(i, Node::String(_)))
        {
            self.note(format!("read the list of texts as `{}` and then `{}`", join(path, text), join(path, list)));
            let mut items = items.into_iter();
            let first = items.next().unwrap_or(Node::Null);
            let members = vec![(text.to_owned(), first), (list.to_owned(), Node::Array(items.collect()))];
            return self.object(Node::Object(members), schema, path);
        }
        Fit::Bad(format!("{} is a list where an object was expected", named(path)))
    }

    fn array(&mut self, node: Node, schema: &Value, path: &str) -> Fit {
        let items_schema = schema.get("items").unwrap_or(&Value::Null);
        let items = match node {
            Node::Array(items) => items,
            Node::Null => return Fit::Absent,
            Node::String(text) => match self.list_from_text(text, items_schema, path) {
                Ok(items) => items,
                Err(inner) => return self.array(inner, schema, path),
            },
            Node::Object(members) => match self.list_from_object(members, items_schema, path) {
                Ok(items) => items,
                Err(reason) => return Fit::Bad(reason),
            },
            scalar => vec![scalar],
        };
        let total = items.len();
        let mut kept = Vec::new();
        let mut reasons = Vec::new();
        for (index, item) in items.into_iter().enumerate() {
            if is_placeholder(&item) {
                continue;
            }
            let at = format!("{path}[{index}]");
            match self.fit(item, items_schema, &at) {
                Fit::Value(value) => kept.push(value),
                Fit::Absent => {}
                Fit::Bad(reason) => {
                    self.note(format!("left out `{at}`: {reason}"));
                    reasons.push(reason);
                }
            }
        }
        if kept.is_empty() && !reasons.is_empty() {
            let shown: Vec<&str> = reasons.iter().take(3).map(String::as_str).collect();
            let more = if reasons.len() > 3 { format!("; and {} more", reasons.len() - 3) } else { String::new() };
            return Fit::Bad(format!(
                "none of the {total} elements of {} can be used ({}{more})",
                named(path),
                shown.join("; ")
            ));
        }
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64).and_then(|m| usize::try_from(m).ok())
            && kept.len() < min
        {
            let what = if kept.len() == 1 { "element" } else { "elements" };
            return Fit::Bad(format!("{} has {} {what}, at least {min} wanted", named(path), kept.len()));
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64).and_then(|m| usize::try_from(m).ok())
            && kept.len() > max
        {
            self.note(format!("kept the first {max} of the {} elements of {}", kept.len(), named(path)));
            kept.truncate(max);
        }
        Fit::Value(Value::Array(kept))
    }

    /// The elements a text stands for; `Err` holds JSON found in the text, to be read as the list.
    fn list_from_text(&mut self, text: String, items: &Value, path: &str) -> Result<Vec<Node>, Node> {
        let trimmed = text.trim();
        if (trimmed.starts_with('[') || trimmed.starts_with('{'))
            && let Some(inner @ (Node::Array(_) | Node::Object(_))) = crate::parse::node_in(trimmed)
        {
            self.note(format!("read {} from the JSON text it was given as", named(path)));
            return Err(inner);
        }
        let lines: Vec<String> = trimmed.lines().map(strip_list_marker).filter(|l| !l.is_empty()).collect();
        if lines.len() > 1 {
            self.note(format!("read {} from the lines of a text", named(path)));
            return Ok(lines.into_iter().map(Node::String).collect());
        }
        if kind(items) == Kind::String && self.hints.comma_lists.iter().any(|f| f == field_of(path)) {
            let parts: Vec<Node> = trimmed
                .split([',', ';'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| Node::String(p.to_owned()))
                .collect();
            if parts.len() > 1 {
                self.note(format!("read {} from a comma-separated text", named(path)));
            }
            return Ok(parts);
        }
        Ok(vec![Node::String(text)])
    }

    /// The elements an object stands for.
    fn list_from_object(
        &mut self,
        members: Vec<(String, Node)>,
        items: &Value,
        path: &str,
    ) -> Result<Vec<Node>, String> {
        let item_kind = kind(items);
        if item_kind == Kind::Object && looks_like_item(&members, items, self.hints) {
            self.note(format!("read an object as the only element of {}", named(path)));
            return Ok(vec![Node::Object(members)]);
        }
        let lists: Vec<usize> =
            members.iter().enumerate().filter(|(_, (_, v))| matches!(v, Node::Array(_))).map(|(i, _)| i).collect();
        if let [only] = lists.as_slice()
            && let (key, Node::Array(elements)) = &members[*only]
        {
            let fits = elements.iter().all(|e| match item_kind {
                Kind::Object => matches!(e, Node::Object(_)),
                Kind::String => matches!(e, Node::String(_)),
                _ => true,
            });
            let container = CONTAINER_KEYS.contains(&key_form(key).as_str())
                || self
                    .hints
                    .aliases
                    .get(field_of(path))
                    .is_some_and(|a| a.iter().any(|n| key_form(n) == key_form(key)));
            if (members.len() == 1 && fits) || container {
                self.note(format!("read {} from `{key}` inside it", named(path)));
                let (_, list) = members.into_iter().nth(*only).unwrap_or((String::new(), Node::Null));
                return Ok(match list {
                    Node::Array(elements) => elements,
                    _ => Vec::new(),
                });
            }
        }
        match item_kind {
            Kind::String if members.iter().all(|(_, v)| matches!(v, Node::String(_))) => {
                self.note(format!("read {} from the values of an object", named(path)));
                Ok(members.into_iter().map(|(_, v)| v).collect())
            }
            Kind::Object => {
                let props = properties(items);
                let required = required(items);
                let name = required
                    .iter()
                    .copied()
                    .find(|p| props.get(*p).is_some_and(|s| kind(s) == Kind::String))
                    .or_else(|| props.iter().find(|(_, s)| kind(s) == Kind::String).map(|(p, _)| p.as_str()));
                let Some(name) = name else {
                    return Err(format!("{} is an object where a list was expected", named(path)));
                };
                let list = props.iter().find(|(_, s)| kind(s) == Kind::Array).map(|(p, _)| p.as_str());
                let other_text =
                    props.iter().find(|(p, s)| p.as_str() != name && kind(s) == Kind::String).map(|(p, _)| p.as_str());
                self.note(format!("read {} from an object keyed by `{name}`", named(path)));
                Ok(members
                    .into_iter()
                    .map(|(key, value)| {
                        let mut element = vec![(name.to_owned(), Node::String(key))];
                        match (value, list, other_text) {
                            // `{"idea_1": {"title": …}}`: the element names itself; the key is only a label.
                            (Node::Object(fields), _, _)
                                if fields.iter().any(|(k, _)| property_for(k, props, self.hints) == Some(name)) =>
                            {
                                element = fields;
                            }
                            (Node::Object(fields), _, _) => element.extend(fields),
                            (value @ Node::Array(_), Some(list), _) => element.push((list.to_owned(), value)),
                            (value @ Node::String(_), _, Some(text)) => element.push((text.to_owned(), value)),
                            _ => {}
                        }
                        Node::Object(element)
                    })
                    .collect())
            }
            _ => Err(format!("{} is an object where a list was expected", named(path))),
        }
    }

    fn text(&mut self, node: Node, schema: &Value, path: &str) -> Fit {
        let text = match node {
            Node::String(text) => text,
            Node::Number(number) => number.to_string(),
            Node::Bool(b) => b.to_string(),
            Node::Null => return Fit::Absent,
            Node::Array(items) if items.iter().all(|i| matches!(i, Node::String(_))) => {
                self.note(format!("joined the texts of {}", named(path)));
                items
                    .into_iter()
                    .filter_map(|i| if let Node::String(s) = i { Some(s) } else { None })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            Node::Array(items) if items.len() == 1 => {
                return self.text(items.into_iter().next().unwrap_or(Node::Null), schema, path);
            }
            Node::Object(members) => match text_field(members) {
                Some(text) => text,
                None => return Fit::Bad(format!("{} is an object where a text was expected", named(path))),
            },
            other => return Fit::Bad(format!("{} is {} where a text was expected", named(path), describe(&other))),
        };
        let text = text.trim().to_owned();
        let text = match schema.get("enum").and_then(Value::as_array) {
            Some(values) => values
                .iter()
                .filter_map(Value::as_str)
                .find(|v| key_form(v) == key_form(&text))
                .map_or(text, str::to_owned),
            None => text,
        };
        match schema.get("maxLength").and_then(Value::as_u64).and_then(|m| usize::try_from(m).ok()) {
            Some(max) if text.chars().count() > max => {
                let short = shorten(&text, max);
                self.note(format!(
                    "shortened {} from {} to {} characters",
                    named(path),
                    text.chars().count(),
                    short.chars().count()
                ));
                Fit::Value(Value::String(short))
            }
            _ => Fit::Value(Value::String(text)),
        }
    }

    fn number(&mut self, node: Node, integer: bool, path: &str) -> Fit {
        let number = match &node {
            Node::Number(number) => number.as_f64(),
            Node::String(text) => number_in_text(text),
            _ => None,
        };
        let Some(number) = number else {
            if !matches!(node, Node::Null) {
                self.note(format!("left out {}: no number in {}", named(path), describe(&node)));
            }
            return Fit::Absent;
        };
        if let (false, Node::Number(exact)) = (integer, &node) {
            return Fit::Value(Value::Number(exact.clone()));
        }
        if integer {
            let rounded = number.round();
            if rounded.abs() < 9.0e15 {
                return Fit::Value(Value::Number(Number::from(rounded as i64)));
            }
        }
        Number::from_f64(number).map_or(Fit::Absent, |n| Fit::Value(Value::Number(n)))
    }

    fn boolean(&mut self, node: Node) -> Fit {
        match node {
            Node::Bool(b) => Fit::Value(Value::Bool(b)),
            Node::String(text) => match text.trim().to_lowercase().as_str() {
                "true" | "yes" | "y" | "1" => Fit::Value(Value::Bool(true)),
                "false" | "no" | "n" | "0" => Fit::Value(Value::Bool(false)),
                _ => Fit::Absent,
            },
            Node::Number(n) => Fit::Value(Value::Bool(n.as_f64().is_some_and(|n| n != 0.0))),
            _ => Fit::Absent,
        }
    }
}

/// Keys under which a model puts the list it was asked for.
const CONTAINER_KEYS: &[&str] = &[
    "sections", "items", "list", "data", "results", "values", "entries", "elements", "outline", "headings", "prompts",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(value: Value) -> Node {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(b),
            Value::Number(n) => Node::Number(n),
            Value::String(s) => Node::String(s),
            Value::Array(items) => Node::Array(items.into_iter().map(node).collect()),
            Value::Object(members) => Node::Object(members.into_iter().map(|(k, v)| (k, node(v))).collect()),
        }
    }

    fn fitted(value: Value, schema: &Value, hints: &Hints) -> Result<Value, String> {
        fit(node(value), schema, hints).map(|(value, _)| value)
    }

    fn list_schema() -> Value {
        json!({"type": "object", "required": ["ideas"], "properties": {"ideas": {"type": "array", "minItems": 1,
            "items": {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"},
                "words": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}}}}}})
    }

    #[test]
    fn wrappers_added_and_removed() {
        let schema = list_schema();
        let hints = Hints::new();
        let want = json!({"ideas": [{"title": "a"}]});
        assert_eq!(fitted(json!([{"title": "a"}]), &schema, &hints), Ok(want.clone()));
        assert_eq!(fitted(json!({"title": "a"}), &schema, &hints), Ok(want.clone()));
        assert_eq!(fitted(json!({"result": {"ideas": [{"title": "a"}]}}), &schema, &hints), Ok(want.clone()));
        assert_eq!(fitted(json!({"content_ideas": [{"title": "a"}]}), &schema, &hints), Ok(want.clone()));
        assert_eq!(fitted(json!({"Ideas": [{"Title": "a"}]}), &schema, &hints), Ok(want.clone()));
        assert_eq!(fitted(json!("{\"ideas\": [{\"title\": \"a\"}]}"), &schema, &hints), Ok(want));
    }

    #[test]
    fn unusable_elements_are_left_out_and_none_is_an_error() {
        let schema = list_schema();
        let hints = Hints::new();
        let (value, notes) =
            fit(node(json!({"ideas": [{"title": "a"}, {"words": 3}, {"title": " "}]})), &schema, &hints).unwrap();
        assert_eq!(value, json!({"ideas": [{"title": "a"}]}));
        assert_eq!(notes.len(), 2, "{notes:?}");
        let err = fitted(json!({"ideas": [{"words": 3}]}), &schema, &hints).unwrap_err();
        assert!(
            err.contains("none of the 1 elements of `ideas`") && err.contains("`ideas[0].title` is missing"),
            "{err}"
        );
        assert!(fitted(json!({"ideas": []}), &schema, &hints).unwrap_err().contains("at least 1 wanted"));
    }

    #[test]
    fn loose_types() {
        let schema = list_schema();
        let hints = Hints::new().comma_list("tags");
        let value = json!({"ideas": [{"title": 12, "words": "about 1,500 words", "tags": "a, b;c"}]});
        assert_eq!(
            fitted(value, &schema, &hints),
            Ok(json!({"ideas": [{"title": "12", "words": 1500, "tags": ["a", "b", "c"]}]}))
        );
        let value = json!({"ideas": [{"title": {"text": "t"}, "words": null, "tags": "1. x\n2. y"}]});
        assert_eq!(fitted(value, &schema, &hints), Ok(json!({"ideas": [{"title": "t", "tags": ["x", "y"]}]})));
    }

    #[test]
    fn maps_become_lists_in_their_order() {
        let schema = json!({"type": "array", "items": {"type": "object", "required": ["h2"], "properties": {
            "h2": {"type": "string"}, "h3": {"type": "array", "items": {"type": "string"}}}}});
        let value = node(json!({"sections": [{"h2": "b"}, {"h2": "a"}]}));
        assert_eq!(fit(value, &schema, &Hints::new()).unwrap().0, json!([{"h2": "b"}, {"h2": "a"}]));
        let ordered = Node::Object(vec![("Zeta".into(), node(json!(["z1"]))), ("Alpha".into(), node(json!([])))]);
        assert_eq!(
            fit(ordered, &schema, &Hints::new()).unwrap().0,
            json!([{"h2": "Zeta", "h3": ["z1"]}, {"h2": "Alpha", "h3": []}])
        );
    }

    #[test]
    fn enums_and_lengths() {
        let schema = json!({"type": "object", "properties": {"kind": {"type": "string", "enum": ["landing_page"]},
            "meta": {"type": "string", "maxLength": 20}}});
        let value = json!({"kind": "Landing Page", "meta": "Compost bins, and how to use them"});
        assert_eq!(fitted(value, &schema, &Hints::new()), Ok(json!({"kind": "landing_page", "meta": "Compost bins"})));
    }

    #[test]
    fn shortening_at_word_boundaries() {
        assert_eq!(
            shorten("Compost Bins Explained: How They Work, Which One to Buy and How to Use It", 60),
            "Compost Bins Explained: How They Work, Which One to Buy"
        );
        assert_eq!(shorten("exactly ten", 11), "exactly ten");
        assert_eq!(shorten("one two three", 7), "one two");
        assert_eq!(shorten("Supercalifragilistic", 5), "Super");
    }

    #[test]
    fn aliases_and_exact_names_win() {
        let schema = json!({"type": "object", "properties": {"h2": {"type": "string"}}});
        let hints = Hints::new().alias("h2", &["heading", "title"]);
        assert_eq!(fitted(json!({"Heading": "x"}), &schema, &hints), Ok(json!({"h2": "x"})));
        assert_eq!(fitted(json!({"title": "y", "h2": "x"}), &schema, &hints), Ok(json!({"h2": "x", "title": "y"})));
    }

    #[test]
    fn numbers_in_text() {
        assert_eq!(number_in_text("1,800"), Some(1800.0));
        assert_eq!(number_in_text("about 2000 words"), Some(2000.0));
        assert_eq!(number_in_text("1,500-2,000"), Some(1500.0));
        assert_eq!(number_in_text("n/a"), None);
        assert_eq!(number_in_text("-3.5"), Some(-3.5));
    }
}
