//! The team: list, invite (a user without a password plus an invitation mail), change, remove.
//! Owners are protected: only an owner changes or removes an owner, nobody removes or demotes themselves, and
//! the last active owner stays.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use db::entities::{one_time_token, site_user_access, user};
use db::tenancy::{find_scoped, scoped};
use domain::{Email, Role};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::dto::{InviteIn, MemberUpdateIn, TeamMemberOut};
use super::limits;
use crate::http::AppError;
use crate::http::tenant::Caller;
use crate::mail::Mailer;
use crate::security::token;

pub const INVITE_TTL: Duration = Duration::days(7);

fn conflict(message: &str) -> AppError {
    AppError::Conflict { message: message.into(), field: None }
}

/// Every member of the account with their site grants: two queries.
pub async fn list<C: ConnectionTrait>(db: &C, caller: &Caller) -> Result<Vec<TeamMemberOut>, AppError> {
    let users = scoped::<user::Entity>(caller.account_id).order_by_asc(user::Column::Id).all(db).await?;
    let grants = scoped::<site_user_access::Entity>(caller.account_id).all(db).await?;
    let mut by_user: HashMap<i64, Vec<i64>> = HashMap::new();
    for grant in grants {
        by_user.entry(grant.user_id).or_default().push(grant.site_id);
    }
    Ok(users
        .into_iter()
        .map(|u| {
            let site_ids = by_user.remove(&u.id).unwrap_or_default();
            TeamMemberOut { has_password: u.password_hash.is_some(), site_ids, user: u.into() }
        })
        .collect())
}

async fn member<C: ConnectionTrait>(db: &C, caller: &Caller, id: i64) -> Result<TeamMemberOut, AppError> {
    list(db, caller).await?.into_iter().find(|m| m.user.id == id).ok_or_else(|| AppError::not_found("Team member"))
}

fn check_assignable(caller: &Caller, role: Role) -> Result<(), AppError> {
    if !Role::ASSIGNABLE.contains(&role) {
        return Err(AppError::field("role", "Choose owner, admin, editor or viewer."));
    }
    if role == Role::Owner && !matches!(caller.role, Role::Owner | Role::Developer) {
        return Err(AppError::Forbidden {
            code: "PERMISSION_DENIED",
            message: "Only an owner can make someone an owner.".into(),
        });
    }
    Ok(())
}

/// Checks that every site id is one of the account's sites (400 naming `site_ids` otherwise).
/// One query for all of them; a database failure stays a 500 instead of reading as "no such site".
async fn check_sites<C: ConnectionTrait>(db: &C, caller: &Caller, site_ids: &[i64]) -> Result<(), AppError> {
    if site_ids.is_empty() {
        return Ok(());
    }
    let visible: Vec<i64> = caller
        .sites()
        .filter(db::entities::site::Column::Id.is_in(site_ids.to_vec()))
        .select_only()
        .column(db::entities::site::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    match site_ids.iter().find(|id| !visible.contains(id)) {
        Some(missing) => Err(AppError::field("site_ids", format!("No site with id {missing}."))),
        None => Ok(()),
    }
}

async fn replace_grants<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    user_id: i64,
    site_ids: &[i64],
) -> Result<(), AppError> {
    site_user_access::Entity::delete_many().filter(site_user_access::Column::UserId.eq(user_id)).exec(db).await?;
    let mut unique = site_ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    for site_id in unique {
        site_user_access::ActiveModel {
            account_id: Set(account_id),
            user_id: Set(user_id),
            site_id: Set(site_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub async fn invite(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    caller: &Caller,
    input: InviteIn,
) -> Result<TeamMemberOut, AppError> {
    caller.require_admin()?;
    let email = Email::parse(&input.email).map_err(|e| AppError::field("email", e.to_string()))?;
    check_assignable(caller, input.role)?;
    check_sites(db, caller, &input.site_ids).await?;
    let txn = db::begin_write(db).await?;
    limits::check_users(&txn, caller.account_id, 1).await?;
    if user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(&txn).await?.is_some() {
        return Err(AppError::Conflict {
            message: "This email already belongs to a user.".into(),
            field: Some("email".into()),
        });
    }
    let now = Utc::now();
    let invited = user::ActiveModel {
        account_id: Set(caller.account_id),
        email: Set(email.to_string()),
        password_hash: Set(None),
        first_name: Set(input.first_name.trim().to_owned()),
        last_name: Set(input.last_name.trim().to_owned()),
        role: Set(input.role.as_str().into()),
        is_active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    replace_grants(&txn, caller.account_id, invited.id, &input.site_ids).await?;
    let secret = token::random();
    one_time_token::ActiveModel {
        user_id: Set(invited.id),
        purpose: Set("invite".into()),
        token_hash: Set(token::digest(&secret)),
        expires_at: Set(now + INVITE_TTL),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let link = format!("{}/reset-password?token={secret}&invite=1", public_url);
    let body = format!(
        "You have been invited to IGNY8 as {}.\n\nSet your password to join: {link}\n\nThe link works for 7 days. \
         If you did not expect this, ignore this mail.\n",
        input.role
    );
    mailer.send(db, email.as_str(), "You are invited to IGNY8", &body).await?;
    member(db, caller, invited.id).await
}

/// Owners left who can still act, other than `except`.
async fn other_active_owners<C: ConnectionTrait>(db: &C, account_id: i64, except: i64) -> Result<u64, AppError> {
    Ok(scoped::<user::Entity>(account_id)
        .filter(user::Column::Role.eq(Role::Owner.as_str()))
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::Id.ne(except))
        .count(db)
        .await?)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: MemberUpdateIn,
) -> Result<TeamMemberOut, AppError> {
    caller.require_admin()?;
    let target = find_scoped::<user::Entity, _>(db, caller.account_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("Team member"))?;
    let target_role = Role::parse(&target.role).unwrap_or(Role::Viewer);
    let is_self = caller.user_id == Some(target.id);
    if target_role == Role::Owner && !matches!(caller.role, Role::Owner | Role::Developer) {
        return Err(AppError::Forbidden {
            code: "PERMISSION_DENIED",
            message: "Only an owner can change an owner.".into(),
        });
    }
    if let Some(role) = input.role {
        check_assignable(caller, role)?;
        if is_self && role != target_role {
            return Err(conflict("You cannot change your own role; ask another owner."));
        }
    }
    if is_self && input.is_active == Some(false) {
        return Err(conflict("You cannot deactivate yourself."));
    }
    let loses_owner =
        target_role == Role::Owner && (input.role.is_some_and(|r| r != Role::Owner) || input.is_active == Some(false));
    if loses_owner && other_active_owners(db, caller.account_id, target.id).await? == 0 {
        return Err(conflict("The account must keep at least one active owner."));
    }
    if let Some(site_ids) = &input.site_ids {
        check_sites(db, caller, site_ids).await?;
    }
    let txn = db::begin_write(db).await?;
    let mut update: user::ActiveModel = target.into();
    if let Some(role) = input.role {
        update.role = Set(role.as_str().into());
    }
    if let Some(active) = input.is_active {
        update.is_active = Set(active);
    }
    if let Some(first) = input.first_name {
        update.first_name = Set(first.trim().to_owned());
    }
    if let Some(last) = input.last_name {
        update.last_name = Set(last.trim().to_owned());
    }
    update.updated_at = Set(Utc::now());
    update.update(&txn).await?;
    if let Some(site_ids) = &input.site_ids {
        replace_grants(&txn, caller.account_id, id, site_ids).await?;
    }
    txn.commit().await?;
    member(db, caller, id).await
}

pub async fn remove(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_admin()?;
    let target = find_scoped::<user::Entity, _>(db, caller.account_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("Team member"))?;
    if caller.user_id == Some(target.id) {
        return Err(conflict("You cannot remove yourself from the account."));
    }
    if target.role == Role::Owner.as_str() {
        if !matches!(caller.role, Role::Owner | Role::Developer) {
            return Err(AppError::Forbidden {
                code: "PERMISSION_DENIED",
                message: "Only an owner can remove an owner.".into(),
            });
        }
        if other_active_owners(db, caller.account_id, target.id).await? == 0 {
            return Err(conflict("The account must keep at least one active owner."));
        }
    }
    user::Entity::delete_by_id(target.id).exec(db).await?;
    Ok(())
}
