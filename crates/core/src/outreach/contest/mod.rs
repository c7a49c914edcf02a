//! Online contests on the law ("cuộc thi trực tuyến tìm hiểu pháp luật", SPEC
//! M7).
//!
//! A contest draws N questions from a bank for each attempt, shuffles their
//! answers, gives the entrant a time limit that only the server's clock
//! enforces, asks a prediction question ("how many people will answer every
//! question correctly?") and ranks entries by score, then closeness of the
//! prediction, then time taken, then who submitted first. Entrants are known
//! by their mobile number, verified by a one-time code sent by SMS; each may
//! try a limited number of times per period, and only their best attempt is
//! on the leaderboard. Staff of the organising body may not take part.
//!
//! Nothing here reads the clock or a random source: instants, seeds and
//! random bytes are arguments, so every rule is tested exactly.

mod attempts;
mod draw;
mod entrants;
mod grading;
mod otp;
mod questions;
mod ranking;
mod results;
mod rules;
mod sms;

pub use attempts::*;
pub use draw::*;
pub use entrants::*;
pub use grading::*;
pub use otp::*;
pub use questions::*;
pub use ranking::*;
pub use results::*;
pub use rules::*;
pub use sms::*;

#[cfg(test)]
mod tests;
