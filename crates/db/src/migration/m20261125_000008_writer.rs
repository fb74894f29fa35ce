//! The writer: tasks (what to write, converted from ideas), content (the articles with SEO meta and two
//! statuses), images (prompts and generated files) and taxonomies (categories and tags per site).

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
}

#[derive(DeriveIden)]
enum Clusters {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ContentIdeas {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WriterTasks {
    Table,
    Id,
    AccountId,
    SiteId,
    SectorId,
    ClusterId,
    IdeaId,
    Title,
    Brief,
    Keywords,
    ContentType,
    ContentStructure,
    TargetWords,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Contents {
    Table,
    Id,
    AccountId,
    SiteId,
    SectorId,
    TaskId,
    ClusterId,
    IdeaId,
    Title,
    ContentHtml,
    WordCount,
    MetaTitle,
    MetaDescription,
    PrimaryKeyword,
    SecondaryKeywords,
    ContentType,
    ContentStructure,
    Status,
    SiteStatus,
    Source,
    ReviewNote,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Images {
    Table,
    Id,
    AccountId,
    SiteId,
    SectorId,
    ContentId,
    ImageType,
    Position,
    Prompt,
    NegativePrompt,
    Status,
    Error,
    FilePath,
    Mime,
    Width,
    Height,
    SizeBytes,
    Model,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Taxonomies {
    Table,
    Id,
    AccountId,
    SiteId,
    TaxonomyType,
    Name,
    Slug,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ContentTaxonomies {
    Table,
    Id,
    AccountId,
    ContentId,
    TaxonomyId,
}

#[derive(DeriveIden)]
enum ContentSettings {
    Table,
    Id,
    AccountId,
    Tone,
    DefaultWords,
    ExtraInstructions,
    AuthorProfile,
    InArticleImages,
    ImageStyle,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};

        manager
            .create_table(
                Table::create()
                    .table(WriterTasks::Table)
                    .col(big_pk_auto(WriterTasks::Id))
                    .col(big_integer(WriterTasks::AccountId))
                    .col(big_integer(WriterTasks::SiteId))
                    .col(big_integer(WriterTasks::SectorId))
                    .col(big_integer_null(WriterTasks::ClusterId))
                    .col(big_integer_null(WriterTasks::IdeaId))
                    .col(string_len(WriterTasks::Title, 300))
                    .col(text(WriterTasks::Brief).default(""))
                    .col(json(WriterTasks::Keywords))
                    .col(string_len(WriterTasks::ContentType, 20))
                    .col(string_len(WriterTasks::ContentStructure, 30))
                    .col(integer(WriterTasks::TargetWords).default(1500))
                    .col(string_len(WriterTasks::Status, 20))
                    .col(timestamp_with_time_zone(WriterTasks::CreatedAt))
                    .col(timestamp_with_time_zone(WriterTasks::UpdatedAt))
                    .foreign_key(&mut fk(
                        (WriterTasks::Table, WriterTasks::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk((WriterTasks::Table, WriterTasks::SiteId), (Sites::Table, Sites::Id), Cascade))
                    .foreign_key(&mut fk(
                        (WriterTasks::Table, WriterTasks::SectorId),
                        (Sectors::Table, Sectors::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (WriterTasks::Table, WriterTasks::ClusterId),
                        (Clusters::Table, Clusters::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (WriterTasks::Table, WriterTasks::IdeaId),
                        (ContentIdeas::Table, ContentIdeas::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix__writer_tasks__account_site",
                WriterTasks::Table,
                vec![WriterTasks::AccountId.into_iden(), WriterTasks::SiteId.into_iden()],
            ))
            .await?;
        manager
            .create_index(index("ix__writer_tasks__idea", WriterTasks::Table, vec![WriterTasks::IdeaId.into_iden()]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Contents::Table)
                    .col(big_pk_auto(Contents::Id))
                    .col(big_integer(Contents::AccountId))
                    .col(big_integer(Contents::SiteId))
                    .col(big_integer(Contents::SectorId))
                    .col(big_integer_null(Contents::TaskId))
                    .col(big_integer_null(Contents::ClusterId))
                    .col(big_integer_null(Contents::IdeaId))
                    .col(string_len(Contents::Title, 300))
                    .col(text(Contents::ContentHtml).default(""))
                    .col(integer(Contents::WordCount).default(0))
                    .col(string_len(Contents::MetaTitle, 100).default(""))
                    .col(string_len(Contents::MetaDescription, 300).default(""))
                    .col(string_len(Contents::PrimaryKeyword, 255).default(""))
                    .col(json(Contents::SecondaryKeywords))
                    .col(string_len(Contents::ContentType, 20))
                    .col(string_len(Contents::ContentStructure, 30))
                    .col(string_len(Contents::Status, 20))
                    .col(string_len(Contents::SiteStatus, 20))
                    .col(string_len(Contents::Source, 20))
                    .col(text(Contents::ReviewNote).default(""))
                    .col(timestamp_with_time_zone(Contents::CreatedAt))
                    .col(timestamp_with_time_zone(Contents::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Contents::Table, Contents::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk((Contents::Table, Contents::SiteId), (Sites::Table, Sites::Id), Cascade))
                    .foreign_key(&mut fk((Contents::Table, Contents::SectorId), (Sectors::Table, Sectors::Id), Cascade))
                    .foreign_key(&mut fk(
                        (Contents::Table, Contents::TaskId),
                        (WriterTasks::Table, WriterTasks::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Contents::Table, Contents::ClusterId),
                        (Clusters::Table, Clusters::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Contents::Table, Contents::IdeaId),
                        (ContentIdeas::Table, ContentIdeas::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix__contents__account_site_status",
                Contents::Table,
                vec![Contents::AccountId.into_iden(), Contents::SiteId.into_iden(), Contents::Status.into_iden()],
            ))
            .await?;
        manager
            .create_index(index("ix__contents__cluster", Contents::Table, vec![Contents::ClusterId.into_iden()]))
            .await?;
        manager.create_index(index("ix__contents__task", Contents::Table, vec![Contents::TaskId.into_iden()])).await?;

        manager
            .create_table(
                Table::create()
                    .table(Images::Table)
                    .col(big_pk_auto(Images::Id))
                    .col(big_integer(Images::AccountId))
                    .col(big_integer(Images::SiteId))
                    .col(big_integer(Images::SectorId))
                    .col(big_integer(Images::ContentId))
                    .col(string_len(Images::ImageType, 20))
                    .col(integer(Images::Position).default(0))
                    .col(text(Images::Prompt))
                    .col(text(Images::NegativePrompt).default(""))
                    .col(string_len(Images::Status, 20))
                    .col(text_null(Images::Error))
                    .col(text_null(Images::FilePath))
                    .col(string_len_null(Images::Mime, 40))
                    .col(integer_null(Images::Width))
                    .col(integer_null(Images::Height))
                    .col(big_integer_null(Images::SizeBytes))
                    .col(string_len_null(Images::Model, 150))
                    .col(timestamp_with_time_zone(Images::CreatedAt))
                    .col(timestamp_with_time_zone(Images::UpdatedAt))
                    .foreign_key(&mut fk((Images::Table, Images::AccountId), (Accounts::Table, Accounts::Id), Cascade))
                    .foreign_key(&mut fk((Images::Table, Images::SiteId), (Sites::Table, Sites::Id), Cascade))
                    .foreign_key(&mut fk((Images::Table, Images::SectorId), (Sectors::Table, Sectors::Id), Cascade))
                    .foreign_key(&mut fk((Images::Table, Images::ContentId), (Contents::Table, Contents::Id), Cascade))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("ix__images__content", Images::Table, vec![Images::ContentId.into_iden()])).await?;
        manager
            .create_index(index(
                "ix__images__account_status",
                Images::Table,
                vec![Images::AccountId.into_iden(), Images::Status.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Taxonomies::Table)
                    .col(big_pk_auto(Taxonomies::Id))
                    .col(big_integer(Taxonomies::AccountId))
                    .col(big_integer(Taxonomies::SiteId))
                    .col(string_len(Taxonomies::TaxonomyType, 20))
                    .col(string_len(Taxonomies::Name, 200))
                    .col(string_len(Taxonomies::Slug, 200))
                    .col(text(Taxonomies::Description).default(""))
                    .col(timestamp_with_time_zone(Taxonomies::CreatedAt))
                    .col(timestamp_with_time_zone(Taxonomies::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Taxonomies::Table, Taxonomies::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk((Taxonomies::Table, Taxonomies::SiteId), (Sites::Table, Sites::Id), Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__taxonomies__slug",
                Taxonomies::Table,
                vec![
                    Taxonomies::SiteId.into_iden(),
                    Taxonomies::TaxonomyType.into_iden(),
                    Taxonomies::Slug.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ContentTaxonomies::Table)
                    .col(big_pk_auto(ContentTaxonomies::Id))
                    .col(big_integer(ContentTaxonomies::AccountId))
                    .col(big_integer(ContentTaxonomies::ContentId))
                    .col(big_integer(ContentTaxonomies::TaxonomyId))
                    .foreign_key(&mut fk(
                        (ContentTaxonomies::Table, ContentTaxonomies::ContentId),
                        (Contents::Table, Contents::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ContentTaxonomies::Table, ContentTaxonomies::TaxonomyId),
                        (Taxonomies::Table, Taxonomies::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__content_taxonomies__taxonomy_id",
                ContentTaxonomies::Table,
                vec![ContentTaxonomies::ContentId.into_iden(), ContentTaxonomies::TaxonomyId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ContentSettings::Table)
                    .col(big_pk_auto(ContentSettings::Id))
                    .col(big_integer(ContentSettings::AccountId))
                    .col(string_len(ContentSettings::Tone, 100).default("clear and friendly"))
                    .col(integer(ContentSettings::DefaultWords).default(1500))
                    .col(text(ContentSettings::ExtraInstructions).default(""))
                    .col(text(ContentSettings::AuthorProfile).default(""))
                    .col(integer(ContentSettings::InArticleImages).default(2))
                    .col(string_len(ContentSettings::ImageStyle, 100).default("photographic"))
                    .col(timestamp_with_time_zone(ContentSettings::UpdatedAt))
                    .foreign_key(&mut fk(
                        (ContentSettings::Table, ContentSettings::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__content_settings__account_id",
                ContentSettings::Table,
                vec![ContentSettings::AccountId.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ContentSettings::Table.into_iden(),
            ContentTaxonomies::Table.into_iden(),
            Taxonomies::Table.into_iden(),
            Images::Table.into_iden(),
            Contents::Table.into_iden(),
            WriterTasks::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
