//! Registration, sign-in and passwords.

use chrono::{Duration, Utc};
use db::entities::{one_time_token, user};
use domain::{Email, Role};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::dto::{
    ChallengeOut, LoginCodeIn, LoginIn, MeIn, MeOut, PasswordChangeIn, RegisterIn, ResetConfirmIn, SessionOut,
};
use super::sessions::{ClientInfo, continue_session, issue_session, revoke_user, revoke_user_except};
use super::two_factor;
use crate::http::tenant::{Caller, ensure_account_active};
use crate::http::{AppError, FieldErrors};
use crate::mail::Mailer;
use crate::modules::account::service::{NewAccount, account_out, provision};
use crate::security::cipher::Cipher;
use crate::security::jwt::Keys;
use crate::security::{password, token};

pub const RESET_TTL: Duration = Duration::hours(1);

fn push(errors: &mut FieldErrors, field: &str, message: impl Into<String>) {
    errors.entry(field.into()).or_default().push(message.into());
}

pub async fn register(
    db: &DatabaseConnection,
    keys: &Keys,
    input: RegisterIn,
    client: &ClientInfo,
) -> Result<SessionOut, AppError> {
    let mut errors = FieldErrors::new();
    let email = Email::parse(&input.email).map_err(|e| push(&mut errors, "email", e.to_string())).ok();
    if let Err(message) = password::validate(&input.password, &input.email) {
        push(&mut errors, "password", message);
    }
    if input.password_confirm.as_ref().is_some_and(|c| c != &input.password) {
        push(&mut errors, "password_confirm", "The passwords do not match.");
    }
    let first_name = input.first_name.trim().to_owned();
    let last_name = input.last_name.trim().to_owned();
    if first_name.chars().count() > 100 {
        push(&mut errors, "first_name", "Use at most 100 characters.");
    }
    if last_name.chars().count() > 100 {
        push(&mut errors, "last_name", "Use at most 100 characters.");
    }
    let account_name = input.account_name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if account_name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        push(&mut errors, "account_name", "Use at most 200 characters.");
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else { return Err(AppError::fields(errors)) };
    let name = account_name.unwrap_or_else(|| {
        let person = format!("{first_name} {last_name}");
        if person.trim().is_empty() {
            email.as_str().split('@').next().unwrap_or("My").to_owned()
        } else {
            person.trim().to_owned()
        }
    });
    let password_hash = password::hash(input.password).await?;
    let (_, user) = provision(
        db,
        NewAccount {
            name,
            email,
            password_hash: Some(password_hash),
            first_name,
            last_name,
            plan_slug: "free".into(),
            role: Role::Owner,
        },
    )
    .await?;
    issue_session(db, keys, user, client).await
}

fn bad_credentials() -> AppError {
    AppError::Unauthorized { code: "INVALID_CREDENTIALS", message: "Email or password is incorrect.".into() }
}

/// What a correct password leads to: a session, or the second step of a two-factor sign-in.
pub enum Login {
    Session(Box<SessionOut>),
    Challenge(ChallengeOut),
}

pub async fn login(
    db: &DatabaseConnection,
    keys: &Keys,
    input: LoginIn,
    client: &ClientInfo,
) -> Result<Login, AppError> {
    let email = Email::parse(&input.email).map_err(|_| bad_credentials())?;
    let found = user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await?;
    let hash = found.as_ref().and_then(|u| u.password_hash.clone());
    // Verify even when the user is unknown, so timing does not tell which emails have accounts.
    if !password::verify(input.password, hash).await {
        return Err(bad_credentials());
    }
    let user = found.ok_or_else(bad_credentials)?;
    if !user.is_active {
        return Err(AppError::Forbidden {
            code: "USER_INACTIVE",
            message: "This user is deactivated; ask an account owner.".into(),
        });
    }
    let (account, _) = crate::modules::account::limits::plan_of(db, user.account_id).await?;
    ensure_account_active(&account)?;
    if let Some(challenge) = two_factor::challenge_for(db, &user).await? {
        return Ok(Login::Challenge(challenge));
    }
    signed_in(db, keys, user, client).await.map(|s| Login::Session(Box::new(s)))
}

async fn signed_in(
    db: &DatabaseConnection,
    keys: &Keys,
    user: user::Model,
    client: &ClientInfo,
) -> Result<SessionOut, AppError> {
    let mut update: user::ActiveModel = user.into();
    update.last_login_at = Set(Some(Utc::now()));
    let user = update.update(db).await?;
    issue_session(db, keys, user, client).await
}

/// The second step of a two-factor sign-in: the challenge from `login` and a code (or a recovery code).
pub async fn login_code(
    db: &DatabaseConnection,
    keys: &Keys,
    cipher: &Cipher,
    input: LoginCodeIn,
    client: &ClientInfo,
) -> Result<SessionOut, AppError> {
    let (user, recovery_codes) = two_factor::complete(db, cipher, &input.challenge, &input.code).await?;
    if !user.is_active {
        return Err(AppError::Forbidden {
            code: "USER_INACTIVE",
            message: "This user is deactivated; ask an account owner.".into(),
        });
    }
    let (account, _) = crate::modules::account::limits::plan_of(db, user.account_id).await?;
    ensure_account_active(&account)?;
    let mut session = signed_in(db, keys, user, client).await?;
    session.recovery_codes = recovery_codes;
    Ok(session)
}

pub async fn me(db: &DatabaseConnection, caller: &Caller) -> Result<MeOut, AppError> {
    let user_id = caller.user_id()?;
    let user = user::Entity::find_by_id(user_id).one(db).await?.ok_or_else(|| AppError::not_found("User"))?;
    Ok(MeOut { user: user.into(), account: account_out(db, caller.account_id).await? })
}

pub async fn update_me(db: &DatabaseConnection, caller: &Caller, input: MeIn) -> Result<MeOut, AppError> {
    let user_id = caller.user_id()?;
    let mut errors = FieldErrors::new();
    for (field, value) in [("first_name", &input.first_name), ("last_name", &input.last_name)] {
        if value.as_ref().is_some_and(|v| v.trim().chars().count() > 100) {
            push(&mut errors, field, "Use at most 100 characters.");
        }
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let user = user::Entity::find_by_id(user_id).one(db).await?.ok_or_else(|| AppError::not_found("User"))?;
    let mut update: user::ActiveModel = user.into();
    if let Some(first) = input.first_name {
        update.first_name = Set(first.trim().to_owned());
    }
    if let Some(last) = input.last_name {
        update.last_name = Set(last.trim().to_owned());
    }
    update.updated_at = Set(Utc::now());
    update.update(db).await?;
    me(db, caller).await
}

/// Checks the current password, sets the new one and ends every other session; this one continues with new
/// tokens (its earlier refresh tokens stop working).
pub async fn change_password(
    db: &DatabaseConnection,
    keys: &Keys,
    caller: &Caller,
    current_session: Option<i64>,
    input: PasswordChangeIn,
    client: &ClientInfo,
) -> Result<SessionOut, AppError> {
    let user_id = caller.user_id()?;
    let user = user::Entity::find_by_id(user_id).one(db).await?.ok_or_else(|| AppError::not_found("User"))?;
    if !password::verify(input.current_password, user.password_hash.clone()).await {
        return Err(AppError::field("current_password", "The current password is not correct."));
    }
    password::validate(&input.new_password, &user.email).map_err(|m| AppError::field("new_password", m))?;
    let hash = password::hash(input.new_password).await?;
    let txn = db::begin_write(db).await?;
    let mut update: user::ActiveModel = user.into();
    update.password_hash = Set(Some(hash));
    update.updated_at = Set(Utc::now());
    let user = update.update(&txn).await?;
    revoke_user_except(&txn, user.id, current_session).await?;
    txn.commit().await?;
    continue_session(db, keys, user, current_session, client).await
}

/// Sends a reset link when the email belongs to an active user. The answer is the same either way.
pub async fn request_reset(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    email: &str,
) -> Result<(), AppError> {
    let Ok(email) = Email::parse(email) else { return Ok(()) };
    let Some(user) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .filter(user::Column::IsActive.eq(true))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let secret = token::random();
    let now = Utc::now();
    one_time_token::ActiveModel {
        user_id: Set(user.id),
        purpose: Set("reset".into()),
        token_hash: Set(token::digest(&secret)),
        expires_at: Set(now + RESET_TTL),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let link = format!("{}/reset-password?token={secret}", public_url);
    let body = format!(
        "Someone asked to reset the password of your IGNY8 account.\n\nChoose a new password: {link}\n\n\
         The link works for one hour. If it was not you, ignore this mail; your password stays as it is.\n"
    );
    mailer.send(db, email.as_str(), "Reset your IGNY8 password", &body).await
}

/// Sets a password from a reset or invitation token; the token works once.
pub async fn confirm_reset(db: &DatabaseConnection, input: ResetConfirmIn) -> Result<(), AppError> {
    let invalid = || AppError::field("token", "This link is invalid or has expired; ask for a new one.");
    let row = one_time_token::Entity::find()
        .filter(one_time_token::Column::TokenHash.eq(token::digest(input.token.trim())))
        .one(db)
        .await?
        .filter(|t| t.used_at.is_none() && t.expires_at > Utc::now())
        .ok_or_else(invalid)?;
    let user = user::Entity::find_by_id(row.user_id).one(db).await?.ok_or_else(invalid)?;
    password::validate(&input.new_password, &user.email).map_err(|m| AppError::field("new_password", m))?;
    // Hash before the transaction: it is slow and needs no lock.
    let hash = password::hash(input.new_password).await?;
    let txn = db::begin_write(db).await?;
    let claimed = one_time_token::Entity::update_many()
        .col_expr(one_time_token::Column::UsedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(one_time_token::Column::Id.eq(row.id))
        .filter(one_time_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid());
    }
    let mut update: user::ActiveModel = user.into();
    update.password_hash = Set(Some(hash));
    update.updated_at = Set(Utc::now());
    let user = update.update(&txn).await?;
    revoke_user(&txn, user.id).await?;
    txn.commit().await?;
    Ok(())
}

/// Ends the session family of a refresh token; unknown tokens are ignored (signing out twice is fine).
pub async fn logout(db: &DatabaseConnection, presented: &str) -> Result<(), AppError> {
    let row = db::entities::refresh_token::Entity::find()
        .filter(db::entities::refresh_token::Column::TokenHash.eq(token::digest(presented)))
        .one(db)
        .await?;
    if let Some(row) = row {
        super::sessions::revoke_family(db, &row.family_id).await?;
    }
    Ok(())
}
