//! `clusters.parent_id`: the pillar cluster a cluster sits under (NULL for a pillar or a cluster on its own).
//!
//! The clustering engine keeps one search intent per cluster, whatever its size, and groups related intents
//! under a pillar ("cat food" over "kitten food" and "cat food bowls"); this column keeps that hierarchy. No
//! foreign key: SQLite cannot add one to an existing table, and deleting a cluster clears its children's link in
//! the same transaction (`clusters::service::delete`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Clusters {
    Table,
    ParentId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Clusters::Table).add_column(big_integer_null(Clusters::ParentId)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Clusters::Table).drop_column(Clusters::ParentId).to_owned()).await
    }
}
