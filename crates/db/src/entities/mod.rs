//! SeaORM entities, one file per table.

pub mod system_setting;
