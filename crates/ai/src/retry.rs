//! How long to wait before retrying a failed provider call.
//!
//! Providers shed load with 429/503 and recover within seconds, so retries back off exponentially (with jitter, so
//! many workers hitting the same limit do not retry in lockstep) and follow the provider's `Retry-After` when it
//! gives one. Every wait is capped so a single call cannot stall a job for minutes.

use std::time::{Duration, SystemTime};

/// Backoff settings shared by every client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait before the first retry (before jitter); it doubles with each further retry. Default 500 ms; tests
    /// set it to a millisecond.
    pub base_delay: Duration,
    /// The longest wait between two attempts, for exponential backoff and for a provider's `Retry-After` alike.
    /// Default 30 s.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(30) }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first retry). A provider's `Retry-After` wins over the
    /// computed backoff; both are capped at [`RetryPolicy::max_delay`].
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let exponential = self.base_delay.saturating_mul(2u32.saturating_pow(retry)).min(self.max_delay);
        // "Equal jitter": half of the wait is fixed, half random, so it never collapses to zero.
        let half = exponential / 2;
        let half_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(0..=half_nanos))
    }
}

/// Parses a `Retry-After` header value: delay seconds (`"2"`, also `"1.5"`) or an HTTP date, relative to `now`.
/// A date in the past means "now". Unparseable values give `None` (plain backoff applies).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy = RetryPolicy { base_delay: Duration::from_millis(100), max_delay: Duration::from_millis(1000) };
        for _ in 0..50 {
            let first = policy.delay(0, None);
            assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first), "{first:?}");
            let third = policy.delay(2, None);
            assert!((Duration::from_millis(200)..=Duration::from_millis(400)).contains(&third), "{third:?}");
            let late = policy.delay(40, None);
            assert!((Duration::from_millis(500)..=Duration::from_millis(1000)).contains(&late), "{late:?}");
        }
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(0, Some(Duration::from_secs(3))), Duration::from_secs(3));
        assert_eq!(policy.delay(0, Some(Duration::from_secs(3600))), Duration::from_secs(30));
    }

    #[test]
    fn extreme_settings_do_not_panic() {
        let policy = RetryPolicy { base_delay: Duration::MAX, max_delay: Duration::MAX };
        assert!(policy.delay(u32::MAX, None) >= Duration::MAX / 2);
    }

    #[test]
    fn parses_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 1.5 ", now), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now), Some(Duration::from_secs(10)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("NaN", now), None);
    }
}
