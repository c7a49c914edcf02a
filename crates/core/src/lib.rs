//! Khiên Mạng domain: types and rules with no IO. Time is always a parameter:
//! only [`time::Timestamp::now`] reads the clock, and only entry points call it.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod category;
pub mod display;
pub mod import;
pub mod link;
mod macros;
pub mod movement;
pub mod org;
pub mod outreach;
pub mod reports;
pub mod scamcheck;
pub mod secret;
pub mod targets;
pub mod text;
pub mod time;

/// A civil date in Asia/Ho_Chi_Minh (the programme's calendar).
pub type Date = chrono::NaiveDate;
