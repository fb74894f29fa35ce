//! SeaORM entities, one file per table.

pub mod account;
pub mod industry;
pub mod industry_sector;
pub mod mail_outbox;
pub mod one_time_token;
pub mod plan;
pub mod refresh_token;
pub mod sector;
pub mod site;
pub mod site_user_access;
pub mod subscription;
pub mod system_setting;
pub mod user;
