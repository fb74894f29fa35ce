use chrono::{DateTime, Utc};
use db::entities::{sector, site};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteOut {
    pub id: i64,
    pub name: String,
    pub slug: String,
    /// Site address, e.g. `https://example.com`.
    pub domain: Option<String>,
    pub industry_id: Option<i64>,
    pub is_active: bool,
    /// Visible start of the site's API key (the key itself is shown once, when created).
    pub api_key_prefix: Option<String>,
    pub has_api_key: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<site::Model> for SiteOut {
    fn from(s: site::Model) -> Self {
        Self {
            id: s.id,
            name: s.name,
            slug: s.slug,
            domain: s.domain,
            industry_id: s.industry_id,
            is_active: s.is_active,
            has_api_key: s.api_key_hash.is_some(),
            api_key_prefix: s.api_key_prefix,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteIn {
    pub name: String,
    /// `example.com` or `https://example.com`.
    pub domain: Option<String>,
    pub industry_id: Option<i64>,
    /// Alternative to `industry_id`.
    pub industry_slug: Option<String>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteUpdateIn {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::nullable")]
    #[schema(value_type = Option<String>)]
    pub domain: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::nullable")]
    #[schema(value_type = Option<i64>)]
    pub industry_id: Option<Option<i64>>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectSectorsIn {
    pub industry_slug: String,
    /// Sector templates of that industry; they become the site's catalogue sectors.
    pub sector_slugs: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectorOut {
    pub id: i64,
    pub site_id: i64,
    /// The catalogue template this sector came from; `null` for a custom sector.
    pub industry_sector_id: Option<i64>,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<sector::Model> for SectorOut {
    fn from(s: sector::Model) -> Self {
        Self {
            id: s.id,
            site_id: s.site_id,
            industry_sector_id: s.industry_sector_id,
            name: s.name,
            slug: s.slug,
            description: s.description,
            is_active: s.is_active,
            created_at: s.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectorIn {
    pub site_id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectorUpdateIn {
    pub name: Option<String>,
    pub description: Option<String>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyOut {
    /// The key; shown only now. Send it as `Authorization: ApiKey <key>`.
    pub api_key: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
}
