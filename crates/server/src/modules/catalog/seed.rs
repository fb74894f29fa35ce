//! Built-in reference data: the four plans and the industry/sector catalogue (`seed/industries.json`).
//! Loading is an upsert by slug, so it runs on every start and after upgrades without duplicating rows.

use chrono::Utc;
use db::entities::{industry, industry_sector, plan};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Deserialize;

const INDUSTRIES_JSON: &str = include_str!("../../../seed/industries.json");

struct PlanSeed {
    slug: &'static str,
    name: &'static str,
    price_cents: i64,
    credits: i64,
    sites: i32,
    users: i32,
    keywords: i32,
    sectors: i32,
}

/// Free lets a newcomer try the whole flow with a colleague; paid tiers follow the original's limits.
const PLANS: [PlanSeed; 4] = [
    PlanSeed {
        slug: "free",
        name: "Free",
        price_cents: 0,
        credits: 150,
        sites: 1,
        users: 2,
        keywords: 100,
        sectors: 3,
    },
    PlanSeed {
        slug: "starter",
        name: "Starter",
        price_cents: 10_000,
        credits: 1_000,
        sites: 2,
        users: 2,
        keywords: 500,
        sectors: 3,
    },
    PlanSeed {
        slug: "growth",
        name: "Growth",
        price_cents: 20_000,
        credits: 2_000,
        sites: 5,
        users: 3,
        keywords: 2_000,
        sectors: 5,
    },
    PlanSeed {
        slug: "scale",
        name: "Scale",
        price_cents: 50_000,
        credits: 5_000,
        sites: 99,
        users: 5,
        keywords: 5_000,
        sectors: 5,
    },
];

#[derive(Deserialize)]
struct IndustrySeed {
    slug: String,
    name: String,
    description: String,
    sectors: Vec<SectorSeed>,
}

#[derive(Deserialize)]
struct SectorSeed {
    slug: String,
    name: String,
    description: String,
}

/// What a seed run changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub plans: usize,
    pub industries: usize,
    pub sectors: usize,
    /// Keyword library rows added (the starter set, for sectors that had none).
    pub library_keywords: usize,
}

pub async fn run(db: &DatabaseConnection) -> anyhow::Result<SeedReport> {
    let catalogue: Vec<IndustrySeed> = serde_json::from_str(INDUSTRIES_JSON)?;
    let txn = db::begin_write(db).await?;
    let mut report = SeedReport::default();
    let now = Utc::now();
    for (order, p) in PLANS.iter().enumerate() {
        let existing = plan::Entity::find().filter(plan::Column::Slug.eq(p.slug)).one(&txn).await?;
        if existing.is_none() {
            plan::ActiveModel {
                slug: Set(p.slug.into()),
                name: Set(p.name.into()),
                price_cents: Set(p.price_cents),
                billing_cycle: Set("monthly".into()),
                included_credits: Set(p.credits),
                max_sites: Set(p.sites),
                max_users: Set(p.users),
                max_keywords: Set(p.keywords),
                max_sectors_per_site: Set(p.sectors),
                is_active: Set(true),
                is_internal: Set(false),
                sort_order: Set(order as i32),
                features: Set(serde_json::json!([])),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            report.plans += 1;
        }
    }
    for (order, seed) in catalogue.iter().enumerate() {
        let industry = match industry::Entity::find().filter(industry::Column::Slug.eq(&seed.slug)).one(&txn).await? {
            Some(existing) => existing,
            None => {
                report.industries += 1;
                industry::ActiveModel {
                    slug: Set(seed.slug.clone()),
                    name: Set(seed.name.clone()),
                    description: Set(seed.description.clone()),
                    is_active: Set(true),
                    sort_order: Set(order as i32),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        let known: Vec<String> = industry_sector::Entity::find()
            .filter(industry_sector::Column::IndustryId.eq(industry.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|s| s.slug)
            .collect();
        for (sector_order, sector) in seed.sectors.iter().enumerate().filter(|(_, s)| !known.contains(&s.slug)) {
            industry_sector::ActiveModel {
                industry_id: Set(industry.id),
                slug: Set(sector.slug.clone()),
                name: Set(sector.name.clone()),
                description: Set(sector.description.clone()),
                is_active: Set(true),
                sort_order: Set(sector_order as i32),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            report.sectors += 1;
        }
    }
    txn.commit().await?;
    crate::modules::ai_settings::seed::run(db).await?;
    report.library_keywords = crate::modules::keywords_library::seed::run(db).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_large_enough_and_well_formed() {
        let catalogue: Vec<IndustrySeed> = serde_json::from_str(INDUSTRIES_JSON).unwrap();
        assert!(catalogue.len() >= 12);
        for industry in &catalogue {
            assert!(industry.sectors.len() >= 5, "{} has too few sectors", industry.slug);
            domain::Slug::parse(&industry.slug).unwrap();
            assert!(!industry.name.is_empty() && !industry.description.is_empty());
            for sector in &industry.sectors {
                domain::Slug::parse(&sector.slug).unwrap();
                assert!(!sector.name.is_empty() && !sector.description.is_empty());
            }
        }
    }
}
