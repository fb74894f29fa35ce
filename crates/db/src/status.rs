//! Running migrations and telling whether a database is current.

use sea_orm::{DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

use crate::Migrator;

/// Applied and pending migration names, in order.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MigrationStatus {
    pub applied: Vec<String>,
    pub pending: Vec<String>,
}

impl MigrationStatus {
    pub fn is_current(&self) -> bool {
        self.pending.is_empty()
    }
}

/// Applies every pending migration.
pub async fn run_migrations(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Reads migration state without changing the database.
pub async fn migration_status(db: &DatabaseConnection) -> Result<MigrationStatus, DbErr> {
    let all = Migrator::get_migration_with_status_read_only(db).await?;
    let mut status = MigrationStatus { applied: Vec::new(), pending: Vec::new() };
    for migration in all {
        match migration.status() {
            sea_orm_migration::MigrationStatus::Applied => status.applied.push(migration.name().to_owned()),
            sea_orm_migration::MigrationStatus::Pending => status.pending.push(migration.name().to_owned()),
        }
    }
    Ok(status)
}
