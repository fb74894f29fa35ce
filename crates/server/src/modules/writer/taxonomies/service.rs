//! Taxonomies: CRUD per site, and resolving the model's category and tag names (existing ones reused by slug,
//! missing ones created) when an article is saved.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use db::entities::{content_taxonomy, taxonomy};
use domain::writer::TAXONOMY_TYPES;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Select};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::tenant::Caller;
use crate::http::{AppError, Filter, ListSpec};

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomyOut {
    pub id: i64,
    pub site_id: i64,
    pub taxonomy_type: String,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

impl From<taxonomy::Model> for TaxonomyOut {
    fn from(t: taxonomy::Model) -> Self {
        Self {
            id: t.id,
            site_id: t.site_id,
            taxonomy_type: t.taxonomy_type,
            name: t.name,
            slug: t.slug,
            description: t.description,
            created_at: t.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyIn {
    pub site_id: i64,
    /// `category` or `tag`.
    pub taxonomy_type: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyPatch {
    pub name: Option<String>,
    pub description: Option<String>,
}

pub fn list_spec() -> ListSpec<taxonomy::Entity> {
    ListSpec::new()
        .search([taxonomy::Column::Name])
        .order_by("name", taxonomy::Column::Name)
        .order_by("created_at", taxonomy::Column::CreatedAt)
        .default_ordering("name")
        .filter(Filter::int("site_id", taxonomy::Column::SiteId))
        .filter(Filter::choice("taxonomy_type", taxonomy::Column::TaxonomyType, TAXONOMY_TYPES).with_options())
}

pub fn visible(caller: &Caller) -> Select<taxonomy::Entity> {
    caller.site_rows::<taxonomy::Entity>()
}

/// A URL slug from a name: lower-case ASCII letters and digits joined by `-` (other scripts kept as they are).
pub fn slug_of(name: &str) -> String {
    let lowered = ai::normalise::normalise_keyword(name);
    let mut slug = String::new();
    for c in lowered.chars() {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(200).collect()
}

fn name_of(raw: &str) -> Result<String, AppError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if slug_of(&name).is_empty() || name.chars().count() > 200 {
        return Err(AppError::field("name", "Name it (1 to 200 characters, with a letter or digit)."));
    }
    Ok(name)
}

fn duplicate() -> AppError {
    AppError::Conflict { message: "This site already has one with this name.".into(), field: Some("name".into()) }
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: TaxonomyIn) -> Result<TaxonomyOut, AppError> {
    caller.require_write()?;
    let site = caller.site_field(db, "site_id", input.site_id).await?;
    if !TAXONOMY_TYPES.contains(&input.taxonomy_type.as_str()) {
        return Err(AppError::field("taxonomy_type", "Choose category or tag."));
    }
    let name = name_of(&input.name)?;
    let now = Utc::now();
    taxonomy::ActiveModel {
        id: NotSet,
        account_id: Set(caller.account_id),
        site_id: Set(site.id),
        taxonomy_type: Set(input.taxonomy_type),
        slug: Set(slug_of(&name)),
        name: Set(name),
        description: Set(input.description.unwrap_or_default().trim().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map(Into::into)
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict { .. } => duplicate(),
        other => other,
    })
}

pub async fn find<C: ConnectionTrait>(db: &C, caller: &Caller, id: i64) -> Result<taxonomy::Model, AppError> {
    visible(caller).filter(taxonomy::Column::Id.eq(id)).one(db).await?.ok_or_else(|| AppError::not_found("Taxonomy"))
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: TaxonomyPatch,
) -> Result<TaxonomyOut, AppError> {
    caller.require_write()?;
    let current = find(db, caller, id).await?;
    let mut row: taxonomy::ActiveModel = current.into();
    if let Some(name) = input.name {
        let name = name_of(&name)?;
        row.slug = Set(slug_of(&name));
        row.name = Set(name);
    }
    if let Some(description) = input.description {
        row.description = Set(description.trim().to_owned());
    }
    row.updated_at = Set(Utc::now());
    row.update(db).await.map(Into::into).map_err(|e| match AppError::from(e) {
        AppError::Conflict { .. } => duplicate(),
        other => other,
    })
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_write()?;
    let found = find(db, caller, id).await?;
    taxonomy::Entity::delete_by_id(found.id).exec(db).await?;
    Ok(())
}

/// The ids of these names of one type on a site: existing ones by slug, missing ones created.
pub async fn resolve<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    site_id: i64,
    taxonomy_type: &str,
    names: &[String],
) -> Result<Vec<i64>, AppError> {
    let existing: HashMap<String, i64> = taxonomy::Entity::find()
        .filter(taxonomy::Column::SiteId.eq(site_id))
        .filter(taxonomy::Column::TaxonomyType.eq(taxonomy_type))
        .all(txn)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.id))
        .collect();
    let mut ids = Vec::new();
    let now = Utc::now();
    for name in names.iter().take(20) {
        let Ok(name) = name_of(name) else { continue };
        let slug = slug_of(&name);
        let id = match existing.get(&slug) {
            Some(id) => *id,
            None => {
                taxonomy::Entity::insert(taxonomy::ActiveModel {
                    id: NotSet,
                    account_id: Set(account_id),
                    site_id: Set(site_id),
                    taxonomy_type: Set(taxonomy_type.to_owned()),
                    name: Set(name),
                    slug: Set(slug),
                    description: Set(String::new()),
                    created_at: Set(now),
                    updated_at: Set(now),
                })
                .exec_with_returning(txn)
                .await?
                .id
            }
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Links a content to taxonomies (already linked ones are left alone).
pub async fn link<C: ConnectionTrait>(txn: &C, account_id: i64, content_id: i64, ids: &[i64]) -> Result<(), AppError> {
    for id in ids {
        content_taxonomy::Entity::insert(content_taxonomy::ActiveModel {
            id: NotSet,
            account_id: Set(account_id),
            content_id: Set(content_id),
            taxonomy_id: Set(*id),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                content_taxonomy::Column::ContentId,
                content_taxonomy::Column::TaxonomyId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// The taxonomies of one content.
pub async fn of_content<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    content_id: i64,
) -> Result<Vec<TaxonomyOut>, AppError> {
    let links = content_taxonomy::Entity::find()
        .filter(content_taxonomy::Column::AccountId.eq(caller.account_id))
        .filter(content_taxonomy::Column::ContentId.eq(content_id))
        .all(db)
        .await?;
    let ids: Vec<i64> = links.iter().map(|l| l.taxonomy_id).collect();
    Ok(visible(caller).filter(taxonomy::Column::Id.is_in(ids)).all(db).await?.into_iter().map(Into::into).collect())
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn slugs() {
        assert_eq!(slug_of("  Garden & Outdoor Tips! "), "garden-outdoor-tips");
        assert_eq!(slug_of("Café Crème"), "café-crème");
        assert_eq!(slug_of("!!!"), "");
    }
}
