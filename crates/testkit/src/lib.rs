//! The test kit of Khiên Mạng: what the integration tests and the
//! benchmarks share to get a database, fill it and serve it.
//!
//! - [`db`]: a throwaway migrated store, on SQLite (a temp file) or on
//!   PostgreSQL (a fresh database per call when `KHIENMANG_TEST_DATABASE_URL`
//!   names a server).
//! - [`lists`]: the national unit lists bundled in `data/`, parsed and
//!   imported (the whole country, or only what new Bắc Ninh is made of).
//! - [`fixtures`]: units, users and initiatives written straight in the store.
//! - [`http`]: a real server on a loopback port ([`http::TestApp`]) and an
//!   API login.
//!
//! Two kinds of function. The building blocks return [`anyhow::Result`] and
//! take the actor their write is recorded under, so that a benchmark keeps
//! its own errors and audit trail. The test conveniences ([`db::fresh_store`],
//! [`lists::import_bac_ninh`], [`fixtures::create_initiative`],
//! [`http::TestApp`]) panic instead, which fails the test where it stands.
//!
//! A dev-dependency (or a benchmark's dependency) only: it never goes into
//! a production crate.

// A test kit reports a broken setup by panicking, like the tests it serves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod db;
pub mod fixtures;
pub mod http;
pub mod lists;
