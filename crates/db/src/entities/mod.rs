//! SeaORM entities, one file per table.

pub mod account;
pub mod credit_transaction;
pub mod credit_usage_log;
pub mod cron_slot;
pub mod industry;
pub mod industry_sector;
pub mod mail_outbox;
pub mod notification;
pub mod one_time_token;
pub mod plan;
pub mod refresh_token;
pub mod sector;
pub mod site;
pub mod site_user_access;
pub mod subscription;
pub mod system_setting;
pub mod task;
pub mod user;
