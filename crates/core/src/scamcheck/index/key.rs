//! Indicator keys and their hashes: the canonical text of a phone, bank
//! account or link expression, and the SHA-256 the index is keyed by.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::scamcheck::bank::BankAccount;
use crate::scamcheck::domain::Domain;
use crate::scamcheck::phone::PhoneNumber;
use crate::scamcheck::url::LookupExpression;

/// What kind of thing an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndicatorKind {
    Phone,
    BankAccount,
    Url,
}

impl IndicatorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Phone => "phone",
            IndicatorKind::BankAccount => "bank_account",
            IndicatorKind::Url => "url",
        }
    }
}

/// The canonical key of an indicator, which is also exactly the text its
/// hash is taken of: "tel:+84912345678", "bank:970436:0011001234567", or a
/// Safe Browsing expression such as "evil.com/login" ("evil.com/" for a
/// whole domain).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndicatorKey {
    pub(super) kind: IndicatorKind,
    pub(super) text: String,
}

const PHONE_PREFIX: &str = "tel:";
const BANK_PREFIX: &str = "bank:";

impl IndicatorKey {
    pub fn phone(phone: &PhoneNumber) -> Self {
        IndicatorKey { kind: IndicatorKind::Phone, text: format!("{PHONE_PREFIX}{}", phone.e164()) }
    }

    pub fn bank(account: &BankAccount) -> Self {
        IndicatorKey { kind: IndicatorKind::BankAccount, text: format!("{BANK_PREFIX}{}", account.canonical()) }
    }

    /// One host-suffix/path-prefix expression of a URL.
    pub fn expression(expression: &LookupExpression) -> Self {
        IndicatorKey { kind: IndicatorKind::Url, text: expression.as_str().to_owned() }
    }

    /// A whole domain and its subdomains: the expression "host/", which
    /// every URL on the domain looks up.
    pub fn domain(domain: &Domain) -> Self {
        IndicatorKey { kind: IndicatorKind::Url, text: format!("{}/", domain.as_str()) }
    }

    /// A key read back from storage (the text of [`IndicatorKey::as_str`]).
    /// No canonical expression starts with "tel:" or "bank:" (a canonical
    /// host has no ':'), so the prefix tells the kind.
    pub fn from_stored(text: &str) -> Self {
        let kind = if text.starts_with(PHONE_PREFIX) {
            IndicatorKind::Phone
        } else if text.starts_with(BANK_PREFIX) {
            IndicatorKind::BankAccount
        } else {
            IndicatorKind::Url
        };
        IndicatorKey { kind, text: text.to_owned() }
    }

    pub fn kind(&self) -> IndicatorKind {
        self.kind
    }

    /// A link key's host ("evil.com" of "evil.com/login"), for
    /// [`IndicatorIndex::with_link_hosts`]; `None` for phones and accounts.
    pub fn link_host(&self) -> Option<&str> {
        (self.kind == IndicatorKind::Url).then(|| self.text.split('/').next().unwrap_or_default())
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// SHA-256 of [`IndicatorKey::as_str`].
    pub fn hash(&self) -> [u8; 32] {
        sha256_of(&[&self.text])
    }
}

impl fmt::Display for IndicatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The hash of [`IndicatorKey::phone`] without building the key text.
pub fn phone_hash(phone: &PhoneNumber) -> [u8; 32] {
    sha256_of(&[PHONE_PREFIX, phone.e164()])
}

/// The hash of [`IndicatorKey::bank`] without building the key text.
pub fn bank_hash(account: &BankAccount) -> [u8; 32] {
    sha256_of(&[BANK_PREFIX, account.bank().bin, ":", account.number()])
}

/// SHA-256 of the concatenated `parts`. Keys of up to 55 bytes (every
/// phone and account, most link expressions) fit one padded block, which
/// is compressed directly: about 15% faster than the streaming hasher (some
/// 60 ns per key against 70 here), whose buffering weighs on short input.
pub(super) fn sha256_of(parts: &[&str]) -> [u8; 32] {
    /// The initial hash value (FIPS 180-4, 5.3.3).
    const H0: [u32; 8] =
        [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len > 55 {
        return parts.iter().fold(Sha256::new(), |h, p| h.chain_update(p)).finalize().into();
    }
    // The message, 0x80, zeros, and its length in bits in the last 8 bytes.
    let mut block = [0u8; 64];
    let mut at = 0;
    for p in parts {
        if let Some(dst) = block.get_mut(at..at + p.len()) {
            dst.copy_from_slice(p.as_bytes());
        }
        at += p.len();
    }
    block[len] = 0x80;
    block[56..].copy_from_slice(&(len as u64 * 8).to_be_bytes());
    let mut state = H0;
    sha2::compress256(&mut state, &[block.into()]);
    let mut out = [0u8; 32];
    for (o, word) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&word.to_be_bytes());
    }
    out
}
