//! List queries shared by every list endpoint: `page`, `page_size`, `search`, `ordering` against a
//! per-resource allow-list, typed filters with `_min`/`_max` ranges, and `filter_options` (the distinct
//! values of each filter given the other active filters).
//!
//! A list costs two queries whatever the page size: one `COUNT(*)` and one page of rows.

use std::collections::BTreeMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Iterable, ModelTrait, Order, PaginatorTrait,
    PrimaryKeyToColumn, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Value,
};

use super::envelope::ListResponse;
use super::error::AppError;
use super::list_memo::{Anchor, Memo};

pub const DEFAULT_PAGE_SIZE: u64 = 25;
pub const MAX_PAGE_SIZE: u64 = 200;
/// From this offset on, a page is read by its ids first (see `fetch_as`).
const DEFERRED_OFFSET: u64 = 1_000;

/// The list part of a request's query string; filters are read from it by a [`ListSpec`].
#[derive(Debug, Clone)]
pub struct ListParams {
    pub page: u64,
    pub page_size: u64,
    pub search: Option<String>,
    pub ordering: Option<String>,
    pairs: Vec<(String, String)>,
    path: String,
}

/// Query parameters of a list, for the OpenAPI description (filters are documented per resource).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListQueryDoc {
    /// Page number, from 1.
    page: Option<u64>,
    /// Rows per page: 25 by default, 200 at most.
    page_size: Option<u64>,
    /// Case-insensitive text search over the resource's searchable fields.
    search: Option<String>,
    /// Comma-separated fields, `-` for descending (`-created_at,name`).
    ordering: Option<String>,
}

impl ListParams {
    /// Parses `path?query`; a bad `page` or `page_size` is a 400 naming it.
    pub fn parse(path: &str, query: &str) -> Result<Self, AppError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let last = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim());
        let number = |name: &str, default: u64, max: u64| -> Result<u64, AppError> {
            match last(name) {
                None | Some("") => Ok(default),
                Some(raw) => match raw.parse::<u64>() {
                    Ok(n) if (1..=max).contains(&n) => Ok(n),
                    _ => Err(AppError::field(name, format!("{name} must be a whole number from 1 to {max}."))),
                },
            }
        };
        let page = number("page", 1, u64::from(u32::MAX))?;
        let page_size = number("page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
        let non_empty = |name: &str| last(name).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(Self {
            page,
            page_size,
            search: non_empty("search"),
            ordering: non_empty("ordering"),
            path: path.to_owned(),
            pairs,
        })
    }

    /// The last value given for a parameter, if any and not blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// A whole-number parameter: `None` when absent or blank, a 400 naming it when not a number (the message the
    /// list's integer filters give).
    pub fn int(&self, name: &str) -> Result<Option<i64>, AppError> {
        self.get(name).map(|raw| raw.parse::<i64>().map_err(|_| whole_number(name))).transpose()
    }

    /// Names of the parameters other than paging, search and ordering (the filters a request carries).
    pub fn filter_names(&self) -> impl Iterator<Item = &str> {
        self.pairs
            .iter()
            .filter(|(k, v)| {
                !v.trim().is_empty() && !matches!(k.as_str(), "page" | "page_size" | "search" | "ordering")
            })
            .map(|(k, _)| k.as_str())
    }

    /// The request's filters and search in a canonical form (sorted, encoded; paging and ordering left out): two
    /// requests with the same key select the same rows.
    pub fn filter_key(&self) -> String {
        // The last value of each name counts (as in `get`), and a blank one means the filter is off.
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        for (key, value) in self.pairs.iter().rev() {
            if !matches!(key.as_str(), "page" | "page_size" | "ordering") && !pairs.iter().any(|(k, _)| k == key) {
                pairs.push((key.as_str(), value.trim()));
            }
        }
        pairs.retain(|(_, v)| !v.is_empty());
        pairs.sort_unstable();
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(pairs);
        query.finish()
    }

    /// This request's link with another page number.
    pub fn link(&self, page: u64) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.pairs.iter().filter(|(k, _)| k != "page") {
            query.append_pair(key, value);
        }
        query.append_pair("page", &page.to_string());
        format!("{}?{}", self.path, query.finish())
    }

    fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.page_size)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // Inside a nested router `parts.uri` lost its prefix; page links need the path the client used.
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |original| original.path().to_owned());
        Self::parse(&path, parts.uri.query().unwrap_or_default())
    }
}

/// How a filter's value is read.
#[derive(Debug, Clone, Copy)]
pub enum FilterKind {
    Int,
    Text,
    Bool,
    /// One of a fixed set of strings (a status, an intent…).
    Choice(&'static [&'static str]),
    /// An RFC 3339 time or a `YYYY-MM-DD` date.
    DateTime,
}

/// One filter of a list: `name=value` (or `name=a,b` for several), and with [`Filter::range`]
/// also `name_min=` / `name_max=`.
#[derive(Debug, Clone)]
pub struct Filter<C> {
    pub name: &'static str,
    pub column: C,
    pub kind: FilterKind,
    pub range: bool,
    pub options: bool,
}

impl<C: ColumnTrait> Filter<C> {
    pub fn new(name: &'static str, column: C, kind: FilterKind) -> Self {
        Self { name, column, kind, range: false, options: false }
    }
    pub fn int(name: &'static str, column: C) -> Self {
        Self::new(name, column, FilterKind::Int)
    }
    pub fn text(name: &'static str, column: C) -> Self {
        Self::new(name, column, FilterKind::Text)
    }
    pub fn bool(name: &'static str, column: C) -> Self {
        Self::new(name, column, FilterKind::Bool)
    }
    pub fn choice(name: &'static str, column: C, choices: &'static [&'static str]) -> Self {
        Self::new(name, column, FilterKind::Choice(choices))
    }
    pub fn datetime(name: &'static str, column: C) -> Self {
        Self::new(name, column, FilterKind::DateTime)
    }
    /// Also accept `<name>_min` and `<name>_max`.
    pub fn range(mut self) -> Self {
        self.range = true;
        self
    }
    /// List this filter's distinct values in `filter_options`.
    pub fn with_options(mut self) -> Self {
        self.options = true;
        self
    }

    fn value(&self, field: &str, raw: &str, upper: bool) -> Result<Value, AppError> {
        let bad = |what: String| AppError::field(field, what);
        Ok(match self.kind {
            FilterKind::Int => raw.parse::<i64>().map_err(|_| whole_number(field))?.into(),
            FilterKind::Text => raw.to_owned().into(),
            FilterKind::Bool => match raw.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => true.into(),
                "false" | "0" | "no" => false.into(),
                _ => return Err(bad(format!("{field} must be true or false."))),
            },
            FilterKind::Choice(choices) => {
                if !choices.contains(&raw) {
                    return Err(bad(format!("{field} must be one of: {}.", choices.join(", "))));
                }
                raw.to_owned().into()
            }
            FilterKind::DateTime => parse_time(raw, upper)
                .ok_or_else(|| bad(format!("{field} must be a date (YYYY-MM-DD) or an RFC 3339 time.")))?
                .into(),
        })
    }
}

fn parse_time(raw: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(raw) {
        return Some(time.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    let time = if end_of_day { date.and_hms_milli_opt(23, 59, 59, 999)? } else { date.and_hms_opt(0, 0, 0)? };
    Some(time.and_utc())
}

/// What a list endpoint allows: searchable columns, orderable fields, filters.
pub struct ListSpec<E: EntityTrait> {
    search: Vec<E::Column>,
    /// Columns stored already lower-cased: searched without `lower()`, so an index on them can serve the search.
    search_folded: Vec<E::Column>,
    ordering: Vec<(&'static str, E::Column)>,
    /// Orderings by a computed value (a correlated sub-query), for figures that are not columns.
    computed_ordering: Vec<(&'static str, &'static str)>,
    default_ordering: &'static str,
    filters: Vec<Filter<E::Column>>,
    /// Read filtered pages through their ids (see [`ListSpec::defer_when_filtered`]); the filters named here
    /// (the scope's own) do not count.
    defer_filtered: Option<&'static [&'static str]>,
}

impl<E: EntityTrait> Default for ListSpec<E> {
    fn default() -> Self {
        Self {
            search: Vec::new(),
            search_folded: Vec::new(),
            ordering: Vec::new(),
            computed_ordering: Vec::new(),
            default_ordering: "",
            filters: Vec::new(),
            defer_filtered: None,
        }
    }
}

impl<E: EntityTrait> ListSpec<E> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn search(mut self, columns: impl IntoIterator<Item = E::Column>) -> Self {
        self.search.extend(columns);
        self
    }
    /// Searchable columns whose values are stored lower-cased (normalised keyword text).
    pub fn search_folded(mut self, columns: impl IntoIterator<Item = E::Column>) -> Self {
        self.search_folded.extend(columns);
        self
    }

    pub fn order_by(mut self, name: &'static str, column: E::Column) -> Self {
        self.ordering.push((name, column));
        self
    }

    /// An ordering by a computed value: `sql` is a scalar sub-query over the row (a constant, never user input).
    pub fn order_by_computed(mut self, name: &'static str, sql: &'static str) -> Self {
        self.computed_ordering.push((name, sql));
        self
    }
    /// Used when the request names no ordering; same syntax as `?ordering=`.
    pub fn default_ordering(mut self, ordering: &'static str) -> Self {
        self.default_ordering = ordering;
        self
    }
    pub fn filter(mut self, filter: Filter<E::Column>) -> Self {
        self.filters.push(filter);
        self
    }

    /// Searched or filtered pages (filters other than `scope`) are read like deep pages: the page's ids first,
    /// then those rows. Worth it where a covering index holds the filtered columns: the id scan then skips
    /// non-matching rows inside the index instead of reading each one from the table.
    pub fn defer_when_filtered(mut self, scope: &'static [&'static str]) -> Self {
        self.defer_filtered = Some(scope);
        self
    }

    fn deferred(&self, params: &ListParams, offset: u64) -> bool {
        offset >= DEFERRED_OFFSET
            || self.defer_filtered.is_some_and(|scope| {
                params.search.is_some() || params.filter_names().any(|name| !scope.contains(&name))
            })
    }

    /// The filters of `params` as one condition, leaving out the filter named `skip`.
    fn condition(&self, params: &ListParams, skip: Option<&str>) -> Result<Condition, AppError> {
        let mut condition = Condition::all();
        for filter in self.filters.iter().filter(|f| Some(f.name) != skip) {
            if let Some(raw) = params.get(filter.name) {
                let values = raw
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| filter.value(filter.name, v, false))
                    .collect::<Result<Vec<_>, _>>()?;
                condition = match values.len() {
                    0 => condition,
                    1 => condition.add(filter.column.eq(values.into_iter().next().unwrap_or(Value::Bool(None)))),
                    _ => condition.add(filter.column.is_in(values)),
                };
            }
            if filter.range {
                let min_name = format!("{}_min", filter.name);
                let max_name = format!("{}_max", filter.name);
                if let Some(raw) = params.get(&min_name) {
                    condition = condition.add(filter.column.gte(filter.value(&min_name, raw, false)?));
                }
                if let Some(raw) = params.get(&max_name) {
                    condition = condition.add(filter.column.lte(filter.value(&max_name, raw, true)?));
                }
            }
        }
        Ok(condition)
    }

    fn apply_search(&self, select: Select<E>, params: &ListParams) -> Select<E> {
        let searchable = !self.search.is_empty() || !self.search_folded.is_empty();
        let Some(term) = params.search.as_deref().filter(|_| searchable) else { return select };
        let pattern = format!("%{}%", escape_like(&term.to_lowercase()));
        let mut any = Condition::any();
        for column in &self.search {
            let lowered = Func::lower(Expr::col((E::default(), *column)));
            any = any.add(Expr::expr(lowered).like(LikeExpr::new(pattern.clone()).escape('\\')));
        }
        for column in &self.search_folded {
            any = any.add(Expr::col((E::default(), *column)).like(LikeExpr::new(pattern.clone()).escape('\\')));
        }
        select.filter(any)
    }

    fn apply_ordering(&self, mut select: Select<E>, params: &ListParams) -> Result<Select<E>, AppError> {
        let requested = params.ordering.as_deref().unwrap_or(self.default_ordering);
        for part in requested.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, order) = match part.strip_prefix('-') {
                Some(name) => (name, Order::Desc),
                None => (part, Order::Asc),
            };
            if let Some((_, column)) = self.ordering.iter().find(|(n, _)| *n == name) {
                select = select.order_by(*column, order);
            } else if let Some((_, sql)) = self.computed_ordering.iter().find(|(n, _)| *n == name) {
                select = select.order_by(Expr::cust(*sql), order);
            } else {
                let allowed: Vec<&str> = self
                    .ordering
                    .iter()
                    .map(|(n, _)| *n)
                    .chain(self.computed_ordering.iter().map(|(n, _)| *n))
                    .collect();
                return Err(AppError::field(
                    "ordering",
                    format!("Cannot order by {name:?}; use one of: {}.", allowed.join(", ")),
                ));
            }
        }
        // A stable tie-breaker, so rows never move between pages. It runs in the direction of the last ordering,
        // so `(sort column, id)` indexes serve the whole ORDER BY in one scan, forwards or backwards.
        let direction = requested
            .split(',')
            .map(str::trim)
            .rfind(|p| !p.is_empty())
            .map_or(Order::Asc, |p| if p.starts_with('-') { Order::Desc } else { Order::Asc });
        for key in E::PrimaryKey::iter() {
            select = select.order_by(key.into_column(), direction.clone());
        }
        Ok(select)
    }

    /// Applies filters, search and ordering to `select` (already scoped to the caller's tenant).
    pub fn apply(&self, select: Select<E>, params: &ListParams) -> Result<Select<E>, AppError> {
        let select = self.apply_search(select.filter(self.condition(params, None)?), params);
        self.apply_ordering(select, params)
    }

    /// One page of `select` with the total count: two queries.
    pub async fn fetch<C: ConnectionTrait>(
        &self,
        db: &C,
        select: Select<E>,
        params: &ListParams,
    ) -> Result<ListResponse<E::Model>, AppError>
    where
        E::Model: Sync,
    {
        self.fetch_as(db, select, params, |s| s).await
    }

    /// [`ListSpec::fetch`] for a list whose rows carry a data version: the total already known (a stored counter)
    /// or remembered, and deep pages reached from a remembered anchor (see [`super::list_memo`]); what had to be
    /// computed is remembered in `memo`.
    pub async fn fetch_remembered<C: ConnectionTrait>(
        &self,
        db: &C,
        select: Select<E>,
        params: &ListParams,
        known_count: Option<u64>,
        memo: &Memo<'_>,
    ) -> Result<ListResponse<E::Model>, AppError>
    where
        E::Model: Sync,
    {
        let known_count = known_count.or_else(|| memo.count());
        let pick: &Pick<E, E::Model> = &|model, column| model.get(column);
        let page = self.fetch_inner(db, select, params, |s| s, known_count, Some((memo, pick))).await?;
        if known_count.is_none() {
            memo.remember_count(page.count);
        }
        Ok(page)
    }

    /// Like [`ListSpec::fetch`], with extra computed columns added by `extend` and rows read as `M`: still one
    /// count and one page query.
    pub async fn fetch_as<C: ConnectionTrait, M: sea_orm::FromQueryResult + Send + Sync>(
        &self,
        db: &C,
        select: Select<E>,
        params: &ListParams,
        extend: impl FnOnce(Select<E>) -> Select<E>,
    ) -> Result<ListResponse<M>, AppError>
    where
        E::Model: Sync,
    {
        self.fetch_inner(db, select, params, extend, None, None).await
    }

    async fn fetch_inner<C: ConnectionTrait, M: sea_orm::FromQueryResult + Send + Sync>(
        &self,
        db: &C,
        select: Select<E>,
        params: &ListParams,
        extend: impl FnOnce(Select<E>) -> Select<E>,
        known_count: Option<u64>,
        anchors: Option<(&Memo<'_>, &Pick<E, M>)>,
    ) -> Result<ListResponse<M>, AppError>
    where
        E::Model: Sync,
    {
        let filtered = self.apply_search(select.filter(self.condition(params, None)?), params);
        let mut ordered = self.apply_ordering(filtered.clone(), params)?;
        let count = match known_count {
            Some(count) => count,
            None => filtered.count(db).await?,
        };
        // Where the page starts: at its offset, or (with a remembered anchor of the row before it) right after
        // that row's ordering key; without one, one row early, so this page leaves the anchor for the next visit.
        let keyset = anchors.and_then(|(memo, pick)| Some((memo, pick, self.keyset(params)?)));
        let (mut offset, mut lead) = (params.offset(), 0);
        if let Some((memo, _, keyset)) = &keyset
            && offset > 0
        {
            match memo.anchor(&keyset.ordering, offset - 1) {
                Some(anchor) => (ordered, offset) = (ordered.filter(keyset.after(anchor)), 0),
                None => (offset, lead) = (offset - 1, 1),
            }
        }
        let limit = params.page_size + lead;
        let mut rows = if self.deferred(params, offset)
            && let Some(key) = E::PrimaryKey::iter().next()
        {
            // A deep (or filtered) page: find its ids through the index alone, then read only those rows, instead
            // of reading and discarding every row before the offset (or every row the filters reject).
            let ids = ordered.select_only().column(key.into_column()).offset(offset).limit(limit).into_query();
            let page = self.apply_ordering(E::find().filter(key.into_column().in_subquery(ids)), params)?;
            extend(page).into_model::<M>().all(db).await?
        } else {
            extend(ordered).offset(offset).limit(limit).into_model::<M>().all(db).await?
        };
        if let Some((memo, pick, keyset)) = keyset {
            let anchor = |row: &M| Anchor { value: pick(row, keyset.column), id: pick(row, keyset.key) };
            if lead == 1 && !rows.is_empty() {
                memo.remember_anchor(&keyset.ordering, offset, anchor(&rows.remove(0)));
            }
            if let Some(last) = rows.last() {
                memo.remember_anchor(&keyset.ordering, params.offset() + rows.len() as u64 - 1, anchor(last));
            }
        }
        let next = (params.offset() + params.page_size < count).then(|| params.link(params.page + 1));
        let previous = (params.page > 1).then(|| params.link(Ord::min(params.page - 1, last_page(count, params))));
        Ok(ListResponse::new(count, next, previous, rows))
    }

    /// The request's ordering when a page can start from an anchor: one plain column that is never NULL (a NULL
    /// would fall out of the row comparison) and a single-column primary key.
    fn keyset(&self, params: &ListParams) -> Option<Keyset<E>> {
        let ordering = params.ordering.as_deref().unwrap_or(self.default_ordering).trim();
        let (name, descending) = match ordering.strip_prefix('-') {
            Some(name) => (name, true),
            None => (ordering, false),
        };
        let column = self.ordering.iter().find(|(n, _)| *n == name)?.1;
        let mut keys = E::PrimaryKey::iter();
        let key = keys.next()?.into_column();
        (keys.next().is_none() && !column.def().is_null()).then(|| Keyset {
            ordering: ordering.to_owned(),
            column,
            key,
            descending,
        })
    }

    /// For each filter marked with options: its distinct values under the other active filters and search.
    pub async fn filter_options<C: ConnectionTrait>(
        &self,
        db: &C,
        select: Select<E>,
        params: &ListParams,
    ) -> Result<BTreeMap<String, Vec<serde_json::Value>>, AppError> {
        let mut options = BTreeMap::new();
        for filter in self.filters.iter().filter(|f| f.options) {
            let scoped = select.clone().filter(self.condition(params, Some(filter.name))?);
            let rows = self
                .apply_search(scoped, params)
                .select_only()
                .column_as(filter.column, "value")
                .distinct()
                .order_by(filter.column, Order::Asc)
                .limit(500)
                .into_json()
                .all(db)
                .await?;
            let values = rows
                .into_iter()
                .filter_map(|mut row| row.get_mut("value").map(serde_json::Value::take))
                .filter(|v| !v.is_null())
                .collect();
            options.insert(filter.name.to_owned(), values);
        }
        Ok(options)
    }
}

/// Reads a column's value from a fetched row (the page anchor's ordering key).
type Pick<E, M> = dyn Fn(&M, <E as EntityTrait>::Column) -> Value + Sync;

/// A single-column ordering with the primary key as tie-breaker, in one direction.
struct Keyset<E: EntityTrait> {
    ordering: String,
    column: E::Column,
    key: E::Column,
    descending: bool,
}

impl<E: EntityTrait> Keyset<E> {
    /// The rows after `anchor` in this ordering: `(column, id) < (value, id)` descending, `>` ascending, which an
    /// index on `(…, column, id)` answers with a seek.
    fn after(&self, anchor: Anchor) -> Expr {
        let columns = Expr::tuple([Expr::col((E::default(), self.column)), Expr::col((E::default(), self.key))]);
        let values = Expr::tuple([Expr::val(anchor.value), Expr::val(anchor.id)]);
        if self.descending { columns.lt(values) } else { columns.gt(values) }
    }
}

fn whole_number(field: &str) -> AppError {
    AppError::field(field, format!("{field} must be a whole number."))
}

fn last_page(count: u64, params: &ListParams) -> u64 {
    Ord::max(count.div_ceil(params.page_size), 1)
}

fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filtered_pages_are_deferred_only_when_asked() {
        use db::entities::keyword;
        let deferred = |spec: &ListSpec<keyword::Entity>, query: &str| {
            let params = ListParams::parse("/x", query).unwrap();
            spec.deferred(&params, params.offset())
        };
        let plain = ListSpec::<keyword::Entity>::new();
        let spec = ListSpec::<keyword::Entity>::new().defer_when_filtered(&["sector_id"]);
        assert!(!deferred(&spec, "sector_id=1&ordering=-volume&page=3"), "scope only, shallow");
        assert!(deferred(&spec, "sector_id=1&search=shoe"));
        assert!(deferred(&spec, "sector_id=1&intent=commercial"));
        assert!(!deferred(&spec, "sector_id=1&intent="), "a blank filter is off");
        assert!(!deferred(&plain, "sector_id=1&search=shoe"));
        for deferred_anyway in [&plain, &spec] {
            assert!(deferred(deferred_anyway, "page=21&page_size=50"), "deep pages always");
        }
    }

    #[test]
    fn defaults_and_limits() {
        let params = ListParams::parse("/x", "").unwrap();
        assert_eq!((params.page, params.page_size), (1, DEFAULT_PAGE_SIZE));
        assert!(ListParams::parse("/x", "page_size=201").is_err());
        assert!(ListParams::parse("/x", "page=0").is_err());
        assert!(ListParams::parse("/x", "page=two").is_err());
        assert_eq!(ListParams::parse("/x", "page_size=200").unwrap().page_size, 200);
    }

    #[test]
    fn links_keep_other_parameters() {
        let params = ListParams::parse("/api/v1/x", "search=red%20shoe&page=2&status=new").unwrap();
        assert_eq!(params.link(3), "/api/v1/x?search=red+shoe&status=new&page=3");
        assert_eq!(params.get("status"), Some("new"));
        assert_eq!(params.search.as_deref(), Some("red shoe"));
    }

    #[test]
    fn like_is_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }

    #[test]
    fn dates_parse_to_day_bounds() {
        assert_eq!(parse_time("2026-01-02", false).unwrap().to_rfc3339(), "2026-01-02T00:00:00+00:00");
        assert!(parse_time("2026-01-02", true).unwrap().to_rfc3339().starts_with("2026-01-02T23:59:59.999"));
        assert!(parse_time("yesterday", false).is_none());
    }
}
