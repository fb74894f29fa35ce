use db::entities::{industry, industry_sector, plan};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanOut {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Monthly price in cents (USD).
    pub price_cents: i64,
    pub billing_cycle: String,
    /// Plan credits granted each period (no rollover).
    pub included_credits: i64,
    pub max_sites: i32,
    pub max_users: i32,
    pub max_keywords: i32,
    pub max_sectors_per_site: i32,
    #[schema(value_type = Vec<String>)]
    pub features: serde_json::Value,
}

impl From<plan::Model> for PlanOut {
    fn from(p: plan::Model) -> Self {
        Self {
            id: p.id,
            slug: p.slug,
            name: p.name,
            price_cents: p.price_cents,
            billing_cycle: p.billing_cycle,
            included_credits: p.included_credits,
            max_sites: p.max_sites,
            max_users: p.max_users,
            max_keywords: p.max_keywords,
            max_sectors_per_site: p.max_sectors_per_site,
            features: p.features,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndustrySectorOut {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
}

impl From<industry_sector::Model> for IndustrySectorOut {
    fn from(s: industry_sector::Model) -> Self {
        Self { id: s.id, slug: s.slug, name: s.name, description: s.description }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndustryOut {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Sector templates a site of this industry can pick.
    pub sectors: Vec<IndustrySectorOut>,
}

impl IndustryOut {
    pub fn new(i: industry::Model, sectors: Vec<industry_sector::Model>) -> Self {
        Self {
            id: i.id,
            slug: i.slug,
            name: i.name,
            description: i.description,
            sectors: sectors.into_iter().map(Into::into).collect(),
        }
    }
}
