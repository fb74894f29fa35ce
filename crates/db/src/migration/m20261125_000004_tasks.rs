//! `tasks`: the user-facing record of every AI or batch job (status, progress, result, error, cost).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    AccountId,
    SiteId,
    UserId,
    Kind,
    Status,
    Phase,
    Percent,
    Current,
    Total,
    Item,
    Message,
    Input,
    Result,
    Error,
    ErrorCode,
    CostCredits,
    Attempts,
    CancelRequested,
    LeaseExpiresAt,
    CreatedAt,
    StartedAt,
    FinishedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .col(big_pk_auto(Tasks::Id))
                    .col(big_integer(Tasks::AccountId))
                    .col(big_integer_null(Tasks::SiteId))
                    .col(big_integer_null(Tasks::UserId))
                    .col(string_len(Tasks::Kind, 50))
                    .col(string_len(Tasks::Status, 20))
                    .col(string_len(Tasks::Phase, 20))
                    .col(small_integer(Tasks::Percent).default(0))
                    .col(big_integer(Tasks::Current).default(0))
                    .col(big_integer(Tasks::Total).default(0))
                    .col(text_null(Tasks::Item))
                    .col(text_null(Tasks::Message))
                    .col(json(Tasks::Input))
                    .col(json_null(Tasks::Result))
                    .col(text_null(Tasks::Error))
                    .col(string_len_null(Tasks::ErrorCode, 50))
                    .col(big_integer(Tasks::CostCredits).default(0))
                    .col(integer(Tasks::Attempts).default(0))
                    .col(boolean(Tasks::CancelRequested).default(false))
                    .col(timestamp_with_time_zone_null(Tasks::LeaseExpiresAt))
                    .col(timestamp_with_time_zone(Tasks::CreatedAt))
                    .col(timestamp_with_time_zone_null(Tasks::StartedAt))
                    .col(timestamp_with_time_zone_null(Tasks::FinishedAt))
                    .col(timestamp_with_time_zone(Tasks::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tasks::Table, Tasks::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix__tasks__account_created")
                    .table(Tasks::Table)
                    .col(Tasks::AccountId)
                    .col(Tasks::CreatedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Tasks::Table).to_owned()).await
    }
}
