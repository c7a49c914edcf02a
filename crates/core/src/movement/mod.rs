//! The movement's registries (SPEC M2, M3), as pure rules:
//!
//! - [`channel`]: a channel's link (Facebook, Zalo, TikTok, YouTube,
//!   Telegram, Viber, any website) reduced to one key however it is written,
//!   so that the same channel cannot be registered twice (one guiding unit
//!   per channel, document 5.2);
//! - [`initiative`]: an initiative's classifications (I.1.3.3) and thematic
//!   focus, its three criteria (I.1.3.1) and its dated lifecycle;
//! - [`checks`] and [`record`]: the checks of what a user types, pure
//!   functions returning a checked value the store writes;
//! - [`corrections`]: the records that can be corrected or voided, and why;
//! - [`document`]: plans and thematic resolutions;
//! - [`entries`]: the checks of a plan or resolution, a village activity
//!   and a page post, on entry and on correction;
//! - [`people`]: a person with a role, a training, a trusted voice and the
//!   dated consent that decides from when they count;
//! - [`members`]: the bulk lists of an initiative's members (households
//!   de-duplicated by a key, for target 2.9c) and of people with a role
//!   (training, outreach officers, staff), with their Excel templates.

pub mod channel;
pub mod checks;
pub mod corrections;
pub mod document;
pub mod entries;
pub mod initiative;
pub mod members;
pub mod people;
pub mod record;

pub use channel::{Channel, ChannelError, MAX_CHANNEL_CHARS, Platform};
pub use checks::{InputError, Problem};
pub use corrections::{ChangeAction, RecordKind, VoidReason};
pub use document::DocumentKind;
pub use entries::{ActivityFields, CheckedActivity, CheckedDocument, CheckedPost, DocumentFields, PostFields};
pub use initiative::{
    CRITERIA_VI, ContentKind, Criteria, Focus, LeaderKind, ParticipantKind, Stage, TransitionError, check_transition,
};
pub use members::{
    MEMBER_COLUMNS, MemberRecord, MembersReport, PEOPLE_COLUMNS, PeopleReport, PersonRecord, TemplateVillage,
    household_key, members_template_for_xlsx, members_template_xlsx, parse_members, parse_people, people_template_xlsx,
};
pub use people::{
    CheckedPersonFields, CheckedTrainingFields, CheckedVoiceFields, PersonFields, TrainingFields, VoiceFields,
    counted_enlistments, enlistment,
};
pub use record::{CheckedInitiative, CheckedInitiativeFields, InitiativeFields, InitiativeInput};
