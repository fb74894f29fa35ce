//! `ai_providers`: a model provider's endpoint and credential (platform-wide, never per tenant).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ai_providers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub slug: String,
    pub display_name: String,
    /// Which client speaks to it: `openai` (any OpenAI-compatible endpoint), `anthropic`, `gemini`, `runware`,
    /// `offline`.
    pub kind: String,
    /// Empty means the provider's public endpoint.
    pub base_url: String,
    /// The API key sealed with AES-256-GCM under the server's secret; never sent back in clear.
    pub api_key_cipher: Option<String>,
    /// The key's last characters, so an admin can tell which key is stored.
    pub api_key_hint: Option<String>,
    pub timeout_secs: i32,
    pub is_active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
