//! One integration-test binary for the server crate. Every test body runs on SQLite and, when
//! `IGNY8_TEST_DATABASE_URL` is set (always in CI), on a fresh PostgreSQL database.

mod account;
mod ai;
mod ai_settings;
mod auth;
mod cli;
mod clusters;
mod credits;
mod errors;
mod fixtures;
mod health;
mod helpers;
mod ideas;
mod images;
mod integrations;
mod isolation;
mod keywords;
mod library;
mod list;
mod migrations;
mod modules;
mod notifications;
mod relay;
mod security;
mod sites;
mod smtp;
mod tasks;
mod widgets;
mod writer;
