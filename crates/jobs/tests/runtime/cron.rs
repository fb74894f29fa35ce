//! Cron slots: each slot runs once however many schedulers tick it, failures are recorded and do not stop
//! the schedule, shutdown stops the loop, old slot rows are pruned.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use db::entities::cron_slot;
use db::sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use jobs::cron::{MAINTENANCE_CLEANUP, PUBLISH_CHECK};
use jobs::{CronContext, CronHandlerError, Schedule, Scheduler, SlotRun};
use tokio::sync::watch;

use crate::support::{database, each_backend, eventually};

const TICK: &str = "test.tick";

/// Runs per slot, as the handler saw them.
type Seen = Arc<Mutex<HashMap<DateTime<Utc>, u32>>>;

/// A schedule with one entry firing every second, whose handler counts its runs per slot and fails (or
/// panics) for the slots its `verdict` says.
fn counting(seen: &Seen, verdict: fn(DateTime<Utc>) -> Result<(), String>) -> Schedule {
    let seen = seen.clone();
    let handler = move |ctx: CronContext| {
        let seen = seen.clone();
        async move {
            *seen.lock().unwrap().entry(ctx.slot_at).or_default() += 1;
            // A little work, so concurrent schedulers overlap.
            tokio::time::sleep(Duration::from_millis(5)).await;
            match verdict(ctx.slot_at) {
                Ok(()) => Ok(()),
                Err(reason) if reason == "panic" => panic!("handler panicked on purpose"),
                Err(reason) => Err(CronHandlerError::from(reason)),
            }
        }
    };
    Schedule::empty().add(TICK, "* * * * * *", handler).unwrap()
}

#[allow(clippy::unnecessary_wraps, reason = "the shape of a slot handler")]
fn always_ok(_: DateTime<Utc>) -> Result<(), String> {
    Ok(())
}

async fn slots(db: &DatabaseConnection) -> Vec<cron_slot::Model> {
    cron_slot::Entity::find().order_by_asc(cron_slot::Column::SlotAt).all(db).await.unwrap()
}

/// A scheduler process of its own: separate connection pool, as another worker process would have.
async fn process(url: &str, name: &str, schedule: Schedule) -> Scheduler {
    let db = db::connect(url, &db::DbOptions { max_connections: 4, ..Default::default() }).await.unwrap();
    Scheduler::new(name, db, schedule)
}

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
}

#[tokio::test]
async fn three_schedulers_firing_the_same_slots_run_each_once() {
    each_backend(|url| async move {
        let (db, _) = database(&url).await;
        let seen: Seen = Arc::default();
        let mut schedulers = Vec::new();
        for name in ["proc-a", "proc-b", "proc-c"] {
            schedulers.push(process(&url, name, counting(&seen, always_ok)).await);
        }
        let slot_times: Vec<DateTime<Utc>> = (0..15).map(|i| base() + chrono::Duration::minutes(5 * i)).collect();
        // Every scheduler fires every slot at once, as processes woken by the same tick would.
        let mut runs = Vec::new();
        for slot in &slot_times {
            for scheduler in &schedulers {
                let (scheduler, slot) = (scheduler.clone(), *slot);
                runs.push((slot, tokio::spawn(async move { scheduler.fire(TICK, slot).await })));
            }
        }
        let mut outcomes: HashMap<DateTime<Utc>, Vec<SlotRun>> = HashMap::new();
        for (slot, run) in runs {
            outcomes.entry(slot).or_default().push(run.await.unwrap().unwrap());
        }
        for slot in &slot_times {
            let mut results = outcomes.remove(slot).unwrap();
            results.sort_by_key(|r| format!("{r:?}"));
            assert_eq!(results, [SlotRun::Succeeded, SlotRun::Taken, SlotRun::Taken], "slot {slot}");
        }
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), slot_times.len());
        assert!(seen.values().all(|n| *n == 1), "a slot ran twice: {seen:?}");

        let rows = slots(&db).await;
        assert_eq!(rows.iter().map(|r| r.slot_at).collect::<Vec<_>>(), slot_times);
        for row in &rows {
            assert_eq!(row.name, TICK);
            assert_eq!(row.outcome.as_deref(), Some("succeeded"));
            assert!(row.finished_at.is_some() && row.started_at.is_some());
            assert!(["proc-a", "proc-b", "proc-c"].contains(&row.claimed_by.as_deref().unwrap()));
            assert_eq!(row.error, None);
        }
    })
    .await;
}

#[tokio::test]
async fn a_failing_slot_is_recorded_and_the_next_slot_still_runs() {
    fn verdict(slot: DateTime<Utc>) -> Result<(), String> {
        match (slot - base()).num_minutes() {
            0 => Err("WordPress did not answer".into()),
            5 => Err("panic".into()),
            _ => Ok(()),
        }
    }
    each_backend(|url| async move {
        let (db, _) = database(&url).await;
        let seen: Seen = Arc::default();
        let scheduler = Scheduler::new("proc-a", db.clone(), counting(&seen, verdict));
        let five = chrono::Duration::minutes(5);
        assert_eq!(scheduler.fire(TICK, base()).await.unwrap(), SlotRun::Failed("WordPress did not answer".into()));
        assert_eq!(scheduler.fire(TICK, base() + five).await.unwrap(), SlotRun::Failed("the handler panicked".into()));
        assert_eq!(scheduler.fire(TICK, base() + five * 2).await.unwrap(), SlotRun::Succeeded);
        // A slot already run is not run again, whatever its outcome was.
        assert_eq!(scheduler.fire(TICK, base()).await.unwrap(), SlotRun::Taken);

        let rows = slots(&db).await;
        let summary: Vec<_> = rows.iter().map(|r| (r.outcome.as_deref(), r.error.as_deref())).collect();
        assert_eq!(
            summary,
            [
                (Some("failed"), Some("WordPress did not answer")),
                (Some("failed"), Some("the handler panicked")),
                (Some("succeeded"), None),
            ]
        );
        assert!(rows.iter().all(|r| r.finished_at.is_some()));
        assert!(matches!(scheduler.fire("no.such.entry", base()).await, Err(jobs::CronError::UnknownEntry(_))));
    })
    .await;
}

struct Running {
    stop: watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<Result<(), String>>>,
}

/// Starts one scheduler loop per name, each on its own pool, stopped by one signal.
async fn start_loops(url: &str, names: &[&str], schedule: &Schedule) -> Running {
    let (stop, stopped) = watch::channel(false);
    let mut handles = Vec::new();
    for name in names {
        let db = db::connect(url, &db::DbOptions { max_connections: 4, ..Default::default() }).await.unwrap();
        let mut stopped = stopped.clone();
        let shutdown = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        handles.push(tokio::spawn(jobs::run_scheduler((*name).into(), db, schedule.clone(), shutdown)));
    }
    Running { stop, handles }
}

impl Running {
    async fn stop(self) {
        self.stop.send(true).unwrap();
        for handle in self.handles {
            // A bound against hanging, not a timing assertion.
            let result = tokio::time::timeout(Duration::from_secs(20), handle).await.expect("scheduler stops");
            result.unwrap().expect("scheduler exits cleanly");
        }
    }
}

#[tokio::test]
async fn three_scheduler_loops_run_every_slot_once() {
    each_backend(|url| async move {
        let (db, _) = database(&url).await;
        let seen: Seen = Arc::default();
        let running = start_loops(&url, &["loop-a", "loop-b", "loop-c"], &counting(&seen, always_ok)).await;
        let seen2 = seen.clone();
        eventually(Duration::from_secs(30), "three slots ran", || {
            let seen = seen2.clone();
            async move { seen.lock().unwrap().len() >= 3 }
        })
        .await;
        // Stopping waits for handlers in flight, so every claimed slot has finished afterwards.
        running.stop().await;

        let seen = seen.lock().unwrap().clone();
        assert!(seen.values().all(|n| *n == 1), "a slot ran twice: {seen:?}");
        let rows = slots(&db).await;
        assert_eq!(rows.len(), seen.len(), "one row per slot that ran");
        for row in &rows {
            assert_eq!(seen.get(&row.slot_at), Some(&1));
            assert_eq!(row.outcome.as_deref(), Some("succeeded"));
            assert!(row.finished_at.is_some());
        }
    })
    .await;
}

#[tokio::test]
async fn the_loop_keeps_going_after_a_failing_slot() {
    fn always_fails(_: DateTime<Utc>) -> Result<(), String> {
        Err("nothing to publish to".into())
    }
    each_backend(|url| async move {
        let (db, _) = database(&url).await;
        let seen: Seen = Arc::default();
        let running = start_loops(&url, &["loop-a"], &counting(&seen, always_fails)).await;
        let db2 = db.clone();
        eventually(Duration::from_secs(30), "two failed slots recorded", || {
            let db = db2.clone();
            async move { slots(&db).await.iter().filter(|r| r.outcome.as_deref() == Some("failed")).count() >= 2 }
        })
        .await;
        running.stop().await;
        let rows = slots(&db).await;
        assert!(rows.iter().all(|r| r.error.as_deref() == Some("nothing to publish to")), "{rows:?}");
    })
    .await;
}

#[tokio::test]
async fn shutdown_stops_an_idle_loop() {
    each_backend(|url| async move {
        let (db, _) = database(&url).await;
        // The standard schedule: nothing is due for minutes, so the loop is asleep when told to stop.
        let running = start_loops(&url, &["idle"], &Schedule::standard()).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        running.stop().await;
        assert!(slots(&db).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_cleanup_slot_prunes_rows_older_than_the_retention() {
    each_backend(|url| async move {
        let (db, _) = database(&url).await;
        let scheduler = Scheduler::new("proc-a", db.clone(), Schedule::standard());
        let cleanup_at = base() + chrono::Duration::hours(17); // 03:00 the next day
        let days = chrono::Duration::days;
        for age in [days(45), days(31), days(29), chrono::Duration::hours(1)] {
            assert_eq!(scheduler.fire(PUBLISH_CHECK, cleanup_at - age).await.unwrap(), SlotRun::Succeeded);
        }
        assert_eq!(slots(&db).await.len(), 4);
        assert_eq!(scheduler.fire(MAINTENANCE_CLEANUP, cleanup_at).await.unwrap(), SlotRun::Succeeded);
        let left: Vec<_> = slots(&db).await.into_iter().map(|r| (r.name, cleanup_at - r.slot_at)).collect();
        assert_eq!(
            left,
            [
                (PUBLISH_CHECK.to_owned(), days(29)),
                (PUBLISH_CHECK.to_owned(), chrono::Duration::hours(1)),
                (MAINTENANCE_CLEANUP.to_owned(), chrono::Duration::zero()),
            ]
        );
    })
    .await;
}
