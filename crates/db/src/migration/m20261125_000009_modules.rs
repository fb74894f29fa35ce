//! `module_settings`: which modules an account has switched on (missing row: the defaults).

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
enum ModuleSettings {
    Table,
    Id,
    AccountId,
    Enabled,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ModuleSettings::Table)
                    .col(big_pk_auto(ModuleSettings::Id))
                    .col(big_integer(ModuleSettings::AccountId))
                    .col(json(ModuleSettings::Enabled))
                    .col(timestamp_with_time_zone(ModuleSettings::UpdatedAt))
                    .foreign_key(&mut fk(
                        (ModuleSettings::Table, ModuleSettings::AccountId),
                        (Accounts::Table, Accounts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__module_settings__account_id",
                ModuleSettings::Table,
                vec![ModuleSettings::AccountId.into_iden()],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ModuleSettings::Table).to_owned()).await
    }
}
