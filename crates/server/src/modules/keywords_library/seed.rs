//! The built-in starter library: head terms written per industry sector (`seed/keyword_heads.json`: keyword,
//! volume, difficulty, intent) expanded with common search modifiers into a few thousand keywords. Deterministic:
//! the same file always gives the same library. Loaded for sectors that have no library keywords yet, so it runs
//! on every start at the cost of one query once loaded.

use std::collections::{BTreeMap, HashSet};

use chrono::Utc;
use db::entities::{industry, industry_sector, seed_keyword};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{DatabaseConnection, EntityTrait, QuerySelect};

const HEADS_JSON: &str = include_str!("../../../seed/keyword_heads.json");

/// (pattern, volume factor in percent, difficulty change, intent); `{}` is the head term.
const MODIFIERS: &[(&str, i64, i32, &str)] = &[
    ("best {}", 35, 8, "commercial"),
    ("{} for beginners", 12, -10, "informational"),
    ("how to choose {}", 6, -12, "informational"),
    ("cheap {}", 10, -5, "transactional"),
    ("{} near me", 18, -8, "transactional"),
    ("{} reviews", 9, 2, "commercial"),
    ("{} guide", 7, -6, "informational"),
    ("{} cost", 8, -4, "commercial"),
    ("{} tips", 11, -9, "informational"),
    ("{} ideas", 9, -10, "informational"),
];

/// One generated library keyword.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub keyword: String,
    pub volume: i64,
    pub difficulty: i32,
    pub intent: &'static str,
}

type Heads = BTreeMap<String, Vec<(String, i64, i32, String)>>;

/// A small stable hash (FNV-1a), so the choice of modifiers never depends on the platform or the Rust version.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Heads already carrying a modifier word are not modified again ("best running shoes" gets no "best …").
fn has_modifier(head: &str) -> bool {
    head.split_whitespace().any(|w| {
        matches!(
            w,
            "best"
                | "cheap"
                | "near"
                | "reviews"
                | "review"
                | "how"
                | "guide"
                | "cost"
                | "price"
                | "tips"
                | "ideas"
                | "vs"
        )
    })
}

/// The keywords of one sector: every head, plus two modifiers per plain head chosen by a hash of the head.
pub fn expand(heads: &[(String, i64, i32, String)]) -> Vec<Generated> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |g: Generated, out: &mut Vec<Generated>| {
        if seen.insert(ai::normalise::normalise_keyword(&g.keyword)) {
            out.push(g);
        }
    };
    for (head, volume, difficulty, intent) in heads {
        let intent = domain::planner::parse_intent(intent).unwrap_or("informational");
        push(Generated { keyword: head.clone(), volume: *volume, difficulty: *difficulty, intent }, &mut out);
        if has_modifier(head) {
            continue;
        }
        let start = (fnv(head) % MODIFIERS.len() as u64) as usize;
        for step in [0, 3] {
            let (pattern, factor, delta, intent) = MODIFIERS[(start + step) % MODIFIERS.len()];
            push(
                Generated {
                    keyword: pattern.replace("{}", head),
                    volume: (volume * factor / 100).max(10),
                    difficulty: (difficulty + delta).clamp(0, 100),
                    intent,
                },
                &mut out,
            );
        }
    }
    out
}

fn heads() -> Result<Heads, serde_json::Error> {
    serde_json::from_str(HEADS_JSON)
}

/// Loads the starter library into sectors that have none. Returns the number of keywords added.
pub async fn run(db: &DatabaseConnection) -> anyhow::Result<usize> {
    let heads = heads()?;
    let loaded: HashSet<i64> = seed_keyword::Entity::find()
        .select_only()
        .column(seed_keyword::Column::IndustrySectorId)
        .distinct()
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let industries = industry::Entity::find().all(db).await?;
    let sectors = industry_sector::Entity::find().all(db).await?;
    let txn = db::begin_write(db).await?;
    let now = Utc::now();
    let mut added = 0;
    for sector in sectors.iter().filter(|s| !loaded.contains(&s.id)) {
        let Some(industry) = industries.iter().find(|i| i.id == sector.industry_id) else { continue };
        let Some(terms) = heads.get(&format!("{}/{}", industry.slug, sector.slug)) else { continue };
        let rows: Vec<seed_keyword::ActiveModel> = expand(terms)
            .into_iter()
            .map(|g| seed_keyword::ActiveModel {
                id: NotSet,
                industry_sector_id: Set(sector.id),
                normalized: Set(ai::normalise::normalise_keyword(&g.keyword)),
                keyword: Set(g.keyword),
                volume: Set(g.volume),
                difficulty: Set(g.difficulty),
                intent: Set(g.intent.to_owned()),
                country: Set("US".into()),
                is_active: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect();
        added += rows.len();
        for chunk in rows.chunks(500) {
            seed_keyword::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
        }
    }
    txn.commit().await?;
    Ok(added)
}

/// Sanity of the bundled file, for tests: every key names a sector of `industries.json`.
pub fn bundled_keys() -> Vec<String> {
    heads().map(|h| h.into_keys().collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_is_deterministic_and_labelled() {
        let heads = vec![
            ("running shoes".to_owned(), 40_000, 60, "commercial".to_owned()),
            ("best trail shoes".to_owned(), 900, 40, "commercial".to_owned()),
        ];
        let first = expand(&heads);
        assert_eq!(first, expand(&heads));
        assert_eq!(first[0].keyword, "running shoes");
        assert_eq!(first.len(), 4, "two modifiers for a plain head, none for a modified one: {first:?}");
        assert!(first.iter().all(|g| g.volume >= 10 && (0..=100).contains(&g.difficulty)));
        assert!(
            first.iter().skip(1).take(2).all(|g| g.keyword.contains("running shoes") && g.keyword != "running shoes")
        );
    }

    #[test]
    fn the_bundled_library_is_large_and_well_formed() {
        let heads = heads().expect("keyword_heads.json parses");
        let total: usize = heads.values().map(|h| expand(h).len()).sum();
        assert!(total >= 3_000, "{total} keywords");
        for (key, terms) in &heads {
            assert!(key.contains('/'), "{key}");
            for (keyword, volume, difficulty, intent) in terms {
                assert!(
                    !keyword.trim().is_empty() && *volume >= 0 && (0..=100).contains(difficulty),
                    "{key}: {keyword}"
                );
                assert!(domain::planner::parse_intent(intent).is_some(), "{key}: {keyword}: {intent}");
            }
        }
    }
}
