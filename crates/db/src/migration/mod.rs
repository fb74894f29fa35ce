//! The single migration set. Every migration runs on SQLite and PostgreSQL; write them with the
//! sea-query builders (backend-specific SQL only where the two differ, such as triggers) and add them to
//! `Migrator::migrations` in order.

use sea_orm_migration::prelude::*;

mod m20261125_000001_system_settings;
mod m20261125_000002_accounts;
mod m20261125_000003_credits_notifications;
mod m20261125_000004_tasks;
mod m20261125_000005_cron_slots;
mod m20261125_000006_ai_config;
mod m20261125_000007_planner;
mod m20261125_000008_writer;
mod m20261125_000009_modules;
mod m20261126_000010_keyword_lists;
mod m20261126_000011_fewer_keyword_indexes;
mod m20261207_000012_task_queue;
mod m20261208_000013_cluster_parent;
mod m20261208_000014_account_security;
mod m20261208_000015_site_integrations;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_system_settings::Migration),
            Box::new(m20261125_000002_accounts::Migration),
            Box::new(m20261125_000003_credits_notifications::Migration),
            Box::new(m20261125_000004_tasks::Migration),
            Box::new(m20261125_000005_cron_slots::Migration),
            Box::new(m20261125_000006_ai_config::Migration),
            Box::new(m20261125_000007_planner::Migration),
            Box::new(m20261125_000008_writer::Migration),
            Box::new(m20261125_000009_modules::Migration),
            Box::new(m20261126_000010_keyword_lists::Migration),
            Box::new(m20261126_000011_fewer_keyword_indexes::Migration),
            Box::new(m20261207_000012_task_queue::Migration),
            Box::new(m20261208_000013_cluster_parent::Migration),
            Box::new(m20261208_000014_account_security::Migration),
            Box::new(m20261208_000015_site_integrations::Migration),
        ]
    }
}
