//! `tasks`: the API over job records: status, structured progress, result, error; a live event stream
//! per task; cancellation.

pub mod dto;
mod routes;
pub mod service;

pub use routes::routes;
pub use service::TaskFeed;
