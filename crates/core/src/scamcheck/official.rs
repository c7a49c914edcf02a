//! Official entities, checked before any list of scams (as chongluadao and
//! eth-phishing-detect do): names under gov.vn, and the list the secretariat
//! keeps of the domains, hotlines and accounts of banks and public services,
//! each with its source. A look-alike is measured against these domains.
//!
//! The list is data: [`OfficialEntry::check`] accepts what the secretariat
//! types, and a [`Checker`](super::Checker) is built from the entries in force.

use std::collections::HashMap;

use super::bank::{BankAccount, BankError};
use super::domain::{Domain, DomainError};
use super::phone::{PhoneError, PhoneNumber};
use crate::macros::string_enum;

string_enum!(
    /// What an official entry names.
    OfficialKind {
        Domain = "domain" / "Tên miền",
        Phone = "phone" / "Số điện thoại",
        BankAccount = "bank_account" / "Tài khoản ngân hàng",
    }
);

/// The longest owner name kept ("Ngân hàng TMCP Ngoại thương Việt Nam").
pub const MAX_OWNER_CHARS: usize = 200;

/// One entry of the official list, its value written one way only: the
/// domain in ASCII lower case, the national number, or "BIN:number".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialEntry {
    pub kind: OfficialKind,
    pub value: String,
    pub owner: String,
}

/// Why an entry was refused; each names the field to correct.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficialError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Phone(#[from] PhoneError),
    #[error(transparent)]
    Bank(#[from] BankError),
    #[error("the owner is missing")]
    NoOwner,
    #[error("the owner is longer than {MAX_OWNER_CHARS} characters")]
    OwnerTooLong,
}

impl OfficialError {
    /// The form field the error belongs beside.
    pub fn field(&self) -> &'static str {
        match self {
            OfficialError::Bank(BankError::EmptyBank | BankError::UnknownBank(_)) => "bank",
            OfficialError::NoOwner | OfficialError::OwnerTooLong => "owner",
            _ => "value",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            OfficialError::Domain(e) => e.message_vi(),
            OfficialError::Phone(e) => e.message_vi(),
            OfficialError::Bank(e) => e.message_vi(),
            OfficialError::NoOwner => "Chưa nhập tên cơ quan, ngân hàng sở hữu.".to_owned(),
            OfficialError::OwnerTooLong => format!("Tên chủ sở hữu dài quá {MAX_OWNER_CHARS} ký tự."),
        }
    }
}

impl OfficialEntry {
    /// Checks an entry as typed: `value` is a domain or link, a phone number,
    /// or an account number whose bank is `bank` (a name, code or BIN).
    pub fn check(kind: OfficialKind, value: &str, bank: &str, owner: &str) -> Result<Self, OfficialError> {
        let value = match kind {
            // A name under gov.vn is official without an entry; listing it
            // still protects it from look-alikes ("vneid-gov.com").
            OfficialKind::Domain => Domain::parse(value)?.as_str().to_owned(),
            OfficialKind::Phone => national(&PhoneNumber::parse(value)?),
            OfficialKind::BankAccount => BankAccount::parse(bank, value)?.canonical(),
        };
        let owner = owner.trim();
        if owner.is_empty() {
            return Err(OfficialError::NoOwner);
        }
        if owner.chars().count() > MAX_OWNER_CHARS {
            return Err(OfficialError::OwnerTooLong);
        }
        Ok(OfficialEntry { kind, value, owner: owner.to_owned() })
    }
}

/// How a number is matched: its national form ("1900545413", "113"), or
/// its international form for a foreign number.
fn national(phone: &PhoneNumber) -> String {
    phone.national().unwrap_or_else(|| phone.e164().to_owned())
}

/// The entries in force, ready to answer "whose is this?".
#[derive(Debug, Clone, Default)]
pub struct OfficialList {
    domains: Vec<(String, String)>,
    phones: HashMap<String, String>,
    accounts: HashMap<String, String>,
}

impl OfficialList {
    pub fn new(entries: impl IntoIterator<Item = OfficialEntry>) -> OfficialList {
        let mut list = OfficialList::default();
        for e in entries {
            match e.kind {
                OfficialKind::Domain => list.domains.push((e.value, e.owner)),
                OfficialKind::Phone => {
                    list.phones.insert(e.value, e.owner);
                }
                OfficialKind::BankAccount => {
                    list.accounts.insert(e.value, e.owner);
                }
            }
        }
        list
    }

    /// The official domains, for the look-alike detector.
    pub fn domains(&self) -> impl Iterator<Item = &str> {
        self.domains.iter().map(|(d, _)| d.as_str())
    }

    /// The official domain `domain` belongs to (itself or a parent), or
    /// "gov.vn" for any state body's name.
    pub fn domain_owner(&self, domain: &Domain) -> Option<&str> {
        if domain.is_gov_vn() {
            return Some("gov.vn");
        }
        self.domains.iter().find(|(official, _)| domain.is_within(official)).map(|(d, _)| d.as_str())
    }

    /// Whose hotline a number is, if it is an official one.
    pub fn phone_owner(&self, phone: &PhoneNumber) -> Option<&str> {
        self.phones.get(&national(phone)).map(String::as_str)
    }

    /// Whose account "BIN:number" is, if it is an official one.
    pub fn account_owner(&self, bin: &str, number: &str) -> Option<&str> {
        self.accounts.get(&format!("{bin}:{number}")).map(String::as_str)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use proptest::prelude::*;

    use super::*;

    /// A few entries of the kind the secretariat keeps, for the tests of the
    /// check and its callers.
    pub(crate) fn sample() -> OfficialList {
        let entry =
            |kind, value: &str, bank: &str, owner: &str| OfficialEntry::check(kind, value, bank, owner).unwrap();
        OfficialList::new([
            entry(OfficialKind::Domain, "vietcombank.com.vn", "", "Vietcombank"),
            entry(OfficialKind::Domain, "bidv.com.vn", "", "BIDV"),
            entry(OfficialKind::Domain, "chinhphu.vn", "", "Cổng TTĐT Chính phủ"),
            entry(OfficialKind::Phone, "1900545413", "", "Vietcombank"),
            entry(OfficialKind::BankAccount, "0071 0008 88999", "VCB", "Quỹ phòng chống thiên tai tỉnh"),
        ])
    }

    #[test]
    fn banks_and_state_bodies_are_official_and_their_imitators_are_not() {
        let list = sample();
        let d = |s: &str| Domain::parse(s).unwrap();
        assert_eq!(list.domain_owner(&d("ibanking.vietcombank.com.vn")), Some("vietcombank.com.vn"));
        assert_eq!(list.domain_owner(&d("congan.bacninh.gov.vn")), Some("gov.vn"));
        assert_eq!(list.domain_owner(&d("vietcombank-hotro.com")), None);
        assert_eq!(list.domain_owner(&d("vietcombank.com.vn.login-secure.xyz")), None);
    }

    #[test]
    fn hotlines_and_accounts_are_recognised_however_written() {
        let list = sample();
        let p = |s: &str| PhoneNumber::parse(s).unwrap();
        assert_eq!(list.phone_owner(&p("1900 54 54 13")), Some("Vietcombank"));
        assert_eq!(list.phone_owner(&p("0912 345 678")), None);
        let account = BankAccount::parse("Vietcombank", "00710008-88999").unwrap();
        assert_eq!(list.account_owner(account.bank().bin, account.number()), Some("Quỹ phòng chống thiên tai tỉnh"));
    }

    #[test]
    fn a_refused_entry_names_the_field_to_correct() {
        let refused = |kind, value, bank, owner| OfficialEntry::check(kind, value, bank, owner).unwrap_err();
        assert_eq!(refused(OfficialKind::Domain, "http://", "", "X").field(), "value");
        assert_eq!(refused(OfficialKind::Phone, "1900", "", "X").field(), "value");
        assert_eq!(refused(OfficialKind::BankAccount, "0011001234567", "Ngân hàng Mặt Trăng", "X").field(), "bank");
        assert_eq!(refused(OfficialKind::Domain, "momo.vn", "", "   "), OfficialError::NoOwner);
        let long = "x".repeat(MAX_OWNER_CHARS + 1);
        assert_eq!(refused(OfficialKind::Domain, "momo.vn", "", &long).field(), "owner");
    }

    proptest! {
        /// Whatever is typed, the check answers: an entry written one way
        /// (checking it again gives itself), or an error with a message.
        #[test]
        fn any_typed_entry_is_accepted_once_and_for_all_or_refused_with_a_reason(
            kind in prop::sample::select(OfficialKind::ALL.to_vec()),
            value in "\\PC{0,40}",
            bank in prop::sample::select(vec!["", "VCB", "970436", "xyz"]),
            owner in "\\PC{0,20}",
        ) {
            match OfficialEntry::check(kind, &value, bank, &owner) {
                Ok(entry) => {
                    let bank_again = if kind == OfficialKind::BankAccount { bank } else { "" };
                    let value_again = entry.value.rsplit(':').next().unwrap_or_default().to_owned();
                    let again = OfficialEntry::check(kind, &value_again, bank_again, &entry.owner).unwrap();
                    prop_assert_eq!(again, entry);
                }
                Err(e) => prop_assert!(!e.message_vi().is_empty()),
            }
        }
    }
}
