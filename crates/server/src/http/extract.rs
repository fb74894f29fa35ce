//! `Json` and `Query` extractors whose rejections are envelope errors naming the offending field.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::error::AppError;

/// A JSON body. Bad JSON, wrong types, unknown enum values and missing fields are 400s that name the field.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers()) {
            return Err(AppError::Status {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code: "UNSUPPORTED_MEDIA_TYPE",
                message: "Send the body as JSON with `Content-Type: application/json`.".into(),
            });
        }
        let bytes = Bytes::from_request(request, state).await.map_err(body_rejection)?;
        parse_json(&bytes).map(Json)
    }
}

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

fn body_rejection(rejection: BytesRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::BadRequest { code: "BAD_REQUEST", message: "The request body could not be read.".into() }
    }
}

/// Parses a JSON document into `T`, naming the field on a data error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => data_error(&path, &without_position(&inner.to_string())),
            _ => AppError::BadRequest {
                code: "INVALID_JSON",
                message: format!(
                    "The body is not valid JSON: {} (line {}, column {}).",
                    without_position(&inner.to_string()),
                    inner.line(),
                    inner.column()
                ),
            },
        }
    })?;
    deserializer.end().map_err(|inner| AppError::BadRequest {
        code: "INVALID_JSON",
        message: format!("The body has text after the JSON value (line {}, column {}).", inner.line(), inner.column()),
    })?;
    Ok(value)
}

/// For PATCH bodies: tells a missing field (`None`) from an explicit `null` (`Some(None)`).
/// Use with `#[serde(default, deserialize_with = "crate::http::extract::nullable")]`.
pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

/// Query-string parameters. A value of the wrong type is a 400 naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(Query)
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        data_error(&path, &error.into_inner().to_string())
    })
}

/// Turns a serde data error at `path` into a validation error naming the field.
fn data_error(path: &str, message: &str) -> AppError {
    let parent = if path == "." { "" } else { path };
    let (field, text) = if let Some(name) = between(message, "missing field `", "`") {
        (join(parent, name), "This field is required.".to_owned())
    } else if message.starts_with("unknown field") {
        (field_or_body(parent), "Unknown field.".to_owned())
    } else if message.starts_with("unknown variant") {
        (field_or_body(parent), capitalise(&message.replace("unknown variant", "unknown value")))
    } else {
        (field_or_body(parent), capitalise(message))
    };
    let mut errors = super::error::FieldErrors::new();
    errors.insert(field.clone(), vec![text.clone()]);
    AppError::Validation { message: format!("{field}: {text}"), errors }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.split_once(start)?.1;
    Some(rest.split_once(end)?.0)
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() { name.to_owned() } else { format!("{parent}.{name}") }
}

fn field_or_body(path: &str) -> String {
    if path.is_empty() { "body".to_owned() } else { path.to_owned() }
}

fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::error::FieldErrors;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        size: i64,
        kind: Kind,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Small,
        Large,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        level: u8,
    }

    fn errors(result: Result<Body, AppError>) -> FieldErrors {
        match result {
            Err(AppError::Validation { errors, .. }) => errors,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_type_names_field() {
        let errors = errors(parse_json(br#"{"name":"a","size":"big","kind":"small"}"#));
        assert!(errors["size"][0].contains("expected i64"), "{errors:?}");
    }

    #[test]
    fn missing_field_is_named() {
        let errors = errors(parse_json(br#"{"size":1,"kind":"small"}"#));
        assert_eq!(errors["name"], vec!["This field is required."]);
    }

    #[test]
    fn nested_field_is_named() {
        let errors = errors(parse_json(br#"{"name":"a","size":1,"kind":"small","inner":{"level":300}}"#));
        assert!(errors.contains_key("inner.level"), "{errors:?}");
    }

    #[test]
    fn unknown_enum_value_lists_choices() {
        let errors = errors(parse_json(br#"{"name":"a","size":1,"kind":"huge"}"#));
        assert!(errors["kind"][0].contains("`small`"), "{errors:?}");
    }

    #[test]
    fn unknown_field_is_named() {
        let errors = errors(parse_json(br#"{"name":"a","size":1,"kind":"small","colour":"red"}"#));
        assert!(errors.contains_key("colour"), "{errors:?}");
    }

    #[test]
    fn syntax_error_is_invalid_json() {
        match parse_json::<Body>(br#"{"name": "a",,}"#) {
            Err(AppError::BadRequest { code, message }) => {
                assert_eq!(code, "INVALID_JSON");
                assert!(message.contains("line 1"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let trailing = br#"{"name":"a","size":1,"kind":"small"} x"#;
        assert!(matches!(parse_json::<Body>(trailing), Err(AppError::BadRequest { .. })));
    }

    #[test]
    fn query_wrong_type_names_parameter() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Q {
            page: Option<u32>,
        }
        match parse_query::<Q>("page=abc") {
            Err(AppError::Validation { errors, .. }) => assert!(errors.contains_key("page"), "{errors:?}"),
            other => panic!("{other:?}"),
        }
    }
}
