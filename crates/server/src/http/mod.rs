//! The HTTP layer shared by every module: envelope, errors, extractors, list queries, middleware,
//! metrics, OpenAPI assembly and the web-app slot.

pub mod envelope;
pub mod error;
pub mod extract;
pub mod fields;
pub mod limits;
pub mod list;
pub mod list_memo;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod reference;
pub mod request_id;
pub mod retry;
pub mod tenant;
pub mod throttle;
pub mod web;

pub use envelope::{Accepted, Created, Data, ListResponse, NoContent};
pub use error::{AppError, FieldErrors};
pub use extract::{Json, Query};
pub use list::{Filter, ListParams, ListSpec};
