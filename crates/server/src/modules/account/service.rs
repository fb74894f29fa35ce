//! Account provisioning and settings.

use chrono::{Duration, Utc};
use db::entities::{account, subscription, user};
use domain::{Email, Role, Slug};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::dto::{AccountOut, AccountSettingsIn};
use super::limits::plan_of;
use crate::http::AppError;
use crate::http::tenant::Caller;
use crate::modules::catalog;

/// What a new account starts with.
pub struct NewAccount {
    pub name: String,
    pub email: Email,
    pub password_hash: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub plan_slug: String,
    pub role: Role,
}

/// Creates the account on its plan (plan credits granted, a subscription for the first period) and its first
/// user, in one transaction. A taken e-mail is a 409 naming `email`.
pub async fn provision(db: &DatabaseConnection, new: NewAccount) -> Result<(account::Model, user::Model), AppError> {
    let txn = db::begin_write(db).await?;
    if user::Entity::find().filter(user::Column::Email.eq(new.email.as_str())).one(&txn).await?.is_some() {
        return Err(AppError::Conflict {
            message: "An account with this email already exists; sign in or reset the password.".into(),
            field: Some("email".into()),
        });
    }
    let plan = catalog::service::plan_by_slug(&txn, &new.plan_slug)
        .await?
        .ok_or_else(|| AppError::field("plan_slug", format!("No plan named {:?}.", new.plan_slug)))?;
    let slug = unique_slug(&txn, account::Entity::find(), account::Column::Slug, &new.name, "account").await?;
    let now = Utc::now();
    let account = account::ActiveModel {
        name: Set(new.name.clone()),
        slug: Set(slug),
        status: Set("active".into()),
        timezone: Set("UTC".into()),
        plan_id: Set(plan.id),
        credits: Set(plan.included_credits),
        bonus_credits: Set(0),
        billing_email: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    subscription::ActiveModel {
        account_id: Set(account.id),
        plan_id: Set(plan.id),
        status: Set("active".into()),
        billing_cycle: Set(plan.billing_cycle.clone()),
        current_period_start: Set(now),
        current_period_end: Set(now + Duration::days(30)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let user = user::ActiveModel {
        account_id: Set(account.id),
        email: Set(new.email.as_str().to_owned()),
        password_hash: Set(new.password_hash),
        first_name: Set(new.first_name),
        last_name: Set(new.last_name),
        role: Set(new.role.as_str().into()),
        is_active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((account, user))
}

/// A slug for `name` unique among the rows of `scope` (`acme`, else `acme-2`, …).
pub async fn unique_slug<E, C>(
    db: &C,
    scope: sea_orm::Select<E>,
    column: E::Column,
    name: &str,
    fallback: &str,
) -> Result<String, AppError>
where
    E: EntityTrait,
    C: ConnectionTrait,
    E::Model: Sync,
{
    use sea_orm::QuerySelect;
    let base = Slug::from_text(name).map(|s| s.to_string()).unwrap_or_else(|_| fallback.into());
    let taken: Vec<String> =
        scope.filter(column.starts_with(&base)).select_only().column(column).into_tuple::<String>().all(db).await?;
    Ok(first_free(&base, &taken))
}

/// The first of `base`, `base-2`, `base-3`… not in `taken`.
pub fn first_free(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_owned();
    }
    (2..).map(|n| format!("{base}-{n}")).find(|candidate| !taken.contains(candidate)).unwrap_or_default()
}

pub async fn account_out<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<AccountOut, AppError> {
    let (account, plan) = plan_of(db, account_id).await?;
    Ok(AccountOut::new(account, plan))
}

pub async fn update_settings(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AccountSettingsIn,
) -> Result<AccountOut, AppError> {
    caller.require_admin()?;
    let mut errors = crate::http::FieldErrors::new();
    let name = input.name.map(|n| n.trim().to_owned());
    if name.as_deref().is_some_and(|n| n.is_empty() || n.chars().count() > 200) {
        errors.entry("name".into()).or_default().push("Enter a name of 1 to 200 characters.".into());
    }
    if let Some(tz) = &input.timezone
        && tz.parse::<chrono_tz::Tz>().is_err()
    {
        errors
            .entry("timezone".into())
            .or_default()
            .push(format!("{tz:?} is not an IANA time zone like Europe/Berlin."));
    }
    let billing_email = match input.billing_email {
        Some(Some(raw)) => match Email::parse(&raw) {
            Ok(email) => Some(Some(email.to_string())),
            Err(e) => {
                errors.entry("billing_email".into()).or_default().push(e.to_string());
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let (account, _) = plan_of(db, caller.account_id).await?;
    let mut update: account::ActiveModel = account.into();
    if let Some(name) = name {
        update.name = Set(name);
    }
    if let Some(tz) = input.timezone {
        update.timezone = Set(tz);
    }
    if let Some(email) = billing_email {
        update.billing_email = Set(email);
    }
    update.updated_at = Set(Utc::now());
    update.update(db).await?;
    account_out(db, caller.account_id).await
}

#[cfg(test)]
mod tests {
    use super::first_free;

    #[test]
    fn slugs_get_a_number_when_taken() {
        assert_eq!(first_free("acme", &[]), "acme");
        assert_eq!(first_free("acme", &["acme".into(), "acme-2".into()]), "acme-3");
        assert_eq!(first_free("acme", &["acme-corp".into()]), "acme");
    }
}
