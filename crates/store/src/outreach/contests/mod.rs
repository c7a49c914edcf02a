//! Online contests (SPEC M7): the organisers' settings, question banks,
//! staff lists and prizes (every change audited), and the entrants' side:
//! one-time codes, attempts, answer sheets ([`submit`], written in batches
//! by one writer task) and the live leaderboards ([`live`]) that follow the
//! entries on every replica.
//!
//! The rules (draw, grading, deadline, ranking, codes) are those of
//! `khienmang_core::outreach::contest`. An entrant's mobile number is never
//! stored in clear: rows carry a keyed hash of it (to find a person's
//! attempts and to recognise staff), its masked form (for display) and the
//! number sealed with the field key (only the organisers' own result sheet
//! opens it, to call the winners).

mod corrections;
mod entrants;
mod keys;
mod live;
mod organisers;
mod reads;
mod records;
mod submit;

pub use corrections::{ensure_before_opening, settings_of};
pub use keys::*;
pub use live::{LiveBoards, Snapshot};
pub use organisers::*;
pub use records::*;
pub use submit::{AnswerSubmission, Submissions, SubmitOutcome, Submitted};
