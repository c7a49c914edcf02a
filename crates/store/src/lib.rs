//! Database access for Khiên Mạng: one schema and one set of queries for
//! SQLite (the embedded default) and PostgreSQL (production), through sqlx's
//! `Any` driver. One module per capability.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod backup;
mod caches;
mod db;
pub mod import;
pub mod limits;
pub mod movement;
pub mod org;
pub mod outreach;
pub mod reports;
pub mod scamcheck;
pub mod targets;

pub use db::{Backend, Store, StoreError, WriteTx};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
