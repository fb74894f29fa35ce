//! What a running AI job may use, and the two ways it fails.

use std::sync::Arc;

use jobs::JobError;
use sea_orm::DatabaseConnection;

use crate::events::Events;
use crate::security::cipher::Cipher;
use crate::storage::ImageStore;

/// What a running AI function may use.
pub struct AiDeps {
    pub db: DatabaseConnection,
    pub events: Events,
    /// The configured model, used when the catalogue names none.
    pub model: Arc<dyn ai::TextModel>,
    pub cipher: Arc<Cipher>,
    pub images: Arc<dyn ImageStore>,
}

/// A worth-retrying job error from any displayable failure (database, storage).
pub fn retry(error: impl std::fmt::Display) -> JobError {
    JobError::Retryable(error.to_string())
}

/// A job error that ends the task with `code` and the reason.
pub fn permanent(code: &str, message: impl Into<String>) -> JobError {
    JobError::Permanent { code: code.into(), message: message.into() }
}
