//! Whether a process's job loop is working, for `/readyz`: the loop records each look for due tasks, the
//! readiness probe reads it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the probe reports about the job loop of this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoopStatus {
    /// This process runs no job loop (`serve --no-worker`, tools, tests).
    NotRunning,
    /// The last look for due tasks succeeded.
    Up,
    /// The loop cannot reach the database (it keeps retrying with backoff), or it stopped.
    Down { reason: String },
}

#[derive(Default)]
struct State {
    running: bool,
    last_ok: Option<Instant>,
    failing: Option<(Instant, String)>,
    ended: Option<String>,
}

/// Shared between the job loop and the readiness probe of one process.
#[derive(Clone, Default)]
pub struct Health {
    state: Arc<Mutex<State>>,
    /// A loop that has not looked for work for this long is reported down (stuck), even without an error.
    stale_after: Duration,
}

impl Health {
    pub fn new(stale_after: Duration) -> Self {
        Self { state: Arc::default(), stale_after }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    pub(crate) fn started(&self) {
        self.with(|s| {
            s.running = true;
            s.ended = None;
            s.last_ok = Some(Instant::now());
        });
    }

    pub(crate) fn ok(&self) {
        self.with(|s| {
            s.last_ok = Some(Instant::now());
            s.failing = None;
        });
    }

    pub(crate) fn failed(&self, error: &str) {
        self.with(|s| {
            let since = s.failing.as_ref().map_or_else(Instant::now, |(since, _)| *since);
            s.failing = Some((since, error.to_owned()));
        });
    }

    /// The loop ended: cleanly on shutdown (`None`), or with the reason.
    pub(crate) fn ended(&self, reason: Option<String>) {
        self.with(|s| {
            s.running = false;
            s.ended = reason;
        });
    }

    pub fn status(&self) -> LoopStatus {
        self.with(|s| {
            if let Some(reason) = &s.ended {
                return LoopStatus::Down { reason: format!("the job loop stopped: {reason}") };
            }
            if !s.running {
                return LoopStatus::NotRunning;
            }
            if let Some((since, error)) = &s.failing {
                let secs = since.elapsed().as_secs();
                return LoopStatus::Down {
                    reason: format!("the job loop cannot reach the database (for {secs} s): {error}"),
                };
            }
            match s.last_ok {
                Some(at) if at.elapsed() > self.stale_after && !self.stale_after.is_zero() => LoopStatus::Down {
                    reason: format!("the job loop has not looked for work for {} s", at.elapsed().as_secs()),
                },
                _ => LoopStatus::Up,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_what_the_loop_last_did() {
        let health = Health::new(Duration::from_secs(60));
        assert_eq!(health.status(), LoopStatus::NotRunning);
        health.started();
        assert_eq!(health.status(), LoopStatus::Up);
        health.failed("connection reset");
        assert!(matches!(health.status(), LoopStatus::Down { reason } if reason.contains("connection reset")));
        health.ok();
        assert_eq!(health.status(), LoopStatus::Up);
        health.ended(Some("panicked".into()));
        assert!(matches!(health.status(), LoopStatus::Down { reason } if reason.contains("panicked")));
        health.started();
        health.ended(None);
        assert_eq!(health.status(), LoopStatus::NotRunning);
    }
}
