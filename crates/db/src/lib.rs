//! # db — entities, migrations, connections
//!
//! Purpose: the one place that knows how IGNY8-rs stores data. It opens SQLite (WAL, busy timeout, foreign
//! keys) or PostgreSQL from a URL chosen at run time, owns the single migration set that runs on both, and
//! will hold the SeaORM entities and the tenant-scoped query helpers every module uses.

pub mod connect;
pub mod entities;
pub mod lost;
pub mod migration;
pub mod status;
pub mod tenancy;
pub mod txn;

pub use connect::{Backend, ConnectError, DbOptions, connect};
pub use migration::Migrator;
pub use sea_orm;
pub use sea_orm_migration as sea_orm_migration_reexport;
pub use status::{MigrationStatus, migration_status, run_migrations};
pub use txn::begin_write;
