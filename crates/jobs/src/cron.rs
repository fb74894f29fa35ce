//! Recurring work: named schedule entries (cron expressions, UTC) whose handlers run once per slot, however
//! many worker processes tick the same schedule.
//!
//! Every process runs [`run_scheduler`] with the same [`Schedule`]. When an entry's slot comes, each process
//! tries to insert the `cron_slots` row (entry name, slot time); the unique (name, slot_at) index lets one
//! insert win, on SQLite and PostgreSQL alike, and only that process runs the handler and records how it
//! ended. A slot is therefore run at most once: if the winning process dies mid-run, its row stays without
//! `finished_at` and the next slot runs as usual.
//!
//! The schedule ticks come from the `cron` crate's iteration rather than `apalis-cron` 1.0: that crate's
//! ticks are per process (its backend is ephemeral; piping them into the queue would push one job per
//! process per tick, so the slot row would still be needed), and its tick stream yields the same
//! `OutOfRange` error forever once it is polled after the next tick has passed (a slow handler, a paused
//! process), which a scheduler that must keep going cannot use as it is.

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use db::entities::cron_slot;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, SqlErr, TryInsertResult};

/// Hourly, at minute 0: looks for automation runs that are due.
pub const AUTOMATION_CHECK: &str = "automation.check";
/// Every five minutes: looks for scheduled publishing that is due.
pub const PUBLISH_CHECK: &str = "publish.check";
/// Daily at 03:00 UTC: housekeeping (also prunes old slot rows).
pub const MAINTENANCE_CLEANUP: &str = "maintenance.cleanup";

/// How long slot rows are kept by default.
pub const DEFAULT_RETENTION_DAYS: i64 = 30;

/// The longest the loop sleeps before looking at the clock again, so a wall-clock jump (the schedule is
/// in wall-clock time, the sleep in monotonic time) delays a slot by at most this much.
const MAX_NAP: Duration = Duration::from_secs(30);

/// What a handler's failure carries; its text goes on the slot row.
pub type CronHandlerError = Box<dyn std::error::Error + Send + Sync>;

pub type CronFuture = Pin<Box<dyn Future<Output = Result<(), CronHandlerError>> + Send>>;

/// What a handler is given for one slot.
#[derive(Clone)]
pub struct CronContext {
    /// The schedule entry.
    pub name: &'static str,
    /// The slot this run is for (whole seconds, UTC), not the moment the handler started.
    pub slot_at: DateTime<Utc>,
    pub db: DatabaseConnection,
}

/// The work behind a schedule entry. Closures `Fn(CronContext) -> impl Future<Output = Result<(), _>>`
/// implement it too.
pub trait CronHandler: Send + Sync + 'static {
    fn run(&self, ctx: CronContext) -> CronFuture;
}

impl<F, Fut> CronHandler for F
where
    F: Fn(CronContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), CronHandlerError>> + Send + 'static,
{
    fn run(&self, ctx: CronContext) -> CronFuture {
        Box::pin(self(ctx))
    }
}

/// The default handler: the slot is claimed and recorded, and a line is logged. Entries whose real
/// handlers arrive with their features start out with this one.
pub struct LogOnly;

impl CronHandler for LogOnly {
    fn run(&self, ctx: CronContext) -> CronFuture {
        Box::pin(async move {
            tracing::info!(entry = ctx.name, slot = %ctx.slot_at, "scheduled slot reached; no handler registered yet");
            Ok(())
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CronError {
    #[error("schedule entry {name}: invalid cron expression {expression:?}: {reason}")]
    Expression { name: &'static str, expression: String, reason: String },
    #[error("schedule entry {0} is already registered")]
    Duplicate(&'static str),
    #[error("no schedule entry named {0:?}")]
    UnknownEntry(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

#[derive(Clone)]
struct Entry {
    name: &'static str,
    times: ::cron::Schedule,
    handler: Arc<dyn CronHandler>,
}

/// The named entries every worker process ticks, with their handlers.
#[derive(Clone)]
pub struct Schedule {
    entries: Vec<Entry>,
    retention: chrono::Duration,
    /// The entry whose winning run first prunes slot rows older than `retention` (before its slot).
    prune_with: Option<&'static str>,
}

impl Schedule {
    /// No entries at all (tests, tools).
    pub fn empty() -> Self {
        Self { entries: Vec::new(), retention: chrono::Duration::days(DEFAULT_RETENTION_DAYS), prune_with: None }
    }

    /// The app's entries, each with the [`LogOnly`] handler until its feature registers one with
    /// [`Schedule::handle`]; the daily cleanup slot prunes slot rows older than 30 days.
    pub fn standard() -> Self {
        // Expressions have a seconds field first: sec min hour day-of-month month day-of-week.
        let standard = Self::empty()
            .add(AUTOMATION_CHECK, "0 0 * * * *", LogOnly)
            .and_then(|s| s.add(PUBLISH_CHECK, "0 */5 * * * *", LogOnly))
            .and_then(|s| s.add(MAINTENANCE_CLEANUP, "0 0 3 * * *", LogOnly));
        match standard {
            Ok(schedule) => schedule.prune_with(MAINTENANCE_CLEANUP),
            // The expressions above are constants; the unit tests parse them.
            Err(error) => unreachable!("the standard schedule is valid: {error}"),
        }
    }

    /// Adds an entry: `expression` is a cron expression with seconds (`sec min hour dom month dow`),
    /// evaluated in UTC.
    pub fn add(mut self, name: &'static str, expression: &str, handler: impl CronHandler) -> Result<Self, CronError> {
        if self.entries.iter().any(|e| e.name == name) {
            return Err(CronError::Duplicate(name));
        }
        let times = ::cron::Schedule::from_str(expression).map_err(|e| CronError::Expression {
            name,
            expression: expression.into(),
            reason: e.to_string(),
        })?;
        self.entries.push(Entry { name, times, handler: Arc::new(handler) });
        Ok(self)
    }

    /// Sets the handler of an existing entry (the server registers the real ones).
    pub fn handle(mut self, name: &str, handler: impl CronHandler) -> Result<Self, CronError> {
        let entry =
            self.entries.iter_mut().find(|e| e.name == name).ok_or_else(|| CronError::UnknownEntry(name.into()))?;
        entry.handler = Arc::new(handler);
        Ok(self)
    }

    /// Which entry's slots prune old slot rows.
    pub fn prune_with(mut self, name: &'static str) -> Self {
        self.prune_with = Some(name);
        self
    }

    /// How long slot rows are kept (counted back from the pruning slot).
    pub fn retention(mut self, keep: chrono::Duration) -> Self {
        self.retention = keep;
        self
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.entries.iter().map(|e| e.name).collect()
    }

    /// The entry's first slot strictly after `after`.
    pub fn next_slot(&self, name: &str, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.entry(name)?.times.after(&after).next()
    }

    fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }
}

/// How one process's attempt at a slot ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotRun {
    /// This scheduler claimed the slot and the handler succeeded.
    Succeeded,
    /// This scheduler claimed the slot and the handler failed (or panicked); the reason is on the row.
    Failed(String),
    /// Another scheduler had already claimed it: nothing ran here.
    Taken,
}

struct Inner {
    name: String,
    db: DatabaseConnection,
    schedule: Schedule,
}

/// One process's view of the schedule: claims slots under its own name and runs the handlers it wins.
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

impl Scheduler {
    /// `name` identifies this process on the slot rows it claims (e.g. the worker name).
    pub fn new(name: impl Into<String>, db: DatabaseConnection, schedule: Schedule) -> Self {
        Self { inner: Arc::new(Inner { name: name.into(), db, schedule }) }
    }

    /// Claims the entry's slot at `slot_at` and, if this scheduler won it, runs the handler and records the
    /// outcome. The loop calls this when a slot comes; tests call it directly with chosen slot times.
    pub async fn fire(&self, name: &str, slot_at: DateTime<Utc>) -> Result<SlotRun, CronError> {
        let inner = &self.inner;
        let entry = inner.schedule.entry(name).ok_or_else(|| CronError::UnknownEntry(name.into()))?;
        // Every process must write the identical key for the unique index to see one slot.
        let slot_at = slot_at.with_nanosecond(0).unwrap_or(slot_at);
        let Some(id) = claim(&inner.db, entry.name, slot_at, &inner.name).await? else {
            tracing::debug!(entry = entry.name, slot = %slot_at, "slot already claimed by another scheduler");
            return Ok(SlotRun::Taken);
        };
        if inner.schedule.prune_with == Some(entry.name) {
            match prune(&inner.db, slot_at - inner.schedule.retention).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "pruned old cron slot rows"),
                // Pruning is housekeeping: the entry's own work still runs.
                Err(error) => tracing::warn!(%error, "could not prune old cron slot rows"),
            }
        }
        let ctx = CronContext { name: entry.name, slot_at, db: inner.db.clone() };
        let handler = entry.handler.clone();
        // On a task of its own so a panicking handler is recorded as a failure instead of taking the
        // scheduler down.
        let outcome = match tokio::spawn(async move { handler.run(ctx).await }).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(join) if join.is_panic() => Err("the handler panicked".to_owned()),
            Err(_) => Err("the handler was cancelled".to_owned()),
        };
        let (label, error) = match &outcome {
            Ok(()) => ("succeeded", None),
            Err(reason) => ("failed", Some(reason.clone())),
        };
        cron_slot::Entity::update_many()
            .col_expr(cron_slot::Column::FinishedAt, Expr::value(Utc::now()))
            .col_expr(cron_slot::Column::Outcome, Expr::value(label))
            .col_expr(cron_slot::Column::Error, Expr::value(error))
            .filter(cron_slot::Column::Id.eq(id))
            .exec(&inner.db)
            .await?;
        match outcome {
            Ok(()) => {
                tracing::info!(entry = entry.name, slot = %slot_at, "scheduled slot done");
                Ok(SlotRun::Succeeded)
            }
            Err(reason) => {
                tracing::warn!(entry = entry.name, slot = %slot_at, %reason, "scheduled slot failed");
                Ok(SlotRun::Failed(reason))
            }
        }
    }

    /// Ticks every entry until `shutdown` resolves, firing each slot as it comes; handlers still running
    /// then finish first (as jobs do in [`crate::run_worker`]), so their slots get an outcome.
    ///
    /// One process runs one slot of an entry at a time: a slot that comes while the entry's previous slot
    /// still runs here is left to the other processes. Slots missed while the process was not running (or
    /// paused) are not replayed.
    pub async fn run(&self, shutdown: impl Future<Output = ()> + Send) -> Result<(), CronError> {
        let entries = self.inner.schedule.entries.clone();
        let started = Utc::now();
        let mut next: Vec<Option<DateTime<Utc>>> = entries.iter().map(|e| e.times.after(&started).next()).collect();
        let mut running: Vec<Option<tokio::task::JoinHandle<()>>> = entries.iter().map(|_| None).collect();
        tracing::info!(scheduler = %self.inner.name, entries = ?self.inner.schedule.names(), "scheduler started");
        tokio::pin!(shutdown);
        loop {
            let now = Utc::now();
            for (i, entry) in entries.iter().enumerate() {
                let Some(slot) = next[i].filter(|slot| *slot <= now) else { continue };
                // The following slot counts from now, not from this one, so nothing slept through is replayed.
                next[i] = entry.times.after(&now).next();
                if running[i].as_ref().is_some_and(|run| !run.is_finished()) {
                    tracing::debug!(entry = entry.name, %slot, "previous slot still running here; leaving this one");
                    continue;
                }
                let (this, name) = (self.clone(), entry.name);
                running[i] = Some(tokio::spawn(async move {
                    if let Err(error) = this.fire(name, slot).await {
                        tracing::warn!(entry = name, %slot, %error, "could not run the scheduled slot");
                    }
                }));
            }
            let wait = next
                .iter()
                .flatten()
                .min()
                .map(|due| (*due - Utc::now()).to_std().unwrap_or_default())
                .unwrap_or(MAX_NAP)
                .min(MAX_NAP);
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(wait) => {}
            }
        }
        for run in running.into_iter().flatten() {
            let _ = run.await;
        }
        tracing::info!(scheduler = %self.inner.name, "scheduler stopped");
        Ok(())
    }
}

/// Inserts the slot row; `Some(id)` when this insert won, `None` when the slot was already taken.
async fn claim(db: &DatabaseConnection, name: &str, slot_at: DateTime<Utc>, by: &str) -> Result<Option<i64>, DbErr> {
    let row = cron_slot::ActiveModel {
        name: Set(name.to_owned()),
        slot_at: Set(slot_at),
        claimed_by: Set(Some(by.to_owned())),
        started_at: Set(Some(Utc::now())),
        finished_at: Set(None),
        outcome: Set(None),
        error: Set(None),
        ..Default::default()
    };
    // ON CONFLICT DO NOTHING: losing the race is the normal case for all but one process, and it should
    // not log an error in PostgreSQL each time. Deliberately without a conflict target: SQLite matches a
    // target against the unique indexes when it compiles the statement, using the connection's cached
    // schema, and a pool connection that ran the migration's CREATE TABLE but not its CREATE INDEX (SQLite
    // migrations run outside a transaction, statement by statement on any pool connection) then fails
    // with "ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint". The only unique
    // constraint besides the key is the slot's, so no target means the same thing. A unique violation,
    // should a database report one anyway, also means the slot is taken.
    let inserted = cron_slot::Entity::insert(row)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .try_insert()
        .exec(db)
        .await;
    match inserted {
        Ok(TryInsertResult::Inserted(result)) => Ok(Some(result.last_insert_id)),
        Ok(TryInsertResult::Conflicted | TryInsertResult::Empty) => Ok(None),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Deletes slot rows for slots before `before`; returns how many.
pub async fn prune(db: &DatabaseConnection, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let deleted = cron_slot::Entity::delete_many().filter(cron_slot::Column::SlotAt.lt(before)).exec(db).await?;
    Ok(deleted.rows_affected)
}

/// Runs a scheduler named `name` until `shutdown` resolves; start it next to [`crate::run_worker`] in every
/// worker process.
pub async fn run_scheduler(
    name: String,
    db: DatabaseConnection,
    schedule: Schedule,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), String> {
    Scheduler::new(name, db, schedule).run(shutdown).await.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn standard_slots() {
        let schedule = Schedule::standard();
        assert_eq!(schedule.names(), [AUTOMATION_CHECK, PUBLISH_CHECK, MAINTENANCE_CLEANUP]);
        let next = |name, after| schedule.next_slot(name, after).unwrap();
        assert_eq!(next(AUTOMATION_CHECK, at(2026, 11, 25, 10, 17, 3)), at(2026, 11, 25, 11, 0, 0));
        assert_eq!(next(AUTOMATION_CHECK, at(2026, 11, 25, 23, 0, 0)), at(2026, 11, 26, 0, 0, 0));
        assert_eq!(next(PUBLISH_CHECK, at(2026, 11, 25, 10, 17, 3)), at(2026, 11, 25, 10, 20, 0));
        // Strictly after: a slot time itself leads to the following slot.
        assert_eq!(next(PUBLISH_CHECK, at(2026, 11, 25, 10, 20, 0)), at(2026, 11, 25, 10, 25, 0));
        assert_eq!(next(MAINTENANCE_CLEANUP, at(2026, 11, 25, 2, 59, 59)), at(2026, 11, 25, 3, 0, 0));
        assert_eq!(next(MAINTENANCE_CLEANUP, at(2026, 11, 25, 4, 0, 0)), at(2026, 11, 26, 3, 0, 0));
        assert_eq!(schedule.prune_with, Some(MAINTENANCE_CLEANUP));
    }

    #[test]
    fn entries_are_checked() {
        assert!(matches!(Schedule::empty().add("x", "not cron", LogOnly), Err(CronError::Expression { .. })));
        assert!(matches!(
            Schedule::standard().add(PUBLISH_CHECK, "* * * * * *", LogOnly),
            Err(CronError::Duplicate(_))
        ));
        assert!(matches!(Schedule::standard().handle("no.such", LogOnly), Err(CronError::UnknownEntry(_))));
        assert!(Schedule::standard().handle(PUBLISH_CHECK, LogOnly).is_ok());
    }
}
