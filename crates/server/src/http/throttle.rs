//! Rate limits per scope and key (client IP, account e-mail), on the governor crate's GCRA limiter.
//! Answers carry `X-Throttle-Limit/Remaining/Reset`; a refusal is 429 with `Retry-After`.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

use axum::http::{HeaderMap, HeaderValue};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::AppError;

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// One limit: `per_minute` requests per key, refilled evenly over the minute.
pub struct Limit {
    limiter: Keyed,
    per_minute: u32,
}

/// What the caller may still do in this scope.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    pub limit: u32,
    pub remaining: u32,
}

impl Allowance {
    /// The answer to a throttled request, success or failure, with the allowance headers on it.
    pub fn apply<T: axum::response::IntoResponse>(self, result: Result<T, AppError>) -> axum::response::Response {
        let mut response = match result {
            Ok(value) => value.into_response(),
            Err(error) => axum::response::IntoResponse::into_response(error),
        };
        response.headers_mut().extend(self.headers());
        response
    }

    pub fn headers(self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-throttle-limit", HeaderValue::from(self.limit));
        headers.insert("x-throttle-remaining", HeaderValue::from(self.remaining));
        headers.insert("x-throttle-reset", HeaderValue::from(60u32));
        headers
    }
}

impl Limit {
    pub fn per_minute(per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(n)).with_middleware::<StateInformationMiddleware>(),
            per_minute: n.get(),
        }
    }

    /// Spends one request for `key`, or says how long to wait.
    pub fn check(&self, key: &str) -> Result<Allowance, AppError> {
        if self.limiter.len() > 50_000 {
            self.limiter.retain_recent();
        }
        match self.limiter.check_key(&key.to_owned()) {
            Ok(state) => Ok(Allowance { limit: self.per_minute, remaining: state.remaining_burst_capacity() }),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Err(AppError::RateLimited { retry_after_secs: wait.as_secs().max(1), limit: self.per_minute })
            }
        }
    }
}

/// Every limit of SPEC.md §4: auth 20/min and strict auth 5/min (checked by the auth handlers), and per user the
/// AI 10, image 15, write 60 and read 100 scopes (checked by [`per_user`] for every other API route).
pub struct Limiters {
    /// Any auth endpoint, per client IP.
    pub auth_ip: Limit,
    /// Login and password reset, per account e-mail.
    pub strict_account: Limit,
    pub ai: Limit,
    pub images: Limit,
    pub write: Limit,
    pub read: Limit,
}

impl Limiters {
    pub fn from_config(config: &crate::config::Config) -> Self {
        Self {
            auth_ip: Limit::per_minute(config.auth_rate_per_minute),
            strict_account: Limit::per_minute(config.login_rate_per_minute),
            ai: Limit::per_minute(config.ai_rate_per_minute),
            images: Limit::per_minute(config.image_rate_per_minute),
            write: Limit::per_minute(config.write_rate_per_minute),
            read: Limit::per_minute(config.read_rate_per_minute),
        }
    }

    fn scope(&self, scope: Scope) -> &Limit {
        match scope {
            Scope::Ai => &self.ai,
            Scope::Images => &self.images,
            Scope::Write => &self.write,
            Scope::Read => &self.read,
        }
    }

    /// Both checks of a login or reset request; the tighter allowance is reported.
    pub fn strict(&self, ip: IpAddr, email: &str) -> Result<Allowance, AppError> {
        let by_ip = self.auth_ip.check(&ip.to_string())?;
        let by_account = self.strict_account.check(&email.to_lowercase())?;
        Ok(if by_account.remaining <= by_ip.remaining { by_account } else { by_ip })
    }
}

/// The per-user scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Ai,
    Images,
    Write,
    Read,
}

/// POST actions that start paid model work.
const AI_ACTIONS: &[&str] = &[
    "test_connection",
    "auto_cluster",
    "auto_generate_ideas",
    "auto_generate_content",
    "generate_image_prompts",
    "optimize",
];
const IMAGE_ACTIONS: &[&str] = &["generate_images", "regenerate"];
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
    Some(if *method == axum::http::Method::POST && AI_ACTIONS.contains(&last) {
        Scope::Ai
    } else if *method == axum::http::Method::POST && IMAGE_ACTIONS.contains(&last) {
        Scope::Images
    } else {
        Scope::Write
    })
}

/// Middleware: counts each authenticated API request against its user's (or API key's) scope. The key comes from
/// the credentials alone (a verified token's subject, or the API key's digest), so a throttled request costs no
/// database round trip; requests without valid credentials are left to the authentication that follows.
pub async fn per_user(
    axum::extract::State(state): axum::extract::State<crate::app::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let Some(scope) = scope_of(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let header = request.headers().get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let key = match header {
        Some(h) if h.starts_with("Bearer ") => state.keys.verify(h[7..].trim()).ok().map(|c| format!("u:{}", c.sub)),
        Some(h) if h.starts_with("ApiKey ") => Some(format!("k:{}", crate::security::token::digest(h[7..].trim()))),
        _ => None,
    };
    let Some(key) = key else {
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
        assert_eq!(scope_of(&Method::POST, "/api/v1/planner/keywords/auto_cluster/"), Some(Scope::Ai));
        assert_eq!(scope_of(&Method::POST, "/api/v1/writer/images/generate_images"), Some(Scope::Images));
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

impl axum::extract::FromRequestParts<crate::app::AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::app::AppState,
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
