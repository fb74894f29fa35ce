//! `cron_slots`: one row per scheduled run (an entry's name and the slot time it fires for). Every worker
//! process ticks the same schedule; the unique (name, slot_at) index lets exactly one of them claim a slot,
//! and the row then records who ran it and how it ended.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CronSlots {
    Table,
    Id,
    Name,
    SlotAt,
    ClaimedBy,
    StartedAt,
    FinishedAt,
    Outcome,
    Error,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CronSlots::Table)
                    .col(big_pk_auto(CronSlots::Id))
                    .col(text(CronSlots::Name))
                    .col(timestamp_with_time_zone(CronSlots::SlotAt))
                    .col(text_null(CronSlots::ClaimedBy))
                    .col(timestamp_with_time_zone_null(CronSlots::StartedAt))
                    .col(timestamp_with_time_zone_null(CronSlots::FinishedAt))
                    .col(text_null(CronSlots::Outcome))
                    .col(text_null(CronSlots::Error))
                    .to_owned(),
            )
            .await?;
        // The claim: a second insert of the same slot conflicts, on either database.
        manager
            .create_index(
                Index::create()
                    .name("uq__cron_slots__slot_at")
                    .table(CronSlots::Table)
                    .col(CronSlots::Name)
                    .col(CronSlots::SlotAt)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Pruning deletes by age across all names.
        manager
            .create_index(
                Index::create()
                    .name("ix__cron_slots__slot_at")
                    .table(CronSlots::Table)
                    .col(CronSlots::SlotAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CronSlots::Table).to_owned()).await
    }
}
