//! Accounts and access: plans, accounts, users, subscriptions, the industry catalogue, sites, sectors,
//! per-site access grants, refresh-token families, one-time tokens (reset, invite) and the mail outbox.
//!
//! Unique indexes are named `uq__<table>__<field>` so a violation can name the field on either database.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    Slug,
    Name,
    PriceCents,
    BillingCycle,
    IncludedCredits,
    MaxSites,
    MaxUsers,
    MaxKeywords,
    MaxSectorsPerSite,
    IsActive,
    IsInternal,
    SortOrder,
    Features,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Name,
    Slug,
    Status,
    Timezone,
    PlanId,
    Credits,
    BonusCredits,
    BillingEmail,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    AccountId,
    Email,
    PasswordHash,
    FirstName,
    LastName,
    Role,
    IsActive,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
    AccountId,
    PlanId,
    Status,
    BillingCycle,
    CurrentPeriodStart,
    CurrentPeriodEnd,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Industries {
    Table,
    Id,
    Slug,
    Name,
    Description,
    IsActive,
    SortOrder,
}

#[derive(DeriveIden)]
enum IndustrySectors {
    Table,
    Id,
    IndustryId,
    Slug,
    Name,
    Description,
    IsActive,
    SortOrder,
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
    AccountId,
    Name,
    Slug,
    Domain,
    IndustryId,
    IsActive,
    ApiKeyPrefix,
    ApiKeyHash,
    ApiKeyCreatedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sectors {
    Table,
    Id,
    AccountId,
    SiteId,
    IndustrySectorId,
    Name,
    Slug,
    Description,
    IsActive,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SiteUserAccess {
    Table,
    Id,
    AccountId,
    UserId,
    SiteId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OneTimeTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    ToEmail,
    Subject,
    BodyText,
    Status,
    Error,
    CreatedAt,
    SentAt,
}

pub(super) fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(on_delete).to_owned()
}

pub(super) fn unique(name: &str, table: impl IntoIden, columns: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table).unique();
    for column in columns {
        index.col(column);
    }
    index.clone()
}

pub(super) fn index(name: &str, table: impl IntoIden, columns: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    index.clone()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        manager
            .create_table(
                Table::create()
                    .table(Plans::Table)
                    .col(big_pk_auto(Plans::Id))
                    .col(string_len(Plans::Slug, 50))
                    .col(string_len(Plans::Name, 100))
                    .col(big_integer(Plans::PriceCents).default(0))
                    .col(string_len(Plans::BillingCycle, 20))
                    .col(big_integer(Plans::IncludedCredits).default(0))
                    .col(integer(Plans::MaxSites))
                    .col(integer(Plans::MaxUsers))
                    .col(integer(Plans::MaxKeywords))
                    .col(integer(Plans::MaxSectorsPerSite))
                    .col(boolean(Plans::IsActive).default(true))
                    .col(boolean(Plans::IsInternal).default(false))
                    .col(integer(Plans::SortOrder).default(0))
                    .col(json(Plans::Features))
                    .col(timestamp_with_time_zone(Plans::CreatedAt))
                    .col(timestamp_with_time_zone(Plans::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(unique("uq__plans__slug", Plans::Table, vec![Plans::Slug.into_iden()])).await?;

        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(big_pk_auto(Accounts::Id))
                    .col(string_len(Accounts::Name, 200))
                    .col(string_len(Accounts::Slug, 80))
                    .col(string_len(Accounts::Status, 20))
                    .col(string_len(Accounts::Timezone, 64))
                    .col(big_integer(Accounts::PlanId))
                    .col(big_integer(Accounts::Credits).default(0))
                    .col(big_integer(Accounts::BonusCredits).default(0))
                    .col(string_len_null(Accounts::BillingEmail, 254))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                    .foreign_key(&mut fk((Accounts::Table, Accounts::PlanId), (Plans::Table, Plans::Id), Restrict))
                    .to_owned(),
            )
            .await?;
        manager.create_index(unique("uq__accounts__slug", Accounts::Table, vec![Accounts::Slug.into_iden()])).await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(big_integer(Users::AccountId))
                    .col(string_len(Users::Email, 254))
                    .col(text_null(Users::PasswordHash))
                    .col(string_len(Users::FirstName, 100).default(""))
                    .col(string_len(Users::LastName, 100).default(""))
                    .col(string_len(Users::Role, 20))
                    .col(boolean(Users::IsActive).default(true))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .foreign_key(&mut fk((Users::Table, Users::AccountId), (Accounts::Table, Accounts::Id), Cascade))
                    .to_owned(),
            )
            .await?;
        manager.create_index(unique("uq__users__email", Users::Table, vec![Users::Email.into_iden()])).await?;
        manager.create_index(index("ix__users__account", Users::Table, vec![Users::AccountId.into_iden()])).await?;

        manager
            .create_table(
                Table::create()
                    .table(Subscriptions::Table)
                    .col(big_pk_auto(Subscriptions::Id))
                    .col(big_integer(Subscriptions::AccountId))
                    .col(big_integer(Subscriptions::PlanId))
                    .col(string_len(Subscriptions::Status, 20))
                    .col(string_len(Subscriptions::BillingCycle, 20))
                    .col(timestamp_with_time_zone(Subscriptions::CurrentPeriodStart))
                    .col(timestamp_with_time_zone(Subscriptions::CurrentPeriodEnd))
                    .col(timestamp_with_time_zone(Subscriptions::CreatedAt))
                    .col(timestamp_with_time_zone(Subscriptions::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Subscriptions::Table, Subscriptions::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Subscriptions::Table, Subscriptions::PlanId),
                        (Plans::Table, Plans::Id),
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix__subscriptions__account",
                Subscriptions::Table,
                vec![Subscriptions::AccountId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Industries::Table)
                    .col(big_pk_auto(Industries::Id))
                    .col(string_len(Industries::Slug, 64))
                    .col(string_len(Industries::Name, 100))
                    .col(text(Industries::Description).default(""))
                    .col(boolean(Industries::IsActive).default(true))
                    .col(integer(Industries::SortOrder).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("uq__industries__slug", Industries::Table, vec![Industries::Slug.into_iden()]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IndustrySectors::Table)
                    .col(big_pk_auto(IndustrySectors::Id))
                    .col(big_integer(IndustrySectors::IndustryId))
                    .col(string_len(IndustrySectors::Slug, 64))
                    .col(string_len(IndustrySectors::Name, 100))
                    .col(text(IndustrySectors::Description).default(""))
                    .col(boolean(IndustrySectors::IsActive).default(true))
                    .col(integer(IndustrySectors::SortOrder).default(0))
                    .foreign_key(&mut fk(
                        (IndustrySectors::Table, IndustrySectors::IndustryId),
                        (Industries::Table, Industries::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__industry_sectors__slug",
                IndustrySectors::Table,
                vec![IndustrySectors::IndustryId.into_iden(), IndustrySectors::Slug.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sites::Table)
                    .col(big_pk_auto(Sites::Id))
                    .col(big_integer(Sites::AccountId))
                    .col(string_len(Sites::Name, 200))
                    .col(string_len(Sites::Slug, 80))
                    .col(string_len_null(Sites::Domain, 255))
                    .col(big_integer_null(Sites::IndustryId))
                    .col(boolean(Sites::IsActive).default(true))
                    .col(string_len_null(Sites::ApiKeyPrefix, 16))
                    .col(string_len_null(Sites::ApiKeyHash, 64))
                    .col(timestamp_with_time_zone_null(Sites::ApiKeyCreatedAt))
                    .col(timestamp_with_time_zone(Sites::CreatedAt))
                    .col(timestamp_with_time_zone(Sites::UpdatedAt))
                    .foreign_key(&mut fk((Sites::Table, Sites::AccountId), (Accounts::Table, Accounts::Id), Cascade))
                    .foreign_key(&mut fk(
                        (Sites::Table, Sites::IndustryId),
                        (Industries::Table, Industries::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__sites__slug",
                Sites::Table,
                vec![Sites::AccountId.into_iden(), Sites::Slug.into_iden()],
            ))
            .await?;
        manager
            .create_index(unique("uq__sites__api_key_hash", Sites::Table, vec![Sites::ApiKeyHash.into_iden()]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sectors::Table)
                    .col(big_pk_auto(Sectors::Id))
                    .col(big_integer(Sectors::AccountId))
                    .col(big_integer(Sectors::SiteId))
                    .col(big_integer_null(Sectors::IndustrySectorId))
                    .col(string_len(Sectors::Name, 200))
                    .col(string_len(Sectors::Slug, 80))
                    .col(text(Sectors::Description).default(""))
                    .col(boolean(Sectors::IsActive).default(true))
                    .col(timestamp_with_time_zone(Sectors::CreatedAt))
                    .col(timestamp_with_time_zone(Sectors::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Sectors::Table, Sectors::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk((Sectors::Table, Sectors::SiteId), (Sites::Table, Sites::Id), Cascade))
                    .foreign_key(&mut fk(
                        (Sectors::Table, Sectors::IndustrySectorId),
                        (IndustrySectors::Table, IndustrySectors::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__sectors__slug",
                Sectors::Table,
                vec![Sectors::SiteId.into_iden(), Sectors::Slug.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "ix__sectors__account_site",
                Sectors::Table,
                vec![Sectors::AccountId.into_iden(), Sectors::SiteId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SiteUserAccess::Table)
                    .col(big_pk_auto(SiteUserAccess::Id))
                    .col(big_integer(SiteUserAccess::AccountId))
                    .col(big_integer(SiteUserAccess::UserId))
                    .col(big_integer(SiteUserAccess::SiteId))
                    .col(timestamp_with_time_zone(SiteUserAccess::CreatedAt))
                    .foreign_key(&mut fk(
                        (SiteUserAccess::Table, SiteUserAccess::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (SiteUserAccess::Table, SiteUserAccess::UserId),
                        (Users::Table, Users::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (SiteUserAccess::Table, SiteUserAccess::SiteId),
                        (Sites::Table, Sites::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__site_user_access__site_id",
                SiteUserAccess::Table,
                vec![SiteUserAccess::UserId.into_iden(), SiteUserAccess::SiteId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(big_pk_auto(RefreshTokens::Id))
                    .col(big_integer(RefreshTokens::UserId))
                    .col(string_len(RefreshTokens::FamilyId, 36))
                    .col(string_len(RefreshTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                    .foreign_key(&mut fk(
                        (RefreshTokens::Table, RefreshTokens::UserId),
                        (Users::Table, Users::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__refresh_tokens__token_hash",
                RefreshTokens::Table,
                vec![RefreshTokens::TokenHash.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "ix__refresh_tokens__family",
                RefreshTokens::Table,
                vec![RefreshTokens::FamilyId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OneTimeTokens::Table)
                    .col(big_pk_auto(OneTimeTokens::Id))
                    .col(big_integer(OneTimeTokens::UserId))
                    .col(string_len(OneTimeTokens::Purpose, 20))
                    .col(string_len(OneTimeTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(OneTimeTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(OneTimeTokens::UsedAt))
                    .col(timestamp_with_time_zone(OneTimeTokens::CreatedAt))
                    .foreign_key(&mut fk(
                        (OneTimeTokens::Table, OneTimeTokens::UserId),
                        (Users::Table, Users::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__one_time_tokens__token_hash",
                OneTimeTokens::Table,
                vec![OneTimeTokens::TokenHash.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(big_pk_auto(MailOutbox::Id))
                    .col(string_len(MailOutbox::ToEmail, 254))
                    .col(string_len(MailOutbox::Subject, 255))
                    .col(text(MailOutbox::BodyText))
                    .col(string_len(MailOutbox::Status, 20))
                    .col(text_null(MailOutbox::Error))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MailOutbox::Table.into_iden(),
            OneTimeTokens::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            SiteUserAccess::Table.into_iden(),
            Sectors::Table.into_iden(),
            Sites::Table.into_iden(),
            IndustrySectors::Table.into_iden(),
            Industries::Table.into_iden(),
            Subscriptions::Table.into_iden(),
            Users::Table.into_iden(),
            Accounts::Table.into_iden(),
            Plans::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
