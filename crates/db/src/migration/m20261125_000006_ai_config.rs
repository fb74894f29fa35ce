//! AI configuration: providers (endpoint + encrypted key), the model catalogue, per-function model choice, and
//! prompt overrides (global, then per account; the built-in defaults live in code).

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000002_accounts::unique;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AiProviders {
    Table,
    Id,
    Slug,
    DisplayName,
    Kind,
    BaseUrl,
    ApiKeyCipher,
    ApiKeyHint,
    TimeoutSecs,
    IsActive,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AiModels {
    Table,
    Id,
    ProviderId,
    ModelId,
    DisplayName,
    ModelType,
    InputUsdPerMtok,
    OutputUsdPerMtok,
    TokensPerCredit,
    CreditsPerImage,
    UsdPerImage,
    MaxOutputTokens,
    SupportsJson,
    IsActive,
    IsDefault,
    SortOrder,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AiFunctionSettings {
    Table,
    Id,
    Function,
    ModelId,
    FallbackModelId,
    MinCredits,
    Temperature,
    MaxTokens,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GlobalPrompts {
    Table,
    Id,
    PromptType,
    PromptValue,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccountPrompts {
    Table,
    Id,
    AccountId,
    PromptType,
    PromptValue,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AiProviders::Table)
                    .col(big_pk_auto(AiProviders::Id))
                    .col(string_len(AiProviders::Slug, 40))
                    .col(string_len(AiProviders::DisplayName, 100))
                    .col(string_len(AiProviders::Kind, 20))
                    .col(text(AiProviders::BaseUrl).default(""))
                    .col(text_null(AiProviders::ApiKeyCipher))
                    .col(string_len_null(AiProviders::ApiKeyHint, 16))
                    .col(integer(AiProviders::TimeoutSecs).default(120))
                    .col(boolean(AiProviders::IsActive).default(false))
                    .col(timestamp_with_time_zone(AiProviders::CreatedAt))
                    .col(timestamp_with_time_zone(AiProviders::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("uq__ai_providers__slug", AiProviders::Table, vec![AiProviders::Slug.into_iden()]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AiModels::Table)
                    .col(big_pk_auto(AiModels::Id))
                    .col(big_integer(AiModels::ProviderId))
                    .col(string_len(AiModels::ModelId, 150))
                    .col(string_len(AiModels::DisplayName, 150))
                    .col(string_len(AiModels::ModelType, 20))
                    .col(double(AiModels::InputUsdPerMtok).default(0.0))
                    .col(double(AiModels::OutputUsdPerMtok).default(0.0))
                    .col(big_integer(AiModels::TokensPerCredit).default(1000))
                    .col(big_integer(AiModels::CreditsPerImage).default(1))
                    .col(double(AiModels::UsdPerImage).default(0.0))
                    .col(integer(AiModels::MaxOutputTokens).default(8192))
                    .col(boolean(AiModels::SupportsJson).default(true))
                    .col(boolean(AiModels::IsActive).default(true))
                    .col(boolean(AiModels::IsDefault).default(false))
                    .col(integer(AiModels::SortOrder).default(0))
                    .col(timestamp_with_time_zone(AiModels::CreatedAt))
                    .col(timestamp_with_time_zone(AiModels::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AiModels::Table, AiModels::ProviderId)
                            .to(AiProviders::Table, AiProviders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__ai_models__model_id",
                AiModels::Table,
                vec![AiModels::ProviderId.into_iden(), AiModels::ModelId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AiFunctionSettings::Table)
                    .col(big_pk_auto(AiFunctionSettings::Id))
                    .col(string_len(AiFunctionSettings::Function, 50))
                    .col(big_integer_null(AiFunctionSettings::ModelId))
                    .col(big_integer_null(AiFunctionSettings::FallbackModelId))
                    .col(big_integer(AiFunctionSettings::MinCredits).default(1))
                    .col(double(AiFunctionSettings::Temperature).default(0.7))
                    .col(integer(AiFunctionSettings::MaxTokens).default(8192))
                    .col(timestamp_with_time_zone(AiFunctionSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AiFunctionSettings::Table, AiFunctionSettings::ModelId)
                            .to(AiModels::Table, AiModels::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AiFunctionSettings::Table, AiFunctionSettings::FallbackModelId)
                            .to(AiModels::Table, AiModels::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__ai_function_settings__function",
                AiFunctionSettings::Table,
                vec![AiFunctionSettings::Function.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(GlobalPrompts::Table)
                    .col(big_pk_auto(GlobalPrompts::Id))
                    .col(string_len(GlobalPrompts::PromptType, 50))
                    .col(text(GlobalPrompts::PromptValue))
                    .col(big_integer_null(GlobalPrompts::UpdatedBy))
                    .col(timestamp_with_time_zone(GlobalPrompts::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__global_prompts__prompt_type",
                GlobalPrompts::Table,
                vec![GlobalPrompts::PromptType.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountPrompts::Table)
                    .col(big_pk_auto(AccountPrompts::Id))
                    .col(big_integer(AccountPrompts::AccountId))
                    .col(string_len(AccountPrompts::PromptType, 50))
                    .col(text(AccountPrompts::PromptValue))
                    .col(big_integer_null(AccountPrompts::UpdatedBy))
                    .col(timestamp_with_time_zone(AccountPrompts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountPrompts::Table, AccountPrompts::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq__account_prompts__prompt_type",
                AccountPrompts::Table,
                vec![AccountPrompts::AccountId.into_iden(), AccountPrompts::PromptType.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AccountPrompts::Table.into_iden(),
            GlobalPrompts::Table.into_iden(),
            AiFunctionSettings::Table.into_iden(),
            AiModels::Table.into_iden(),
            AiProviders::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
