//! The credit ledger, the usage log and notifications.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CreditTransactions {
    Table,
    Id,
    AccountId,
    Pool,
    Delta,
    BalanceAfter,
    Kind,
    Reference,
    IdempotencyKey,
    Description,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CreditUsageLogs {
    Table,
    Id,
    AccountId,
    SiteId,
    Operation,
    Model,
    TokensIn,
    TokensOut,
    CostUsdMicros,
    Credits,
    RelatedType,
    RelatedId,
    IdempotencyKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    AccountId,
    UserId,
    NotificationType,
    Severity,
    Title,
    Message,
    ActionLabel,
    ActionRoute,
    IsRead,
    ReadAt,
    CreatedAt,
}

fn account_fk(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Accounts::Table, Accounts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CreditTransactions::Table)
                    .col(big_pk_auto(CreditTransactions::Id))
                    .col(big_integer(CreditTransactions::AccountId))
                    .col(string_len(CreditTransactions::Pool, 10))
                    .col(big_integer(CreditTransactions::Delta))
                    .col(big_integer(CreditTransactions::BalanceAfter))
                    .col(string_len(CreditTransactions::Kind, 20))
                    .col(string_len_null(CreditTransactions::Reference, 200))
                    .col(string_len_null(CreditTransactions::IdempotencyKey, 200))
                    .col(text(CreditTransactions::Description).default(""))
                    .col(timestamp_with_time_zone(CreditTransactions::CreatedAt))
                    .foreign_key(&mut account_fk(CreditTransactions::Table, CreditTransactions::AccountId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq__credit_transactions__idempotency_key")
                    .table(CreditTransactions::Table)
                    .col(CreditTransactions::AccountId)
                    .col(CreditTransactions::IdempotencyKey)
                    .col(CreditTransactions::Pool)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix__credit_transactions__account_created")
                    .table(CreditTransactions::Table)
                    .col(CreditTransactions::AccountId)
                    .col(CreditTransactions::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CreditUsageLogs::Table)
                    .col(big_pk_auto(CreditUsageLogs::Id))
                    .col(big_integer(CreditUsageLogs::AccountId))
                    .col(big_integer_null(CreditUsageLogs::SiteId))
                    .col(string_len(CreditUsageLogs::Operation, 50))
                    .col(string_len_null(CreditUsageLogs::Model, 100))
                    .col(big_integer(CreditUsageLogs::TokensIn).default(0))
                    .col(big_integer(CreditUsageLogs::TokensOut).default(0))
                    .col(big_integer(CreditUsageLogs::CostUsdMicros).default(0))
                    .col(big_integer(CreditUsageLogs::Credits))
                    .col(string_len_null(CreditUsageLogs::RelatedType, 50))
                    .col(big_integer_null(CreditUsageLogs::RelatedId))
                    .col(string_len_null(CreditUsageLogs::IdempotencyKey, 200))
                    .col(timestamp_with_time_zone(CreditUsageLogs::CreatedAt))
                    .foreign_key(&mut account_fk(CreditUsageLogs::Table, CreditUsageLogs::AccountId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq__credit_usage_logs__idempotency_key")
                    .table(CreditUsageLogs::Table)
                    .col(CreditUsageLogs::AccountId)
                    .col(CreditUsageLogs::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix__credit_usage_logs__account_created")
                    .table(CreditUsageLogs::Table)
                    .col(CreditUsageLogs::AccountId)
                    .col(CreditUsageLogs::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(big_pk_auto(Notifications::Id))
                    .col(big_integer(Notifications::AccountId))
                    .col(big_integer_null(Notifications::UserId))
                    .col(string_len(Notifications::NotificationType, 50))
                    .col(string_len(Notifications::Severity, 10))
                    .col(string_len(Notifications::Title, 200))
                    .col(text(Notifications::Message).default(""))
                    .col(string_len_null(Notifications::ActionLabel, 100))
                    .col(string_len_null(Notifications::ActionRoute, 300))
                    .col(boolean(Notifications::IsRead).default(false))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .foreign_key(&mut account_fk(Notifications::Table, Notifications::AccountId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix__notifications__account_read_created")
                    .table(Notifications::Table)
                    .col(Notifications::AccountId)
                    .col(Notifications::IsRead)
                    .col(Notifications::CreatedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notifications::Table.into_iden(),
            CreditUsageLogs::Table.into_iden(),
            CreditTransactions::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
