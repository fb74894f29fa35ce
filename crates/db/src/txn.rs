//! Transactions.

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN` (`BEGIN IMMEDIATE`):
/// a deferred transaction that reads first and writes later fails with "database is locked" when another
/// writer committed in between, and waiting (busy_timeout) cannot help it. PostgreSQL ignores the mode.
pub async fn begin_write(db: &sea_orm::DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
