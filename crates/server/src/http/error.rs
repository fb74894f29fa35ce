//! `AppError`: every failure a handler can return, each with an HTTP status, a stable `code` and a message
//! written for users. Internal causes are logged with the request id and never sent to the client.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

use super::request_id;

/// Marks a response whose request failed only because its database connection was lost (`http::retry` runs such a
/// request once more when that is harmless).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLostMark;

/// Messages per field, as in `{"errors": {"email": ["Enter a valid email address."]}}`.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400 with per-field messages.
    #[error("{message}")]
    Validation { message: String, errors: FieldErrors },
    /// 400 for a request that is malformed as a whole (bad JSON, unreadable body).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// 401: no credentials, or credentials that are wrong or expired.
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    /// 403: the caller is known but may not do this.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// 403 `PLAN_LIMIT`: creating this would pass a limit of the account's plan.
    #[error("{message}")]
    PlanLimit { message: String, limit: &'static str, plan: String, max: i64 },
    /// 404; also what another tenant's row looks like (no existence oracle).
    #[error("{0}")]
    NotFound(String),
    /// 409: a duplicate, or an action not allowed in the current state.
    #[error("{message}")]
    Conflict { message: String, field: Option<String> },
    /// 402: the account lacks the credits this needs.
    #[error("Not enough credits: {required} required, {available} available.")]
    InsufficientCredits { required: i64, available: i64 },
    /// 413.
    #[error("Request body is too large.")]
    PayloadTooLarge,
    /// 422: the body parses but cannot be acted upon.
    #[error("{message}")]
    Unprocessable { message: String, errors: FieldErrors },
    /// 429 with `Retry-After`.
    #[error("Too many requests; try again in {retry_after_secs} s.")]
    RateLimited { retry_after_secs: u64, limit: u32 },
    /// 502: a model provider or a publishing target failed.
    #[error("{message}")]
    Upstream { message: String },
    /// Any other status, for the framework's own refusals (405, 408, 415, 503…).
    #[error("{message}")]
    Status { status: StatusCode, code: &'static str, message: String },
    /// 503 `DATABASE_UNAVAILABLE`: the database connection was lost mid-request (a restart, a failover). Idempotent
    /// requests are tried once more on a fresh connection before a client sees it (`http::retry`).
    #[error("The database connection was lost; try again in a moment.")]
    ConnectionLost(#[source] DbErr),
    /// 500: a bug or an outage; the cause goes to the log only.
    #[error("Internal server error.")]
    Internal(#[source] anyhow::Error),
}

/// The error envelope (also its OpenAPI schema).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// A message for users.
    pub error: String,
    /// A stable machine-readable code: `VALIDATION_ERROR`, `NOT_FOUND`, `PLAN_LIMIT`, …
    pub code: String,
    /// Messages per field, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<FieldErrors>,
    /// Error-specific details (`required`/`available` for 402, `limit`/`plan`/`max` for PLAN_LIMIT).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
    pub request_id: String,
}

impl AppError {
    /// A 400 naming one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut errors = FieldErrors::new();
        errors.insert(field.into(), vec![message.clone()]);
        Self::Validation { message, errors }
    }

    /// A 400 with every field's messages; the top-level message lists them all.
    pub fn fields(errors: FieldErrors) -> Self {
        let message = errors.iter().map(|(k, v)| format!("{k}: {}", v.join(" "))).collect::<Vec<_>>().join("; ");
        Self::Validation { message, errors }
    }

    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what} not found."))
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }

    /// The envelope for a bare status (used for the framework's own error responses).
    pub fn from_status(status: StatusCode, message: Option<String>) -> Self {
        let code = code_for_status(status);
        let message = message.filter(|m| !m.is_empty()).unwrap_or_else(|| default_message(status).into());
        match status {
            StatusCode::NOT_FOUND => Self::NotFound(message),
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge,
            _ => Self::Status { status, code, message },
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation { .. } | Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } | Self::PlanLimit { .. } => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::InsufficientCredits { .. } => StatusCode::PAYMENT_REQUIRED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Upstream { .. } => StatusCode::BAD_GATEWAY,
            Self::Status { status, .. } => *status,
            Self::ConnectionLost(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "VALIDATION_ERROR",
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Status { code, .. } => code,
            Self::PlanLimit { .. } => "PLAN_LIMIT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Conflict { .. } => "CONFLICT",
            Self::InsufficientCredits { .. } => "INSUFFICIENT_CREDITS",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::Unprocessable { .. } => "UNPROCESSABLE",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Upstream { .. } => "UPSTREAM_ERROR",
            Self::ConnectionLost(_) => "DATABASE_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL_ERROR",
        }
    }

    fn body(&self) -> ErrorBody {
        let mut details = serde_json::Map::new();
        let errors = match self {
            Self::Validation { errors, .. } | Self::Unprocessable { errors, .. } => Some(errors.clone()),
            Self::Conflict { field: Some(field), message } => {
                Some(FieldErrors::from([(field.clone(), vec![message.clone()])]))
            }
            _ => None,
        };
        match self {
            Self::InsufficientCredits { required, available } => {
                details.insert("required".into(), (*required).into());
                details.insert("available".into(), (*available).into());
            }
            Self::PlanLimit { limit, plan, max, .. } => {
                details.insert("limit".into(), (*limit).into());
                details.insert("plan".into(), plan.clone().into());
                details.insert("max".into(), (*max).into());
            }
            Self::RateLimited { retry_after_secs, .. } => {
                details.insert("retry_after".into(), (*retry_after_secs).into());
            }
            _ => {}
        }
        ErrorBody {
            success: false,
            error: self.to_string(),
            code: self.code().to_owned(),
            errors,
            details: (!details.is_empty()).then_some(details),
            request_id: request_id::current(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(source) = &self {
            tracing::error!(error = format!("{source:#}"), "internal error");
        }
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let Self::ConnectionLost(source) = &self {
            tracing::warn!(error = %source, "database connection lost during a request");
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(1u32));
            response.extensions_mut().insert(ConnectionLostMark);
        }
        if let Self::RateLimited { retry_after_secs, limit } = self {
            let headers = response.headers_mut();
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            headers.insert("x-throttle-limit", HeaderValue::from(limit));
            headers.insert("x-throttle-remaining", HeaderValue::from(0u32));
            headers.insert("x-throttle-reset", HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl From<DbErr> for AppError {
    fn from(error: DbErr) -> Self {
        if db::lost::is_connection_lost(&error) {
            return Self::ConnectionLost(error);
        }
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => Self::Conflict {
                message: "An object with these values already exists.".into(),
                field: unique_field(&detail),
            },
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                Self::Conflict { message: "A related object is missing or still in use.".into(), field: None }
            }
            _ => Self::Internal(error.into()),
        }
    }
}

/// Names the field of a unique violation: SQLite says `UNIQUE constraint failed: sites.slug`; PostgreSQL
/// names the index, which our migrations call `uq__<table>__<column>`.
fn unique_field(detail: &str) -> Option<String> {
    if let Some(rest) = detail.split("UNIQUE constraint failed: ").nth(1) {
        let last = rest.split(',').next_back()?.trim();
        return last.rsplit('.').next().map(str::to_owned);
    }
    let start = detail.find("uq__")?;
    let name: String = detail[start..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    name.rsplit("__").next().filter(|s| !s.is_empty()).map(str::to_owned)
}

pub fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        408 => "REQUEST_TIMEOUT",
        409 => "CONFLICT",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        422 => "UNPROCESSABLE",
        429 => "RATE_LIMITED",
        503 => "SERVICE_UNAVAILABLE",
        500..=599 => "INTERNAL_ERROR",
        _ => "ERROR",
    }
}

fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 => "Not found.",
        405 => "Method not allowed.",
        408 => "The request took too long and was stopped.",
        415 => "Unsupported media type.",
        503 => "Service unavailable.",
        _ => status.canonical_reason().unwrap_or("Error."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_field_from_both_backends() {
        assert_eq!(unique_field("UNIQUE constraint failed: sites.slug").as_deref(), Some("slug"));
        assert_eq!(unique_field("UNIQUE constraint failed: sectors.site_id, sectors.name").as_deref(), Some("name"));
        assert_eq!(
            unique_field("duplicate key value violates unique constraint \"uq__sites__slug\"").as_deref(),
            Some("slug")
        );
        assert_eq!(unique_field("something else"), None);
    }

    #[test]
    fn details_are_flattened() {
        let body = AppError::InsufficientCredits { required: 12, available: 3 }.body();
        let json = serde_json::to_value(body).unwrap();
        assert_eq!(json["required"], 12);
        assert_eq!(json["available"], 3);
        assert_eq!(json["code"], "INSUFFICIENT_CREDITS");
        assert_eq!(json["success"], false);
    }
}
