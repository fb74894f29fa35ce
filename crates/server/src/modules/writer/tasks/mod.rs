//! Writer tasks: what to write, by hand or converted from planner ideas.

pub mod dto;
pub mod routes;
pub mod service;
