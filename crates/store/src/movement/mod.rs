//! The movement's registry (SPEC M2, M3): initiatives with their channels,
//! lifecycle, members and reports; people, trainings, trusted voices; plans
//! and resolutions; village activities, page posts and yearly unit reports.
//! Every write is audited and tells the targets cache what it changed.

mod activities;
pub(crate) mod corrections;
mod documents;
mod initiative_corrections;
mod initiatives;
mod people;
mod shared;

pub use activities::*;
pub use corrections::{RecordChange, Voided, changed_fields};
pub use documents::*;
pub use initiatives::*;
pub use people::*;
