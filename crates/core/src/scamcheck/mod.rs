//! Scam check: turns what a citizen pastes or photographs (a phone number, a
//! bank account, a link, a QR code) into one canonical key that reports can be
//! matched on, and spots web addresses that imitate official ones.
//!
//! Pure parsing and matching: no IO, no database. Every parser either returns
//! a canonical value or an error whose `Display` is English and whose
//! `message_vi()` tells a Vietnamese user what is wrong.

mod bank;
mod domain;
mod lookalike;
mod phone;
mod qr;
mod url;

pub use bank::{BANKS, Bank, BankAccount, BankError};
pub use domain::{Domain, DomainError};
pub use lookalike::{Lookalike, LookalikeDetector, Technique};
pub use phone::{PhoneError, PhoneKind, PhoneNumber};
pub use qr::{MAX_QR_IMAGE_BYTES, MAX_QR_IMAGE_SIDE, QrError, QrPayload, TransferTo, decode_qr_image};
pub use url::{CanonicalUrl, LookupExpression, MAX_URL_BYTES, UrlError};
