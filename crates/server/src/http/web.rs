//! The web-app slot: `web/dist` (read from disk in debug builds, embedded in release builds) with an SPA
//! fallback for unknown non-API paths, and a plain page that says how to build the app when it is missing.

use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::RustEmbed;

use super::error::AppError;

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct WebDist;

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>IGNY8</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
code{background:#f1f1f1;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>IGNY8 is running</h1>
<p>The API answers at <a href="/api/v1/system/ping/">/api/v1/system/ping/</a> and is documented at
<a href="/api/docs/">/api/docs/</a>.</p>
<p>The web app has not been built into this binary. Build it with <code>make web</code> (or
<code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>) and restart, or start everything with
<code>make run</code>.</p></body></html>"#;

/// Fallback for every path no route matched.
pub async fn fallback(uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || path == "/api" {
        return AppError::NotFound(format!("No API endpoint at {path}.")).into_response();
    }
    let file = path.trim_start_matches('/');
    if !file.is_empty()
        && let Some(asset) = WebDist::get(file)
    {
        let mime = mime_guess::from_path(file).first_or_octet_stream();
        // Vite puts content hashes in names under assets/: those never change.
        let cache = if file.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return ([(header::CONTENT_TYPE, mime.as_ref()), (header::CACHE_CONTROL, cache)], asset.data).into_response();
    }
    if looks_like_file(file) {
        return (StatusCode::NOT_FOUND, "Not found.").into_response();
    }
    match WebDist::get("index.html") {
        Some(index) => ([(header::CACHE_CONTROL, "no-cache")], Html(index.data)).into_response(),
        None => Html(NOT_BUILT).into_response(),
    }
}

/// A missing `/logo.png` is a 404, not the SPA's index page.
fn looks_like_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|name| name.contains('.'))
}
