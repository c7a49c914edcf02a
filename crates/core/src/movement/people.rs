//! The people registries' checks (SPEC M3), as pure functions shared by a
//! registration and a correction: a person with a role, a training session,
//! a trusted voice with the date they consented to cooperate. Once a caller
//! holds a `Checked…` value its text is trimmed and bounded and its years
//! are in range and in order.
//!
//! Consent is dated: a voice who consents later counts as enlisted (target
//! 2.8) only from the year of that date ([`counted_enlistments`]), and is
//! enlisted for no year before it ([`enlistment`]).

use chrono::Datelike;
use serde::Serialize;

use super::checks::{InputError, Problem, count, optional, required, year, year_span};
use crate::Date;
use crate::targets::PersonRole;

/// What a user may correct in a person's registration (the unit is checked
/// against the scope by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonFields {
    pub full_name: String,
    pub role: PersonRole,
    pub position: Option<String>,
    pub registered_from: i32,
    pub registered_to: Option<i32>,
}

/// [`PersonFields`] that passed [`PersonFields::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedPersonFields(PersonFields);

impl std::ops::Deref for CheckedPersonFields {
    type Target = PersonFields;
    fn deref(&self) -> &PersonFields {
        &self.0
    }
}

impl PersonFields {
    /// The name required (≤ 500 characters), the position trimmed, the years
    /// on the registry in range and in order.
    pub fn check(self) -> Result<CheckedPersonFields, InputError> {
        let full_name = required("full_name", &self.full_name)?;
        year_span("registered_from", self.registered_from, "registered_to", self.registered_to)?;
        Ok(CheckedPersonFields(PersonFields { full_name, position: optional(self.position.as_deref()), ..self }))
    }
}

/// What a user may correct in a training session (its unit and attendees
/// are checked against the scope by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingFields {
    pub title: String,
    pub held_on: Date,
    pub place: Option<String>,
}

/// [`TrainingFields`] that passed [`TrainingFields::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedTrainingFields(TrainingFields);

impl std::ops::Deref for CheckedTrainingFields {
    type Target = TrainingFields;
    fn deref(&self) -> &TrainingFields {
        &self.0
    }
}

impl TrainingFields {
    /// The title required, the place trimmed, the day's year in range.
    pub fn check(self) -> Result<CheckedTrainingFields, InputError> {
        let title = required("training_title", &self.title)?;
        year("held_on", self.held_on.year())?;
        Ok(CheckedTrainingFields(TrainingFields { title, place: optional(self.place.as_deref()), ..self }))
    }
}

/// What a user may correct in a trusted voice's registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoiceFields {
    pub full_name: String,
    pub in_province: bool,
    pub channels: Option<String>,
    pub audience: Option<i64>,
    /// The day the voice consented to cooperate; `None` while they have not.
    pub consent_on: Option<Date>,
    pub registered_from: i32,
}

/// [`VoiceFields`] that passed [`VoiceFields::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedVoiceFields(VoiceFields);

impl std::ops::Deref for CheckedVoiceFields {
    type Target = VoiceFields;
    fn deref(&self) -> &VoiceFields {
        &self.0
    }
}

impl VoiceFields {
    /// The name required, the channels trimmed, the audience not negative,
    /// the year registered and the consent's year in range.
    pub fn check(self) -> Result<CheckedVoiceFields, InputError> {
        let full_name = required("full_name", &self.full_name)?;
        year("registered_from", self.registered_from)?;
        if let Some(a) = self.audience {
            count("audience", a)?;
        }
        if let Some(on) = self.consent_on {
            year("consent_on", on.year())?;
        }
        Ok(CheckedVoiceFields(VoiceFields { full_name, channels: optional(self.channels.as_deref()), ..self }))
    }
}

/// A voice is enlisted for `year` only with their consent given by then
/// (in that year or before).
pub fn enlistment(year_enlisted: i32, consent_on: Option<Date>) -> Result<i32, InputError> {
    year("year", year_enlisted)?;
    match consent_on {
        Some(on) if on.year() <= year_enlisted => Ok(year_enlisted),
        Some(_) => Err(InputError::new("year", Problem::BeforeConsent)),
        None => Err(InputError::new("consent", Problem::NoConsent)),
    }
}

/// The years of `enlisted` the targets count: those from the consent's year
/// on, none without consent (withdrawn by a correction, or never given).
pub fn counted_enlistments(enlisted: &[i32], consent_on: Option<Date>) -> Vec<i32> {
    match consent_on {
        Some(on) => enlisted.iter().copied().filter(|y| *y >= on.year()).collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_person_is_trimmed_and_their_years_in_order() {
        let p = PersonFields {
            full_name: "  Nguyễn Văn An ".into(),
            role: PersonRole::LegalReporter,
            position: Some("  ".into()),
            registered_from: 2025,
            registered_to: None,
        };
        let c = p.clone().check().unwrap();
        assert_eq!((c.full_name.as_str(), c.position.clone()), ("Nguyễn Văn An", None));
        let backwards = PersonFields { registered_to: Some(2024), ..p.clone() };
        assert_eq!(backwards.check().unwrap_err().field, "registered_to");
        let unnamed = PersonFields { full_name: " ".into(), ..p };
        assert_eq!(unnamed.check().unwrap_err().message_vi(), "Chưa nhập họ và tên.");
    }

    #[test]
    fn a_training_needs_a_title_and_a_day_in_range() {
        let t = TrainingFields { title: " Tập huấn ".into(), held_on: d("2026-03-10"), place: None };
        assert_eq!(t.clone().check().unwrap().title, "Tập huấn");
        let untitled = TrainingFields { title: String::new(), ..t.clone() };
        assert_eq!(untitled.check().unwrap_err().field, "training_title");
        let ancient = TrainingFields { held_on: d("1990-01-01"), ..t };
        assert_eq!(ancient.check().unwrap_err().problem, Problem::YearOutOfRange);
    }

    #[test]
    fn a_voice_refuses_a_negative_audience() {
        let v = VoiceFields {
            full_name: "Nghệ sĩ".into(),
            in_province: true,
            channels: None,
            audience: Some(-1),
            consent_on: None,
            registered_from: 2026,
        };
        assert_eq!(v.check().unwrap_err().field, "audience");
    }

    #[test]
    fn consent_given_later_counts_from_its_year() {
        let later = Some(d("2026-05-20"));
        assert_eq!(enlistment(2026, later).unwrap(), 2026);
        assert_eq!(enlistment(2025, later).unwrap_err().problem, Problem::BeforeConsent);
        assert_eq!(enlistment(2026, None).unwrap_err().problem, Problem::NoConsent);
        assert_eq!(counted_enlistments(&[2024, 2025, 2026, 2027], later), vec![2026, 2027]);
        assert!(counted_enlistments(&[2026], None).is_empty());
    }

    proptest! {
        #[test]
        fn only_years_from_the_consent_are_counted(years in proptest::collection::vec(2020i32..2032, 0..8), c in 2020i32..2032) {
            let on = Date::from_ymd_opt(c, 6, 15).unwrap();
            let counted = counted_enlistments(&years, Some(on));
            prop_assert!(counted.iter().all(|y| *y >= c));
            prop_assert_eq!(counted.len(), years.iter().filter(|y| **y >= c).count());
            for y in &years {
                prop_assert_eq!(enlistment(*y, Some(on)).is_ok(), *y >= c);
            }
        }
    }
}
