//! Telling a lost connection from other database errors, and making the pool check its connections for a while
//! after one was seen.
//!
//! When the database restarts, fails over, or a pooler or an operator ends the product's sessions
//! (`pg_terminate_backend`), every idle connection in the pool is dead, but the pool only finds out when a
//! statement fails on one. Connections are normally pinged only after idling (see `connect`); once a lost
//! connection has been seen, [`suspect`] makes the pool ping every connection it hands out for a few seconds, so
//! the dead ones are dropped before a statement runs on them, and a retried request gets a live one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sea_orm::{DbErr, RuntimeErr};

/// How long after a lost connection every connection the pool hands out is pinged first.
pub const SUSPECT_FOR: Duration = Duration::from_secs(5);

/// Until when (milliseconds since the epoch) handed-out connections are pinged.
static SUSPECT_UNTIL_MS: AtomicU64 = AtomicU64::new(0);

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Marks the pool's connections as suspect for [`SUSPECT_FOR`].
pub fn suspect() {
    SUSPECT_UNTIL_MS.fetch_max(now_ms() + SUSPECT_FOR.as_millis() as u64, Ordering::Relaxed);
}

/// Whether connections are suspect now (a lost connection was seen a moment ago).
pub fn suspected() -> bool {
    SUSPECT_UNTIL_MS.load(Ordering::Relaxed) > now_ms()
}

/// Whether `error` means the connection was lost (not that the statement was wrong): the server ended the
/// session or is shutting down, the socket broke, the pool is closed or could not connect. When it is, the
/// pool's connections become suspect.
pub fn is_connection_lost(error: &DbErr) -> bool {
    let lost = match error {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(inner) | DbErr::Exec(inner) | DbErr::Query(inner) => match inner {
            RuntimeErr::SqlxError(e) => sqlx_lost(e),
            RuntimeErr::Internal(message) => message_says_lost(message),
            #[allow(unreachable_patterns)]
            _ => false,
        },
        _ => false,
    };
    if lost {
        suspect();
    }
    lost
}

fn sqlx_lost(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::PoolTimedOut | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Protocol(message) => message_says_lost(message),
        // SQLSTATE class 08 (connection exception) and 57P01-57P03 (admin shutdown, crash shutdown, cannot connect
        // now); `57P05` idle session timeout.
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "57P05")
        }),
        other => message_says_lost(&other.to_string()),
    }
}

fn message_says_lost(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    ["connection closed", "connection reset", "broken pipe", "terminating connection", "unexpected eof"]
        .iter()
        .any(|sign| message.contains(sign))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_connections_are_told_from_bad_statements() {
        let io = DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset",
        )))));
        assert!(is_connection_lost(&io));
        assert!(suspected(), "a lost connection makes the pool check its connections");
        let closed = DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::ConnectionClosed);
        assert!(is_connection_lost(&closed));
        let bad = DbErr::Query(RuntimeErr::Internal("syntax error at or near \"SELEC\"".into()));
        assert!(!is_connection_lost(&bad));
        assert!(!is_connection_lost(&DbErr::RecordNotFound("task".into())));
    }
}
