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
mod people_corrections;
mod people_lists;
mod record_corrections;
mod shared;

pub use activities::*;
pub(crate) use corrections::voided_of;
pub use corrections::{RecordChange, Voided, changed_fields};
pub use documents::*;
pub use initiatives::*;
pub use people::*;
pub use people_lists::{ListFilter, Paged};
pub use record_corrections::Attachment;

pub(crate) use people::fold_stored_names;
