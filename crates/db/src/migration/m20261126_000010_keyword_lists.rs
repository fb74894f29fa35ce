//! Faster keyword lists.
//!
//! `sectors.keywords_version`: raised by the database itself whenever a sector's keywords change (insert, update,
//! delete — through the services, a cascade or hand-written SQL alike), so anything derived from those rows, such
//! as a remembered list total, can be keyed by it and is never served after the rows moved on.
//!
//! PostgreSQL bumps once per statement (statement triggers over the transition tables); SQLite has row triggers
//! only and bumps once per row. Either way the number only grows, which is all a cache key needs.
//!
//! On PostgreSQL a second index in the volume ordering carries the filtered columns (`INCLUDE`), so a searched or
//! filtered page finds its ids by an index-only scan that rejects rows inside the index; the slim one stays for
//! unfiltered and deep pages, where the wider tuples would only cost more pages (measured: deep pages lost a
//! third of their throughput when the one index carried everything). SQLite has no `INCLUDE`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sectors {
    Table,
    KeywordsVersion,
}

const POSTGRES_UP: &[&str] = &[
    r"CREATE FUNCTION igny8_bump_keywords_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE sectors SET keywords_version = keywords_version + 1
        WHERE id IN (SELECT DISTINCT sector_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE sectors SET keywords_version = keywords_version + 1
        WHERE id IN (SELECT DISTINCT sector_id FROM old_rows);
    ELSE
        UPDATE sectors SET keywords_version = keywords_version + 1
        WHERE id IN (SELECT sector_id FROM new_rows UNION SELECT sector_id FROM old_rows);
    END IF;
    RETURN NULL;
END
$$",
    "CREATE TRIGGER keywords_version_insert AFTER INSERT ON keywords REFERENCING NEW TABLE AS new_rows \
     FOR EACH STATEMENT EXECUTE FUNCTION igny8_bump_keywords_version()",
    "CREATE TRIGGER keywords_version_update AFTER UPDATE ON keywords REFERENCING OLD TABLE AS old_rows \
     NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION igny8_bump_keywords_version()",
    "CREATE TRIGGER keywords_version_delete AFTER DELETE ON keywords REFERENCING OLD TABLE AS old_rows \
     FOR EACH STATEMENT EXECUTE FUNCTION igny8_bump_keywords_version()",
    "CREATE INDEX ix__keywords__sector_volume_filters ON keywords (sector_id, volume, id) \
     INCLUDE (intent, difficulty, status, cluster_id, normalized) WHERE deleted_at IS NULL",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS keywords_version_insert ON keywords",
    "DROP TRIGGER IF EXISTS keywords_version_update ON keywords",
    "DROP TRIGGER IF EXISTS keywords_version_delete ON keywords",
    "DROP FUNCTION IF EXISTS igny8_bump_keywords_version()",
    "DROP INDEX IF EXISTS ix__keywords__sector_volume_filters",
];

const SQLITE_UP: &[&str] = &[
    "CREATE TRIGGER keywords_version_insert AFTER INSERT ON keywords BEGIN \
     UPDATE sectors SET keywords_version = keywords_version + 1 WHERE id = NEW.sector_id; END",
    "CREATE TRIGGER keywords_version_update AFTER UPDATE ON keywords BEGIN \
     UPDATE sectors SET keywords_version = keywords_version + 1 WHERE id IN (OLD.sector_id, NEW.sector_id); END",
    "CREATE TRIGGER keywords_version_delete AFTER DELETE ON keywords BEGIN \
     UPDATE sectors SET keywords_version = keywords_version + 1 WHERE id = OLD.sector_id; END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS keywords_version_insert",
    "DROP TRIGGER IF EXISTS keywords_version_update",
    "DROP TRIGGER IF EXISTS keywords_version_delete",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sectors::Table)
                    .add_column(big_integer(Sectors::KeywordsVersion).default(0))
                    .to_owned(),
            )
            .await?;
        run(manager, POSTGRES_UP, SQLITE_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, POSTGRES_DOWN, SQLITE_DOWN).await?;
        manager.alter_table(Table::alter().table(Sectors::Table).drop_column(Sectors::KeywordsVersion).to_owned()).await
    }
}

/// Trigger syntax differs between the two databases: the statements for the connected one, in order.
pub(super) async fn run(manager: &SchemaManager<'_>, postgres: &[&str], sqlite: &[&str]) -> Result<(), DbErr> {
    let statements = match manager.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => postgres,
        _ => sqlite,
    };
    for sql in statements {
        manager.get_connection().execute_unprepared(sql).await?;
    }
    Ok(())
}
