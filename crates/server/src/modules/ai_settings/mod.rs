//! AI settings: the model catalogue and provider credentials (platform staff), per-function model choice, and
//! prompt templates (global defaults, per-account overrides). Routes live under `/api/v1/system/`.

pub mod catalogue;
pub mod dto;
pub mod functions;
pub mod prompt_specs;
pub mod prompts;
pub mod routes;
pub mod seed;

pub use routes::routes;
