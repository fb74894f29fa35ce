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

/// The limits the auth endpoints use (SPEC.md §4: auth 20/min, strict auth 5/min).
pub struct Limiters {
    /// Any auth endpoint, per client IP.
    pub auth_ip: Limit,
    /// Login and password reset, per account e-mail.
    pub strict_account: Limit,
}

impl Limiters {
    pub fn new(auth_per_minute: u32, strict_per_minute: u32) -> Self {
        Self { auth_ip: Limit::per_minute(auth_per_minute), strict_account: Limit::per_minute(strict_per_minute) }
    }

    /// Both checks of a login or reset request; the tighter allowance is reported.
    pub fn strict(&self, ip: IpAddr, email: &str) -> Result<Allowance, AppError> {
        let by_ip = self.auth_ip.check(&ip.to_string())?;
        let by_account = self.strict_account.check(&email.to_lowercase())?;
        Ok(if by_account.remaining <= by_ip.remaining { by_account } else { by_ip })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
