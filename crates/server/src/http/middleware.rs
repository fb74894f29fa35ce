//! Cross-cutting middleware: trailing-slash normalisation, the error-envelope guarantee and security headers.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::AppError;

/// Makes API routes trailing-slash insensitive by removing one trailing slash before routing
/// (`/api/v1/system/ping/` → `/api/v1/system/ping`). Swagger UI (`/api/docs/`) keeps its slash, and so do
/// web-app paths, which the SPA fallback serves either way.
pub fn normalize_path(mut request: Request) -> Request {
    let path = request.uri().path();
    let trim = path.len() > 1
        && path.ends_with('/')
        && (path.starts_with("/api/") || path == "/readyz/" || path == "/metrics/")
        && !path.starts_with("/api/docs");
    if trim {
        let trimmed = path.trim_end_matches('/');
        let new = match request.uri().query() {
            Some(query) => format!("{trimmed}?{query}"),
            None => trimmed.to_owned(),
        };
        if let Ok(path_and_query) = new.parse() {
            let mut parts = request.uri().clone().into_parts();
            parts.path_and_query = Some(path_and_query);
            if let Ok(uri) = Uri::from_parts(parts) {
                *request.uri_mut() = uri;
            }
        }
    }
    request
}

/// Every error answer is a JSON envelope, whoever produced it: a 405 from the router, a 408 from the
/// timeout, a plain-text rejection from a path extractor. Their text becomes the envelope's message.
///
/// A 405 for a name where an id belongs (`POST …/keywords/add_to_workflow/` reaching the route
/// `…/keywords/{id}`) becomes a 404: that is an action that does not exist, not a method the object refuses.
pub async fn ensure_envelope(request: Request, next: Next) -> Response {
    let unknown_action = names_an_action_where_an_id_belongs(&request);
    let response = next.run(request).await;
    let status = response.status();
    if status == axum::http::StatusCode::METHOD_NOT_ALLOWED
        && let Some(action) = unknown_action
    {
        return AppError::NotFound(format!("No action {action:?} here.")).into_response();
    }
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let message = String::from_utf8_lossy(&text).trim().to_owned();
    let mut enveloped = AppError::from_status(status, Some(message)).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(value) = parts.headers.get(&name) {
            enveloped.headers_mut().insert(name, value.clone());
        }
    }
    enveloped
}

/// The last segment of the path, when the route it matched has a parameter there and the segment is not a number.
fn names_an_action_where_an_id_belongs(request: &Request) -> Option<String> {
    let matched = request.extensions().get::<axum::extract::MatchedPath>()?;
    let template_last = matched.as_str().split('/').rfind(|s| !s.is_empty())?;
    let actual_last = request.uri().path().split('/').rfind(|s| !s.is_empty())?;
    (template_last.starts_with('{') && !actual_last.chars().all(|c| c.is_ascii_digit())).then(|| actual_last.to_owned())
}

const SECURITY_HEADERS: [(&str, &str); 6] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
    (
        "content-security-policy",
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
         script-src 'self'; connect-src 'self'; font-src 'self' data:; object-src 'none'; \
         frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
];

/// Sent when the app is served over https (`public_url`): browsers then refuse plain http to it for a year.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Adds the security headers every response carries (unless a handler set its own), and HSTS when the app is
/// served over https.
pub async fn security_headers(State(https): State<bool>, request: Request, next: Next) -> Response<Body> {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if https {
        headers.entry(header::STRICT_TRANSPORT_SECURITY).or_insert(HeaderValue::from_static(HSTS));
    }
    for (name, value) in SECURITY_HEADERS {
        let name = HeaderName::from_static(name);
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(uri: &str) -> String {
        let request = Request::builder().uri(uri).body(Body::empty()).unwrap();
        normalize_path(request).uri().to_string()
    }

    #[test]
    fn trims_api_paths_only() {
        assert_eq!(normalized("/api/v1/system/ping/"), "/api/v1/system/ping");
        assert_eq!(normalized("/api/v1/x/?page=2"), "/api/v1/x?page=2");
        assert_eq!(normalized("/api/docs/"), "/api/docs/");
        assert_eq!(normalized("/planner/keywords/"), "/planner/keywords/");
        assert_eq!(normalized("/"), "/");
    }
}
