use chrono::Utc;
use db::entities::notification;
use db::tenancy::scoped;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::dto::NotificationOut;
use crate::events::{Event, Events};
use crate::http::{AppError, Filter, ListSpec};

pub const SEVERITIES: &[&str] = &["info", "success", "warning", "error"];

/// A notification to create.
#[derive(Debug, Clone)]
pub struct New {
    pub account_id: i64,
    pub notification_type: &'static str,
    pub severity: &'static str,
    pub title: String,
    pub message: String,
    pub action: Option<(String, String)>,
}

/// Stores the notification and pushes it to live streams of its account.
pub async fn create<C: ConnectionTrait>(db: &C, events: &Events, new: New) -> Result<NotificationOut, AppError> {
    let (action_label, action_route) = new.action.map(|(l, r)| (Some(l), Some(r))).unwrap_or((None, None));
    let row = notification::ActiveModel {
        account_id: Set(new.account_id),
        user_id: Set(None),
        notification_type: Set(new.notification_type.into()),
        severity: Set(new.severity.into()),
        title: Set(new.title.chars().take(200).collect()),
        message: Set(new.message),
        action_label: Set(action_label),
        action_route: Set(action_route),
        is_read: Set(false),
        read_at: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let out = NotificationOut::from(row);
    events.publish(Event {
        account_id: new.account_id,
        name: "notification".into(),
        data: serde_json::to_value(&out).unwrap_or_default(),
    });
    Ok(out)
}

pub fn list_spec() -> ListSpec<notification::Entity> {
    ListSpec::new()
        .search([notification::Column::Title, notification::Column::Message])
        .order_by("created_at", notification::Column::CreatedAt)
        .default_ordering("-created_at")
        .filter(Filter::bool("is_read", notification::Column::IsRead))
        .filter(Filter::text("notification_type", notification::Column::NotificationType).with_options())
        .filter(Filter::choice("severity", notification::Column::Severity, SEVERITIES).with_options())
}

pub async fn unread<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<u64, AppError> {
    Ok(scoped::<notification::Entity>(account_id).filter(notification::Column::IsRead.eq(false)).count(db).await?)
}

/// Marks the given notifications (or all unread ones) read; returns how many changed.
pub async fn mark_read<C: ConnectionTrait>(db: &C, account_id: i64, ids: Option<&[i64]>) -> Result<u64, AppError> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::IsRead, Expr::value(true))
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::IsRead.eq(false));
    if let Some(ids) = ids {
        update = update.filter(notification::Column::Id.is_in(ids.to_vec()));
    }
    Ok(update.exec(db).await?.rows_affected)
}

async fn own<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<notification::Model, AppError> {
    db::tenancy::find_scoped::<notification::Entity, _>(db, account_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("Notification"))
}

/// Marks one notification read and returns it.
pub async fn mark_one_read<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    id: i64,
) -> Result<notification::Model, AppError> {
    own(db, account_id, id).await?;
    mark_read(db, account_id, Some(&[id])).await?;
    own(db, account_id, id).await
}

pub async fn delete<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<(), AppError> {
    let row = own(db, account_id, id).await?;
    notification::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(())
}
