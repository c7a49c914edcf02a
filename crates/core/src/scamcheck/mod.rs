//! Scam check: turns what a citizen pastes or photographs (a phone number, a
//! bank account, a link, a QR code) into one canonical key that reports can be
//! matched on, and spots web addresses that imitate official ones.
//!
//! Pure parsing and matching: no IO, no database. Every parser either returns
//! a canonical value or an error whose `Display` is English and whose
//! `message_vi()` tells a Vietnamese user what is wrong.

mod bank;
mod check;
mod domain;
pub mod feeds;
mod index;
mod lookalike;
mod official;
mod phone;
mod qr;
mod url;
mod verdict;

pub use bank::{BANKS, Bank, BankAccount, BankError, MAX_WRITTEN_CHARS};
pub use check::{MAX_QUERY_BYTES, Query, QueryError, Subject, SubjectKind};
pub use domain::{Domain, DomainError};
pub use index::{
    IndicatorEntry, IndicatorIndex, IndicatorKey, IndicatorKind, IndicatorState, UrlHit, bank_hash, phone_hash,
};
pub use lookalike::{Lookalike, LookalikeDetector, Technique};
pub use official::{MAX_OWNER_CHARS, OfficialEntry, OfficialError, OfficialKind, OfficialList};
pub use phone::{PhoneError, PhoneKind, PhoneNumber};
pub use qr::{MAX_QR_IMAGE_BYTES, MAX_QR_IMAGE_SIDE, QrError, QrPayload, TransferTo, decode_qr_image};
pub use url::{CanonicalUrl, LookupExpression, MAX_URL_BYTES, UrlError};
pub use verdict::{
    Checker, Evidence, IndicatorStatus, Outcome, Verdict, advice_vi, category_code, category_of_code, decay_score,
    lifetime,
};
