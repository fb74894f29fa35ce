//! Two-factor sign-in: enrolment (a sealed TOTP secret, confirmed by a first code), ten hashed one-time recovery
//! codes, the challenge between password and code at sign-in, disabling with password + code, and the account-wide
//! requirement owners can switch on.
//!
//! A code is accepted once: the step of the last accepted code is stored and only a later one passes. Code attempts
//! are rate-limited per user by the caller (`Limiters::two_factor`).

use chrono::{Duration, Utc};
use db::entities::{account_security, one_time_token, recovery_code, two_factor, user};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};

use super::dto::{
    AccountSecurityIn, AccountSecurityOut, ChallengeOut, RecoveryCodesOut, TwoFactorOut, TwoFactorSetupOut,
};
use super::sessions::revoke_user_except;
use crate::http::AppError;
use crate::http::tenant::Caller;
use crate::security::cipher::Cipher;
use crate::security::{password, token, totp};

pub const CHALLENGE_TTL: Duration = Duration::minutes(5);
const CHALLENGE_PURPOSE: &str = "two_factor";
const ENROL_PURPOSE: &str = "two_factor_enrol";

fn wrong_code() -> AppError {
    AppError::field("code", "The code is not correct.")
}

/// Whether the user has a confirmed second factor.
pub async fn is_enabled<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<bool, AppError> {
    Ok(two_factor::Entity::find_by_id(user_id).one(db).await?.is_some_and(|t| t.enabled_at.is_some()))
}

/// Whether the account requires two-factor sign-in of every member.
pub async fn required<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<bool, AppError> {
    Ok(account_security::Entity::find_by_id(account_id).one(db).await?.is_some_and(|s| s.require_two_factor))
}

pub async fn status(db: &DatabaseConnection, caller: &Caller) -> Result<TwoFactorOut, AppError> {
    let user_id = caller.user_id()?;
    let row = two_factor::Entity::find_by_id(user_id).one(db).await?;
    let left = recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await?;
    let enabled_at = row.as_ref().and_then(|r| r.enabled_at);
    Ok(TwoFactorOut {
        enabled: enabled_at.is_some(),
        pending: row.is_some() && enabled_at.is_none(),
        enabled_at,
        recovery_codes_left: if enabled_at.is_some() { left } else { 0 },
        required_by_account: required(db, caller.account_id).await?,
    })
}

/// Starts (or restarts) an enrolment: a new secret, sealed, not yet in force.
async fn start_enrolment(
    db: &DatabaseConnection,
    cipher: &Cipher,
    user: &user::Model,
) -> Result<TwoFactorSetupOut, AppError> {
    if is_enabled(db, user.id).await? {
        return Err(AppError::Conflict {
            message: "Two-factor sign-in is already on; turn it off first to set up another authenticator.".into(),
            field: None,
        });
    }
    let secret = totp::new_secret();
    let now = Utc::now();
    let row = two_factor::ActiveModel {
        user_id: Set(user.id),
        secret_cipher: Set(cipher.seal(&secret)),
        enabled_at: Set(None),
        last_step: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    two_factor::Entity::insert(row)
        .on_conflict(
            OnConflict::column(two_factor::Column::UserId)
                .update_columns([
                    two_factor::Column::SecretCipher,
                    two_factor::Column::EnabledAt,
                    two_factor::Column::LastStep,
                    two_factor::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    let uri = totp::otpauth_uri(&secret, &user.email);
    Ok(TwoFactorSetupOut { qr_svg: totp::qr_svg(&uri), otpauth_uri: uri, secret })
}

pub async fn setup(db: &DatabaseConnection, cipher: &Cipher, caller: &Caller) -> Result<TwoFactorSetupOut, AppError> {
    let user = user::Entity::find_by_id(caller.user_id()?).one(db).await?.ok_or_else(|| AppError::not_found("User"))?;
    start_enrolment(db, cipher, &user).await
}

/// Checks a TOTP code against the user's secret (pending or confirmed) and uses up its step.
async fn check_totp<C: ConnectionTrait>(db: &C, cipher: &Cipher, user_id: i64, code: &str) -> Result<bool, AppError> {
    let Some(row) = two_factor::Entity::find_by_id(user_id).one(db).await? else { return Ok(false) };
    let secret = cipher.open(&row.secret_cipher).map_err(AppError::internal)?;
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
    let Some(step) = totp::matching_step(&secret, code, now) else { return Ok(false) };
    // Accept the code only if no code of this step or a later one was accepted before (one use per window).
    let claimed = two_factor::Entity::update_many()
        .col_expr(two_factor::Column::LastStep, Expr::value(step))
        .filter(two_factor::Column::UserId.eq(user_id))
        .filter(Condition::any().add(two_factor::Column::LastStep.is_null()).add(two_factor::Column::LastStep.lt(step)))
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::field("code", "This code was already used; wait for the next one."));
    }
    Ok(true)
}

/// Uses up a recovery code of the user, if it is one.
async fn check_recovery<C: ConnectionTrait>(db: &C, user_id: i64, code: &str) -> Result<bool, AppError> {
    let normalized = totp::normalize_recovery(code);
    if normalized.len() != 10 {
        return Ok(false);
    }
    let claimed = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(Utc::now()))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(token::digest(&normalized)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// A code of an enabled second factor: the authenticator's, or a recovery code.
pub async fn verify<C: ConnectionTrait>(db: &C, cipher: &Cipher, user_id: i64, code: &str) -> Result<(), AppError> {
    if !is_enabled(db, user_id).await? {
        return Err(AppError::field("code", "Two-factor sign-in is not on."));
    }
    if check_totp(db, cipher, user_id, code).await? || check_recovery(db, user_id, code).await? {
        Ok(())
    } else {
        Err(wrong_code())
    }
}

/// New recovery codes replace the old ones.
async fn new_recovery_codes<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<Vec<String>, AppError> {
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user_id)).exec(db).await?;
    let codes = totp::recovery_codes();
    let now = Utc::now();
    recovery_code::Entity::insert_many(codes.iter().map(|code| recovery_code::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(token::digest(&totp::normalize_recovery(code))),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(codes)
}

/// Confirms a pending enrolment with a first code: two-factor sign-in is on, and the recovery codes are made.
async fn confirm<C: ConnectionTrait>(
    db: &C,
    cipher: &Cipher,
    user_id: i64,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let pending = two_factor::Entity::find_by_id(user_id).one(db).await?;
    match pending {
        None => return Err(AppError::field("code", "Start the set-up first.")),
        Some(row) if row.enabled_at.is_some() => {
            return Err(AppError::Conflict { message: "Two-factor sign-in is already on.".into(), field: None });
        }
        Some(_) => {}
    }
    if !check_totp(db, cipher, user_id, code).await? {
        return Err(wrong_code());
    }
    two_factor::Entity::update_many()
        .col_expr(two_factor::Column::EnabledAt, Expr::value(Utc::now()))
        .col_expr(two_factor::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(two_factor::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    new_recovery_codes(db, user_id).await
}

/// Turns two-factor sign-in on for the signed-in user; their other sessions end.
pub async fn enable(
    db: &DatabaseConnection,
    cipher: &Cipher,
    caller: &Caller,
    current_session: Option<i64>,
    code: &str,
) -> Result<RecoveryCodesOut, AppError> {
    let user_id = caller.user_id()?;
    let txn = db::begin_write(db).await?;
    let codes = confirm(&txn, cipher, user_id, code).await?;
    revoke_user_except(&txn, user_id, current_session).await?;
    txn.commit().await?;
    tracing::info!(user_id, "two-factor sign-in turned on");
    Ok(RecoveryCodesOut { recovery_codes: codes })
}

async fn check_password(db: &DatabaseConnection, user_id: i64, given: String) -> Result<user::Model, AppError> {
    let user = user::Entity::find_by_id(user_id).one(db).await?.ok_or_else(|| AppError::not_found("User"))?;
    if !password::verify(given, user.password_hash.clone()).await {
        return Err(AppError::field("password", "The password is not correct."));
    }
    Ok(user)
}

/// Turns two-factor sign-in off (password and a code); other sessions end. Refused while the account requires it.
pub async fn disable(
    db: &DatabaseConnection,
    cipher: &Cipher,
    caller: &Caller,
    current_session: Option<i64>,
    password: String,
    code: &str,
) -> Result<(), AppError> {
    let user_id = caller.user_id()?;
    check_password(db, user_id, password).await?;
    if required(db, caller.account_id).await? {
        return Err(AppError::Forbidden {
            code: "TWO_FACTOR_REQUIRED",
            message: "Your account requires two-factor sign-in; it cannot be turned off.".into(),
        });
    }
    let txn = db::begin_write(db).await?;
    verify(&txn, cipher, user_id, code).await?;
    two_factor::Entity::delete_by_id(user_id).exec(&txn).await?;
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user_id)).exec(&txn).await?;
    revoke_user_except(&txn, user_id, current_session).await?;
    txn.commit().await?;
    tracing::info!(user_id, "two-factor sign-in turned off");
    Ok(())
}

/// New recovery codes (password and a code); the old ones stop working.
pub async fn regenerate_codes(
    db: &DatabaseConnection,
    cipher: &Cipher,
    caller: &Caller,
    password: String,
    code: &str,
) -> Result<RecoveryCodesOut, AppError> {
    let user_id = caller.user_id()?;
    check_password(db, user_id, password).await?;
    let txn = db::begin_write(db).await?;
    verify(&txn, cipher, user_id, code).await?;
    let codes = new_recovery_codes(&txn, user_id).await?;
    txn.commit().await?;
    Ok(RecoveryCodesOut { recovery_codes: codes })
}

/// After a correct password: the challenge for the second step, or `None` when the password is enough.
pub async fn challenge_for(db: &DatabaseConnection, user: &user::Model) -> Result<Option<ChallengeOut>, AppError> {
    let enrolment_required = if is_enabled(db, user.id).await? {
        false
    } else if required(db, user.account_id).await? {
        true
    } else {
        return Ok(None);
    };
    let secret = token::random();
    let now = Utc::now();
    let expires_at = now + CHALLENGE_TTL;
    one_time_token::ActiveModel {
        user_id: Set(user.id),
        purpose: Set(if enrolment_required { ENROL_PURPOSE } else { CHALLENGE_PURPOSE }.into()),
        token_hash: Set(token::digest(&secret)),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Some(ChallengeOut { two_factor_required: true, enrolment_required, challenge: secret, expires_at }))
}

fn bad_challenge() -> AppError {
    AppError::Unauthorized {
        code: "CHALLENGE_INVALID",
        message: "The sign-in step expired or is not valid; sign in with your password again.".into(),
    }
}

/// The user a live challenge belongs to, and whether it is an enrolment.
pub async fn challenge_user(db: &DatabaseConnection, challenge: &str) -> Result<(user::Model, bool), AppError> {
    let row = one_time_token::Entity::find()
        .filter(one_time_token::Column::TokenHash.eq(token::digest(challenge.trim())))
        .filter(one_time_token::Column::Purpose.is_in([CHALLENGE_PURPOSE, ENROL_PURPOSE]))
        .one(db)
        .await?
        .filter(|t| t.used_at.is_none() && t.expires_at > Utc::now())
        .ok_or_else(bad_challenge)?;
    let user = user::Entity::find_by_id(row.user_id).one(db).await?.ok_or_else(bad_challenge)?;
    Ok((user, row.purpose == ENROL_PURPOSE))
}

/// The enrolment step of a sign-in that must set up two-factor first.
pub async fn challenge_setup(
    db: &DatabaseConnection,
    cipher: &Cipher,
    challenge: &str,
) -> Result<TwoFactorSetupOut, AppError> {
    let (user, enrolment) = challenge_user(db, challenge).await?;
    if !enrolment {
        return Err(AppError::Conflict {
            message: "Two-factor sign-in is already on; send a code.".into(),
            field: None,
        });
    }
    start_enrolment(db, cipher, &user).await
}

/// The second sign-in step: checks the code (confirming a pending enrolment for an enrolment challenge) and uses up
/// the challenge. Returns the user and, after an enrolment, the recovery codes.
pub async fn complete(
    db: &DatabaseConnection,
    cipher: &Cipher,
    challenge: &str,
    code: &str,
) -> Result<(user::Model, Option<Vec<String>>), AppError> {
    let (user, enrolment) = challenge_user(db, challenge).await?;
    let txn = db::begin_write(db).await?;
    let codes = if enrolment {
        Some(confirm(&txn, cipher, user.id, code).await?)
    } else {
        verify(&txn, cipher, user.id, code).await?;
        None
    };
    let used = one_time_token::Entity::update_many()
        .col_expr(one_time_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(one_time_token::Column::TokenHash.eq(token::digest(challenge.trim())))
        .filter(one_time_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(bad_challenge());
    }
    txn.commit().await?;
    Ok((user, codes))
}

pub async fn security_rules(db: &DatabaseConnection, caller: &Caller) -> Result<AccountSecurityOut, AppError> {
    caller.require_admin()?;
    let members = user::Entity::find()
        .filter(user::Column::AccountId.eq(caller.account_id))
        .filter(user::Column::IsActive.eq(true))
        .all(db)
        .await?;
    let enabled: Vec<i64> = two_factor::Entity::find()
        .filter(two_factor::Column::UserId.is_in(members.iter().map(|m| m.id)))
        .filter(two_factor::Column::EnabledAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.user_id)
        .collect();
    Ok(AccountSecurityOut {
        require_two_factor: required(db, caller.account_id).await?,
        members_without_two_factor: members.iter().filter(|m| !enabled.contains(&m.id)).count() as u64,
    })
}

/// Owners switch the requirement on or off. Switching it on needs the owner's own second factor, and signs out
/// the members who have none, so their next sign-in enrols them.
pub async fn set_security_rules(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AccountSecurityIn,
) -> Result<AccountSecurityOut, AppError> {
    if caller.role != domain::Role::Owner || caller.user_id.is_none() {
        return Err(AppError::Forbidden {
            code: "PERMISSION_DENIED",
            message: "Only account owners can change this.".into(),
        });
    }
    let user_id = caller.user_id()?;
    if input.require_two_factor && !is_enabled(db, user_id).await? {
        return Err(AppError::field("require_two_factor", "Turn on two-factor sign-in for yourself first."));
    }
    let txn = db::begin_write(db).await?;
    let row = account_security::ActiveModel {
        account_id: Set(caller.account_id),
        require_two_factor: Set(input.require_two_factor),
        updated_at: Set(Utc::now()),
    };
    account_security::Entity::insert(row)
        .on_conflict(
            OnConflict::column(account_security::Column::AccountId)
                .update_columns([account_security::Column::RequireTwoFactor, account_security::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
    if input.require_two_factor {
        let members = user::Entity::find().filter(user::Column::AccountId.eq(caller.account_id)).all(&txn).await?;
        for member in members {
            if !is_enabled(&txn, member.id).await? {
                revoke_user_except(&txn, member.id, None).await?;
            }
        }
    }
    txn.commit().await?;
    tracing::info!(account_id = caller.account_id, required = input.require_two_factor, "two-factor requirement set");
    security_rules(db, caller).await
}
