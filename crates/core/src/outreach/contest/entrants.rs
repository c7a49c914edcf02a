//! Entrants: the person key an entrant is known by (their mobile number) and
//! who may not take part.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::scamcheck::{PhoneError, PhoneKind, PhoneNumber};

/// An entrant's identity: their Vietnamese mobile number in E.164 form.
/// "0912 345 678" and "+84 912345678" are the same person, so attempt
/// limits cannot be dodged by typing the number differently.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonKey(String);

/// Why a number cannot identify an entrant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntrantPhoneError {
    #[error(transparent)]
    Phone(#[from] PhoneError),
    #[error("not a Vietnamese mobile number")]
    NotMobile,
}

impl EntrantPhoneError {
    pub fn message_vi(&self) -> String {
        match self {
            EntrantPhoneError::Phone(e) => e.message_vi(),
            EntrantPhoneError::NotMobile => {
                "Hãy nhập số điện thoại di động tại Việt Nam để nhận mã xác thực qua tin nhắn.".into()
            }
        }
    }
}

impl PersonKey {
    /// Parses a number as typed; only Vietnamese mobiles can receive the
    /// verification code.
    pub fn parse(input: &str) -> Result<PersonKey, EntrantPhoneError> {
        PersonKey::from_phone(&PhoneNumber::parse(input)?)
    }

    pub fn from_phone(phone: &PhoneNumber) -> Result<PersonKey, EntrantPhoneError> {
        match phone.kind() {
            PhoneKind::Mobile => Ok(PersonKey(phone.e164().to_owned())),
            _ => Err(EntrantPhoneError::NotMobile),
        }
    }

    /// "+84912345678".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "091****678": enough for the entrant to recognise their number on a
    /// public leaderboard or in a log, not enough to call it.
    pub fn masked(&self) -> String {
        let national = match self.0.strip_prefix("+84") {
            Some(rest) => format!("0{rest}"),
            None => self.0.clone(),
        };
        let chars: Vec<char> = national.chars().collect();
        if chars.len() <= 6 {
            return "*".repeat(chars.len());
        }
        let (head, tail) = (3, 3);
        chars.iter().enumerate().map(|(i, c)| if i < head || i >= chars.len() - tail { *c } else { '*' }).collect()
    }
}

impl fmt::Display for PersonKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why someone may not enter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ineligible {
    #[error("staff of the organising body cannot take part")]
    OrganiserStaff,
}

impl Ineligible {
    pub fn message_vi(&self) -> String {
        match self {
            Ineligible::OrganiserStaff => {
                "Cán bộ của cơ quan tổ chức cuộc thi không được tham gia dự thi, để bảo đảm khách quan.".into()
            }
        }
    }
}

/// The organisers wrote the questions: their staff are kept out. The set
/// holds the staff's numbers as [`PersonKey`]s, so formatting cannot slip
/// a staff member through.
pub fn check_eligibility(person: &PersonKey, organiser_staff: &BTreeSet<PersonKey>) -> Result<(), Ineligible> {
    if organiser_staff.contains(person) { Err(Ineligible::OrganiserStaff) } else { Ok(()) }
}
