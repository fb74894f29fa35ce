//! `site_integrations`: a site's connection to its WordPress (one per site and platform), with the credential
//! sealed at rest and the last connection test's outcome.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000002_accounts::{fk, unique};

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
enum SiteIntegrations {
    Table,
    Id,
    AccountId,
    SiteId,
    Platform,
    AuthMode,
    SiteUrl,
    Username,
    SecretSealed,
    SecretHint,
    IsActive,
    ConnectionStatus,
    ConnectionError,
    Checks,
    LastCheckedAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SiteIntegrations as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(big_pk_auto(T::Id))
                    .col(big_integer(T::AccountId))
                    .col(big_integer(T::SiteId))
                    .col(string_len(T::Platform, 20))
                    .col(string_len(T::AuthMode, 30))
                    .col(string_len(T::SiteUrl, 500))
                    .col(string_len_null(T::Username, 200))
                    .col(text_null(T::SecretSealed))
                    .col(string_len_null(T::SecretHint, 20))
                    .col(boolean(T::IsActive).default(true))
                    .col(string_len(T::ConnectionStatus, 20).default("unknown"))
                    .col(text_null(T::ConnectionError))
                    .col(json_null(T::Checks))
                    .col(timestamp_with_time_zone_null(T::LastCheckedAt))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .col(timestamp_with_time_zone(T::UpdatedAt))
                    .foreign_key(&mut fk(
                        (T::Table, T::AccountId),
                        (Accounts::Table, Accounts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk((T::Table, T::SiteId), (Sites::Table, Sites::Id), ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__site_integrations__platform",
                T::Table,
                vec![T::SiteId.into_iden(), T::Platform.into_iden()],
            ))
            .await?;
        manager
            .create_index(
                Index::create().name("ix__site_integrations__account").table(T::Table).col(T::AccountId).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SiteIntegrations::Table).to_owned()).await
    }
}
