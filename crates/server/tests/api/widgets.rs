//! A small table and routes that exist only in tests, to exercise the shared HTTP pieces (envelope,
//! extractors, list helpers, error mapping) through the real middleware stack.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use db::sea_orm::entity::prelude::*;
use db::sea_orm::{ActiveValue::Set, ConnectionTrait, Schema};
use serde::{Deserialize, Serialize};
use server::AppState;
use server::http::{AppError, Created, Data, Filter, Json, ListParams, ListResponse, ListSpec};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "widgets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub status: String,
    pub size: i64,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub const STATUSES: &[&str] = &["new", "mapped", "archived"];

/// Creates the table (with a unique index named as migrations name theirs).
pub async fn create_table(db: &DatabaseConnection) {
    let backend = db.get_database_backend();
    let table = Schema::new(backend).create_table_from_entity(Entity);
    db.execute(&table).await.expect("create widgets");
    db.execute_unprepared("CREATE UNIQUE INDEX uq__widgets__name ON widgets (name)").await.expect("index");
}

pub async fn insert(db: &DatabaseConnection, name: &str, status: &str, size: i64, active: bool) -> Model {
    ActiveModel {
        name: Set(name.into()),
        status: Set(status.into()),
        size: Set(size),
        active: Set(active),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert widget")
}

fn spec() -> ListSpec<Entity> {
    ListSpec::new()
        .search([Column::Name])
        .order_by("name", Column::Name)
        .order_by("size", Column::Size)
        .order_by("created_at", Column::CreatedAt)
        .default_ordering("name")
        .filter(Filter::choice("status", Column::Status, STATUSES).with_options())
        .filter(Filter::int("size", Column::Size).range().with_options())
        .filter(Filter::bool("active", Column::Active))
        .filter(Filter::datetime("created_at", Column::CreatedAt).range())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWidget {
    name: String,
    status: Status,
    size: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    New,
    Mapped,
}

async fn list(State(state): State<AppState>, params: ListParams) -> Result<ListResponse<Model>, AppError> {
    spec().fetch(&state.db, Entity::find(), &params).await
}

async fn options(
    State(state): State<AppState>,
    params: ListParams,
) -> Result<Data<std::collections::BTreeMap<String, Vec<serde_json::Value>>>, AppError> {
    spec().filter_options(&state.db, Entity::find(), &params).await.map(Data)
}

async fn create(State(state): State<AppState>, Json(body): Json<NewWidget>) -> Result<Created<Model>, AppError> {
    if body.name.trim().is_empty() {
        return Err(AppError::field("name", "Enter a name."));
    }
    let status = match body.status {
        Status::New => "new",
        Status::Mapped => "mapped",
    };
    let model = ActiveModel {
        name: Set(body.name),
        status: Set(status.into()),
        size: Set(body.size),
        active: Set(true),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Ok(Created(model))
}

async fn one(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Data<Model>, AppError> {
    Entity::find_by_id(id).one(&state.db).await?.map(Data).ok_or_else(|| AppError::not_found("Widget"))
}

async fn slow() -> &'static str {
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    "too late"
}

async fn boom() -> Result<Data<()>, AppError> {
    Err(AppError::internal(anyhow::anyhow!("secret detail: disk on fire")))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/test/widgets", get(list).post(create))
        .route("/api/v1/test/widgets/filter_options", get(options))
        .route("/api/v1/test/widgets/{id}", get(one))
        .route("/api/v1/test/slow", get(slow))
        .route("/api/v1/test/boom", get(boom))
}
