//! Account security: two-factor sign-in, visible sessions, an account-wide 2FA requirement.
//!
//! * `two_factor`: one row per user who started enrolling; `secret_cipher` is the TOTP secret sealed like every
//!   other stored secret (re-sealed by `igny8 rotate-secret`); `enabled_at` is set once the first code confirmed
//!   it; `last_step` is the 30-second step of the last accepted code, so a code is accepted once per window.
//! * `recovery_codes`: ten one-time codes per enrolled user, stored as SHA-256 hashes.
//! * `user_sessions`: one row per sign-in (a refresh-token family): device, IP, first and last use, and when it
//!   was ended.
//! * `account_security`: per account, whether every member must use two-factor sign-in.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000002_accounts::{fk, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TwoFactor {
    Table,
    UserId,
    SecretCipher,
    EnabledAt,
    LastStep,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UserSessions {
    Table,
    Id,
    UserId,
    FamilyId,
    UserAgent,
    Ip,
    CreatedAt,
    LastUsedAt,
    EndedAt,
}

#[derive(DeriveIden)]
enum AccountSecurity {
    Table,
    AccountId,
    RequireTwoFactor,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        manager
            .create_table(
                Table::create()
                    .table(TwoFactor::Table)
                    .col(big_integer(TwoFactor::UserId).primary_key())
                    .col(text(TwoFactor::SecretCipher))
                    .col(timestamp_with_time_zone_null(TwoFactor::EnabledAt))
                    .col(big_integer_null(TwoFactor::LastStep))
                    .col(timestamp_with_time_zone(TwoFactor::CreatedAt))
                    .col(timestamp_with_time_zone(TwoFactor::UpdatedAt))
                    .foreign_key(&mut fk((TwoFactor::Table, TwoFactor::UserId), (Users::Table, Users::Id), Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(big_pk_auto(RecoveryCodes::Id))
                    .col(big_integer(RecoveryCodes::UserId))
                    .col(string_len(RecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .col(timestamp_with_time_zone(RecoveryCodes::CreatedAt))
                    .foreign_key(&mut fk(
                        (RecoveryCodes::Table, RecoveryCodes::UserId),
                        (Users::Table, Users::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix__recovery_codes__user",
                RecoveryCodes::Table,
                vec![RecoveryCodes::UserId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserSessions::Table)
                    .col(big_pk_auto(UserSessions::Id))
                    .col(big_integer(UserSessions::UserId))
                    .col(string_len(UserSessions::FamilyId, 36))
                    .col(string_len(UserSessions::UserAgent, 300).default(""))
                    .col(string_len(UserSessions::Ip, 45).default(""))
                    .col(timestamp_with_time_zone(UserSessions::CreatedAt))
                    .col(timestamp_with_time_zone(UserSessions::LastUsedAt))
                    .col(timestamp_with_time_zone_null(UserSessions::EndedAt))
                    .foreign_key(&mut fk(
                        (UserSessions::Table, UserSessions::UserId),
                        (Users::Table, Users::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__user_sessions__family_id",
                UserSessions::Table,
                vec![UserSessions::FamilyId.into_iden()],
            ))
            .await?;
        manager
            .create_index(index("ix__user_sessions__user", UserSessions::Table, vec![UserSessions::UserId.into_iden()]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountSecurity::Table)
                    .col(big_integer(AccountSecurity::AccountId).primary_key())
                    .col(boolean(AccountSecurity::RequireTwoFactor).default(false))
                    .col(timestamp_with_time_zone(AccountSecurity::UpdatedAt))
                    .foreign_key(&mut fk(
                        (AccountSecurity::Table, AccountSecurity::AccountId),
                        (Accounts::Table, Accounts::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AccountSecurity::Table.into_iden(),
            UserSessions::Table.into_iden(),
            RecoveryCodes::Table.into_iden(),
            TwoFactor::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
