//! Tenant-scoped queries: the one way modules read and write rows that belong to an account.
//! A row of another account is simply not found.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PrimaryKeyTrait, QueryFilter, Select};

use crate::entities::{
    account_prompt, cluster, content, content_idea, content_setting, content_taxonomy, credit_transaction,
    credit_usage_log, image, keyword, module_setting, notification, sector, site, site_integration, site_user_access,
    subscription, task, taxonomy, user, writer_task,
};

/// An entity whose rows carry `account_id`.
pub trait AccountScoped: EntityTrait {
    fn account_column() -> Self::Column;
}

/// An entity whose rows also carry `site_id`.
pub trait SiteScoped: AccountScoped {
    fn site_column() -> Self::Column;
}

macro_rules! account_scoped {
    ($($module:ident),*) => {$(
        impl AccountScoped for $module::Entity {
            fn account_column() -> Self::Column {
                $module::Column::AccountId
            }
        }
    )*};
}

macro_rules! site_scoped {
    ($($module:ident),*) => {$(
        impl SiteScoped for $module::Entity {
            fn site_column() -> Self::Column {
                $module::Column::SiteId
            }
        }
    )*};
}

account_scoped!(
    user,
    site,
    sector,
    site_user_access,
    subscription,
    credit_transaction,
    credit_usage_log,
    notification,
    task,
    account_prompt,
    keyword,
    cluster,
    content_idea,
    writer_task,
    content,
    image,
    taxonomy,
    content_taxonomy,
    content_setting,
    module_setting,
    site_integration
);
site_scoped!(
    sector,
    site_user_access,
    keyword,
    cluster,
    content_idea,
    writer_task,
    content,
    image,
    taxonomy,
    site_integration
);

/// `SELECT … WHERE account_id = ?`: the start of every tenant query.
pub fn scoped<E: AccountScoped>(account_id: i64) -> Select<E> {
    E::find().filter(E::account_column().eq(account_id))
}

/// One row by id, only if it belongs to the account.
pub async fn find_scoped<E, C>(db: &C, account_id: i64, id: i64) -> Result<Option<E::Model>, DbErr>
where
    E: AccountScoped,
    C: ConnectionTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::find_by_id(id).filter(E::account_column().eq(account_id)).one(db).await
}

/// Rows of one site of the account.
pub fn site_scoped<E: SiteScoped>(account_id: i64, site_id: i64) -> Select<E> {
    scoped::<E>(account_id).filter(E::site_column().eq(site_id))
}
