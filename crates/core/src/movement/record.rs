//! An initiative as a user enters it, and the checked value the store
//! writes: [`InitiativeInput::check`] for a registration,
//! [`InitiativeFields::check`] for a correction (the same rules; only the
//! registration chooses the first stage). Once a caller holds a
//! [`CheckedInitiative`] or [`CheckedInitiativeFields`], the text is trimmed
//! and bounded, the focus is not empty and the stage is a first one.

use serde::Serialize;

use super::checks::{InputError, Problem, optional, required};
use super::initiative::{ContentKind, Focus, LeaderKind, ParticipantKind, Stage};
use crate::Date;
use crate::org::UnitId;

/// What a user may correct in an initiative: everything but its unit and
/// its lifecycle (a stage is moved, not edited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InitiativeFields {
    pub name: String,
    pub leader_name: Option<String>,
    pub participant_kind: ParticipantKind,
    pub leader_kind: LeaderKind,
    pub content_kind: ContentKind,
    pub focus: Vec<Focus>,
    /// The three criteria of I.1.3.1, in the document's order.
    pub criteria: [bool; 3],
    pub description: Option<String>,
}

/// [`InitiativeFields`] that passed [`InitiativeFields::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedInitiativeFields(InitiativeFields);

impl std::ops::Deref for CheckedInitiativeFields {
    type Target = InitiativeFields;
    fn deref(&self) -> &InitiativeFields {
        &self.0
    }
}

impl InitiativeFields {
    /// The name required (≤ 500 characters), texts trimmed, at least one
    /// focus (each once, in the document's order).
    pub fn check(self) -> Result<CheckedInitiativeFields, InputError> {
        let name = required("name", &self.name)?;
        if self.focus.is_empty() {
            return Err(InputError::new("focus", Problem::NoFocus));
        }
        let focus = Focus::ALL.iter().copied().filter(|f| self.focus.contains(f)).collect();
        Ok(CheckedInitiativeFields(InitiativeFields {
            name,
            leader_name: optional(self.leader_name.as_deref()),
            description: optional(self.description.as_deref()),
            focus,
            ..self
        }))
    }
}

/// What a new initiative is registered with.
#[derive(Debug, Clone)]
pub struct InitiativeInput {
    pub unit: UnitId,
    pub name: String,
    pub leader_name: Option<String>,
    pub participant_kind: ParticipantKind,
    pub leader_kind: LeaderKind,
    pub content_kind: ContentKind,
    pub focus: Vec<Focus>,
    /// The three criteria of I.1.3.1, in the document's order.
    pub criteria: [bool; 3],
    pub description: Option<String>,
    /// The first stage (proposed or active) and its date.
    pub stage: Stage,
    pub since: Date,
}

/// An [`InitiativeInput`] that passed [`InitiativeInput::check`].
#[derive(Debug, Clone)]
pub struct CheckedInitiative {
    unit: UnitId,
    stage: Stage,
    since: Date,
    fields: CheckedInitiativeFields,
}

impl CheckedInitiative {
    pub fn unit(&self) -> UnitId {
        self.unit
    }
    pub fn stage(&self) -> Stage {
        self.stage
    }
    pub fn since(&self) -> Date {
        self.since
    }
    pub fn fields(&self) -> &CheckedInitiativeFields {
        &self.fields
    }
}

impl InitiativeInput {
    /// The fields' checks, and a first stage that is proposed or active.
    pub fn check(self) -> Result<CheckedInitiative, InputError> {
        if !matches!(self.stage, Stage::Proposed | Stage::Active) {
            return Err(InputError::new("stage", Problem::FirstStage));
        }
        let fields = InitiativeFields {
            name: self.name,
            leader_name: self.leader_name,
            participant_kind: self.participant_kind,
            leader_kind: self.leader_kind,
            content_kind: self.content_kind,
            focus: self.focus,
            criteria: self.criteria,
            description: self.description,
        }
        .check()?;
        Ok(CheckedInitiative { unit: self.unit, stage: self.stage, since: self.since, fields })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use proptest::prelude::*;

    use super::*;

    fn input() -> InitiativeInput {
        InitiativeInput {
            unit: UnitId(7),
            name: "  Tổ Zalo phòng chống lừa đảo ".into(),
            leader_name: Some("   ".into()),
            participant_kind: ParticipantKind::LocalityLinked,
            leader_kind: LeaderKind::Other,
            content_kind: ContentKind::Awareness,
            focus: vec![Focus::Drugs, Focus::AntiFraud, Focus::Drugs],
            criteria: [true, false, true],
            description: Some(" mô tả ".into()),
            stage: Stage::Active,
            since: Date::from_ymd_opt(2025, 3, 1).unwrap(),
        }
    }

    #[test]
    fn a_registration_is_trimmed_and_its_focus_ordered_once() {
        let c = input().check().unwrap();
        assert_eq!(c.fields().name, "Tổ Zalo phòng chống lừa đảo");
        assert_eq!(c.fields().leader_name, None);
        assert_eq!(c.fields().description.as_deref(), Some("mô tả"));
        assert_eq!(c.fields().focus, vec![Focus::AntiFraud, Focus::Drugs]);
        assert_eq!((c.unit(), c.stage()), (UnitId(7), Stage::Active));
    }

    #[test]
    fn a_registration_refuses_a_late_first_stage_and_no_focus() {
        let late = InitiativeInput { stage: Stage::Exemplary, ..input() };
        assert_eq!(late.check().unwrap_err(), InputError::new("stage", Problem::FirstStage));
        let unfocused = InitiativeInput { focus: vec![], ..input() };
        assert_eq!(unfocused.check().unwrap_err(), InputError::new("focus", Problem::NoFocus));
        let unnamed = InitiativeInput { name: " ".into(), ..input() };
        assert_eq!(unnamed.check().unwrap_err().field, "name");
    }

    proptest! {
        #[test]
        fn a_correction_is_accepted_exactly_when_named_and_focused(
            name in "[ a-zà-ỹ]{0,20}",
            focus in proptest::collection::vec(0usize..6, 0..4),
        ) {
            let fields = InitiativeFields {
                name: name.clone(),
                leader_name: None,
                participant_kind: ParticipantKind::Joint,
                leader_kind: LeaderKind::Other,
                content_kind: ContentKind::Awareness,
                focus: focus.iter().map(|&i| Focus::ALL[i]).collect(),
                criteria: [true; 3],
                description: None,
            };
            let ok = !name.trim().is_empty() && !focus.is_empty();
            match fields.check() {
                Ok(c) => {
                    prop_assert!(ok);
                    prop_assert_eq!(c.name.as_str(), name.trim());
                    prop_assert!(!c.focus.is_empty() && c.focus.windows(2).all(|w| w[0] != w[1]));
                }
                Err(_) => prop_assert!(!ok),
            }
        }
    }
}
