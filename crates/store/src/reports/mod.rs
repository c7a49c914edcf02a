//! Citizen reports (SPEC M5): intake with group commit ([`intake`]), the
//! staff's triage, assignment and closing, the reporter's side by code and
//! secret, duplicates and correlations, public statistics, and the
//! background jobs ([`jobs`]). Every staff action and every view of a
//! reporter's contact is audited.

mod duplicates;
mod files;
pub mod intake;
pub mod jobs;
mod notifications;
mod records;
mod reporters;
mod routing;
mod seal;
mod staff;
mod statistics;

pub use duplicates::*;
pub use files::FileStore;
pub use intake::{Intake, NewAttachment, NewReport, Receipt};
pub use notifications::*;
pub use records::*;
pub use routing::ReportRouting;
pub use seal::FieldKey;
pub use statistics::*;
