//! What every AI job shares, in one place: calling a text model for JSON with one repair retry ([`call`]),
//! choosing the model and its price ([`models`], [`images`]), charging the ledger once per job ([`charge`]),
//! keyword embeddings ([`embeddings`]), the Offline provider's built-in answers ([`offline`]) and the [`job`]
//! helper that turns an AI function into a job kind.
//!
//! The functions themselves live in the feature modules that own the rows they write (a job handler's input is a
//! typed struct in that module's `dto.rs`, and it saves through that module's service); `worker.rs` registers
//! them. Nothing here names `AppState` or a feature module.

pub mod call;
pub mod charge;
pub mod configured;
pub mod deps;
pub mod embeddings;
pub mod images;
pub mod job;
pub mod models;
pub mod offline;

pub use call::{Answer, Spend, call_json, call_json_checked};
pub use charge::{already_saved, begin_save, charge_job, ensure_held};
pub use deps::{AiDeps, permanent, retry};
pub use job::{AiJob, handler};
pub use models::text_plan;
