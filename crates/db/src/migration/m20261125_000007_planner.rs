//! The planner: the global keyword library, keywords per site+sector, clusters, and content ideas with outlines.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000002_accounts::{fk, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sectors {
    Table,
    Id,
    KeywordCount,
}

#[derive(DeriveIden)]
enum IndustrySectors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SeedKeywords {
    Table,
    Id,
    IndustrySectorId,
    Keyword,
    Normalized,
    Volume,
    Difficulty,
    Intent,
    Country,
    IsActive,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Keywords {
    Table,
    Id,
    AccountId,
    SiteId,
    SectorId,
    SeedKeywordId,
    Keyword,
    Normalized,
    Volume,
    Difficulty,
    BaseVolume,
    BaseDifficulty,
    VolumeOverride,
    DifficultyOverride,
    Intent,
    Cpc,
    ClusterId,
    Status,
    DeletedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Clusters {
    Table,
    Id,
    AccountId,
    SiteId,
    SectorId,
    Name,
    NormalizedName,
    Description,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ContentIdeas {
    Table,
    Id,
    AccountId,
    SiteId,
    SectorId,
    ClusterId,
    Title,
    Description,
    ContentType,
    ContentStructure,
    PrimaryKeywords,
    CoveredKeywords,
    Outline,
    TargetWordCount,
    Status,
    Source,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum KeywordEmbeddings {
    Table,
    Id,
    Model,
    Normalized,
    Vector,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};

        manager
            .create_table(
                Table::create()
                    .table(SeedKeywords::Table)
                    .col(big_pk_auto(SeedKeywords::Id))
                    .col(big_integer(SeedKeywords::IndustrySectorId))
                    .col(string_len(SeedKeywords::Keyword, 255))
                    .col(string_len(SeedKeywords::Normalized, 255))
                    .col(big_integer(SeedKeywords::Volume).default(0))
                    .col(integer(SeedKeywords::Difficulty).default(0))
                    .col(string_len(SeedKeywords::Intent, 20))
                    .col(string_len(SeedKeywords::Country, 2).default("US"))
                    .col(boolean(SeedKeywords::IsActive).default(true))
                    .col(timestamp_with_time_zone(SeedKeywords::CreatedAt))
                    .col(timestamp_with_time_zone(SeedKeywords::UpdatedAt))
                    .foreign_key(&mut fk(
                        (SeedKeywords::Table, SeedKeywords::IndustrySectorId),
                        (IndustrySectors::Table, IndustrySectors::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__seed_keywords__keyword",
                SeedKeywords::Table,
                vec![
                    SeedKeywords::IndustrySectorId.into_iden(),
                    SeedKeywords::Country.into_iden(),
                    SeedKeywords::Normalized.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix__seed_keywords__sector_volume",
                SeedKeywords::Table,
                vec![SeedKeywords::IndustrySectorId.into_iden(), SeedKeywords::Volume.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Clusters::Table)
                    .col(big_pk_auto(Clusters::Id))
                    .col(big_integer(Clusters::AccountId))
                    .col(big_integer(Clusters::SiteId))
                    .col(big_integer(Clusters::SectorId))
                    .col(string_len(Clusters::Name, 200))
                    .col(string_len(Clusters::NormalizedName, 200))
                    .col(text(Clusters::Description).default(""))
                    .col(string_len(Clusters::Status, 20))
                    .col(timestamp_with_time_zone(Clusters::CreatedAt))
                    .col(timestamp_with_time_zone(Clusters::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Clusters::Table, Clusters::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk((Clusters::Table, Clusters::SiteId), (Sites::Table, Sites::Id), Cascade))
                    .foreign_key(&mut fk((Clusters::Table, Clusters::SectorId), (Sectors::Table, Sectors::Id), Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__clusters__name",
                Clusters::Table,
                vec![
                    Clusters::SiteId.into_iden(),
                    Clusters::SectorId.into_iden(),
                    Clusters::NormalizedName.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix__clusters__account_sector",
                Clusters::Table,
                vec![Clusters::AccountId.into_iden(), Clusters::SectorId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Keywords::Table)
                    .col(big_pk_auto(Keywords::Id))
                    .col(big_integer(Keywords::AccountId))
                    .col(big_integer(Keywords::SiteId))
                    .col(big_integer(Keywords::SectorId))
                    .col(big_integer_null(Keywords::SeedKeywordId))
                    .col(string_len(Keywords::Keyword, 255))
                    .col(string_len(Keywords::Normalized, 255))
                    .col(big_integer(Keywords::Volume).default(0))
                    .col(integer(Keywords::Difficulty).default(0))
                    .col(big_integer(Keywords::BaseVolume).default(0))
                    .col(integer(Keywords::BaseDifficulty).default(0))
                    .col(big_integer_null(Keywords::VolumeOverride))
                    .col(integer_null(Keywords::DifficultyOverride))
                    .col(string_len(Keywords::Intent, 20))
                    .col(double_null(Keywords::Cpc))
                    .col(big_integer_null(Keywords::ClusterId))
                    .col(string_len(Keywords::Status, 20))
                    .col(timestamp_with_time_zone_null(Keywords::DeletedAt))
                    .col(timestamp_with_time_zone(Keywords::CreatedAt))
                    .col(timestamp_with_time_zone(Keywords::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Keywords::Table, Keywords::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk((Keywords::Table, Keywords::SiteId), (Sites::Table, Sites::Id), Cascade))
                    .foreign_key(&mut fk((Keywords::Table, Keywords::SectorId), (Sectors::Table, Sectors::Id), Cascade))
                    .foreign_key(&mut fk(
                        (Keywords::Table, Keywords::SeedKeywordId),
                        (SeedKeywords::Table, SeedKeywords::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Keywords::Table, Keywords::ClusterId),
                        (Clusters::Table, Clusters::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // Unique per site+sector by normalised text; a soft-deleted row is restored when added again.
        manager
            .create_index(unique(
                "uq__keywords__keyword",
                Keywords::Table,
                vec![Keywords::SiteId.into_iden(), Keywords::SectorId.into_iden(), Keywords::Normalized.into_iden()],
            ))
            .await?;
        // The list's orderings within a sector, over live rows only, each ending in the id tie-breaker so a page
        // is one index range (forwards or backwards) and the count an index-only scan. Partial indexes are
        // standard SQL on both databases.
        for (name, column) in [
            ("ix__keywords__sector_volume", "volume"),
            ("ix__keywords__sector_difficulty", "difficulty"),
            ("ix__keywords__sector_created", "created_at"),
            ("ix__keywords__sector_keyword", "normalized"),
        ] {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX {name} ON keywords (sector_id, {column}, id) WHERE deleted_at IS NULL"
                ))
                .await?;
        }
        // Substring search (`search=shoe`) on PostgreSQL: a trigram index, when the extension is available.
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            let db = manager.get_connection();
            let available = db
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Postgres,
                    "SELECT 1 AS ok FROM pg_available_extensions WHERE name = 'pg_trgm'",
                ))
                .await?
                .is_some();
            if available {
                db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
                db.execute_unprepared(
                    "CREATE INDEX ix__keywords__normalized_trgm ON keywords USING gin (normalized gin_trgm_ops)",
                )
                .await?;
            }
        }
        manager
            .create_index(index("ix__keywords__cluster", Keywords::Table, vec![Keywords::ClusterId.into_iden()]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ContentIdeas::Table)
                    .col(big_pk_auto(ContentIdeas::Id))
                    .col(big_integer(ContentIdeas::AccountId))
                    .col(big_integer(ContentIdeas::SiteId))
                    .col(big_integer(ContentIdeas::SectorId))
                    .col(big_integer_null(ContentIdeas::ClusterId))
                    .col(string_len(ContentIdeas::Title, 300))
                    .col(text(ContentIdeas::Description).default(""))
                    .col(string_len(ContentIdeas::ContentType, 20))
                    .col(string_len(ContentIdeas::ContentStructure, 30))
                    .col(json(ContentIdeas::PrimaryKeywords))
                    .col(json(ContentIdeas::CoveredKeywords))
                    .col(json(ContentIdeas::Outline))
                    .col(integer(ContentIdeas::TargetWordCount).default(1500))
                    .col(string_len(ContentIdeas::Status, 20))
                    .col(string_len(ContentIdeas::Source, 20).default("manual"))
                    .col(timestamp_with_time_zone(ContentIdeas::CreatedAt))
                    .col(timestamp_with_time_zone(ContentIdeas::UpdatedAt))
                    .foreign_key(&mut fk(
                        (ContentIdeas::Table, ContentIdeas::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ContentIdeas::Table, ContentIdeas::SiteId),
                        (Sites::Table, Sites::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ContentIdeas::Table, ContentIdeas::SectorId),
                        (Sectors::Table, Sectors::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ContentIdeas::Table, ContentIdeas::ClusterId),
                        (Clusters::Table, Clusters::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix__content_ideas__account_sector",
                ContentIdeas::Table,
                vec![ContentIdeas::AccountId.into_iden(), ContentIdeas::SectorId.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "ix__content_ideas__cluster",
                ContentIdeas::Table,
                vec![ContentIdeas::ClusterId.into_iden()],
            ))
            .await?;
        // Live keywords per sector, kept by the keyword service (recounted after every change), so the keyword
        // list's total needs no count over the sector's rows when nothing filters them.
        manager
            .alter_table(
                Table::alter()
                    .table(Sectors::Table)
                    .add_column(big_integer(Sectors::KeywordCount).default(0))
                    .to_owned(),
            )
            .await?;
        // Provider embeddings per model and keyword text, so a keyword is embedded once per model.
        manager
            .create_table(
                Table::create()
                    .table(KeywordEmbeddings::Table)
                    .col(big_pk_auto(KeywordEmbeddings::Id))
                    .col(string_len(KeywordEmbeddings::Model, 150))
                    .col(string_len(KeywordEmbeddings::Normalized, 255))
                    .col(text(KeywordEmbeddings::Vector))
                    .col(timestamp_with_time_zone(KeywordEmbeddings::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__keyword_embeddings__normalized",
                KeywordEmbeddings::Table,
                vec![KeywordEmbeddings::Model.into_iden(), KeywordEmbeddings::Normalized.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Sectors::Table).drop_column(Sectors::KeywordCount).to_owned()).await?;
        for table in [
            KeywordEmbeddings::Table.into_iden(),
            ContentIdeas::Table.into_iden(),
            Keywords::Table.into_iden(),
            Clusters::Table.into_iden(),
            SeedKeywords::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
