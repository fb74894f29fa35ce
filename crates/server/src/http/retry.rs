//! One more try for a request whose database connection was lost. After a database restart or failover, or when
//! a pooler ends the product's sessions, every pooled connection is dead until a statement fails on it; the
//! first requests after the cut would fail with them. A request whose handler answered
//! [`AppError::ConnectionLost`](super::AppError::ConnectionLost) is run once more, on a connection the pool has
//! checked (`db::lost` makes it ping connections for a few seconds), when running it twice is harmless: reads
//! (GET, HEAD, OPTIONS) and the idempotent writes (PUT, DELETE). Anything else gets the 503, whose message
//! says to try again.

use axum::body::Body;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::{AppError, ConnectionLostMark};

/// Bodies above this are not kept for a second try (the request runs once, as it would without this layer).
const MAX_REPLAYED_BODY: usize = 1024 * 1024;

fn replayable(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE)
}

pub async fn once_more_on_lost_connection(request: Request, next: Next) -> Response {
    let length = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let bodiless = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS | Method::DELETE);
    let small = length.is_some_and(|n| n <= MAX_REPLAYED_BODY) || (length.is_none() && bodiless);
    if !replayable(request.method()) || !small {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_REPLAYED_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let mut again = Request::builder().method(parts.method.clone()).uri(parts.uri.clone()).version(parts.version);
    if let Some(headers) = again.headers_mut() {
        *headers = parts.headers.clone();
    }
    if let Some(extensions) = again.extensions_mut() {
        *extensions = parts.extensions.clone();
    }
    let first = next.clone().run(Request::from_parts(parts, Body::from(bytes.clone()))).await;
    if first.extensions().get::<ConnectionLostMark>().is_none() {
        return first;
    }
    match again.body(Body::from(bytes)) {
        Ok(request) => {
            tracing::info!("retrying a request whose database connection was lost");
            next.run(request).await
        }
        Err(_) => first,
    }
}
