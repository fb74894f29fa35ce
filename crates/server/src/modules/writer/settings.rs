//! The account's writing defaults: tone, length, extra instructions, author profile, images per article and
//! their style (`/api/v1/writer/settings/`).

use axum::extract::State;
use chrono::Utc;
use db::entities::content_setting;
use db::tenancy::scoped;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::envelope::Envelope;
use crate::http::error::ErrorBody;
use crate::http::tenant::Caller;
use crate::http::{AppError, Data, Json};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContentSettingsOut {
    pub tone: String,
    pub default_words: i32,
    pub extra_instructions: String,
    pub author_profile: String,
    pub in_article_images: i32,
    pub image_style: String,
}

impl Default for ContentSettingsOut {
    fn default() -> Self {
        Self {
            tone: "clear and friendly".into(),
            default_words: 1500,
            extra_instructions: String::new(),
            author_profile: String::new(),
            in_article_images: 2,
            image_style: "photographic".into(),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentSettingsIn {
    pub tone: Option<String>,
    pub default_words: Option<i32>,
    pub extra_instructions: Option<String>,
    pub author_profile: Option<String>,
    /// 0 to 6.
    pub in_article_images: Option<i32>,
    pub image_style: Option<String>,
}

/// The account's settings, defaults when it never saved any.
pub async fn get<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<ContentSettingsOut, AppError> {
    Ok(scoped::<content_setting::Entity>(account_id).one(db).await?.map_or_else(ContentSettingsOut::default, |s| {
        ContentSettingsOut {
            tone: s.tone,
            default_words: s.default_words,
            extra_instructions: s.extra_instructions,
            author_profile: s.author_profile,
            in_article_images: s.in_article_images,
            image_style: s.image_style,
        }
    }))
}

fn line(field: &str, value: String, max: usize) -> Result<String, AppError> {
    let value = value.trim().to_owned();
    if value.chars().count() > max {
        return Err(AppError::field(field, format!("Use at most {max} characters.")));
    }
    Ok(value)
}

pub async fn save(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ContentSettingsIn,
) -> Result<ContentSettingsOut, AppError> {
    caller.require_write()?;
    let mut s = get(db, caller.account_id).await?;
    if let Some(v) = input.tone {
        s.tone = line("tone", v, 100)?;
    }
    if let Some(v) = input.default_words {
        if !(300..=6000).contains(&v) {
            return Err(AppError::field("default_words", "Use 300 to 6000 words."));
        }
        s.default_words = v;
    }
    if let Some(v) = input.extra_instructions {
        s.extra_instructions = line("extra_instructions", v, 4000)?;
    }
    if let Some(v) = input.author_profile {
        s.author_profile = line("author_profile", v, 2000)?;
    }
    if let Some(v) = input.in_article_images {
        if !(0..=6).contains(&v) {
            return Err(AppError::field("in_article_images", "Use 0 to 6 images."));
        }
        s.in_article_images = v;
    }
    if let Some(v) = input.image_style {
        s.image_style = line("image_style", v, 100)?;
    }
    let row = content_setting::ActiveModel {
        id: NotSet,
        account_id: Set(caller.account_id),
        tone: Set(s.tone.clone()),
        default_words: Set(s.default_words),
        extra_instructions: Set(s.extra_instructions.clone()),
        author_profile: Set(s.author_profile.clone()),
        in_article_images: Set(s.in_article_images),
        image_style: Set(s.image_style.clone()),
        updated_at: Set(Utc::now()),
    };
    content_setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(content_setting::Column::AccountId)
                .update_columns([
                    content_setting::Column::Tone,
                    content_setting::Column::DefaultWords,
                    content_setting::Column::ExtraInstructions,
                    content_setting::Column::AuthorProfile,
                    content_setting::Column::InArticleImages,
                    content_setting::Column::ImageStyle,
                    content_setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(s)
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_writer_settings, save_writer_settings))
}

/// Writing defaults of the account.
#[utoipa::path(get, path = "/settings", tag = "writer", security(("bearer" = [])),
    responses((status = 200, body = Envelope<ContentSettingsOut>)))]
async fn get_writer_settings(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Data<ContentSettingsOut>, AppError> {
    get(&state.db, caller.account_id).await.map(Data)
}

/// Change the writing defaults (editors and above).
#[utoipa::path(put, path = "/settings", tag = "writer", security(("bearer" = [])), request_body = ContentSettingsIn,
    responses((status = 200, body = Envelope<ContentSettingsOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn save_writer_settings(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ContentSettingsIn>,
) -> Result<Data<ContentSettingsOut>, AppError> {
    save(&state.db, &caller, input).await.map(Data)
}
