//! Clusters of a site+sector, with their keyword and idea figures computed in the list query itself.

use chrono::Utc;
use db::entities::{cluster, content_idea, keyword};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Select,
};

use super::dto::{ClusterIn, ClusterOut, ClusterPatch, GeneratedCluster, SavedClusters};
use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListParams, ListResponse, ListSpec};
use domain::planner::CLUSTER_STATUSES;

pub fn list_spec() -> ListSpec<cluster::Entity> {
    ListSpec::new()
        .search([cluster::Column::Name])
        .order_by("name", cluster::Column::NormalizedName)
        .order_by("created_at", cluster::Column::CreatedAt)
        .order_by_computed("keywords_count", KEYWORDS_COUNT)
        .order_by_computed("volume", VOLUME)
        .order_by_computed("difficulty", DIFFICULTY)
        .order_by_computed("ideas_count", IDEAS_COUNT)
        .default_ordering("-created_at")
        .filter(Filter::int("site_id", cluster::Column::SiteId))
        .filter(Filter::int("sector_id", cluster::Column::SectorId))
        .filter(Filter::choice("status", cluster::Column::Status, CLUSTER_STATUSES).with_options())
}

pub fn visible(caller: &Caller) -> Select<cluster::Entity> {
    caller.site_rows::<cluster::Entity>()
}

const KEYWORDS_COUNT: &str =
    "(SELECT COUNT(*) FROM keywords k WHERE k.cluster_id = clusters.id AND k.deleted_at IS NULL)";
const VOLUME: &str = "(SELECT CAST(COALESCE(SUM(k.volume), 0) AS BIGINT) FROM keywords k \
                      WHERE k.cluster_id = clusters.id AND k.deleted_at IS NULL)";
const DIFFICULTY: &str = "(SELECT CAST(COALESCE(AVG(k.difficulty), 0) AS DOUBLE PRECISION) FROM keywords k \
                          WHERE k.cluster_id = clusters.id AND k.deleted_at IS NULL)";
const IDEAS_COUNT: &str = "(SELECT COUNT(*) FROM content_ideas i WHERE i.cluster_id = clusters.id)";
const CONTENT_COUNT: &str = "(SELECT COUNT(*) FROM contents c WHERE c.cluster_id = clusters.id)";

/// The cluster's columns plus correlated sub-queries for its figures: one statement, whatever the page size.
pub fn with_figures(select: Select<cluster::Entity>) -> Select<cluster::Entity> {
    select
        .column_as(Expr::cust(KEYWORDS_COUNT), "keywords_count")
        .column_as(Expr::cust(VOLUME), "volume")
        .column_as(Expr::cust(DIFFICULTY), "difficulty")
        .column_as(Expr::cust(IDEAS_COUNT), "ideas_count")
        .column_as(Expr::cust(CONTENT_COUNT), "content_count")
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    params: &ListParams,
) -> Result<ListResponse<ClusterOut>, AppError> {
    list_spec().fetch_as(db, visible(caller), params, with_figures).await
}

pub async fn get<C: ConnectionTrait>(db: &C, caller: &Caller, id: i64) -> Result<ClusterOut, AppError> {
    with_figures(visible(caller).filter(cluster::Column::Id.eq(id)))
        .into_model::<ClusterOut>()
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Cluster"))
}

/// The name's uniqueness key (case, spacing and Unicode forms do not make a new name).
pub fn name_key(name: &str) -> String {
    ai::normalise::normalise_keyword(name)
}

fn clean_name(name: &str) -> Result<String, AppError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name_key(&name).is_empty() || name.chars().count() > 200 {
        return Err(AppError::field("name", "Name the cluster (1 to 200 characters)."));
    }
    Ok(name)
}

fn duplicate_name() -> AppError {
    AppError::Conflict { message: "A cluster with this name exists in this sector.".into(), field: Some("name".into()) }
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: ClusterIn) -> Result<ClusterOut, AppError> {
    caller.require_write()?;
    let (site, sector) = caller.site_sector(db, input.site_id, input.sector_id).await?;
    let name = clean_name(&input.name)?;
    let now = Utc::now();
    let row = cluster::ActiveModel {
        id: NotSet,
        account_id: Set(caller.account_id),
        site_id: Set(site.id),
        sector_id: Set(sector.id),
        normalized_name: Set(name_key(&name)),
        name: Set(name),
        description: Set(input.description.unwrap_or_default().trim().to_owned()),
        status: Set("new".into()),
        parent_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict { .. } => duplicate_name(),
        other => other,
    })?;
    get(db, caller, row.id).await
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: ClusterPatch,
) -> Result<ClusterOut, AppError> {
    caller.require_write()?;
    let current = visible(caller)
        .filter(cluster::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Cluster"))?;
    let mut row: cluster::ActiveModel = current.into();
    if let Some(name) = input.name {
        let name = clean_name(&name)?;
        row.normalized_name = Set(name_key(&name));
        row.name = Set(name);
    }
    if let Some(description) = input.description {
        row.description = Set(description.trim().to_owned());
    }
    if let Some(status) = input.status {
        if !CLUSTER_STATUSES.contains(&status.as_str()) {
            return Err(AppError::field("status", "Choose new or mapped."));
        }
        row.status = Set(status);
    }
    row.updated_at = Set(Utc::now());
    row.update(db).await.map_err(|e| match AppError::from(e) {
        AppError::Conflict { .. } => duplicate_name(),
        other => other,
    })?;
    get(db, caller, id).await
}

/// Deletes a cluster: its keywords go back to `new`, its ideas stay without a cluster.
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_write()?;
    let txn = db::begin_write(db).await?;
    let found = visible(caller)
        .filter(cluster::Column::Id.eq(id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("Cluster"))?;
    keyword::Entity::update_many()
        .col_expr(keyword::Column::ClusterId, Expr::value(Option::<i64>::None))
        .col_expr(keyword::Column::Status, Expr::value("new"))
        .col_expr(keyword::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(keyword::Column::ClusterId.eq(found.id))
        .exec(&txn)
        .await?;
    content_idea::Entity::update_many()
        .col_expr(content_idea::Column::ClusterId, Expr::value(Option::<i64>::None))
        .filter(content_idea::Column::ClusterId.eq(found.id))
        .exec(&txn)
        .await?;
    cluster::Entity::update_many()
        .col_expr(cluster::Column::ParentId, Expr::value(Option::<i64>::None))
        .filter(cluster::Column::ParentId.eq(found.id))
        .exec(&txn)
        .await?;
    cluster::Entity::delete_by_id(found.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Ids among `ids` that are the caller's clusters.
pub async fn own<C: ConnectionTrait>(db: &C, caller: &Caller, ids: &[i64]) -> Result<Vec<cluster::Model>, AppError> {
    Ok(visible(caller).filter(cluster::Column::Id.is_in(ids.iter().copied())).limit(1_000).all(db).await?)
}

/// Saves the clusters a job made in one sector, inside the job's transaction: a cluster of the same name is
/// reused, and each cluster's keywords move to it as `mapped`. Each cluster's parent is the pillar the job put it
/// under, or none (a reused cluster too: the latest grouping wins, so no cycle survives from an older one).
pub async fn save_generated<C: ConnectionTrait>(
    txn: &C,
    sector: &db::entities::sector::Model,
    groups: &[GeneratedCluster],
) -> Result<SavedClusters, sea_orm::DbErr> {
    let mut existing: std::collections::HashMap<String, cluster::Model> = cluster::Entity::find()
        .filter(cluster::Column::SectorId.eq(sector.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.normalized_name.clone(), c))
        .collect();
    let now = Utc::now();
    let mut saved = SavedClusters::default();
    for group in groups {
        let key = name_key(&group.name);
        let id = match existing.get(&key) {
            Some(found) => {
                saved.reused += 1;
                found.id
            }
            None => {
                let row = cluster::ActiveModel {
                    id: NotSet,
                    account_id: Set(sector.account_id),
                    site_id: Set(sector.site_id),
                    sector_id: Set(sector.id),
                    name: Set(group.name.clone()),
                    normalized_name: Set(key.clone()),
                    description: Set(group.description.clone()),
                    status: Set("new".into()),
                    parent_id: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                };
                let inserted = cluster::Entity::insert(row).exec_with_returning(txn).await?;
                saved.created += 1;
                existing.insert(key, inserted.clone());
                inserted.id
            }
        };
        saved.cluster_ids.push(id);
        saved.keywords_mapped += keyword::Entity::update_many()
            .col_expr(keyword::Column::ClusterId, Expr::value(id))
            .col_expr(keyword::Column::Status, Expr::value("mapped"))
            .col_expr(keyword::Column::UpdatedAt, Expr::value(now))
            .filter(keyword::Column::AccountId.eq(sector.account_id))
            .filter(keyword::Column::Id.is_in(group.keyword_ids.iter().copied()))
            .exec(txn)
            .await?
            .rows_affected;
    }
    for (group, &id) in groups.iter().zip(&saved.cluster_ids) {
        let parent = group.parent.and_then(|parent| saved.cluster_ids.get(parent).copied()).filter(|&p| p != id);
        cluster::Entity::update_many()
            .col_expr(cluster::Column::ParentId, Expr::value(parent))
            .filter(cluster::Column::Id.eq(id))
            .exec(txn)
            .await?;
    }
    Ok(saved)
}

/// Marks clusters `mapped` once ideas were made for them (inside the caller's transaction).
pub async fn mark_mapped<C: ConnectionTrait>(txn: &C, account_id: i64, ids: &[i64]) -> Result<(), sea_orm::DbErr> {
    cluster::Entity::update_many()
        .col_expr(cluster::Column::Status, Expr::value("mapped"))
        .col_expr(cluster::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(cluster::Column::AccountId.eq(account_id))
        .filter(cluster::Column::Id.is_in(ids.iter().copied()))
        .exec(txn)
        .await?;
    Ok(())
}
