//! The scheduled entries of this build: the daily cleanup (expired sign-in tokens) runs here; the hourly
//! automation check and the five-minute publish check are claimed and logged until the automation and
//! publishing features register their handlers.

use chrono::{Duration, Utc};
use db::entities::{one_time_token, refresh_token};
use jobs::cron::{CronContext, CronHandlerError, MAINTENANCE_CLEANUP, Schedule};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// Refresh tokens are kept a day past expiry so a late reuse is still recognised as reuse.
const REFRESH_GRACE_DAYS: i64 = 1;

/// Deletes sign-in tokens nobody can use any more. Returns how many rows went.
pub async fn cleanup(db: &DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    let now = Utc::now();
    let refresh = refresh_token::Entity::delete_many()
        .filter(refresh_token::Column::ExpiresAt.lt(now - Duration::days(REFRESH_GRACE_DAYS)))
        .exec(db)
        .await?
        .rows_affected;
    let one_time = one_time_token::Entity::delete_many()
        .filter(one_time_token::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected;
    Ok(refresh + one_time)
}

async fn cleanup_slot(ctx: CronContext) -> Result<(), CronHandlerError> {
    let removed = cleanup(&ctx.db).await?;
    tracing::info!(slot = %ctx.slot_at, removed, "daily cleanup: expired sign-in tokens removed");
    Ok(())
}

/// The schedule every worker process runs (each slot fires once across processes).
pub fn schedule() -> Schedule {
    match Schedule::standard().handle(MAINTENANCE_CLEANUP, cleanup_slot) {
        Ok(schedule) => schedule,
        Err(error) => unreachable!("the standard schedule has the cleanup entry: {error}"),
    }
}
