//! Per-user rate limits on API requests: answers carry `X-Throttle-Limit/Remaining/Reset`; a refusal is 429 with
//! `Retry-After`. The limits themselves are in [`super::limits`].

use std::net::{IpAddr, SocketAddr};

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, Method};

use super::AppError;
pub use super::limits::{Allowance, Limit, Limiters, Scope};
use crate::security::jwt::Keys;
use crate::state::AppState;

/// Sign-in flows, throttled per address and account by their handlers instead.
const AUTH_FLOWS: &[&str] = &["register", "login", "token", "logout", "password"];

/// Which per-user scope a request counts against; `None` for auth flows, live streams and non-API paths.
pub fn scope_of(method: &axum::http::Method, path: &str) -> Option<Scope> {
    let rest = path.strip_prefix("/api/v1/")?.trim_end_matches('/');
    if let Some(auth) = rest.strip_prefix("auth/")
        && AUTH_FLOWS.iter().any(|f| auth == *f || auth.starts_with(&format!("{f}/")))
    {
        return None;
    }
    let last = rest.rsplit('/').next().unwrap_or_default();
    if matches!(last, "events" | "stream") {
        return None;
    }
    if *method == axum::http::Method::GET || *method == axum::http::Method::HEAD {
        return Some(Scope::Read);
    }
    if *method == axum::http::Method::OPTIONS {
        return None;
    }
    Some(Scope::Write)
}

/// The throttling key of a request: a verified token's subject or the API key's digest, from the credentials
/// alone (no database round trip). `None` without valid credentials: authentication refuses those next.
fn key_of(keys: &Keys, headers: &HeaderMap) -> Option<String> {
    let header = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok())?;
    if let Some(token) = header.strip_prefix("Bearer ") {
        keys.verify(token.trim()).ok().map(|c| format!("u:{}", c.sub))
    } else {
        header.strip_prefix("ApiKey ").map(|key| format!("k:{}", crate::security::token::digest(key.trim())))
    }
}

/// Routes with a scope of their own (`extensions(("x-throttle-scope" = json!("ai")))` on the route's
/// `#[utoipa::path]`: the paid AI actions and the image actions), read from the OpenAPI document the router is
/// built from, so the scope sits on the action itself and no list of paths has to follow the routes. Clients see
/// it in the schema too.
#[derive(Debug, Default)]
pub struct ActionScopes(HashMap<String, Vec<(Method, Scope)>>);

/// The operation extension naming a route's own scope.
pub const SCOPE_EXTENSION: &str = "x-throttle-scope";

impl ActionScopes {
    pub fn from_openapi(document: &utoipa::openapi::OpenApi) -> Self {
        let mut scopes: HashMap<String, Vec<(Method, Scope)>> = HashMap::new();
        for (path, item) in &document.paths.paths {
            let operations = [
                (Method::GET, &item.get),
                (Method::POST, &item.post),
                (Method::PUT, &item.put),
                (Method::PATCH, &item.patch),
                (Method::DELETE, &item.delete),
            ];
            for (method, operation) in operations {
                let named = operation.as_ref().and_then(|o| o.extensions.as_ref()).and_then(|e| e.get(SCOPE_EXTENSION));
                let scope = match named.and_then(|v| v.as_str()) {
                    Some("ai") => Scope::Ai,
                    Some("images") => Scope::Images,
                    _ => continue,
                };
                scopes.entry(path.clone()).or_default().push((method, scope));
            }
        }
        Self(scopes)
    }

    fn of(&self, method: &Method, matched: &str) -> Option<Scope> {
        self.0.get(matched)?.iter().find(|(m, _)| m == method).map(|(_, scope)| *scope)
    }
}

/// Middleware: counts each authenticated API request against its user's (or API key's) scope. The key comes from
/// the credentials alone (a verified token's subject, or the API key's digest), so a throttled request costs no
/// database round trip; requests without valid credentials are left to the authentication that follows.
pub async fn per_user(
    axum::extract::State((state, actions)): axum::extract::State<(AppState, Arc<ActionScopes>)>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let Some(scope) = scope_of(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    // A route with a scope of its own counts there instead (it runs after routing, so the route is known).
    let matched = request.extensions().get::<axum::extract::MatchedPath>();
    let scope = matched.and_then(|m| actions.of(request.method(), m.as_str())).unwrap_or(scope);
    let Some(key) = key_of(&state.keys, request.headers()) else {
        return next.run(request).await;
    };
    match state.limiters.scope(scope).check(&key) {
        Ok(allowance) => {
            let mut response = next.run(request).await;
            response.headers_mut().extend(allowance.headers());
            response
        }
        Err(refused) => axum::response::IntoResponse::into_response(refused),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_by_method_and_action() {
        use axum::http::Method;
        assert_eq!(scope_of(&Method::GET, "/api/v1/planner/keywords/"), Some(Scope::Read));
        assert_eq!(scope_of(&Method::POST, "/api/v1/planner/keywords/bulk_delete/"), Some(Scope::Write));
        // AI and image actions are writes here; their own scope is spent by `AiAction`/`ImageAction` on the route.
        assert_eq!(scope_of(&Method::POST, "/api/v1/planner/keywords/auto_cluster/"), Some(Scope::Write));
        assert_eq!(scope_of(&Method::DELETE, "/api/v1/auth/sites/3"), Some(Scope::Write));
        assert_eq!(scope_of(&Method::GET, "/api/v1/auth/me"), Some(Scope::Read));
        assert_eq!(scope_of(&Method::POST, "/api/v1/auth/login/"), None);
        assert_eq!(scope_of(&Method::POST, "/api/v1/auth/password/reset/confirm"), None);
        assert_eq!(scope_of(&Method::GET, "/api/v1/tasks/4/events/"), None);
        assert_eq!(scope_of(&Method::GET, "/api/v1/notifications/stream"), None);
        assert_eq!(scope_of(&Method::GET, "/readyz"), None);
        assert_eq!(scope_of(&Method::GET, "/assets/app.js"), None);
    }

    #[test]
    fn refuses_after_the_quota() {
        let limit = Limit::per_minute(3);
        assert_eq!(limit.check("a").unwrap().remaining, 2);
        assert_eq!(limit.check("a").unwrap().remaining, 1);
        assert_eq!(limit.check("a").unwrap().remaining, 0);
        match limit.check("a") {
            Err(AppError::RateLimited { retry_after_secs, limit }) => {
                assert!((1..=60).contains(&retry_after_secs));
                assert_eq!(limit, 3);
            }
            other => panic!("{other:?}"),
        }
        assert!(limit.check("b").is_ok(), "keys are independent");
    }
}

/// The client's address: the TCP peer, or the first `X-Forwarded-For` hop when `trust_proxy_headers` is on.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_proxy_headers
            && let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse().ok())
        {
            return Ok(Self(ip));
        }
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(Self(peer.unwrap_or(IpAddr::from([0, 0, 0, 0]))))
    }
}
