//! The integration suite: one test binary. Every test runs on SQLite by
//! default and on PostgreSQL when `KHIENMANG_TEST_DATABASE_URL` points at a
//! server (each test then gets a fresh database of its own).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod accounts;
mod admin;
mod audit;
mod auth;
mod backup;
mod boundaries;
mod contests;
mod corrections;
mod crash;
mod evaluation;
mod figures;
mod forms;
mod home;
mod import;
mod limits;
mod links;
mod movement;
mod onboarding;
mod open311;
mod org;
mod outreach;
mod outreach_corrections;
mod people_corrections;
mod records;
mod reports;
mod reviews;
mod scamcheck;
mod survey_builder;
mod target_patches;
mod targets;
mod test_databases;
mod uploads;
mod village_codes;
mod work;
mod write_scope;
