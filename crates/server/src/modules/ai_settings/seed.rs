//! The built-in catalogue: the Offline provider (active: the embedded default needs no key) and the well-known
//! providers and models, inactive until staff store a key. Inserted when missing, never overwritten, so staff
//! edits survive restarts.

use chrono::Utc;
use db::entities::{ai_model, ai_provider};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

struct ModelSeed {
    model_id: &'static str,
    display_name: &'static str,
    model_type: &'static str,
    usd_in: f64,
    usd_out: f64,
    tokens_per_credit: i64,
    credits_per_image: i64,
    usd_per_image: f64,
}

const fn text(model_id: &'static str, name: &'static str, usd_in: f64, usd_out: f64, tpc: i64) -> ModelSeed {
    ModelSeed {
        model_id,
        display_name: name,
        model_type: "text",
        usd_in,
        usd_out,
        tokens_per_credit: tpc,
        credits_per_image: 0,
        usd_per_image: 0.0,
    }
}

const fn image(model_id: &'static str, name: &'static str, credits: i64, usd: f64) -> ModelSeed {
    ModelSeed {
        model_id,
        display_name: name,
        model_type: "image",
        usd_in: 0.0,
        usd_out: 0.0,
        tokens_per_credit: 1_000,
        credits_per_image: credits,
        usd_per_image: usd,
    }
}

const fn embedding(model_id: &'static str, name: &'static str, usd_in: f64) -> ModelSeed {
    ModelSeed {
        model_id,
        display_name: name,
        model_type: "embedding",
        usd_in,
        usd_out: 0.0,
        tokens_per_credit: 100_000,
        credits_per_image: 0,
        usd_per_image: 0.0,
    }
}

/// (slug, display name, kind, active, models). Prices are list prices per million tokens at the time of writing;
/// credit rates follow the research file (gpt-4o ≈ 1,000 tokens per credit; dall-e-3 = 5 credits per image).
const PROVIDERS: &[(&str, &str, &str, bool, &[ModelSeed])] = &[
    (
        "offline",
        "Offline (built in)",
        "offline",
        true,
        &[text("offline", "Offline drafts", 0.0, 0.0, 1_000), image("offline-image", "Offline title cards", 1, 0.0)],
    ),
    (
        "openai",
        "OpenAI",
        "openai",
        false,
        &[
            text("gpt-4o-mini", "GPT-4o mini", 0.15, 0.6, 10_000),
            text("gpt-4.1", "GPT-4.1", 2.0, 8.0, 1_000),
            image("dall-e-3", "DALL·E 3", 5, 0.04),
            image("gpt-image-1", "GPT Image 1", 5, 0.04),
            embedding("text-embedding-3-small", "Text embedding 3 small", 0.02),
        ],
    ),
    ("anthropic", "Anthropic", "anthropic", false, &[text("claude-sonnet-4-5", "Claude Sonnet 4.5", 3.0, 15.0, 1_000)]),
    ("gemini", "Google Gemini", "gemini", false, &[text("gemini-2.5-flash", "Gemini 2.5 Flash", 0.3, 2.5, 5_000)]),
    (
        "runware",
        "Runware",
        "runware",
        false,
        &[image("runware:97@1", "Runware basic", 1, 0.004), image("google:4@2", "Imagen (premium)", 15, 0.06)],
    ),
];

pub async fn run(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    // One writer at a time, so two processes starting together do not insert the same rows.
    let txn = db::begin_write(db).await?;
    let db = &txn;
    let now = Utc::now();
    for (slug, name, kind, active, models) in PROVIDERS {
        let existing = ai_provider::Entity::find().filter(ai_provider::Column::Slug.eq(*slug)).one(db).await?;
        let provider = match existing {
            Some(p) => p,
            None => {
                ai_provider::ActiveModel {
                    id: NotSet,
                    slug: Set((*slug).into()),
                    display_name: Set((*name).into()),
                    kind: Set((*kind).into()),
                    base_url: Set(String::new()),
                    api_key_cipher: Set(None),
                    api_key_hint: Set(None),
                    timeout_secs: Set(120),
                    is_active: Set(*active),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(db)
                .await?
            }
        };
        let known: Vec<String> = ai_model::Entity::find()
            .filter(ai_model::Column::ProviderId.eq(provider.id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.model_id)
            .collect();
        for (order, seed) in models.iter().enumerate() {
            if known.iter().any(|k| k == seed.model_id) {
                continue;
            }
            ai_model::ActiveModel {
                id: NotSet,
                provider_id: Set(provider.id),
                model_id: Set(seed.model_id.into()),
                display_name: Set(seed.display_name.into()),
                model_type: Set(seed.model_type.into()),
                input_usd_per_mtok: Set(seed.usd_in),
                output_usd_per_mtok: Set(seed.usd_out),
                tokens_per_credit: Set(seed.tokens_per_credit),
                credits_per_image: Set(seed.credits_per_image),
                usd_per_image: Set(seed.usd_per_image),
                max_output_tokens: Set(8_192),
                supports_json: Set(true),
                is_active: Set(true),
                is_default: Set(false),
                sort_order: Set(i32::try_from(order).unwrap_or(0)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    txn.commit().await
}
