//! Awards (Part 2, III.7.3 and Part 3, item 3): units propose awards for
//! groups, people and initiatives with outstanding results, "chú trọng khen
//! thưởng đột xuất" (ad-hoc awards first); the Department of Home Affairs
//! reviews the proposals with the provincial police and puts them to the
//! chairman of the provincial People's Committee.
//!
//! A nomination goes draft → submitted → endorsed by the level above →
//! approved or rejected; it can also be rejected before endorsement. An
//! approved nomination becomes an entry of the award register.

use serde::{Deserialize, Serialize};

use crate::Date;
use crate::macros::string_enum;
use crate::org::UnitId;

/// Who or what is nominated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Nominee {
    /// A person ("cá nhân"), with the unit they work in or live in.
    Person { name: String, unit: Option<UnitId> },
    /// A group ("tập thể"): a unit of the organisation tree.
    Unit { unit: UnitId, name: String },
    /// An initiative ("mô hình") of the movement.
    Initiative { initiative_id: i64, name: String },
}

impl Nominee {
    pub fn name(&self) -> &str {
        match self {
            Nominee::Person { name, .. } | Nominee::Unit { name, .. } | Nominee::Initiative { name, .. } => name,
        }
    }

    pub fn kind_vi(&self) -> &'static str {
        match self {
            Nominee::Person { .. } => "Cá nhân",
            Nominee::Unit { .. } => "Tập thể",
            Nominee::Initiative { .. } => "Mô hình",
        }
    }
}

string_enum!(
    /// Regular (yearly, with the movement's emulation round) or ad-hoc.
    AwardKind {
        Regular = "regular" / "Khen thưởng thường xuyên (hằng năm)",
        AdHoc = "ad_hoc" / "Khen thưởng đột xuất",
    }
);

string_enum!(
    /// Where a nomination stands.
    NominationStatus {
        Draft = "draft" / "Dự thảo",
        Submitted = "submitted" / "Đã đề nghị",
        Endorsed = "endorsed" / "Cấp trên đã thẩm định",
        Approved = "approved" / "Đã quyết định khen thưởng",
        Rejected = "rejected" / "Không khen thưởng",
    }
);

impl NominationStatus {
    pub fn can_become(self, to: NominationStatus) -> bool {
        use NominationStatus::*;
        matches!(
            (self, to),
            (Draft, Submitted)
                | (Submitted, Endorsed)
                | (Submitted, Rejected)
                | (Endorsed, Approved)
                | (Endorsed, Rejected)
        )
    }

    pub fn is_final(self) -> bool {
        matches!(self, NominationStatus::Approved | NominationStatus::Rejected)
    }
}

/// Why a nomination step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwardError {
    #[error("a nomination cannot go from {from} to {to}")]
    BadTransition { from: NominationStatus, to: NominationStatus },
    #[error("the achievement must be described")]
    NoAchievement,
    #[error("an ad-hoc award needs the date of the deed")]
    AdHocWithoutDate,
    #[error("the nominee needs a name")]
    NoName,
    #[error("the decision number is missing")]
    NoDecision,
}

impl AwardError {
    pub fn message_vi(&self) -> String {
        match self {
            AwardError::BadTransition { from, to } => {
                format!("Không thể chuyển hồ sơ khen thưởng từ «{}» sang «{}».", from.label_vi(), to.label_vi())
            }
            AwardError::NoAchievement => "Cần nêu thành tích đề nghị khen thưởng.".into(),
            AwardError::AdHocWithoutDate => "Khen thưởng đột xuất cần ghi ngày lập thành tích.".into(),
            AwardError::NoName => "Cần ghi tên cá nhân, tập thể hoặc mô hình được đề nghị.".into(),
            AwardError::NoDecision => "Cần ghi số quyết định khen thưởng.".into(),
        }
    }
}

/// One step in a nomination's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NominationStep {
    pub status: NominationStatus,
    pub on: Date,
    pub by: UnitId,
    pub note: Option<String>,
}

/// A proposal to award someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nomination {
    pub nominee: Nominee,
    pub kind: AwardKind,
    /// The year of the emulation round (regular) or of the deed (ad hoc).
    pub year: i32,
    /// For an ad-hoc award: the day of the deed it rewards.
    pub deed_on: Option<Date>,
    pub achievement_vi: String,
    pub proposed_by: UnitId,
    pub status: NominationStatus,
    pub history: Vec<NominationStep>,
}

impl Nomination {
    pub fn draft(
        nominee: Nominee,
        kind: AwardKind,
        year: i32,
        deed_on: Option<Date>,
        achievement_vi: impl Into<String>,
        proposed_by: UnitId,
        on: Date,
    ) -> Result<Self, AwardError> {
        let achievement_vi = achievement_vi.into();
        if nominee.name().trim().is_empty() {
            return Err(AwardError::NoName);
        }
        if achievement_vi.trim().is_empty() {
            return Err(AwardError::NoAchievement);
        }
        if kind == AwardKind::AdHoc && deed_on.is_none() {
            return Err(AwardError::AdHocWithoutDate);
        }
        Ok(Nomination {
            nominee,
            kind,
            year,
            deed_on,
            achievement_vi,
            proposed_by,
            status: NominationStatus::Draft,
            history: vec![NominationStep { status: NominationStatus::Draft, on, by: proposed_by, note: None }],
        })
    }

    /// Moves the nomination on, recording who did it and when.
    pub fn step(&mut self, to: NominationStatus, by: UnitId, on: Date, note: Option<String>) -> Result<(), AwardError> {
        if !self.status.can_become(to) {
            return Err(AwardError::BadTransition { from: self.status, to });
        }
        self.status = to;
        self.history.push(NominationStep { status: to, on, by, note });
        Ok(())
    }

    /// The register entry of an approved nomination.
    pub fn register_entry(&self, decision_no: &str) -> Result<RegisterEntry, AwardError> {
        if self.status != NominationStatus::Approved {
            return Err(AwardError::BadTransition { from: self.status, to: NominationStatus::Approved });
        }
        if decision_no.trim().is_empty() {
            return Err(AwardError::NoDecision);
        }
        let decided = self.history.iter().rev().find(|s| s.status == NominationStatus::Approved);
        let Some(decided) = decided else {
            return Err(AwardError::BadTransition { from: self.status, to: NominationStatus::Approved });
        };
        Ok(RegisterEntry {
            nominee: self.nominee.clone(),
            kind: self.kind,
            year: self.year,
            achievement_vi: self.achievement_vi.clone(),
            decision_no: decision_no.trim().to_owned(),
            decided_on: decided.on,
            decided_by: decided.by,
        })
    }
}

/// One line of the award register ("sổ khen thưởng").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterEntry {
    pub nominee: Nominee,
    pub kind: AwardKind,
    pub year: i32,
    pub achievement_vi: String,
    pub decision_no: String,
    pub decided_on: Date,
    pub decided_by: UnitId,
}

/// The register in its usual order: newest decision first, then decision
/// number, then name.
pub fn register(mut entries: Vec<RegisterEntry>) -> Vec<RegisterEntry> {
    entries.sort_by(|a, b| {
        b.decided_on
            .cmp(&a.decided_on)
            .then_with(|| a.decision_no.cmp(&b.decision_no))
            .then_with(|| a.nominee.name().cmp(b.nominee.name()))
    });
    entries
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::admin::ymd;

    fn person() -> Nominee {
        Nominee::Person { name: "Nguyễn Văn A".into(), unit: Some(UnitId(3)) }
    }

    #[test]
    fn ad_hoc_award_goes_through() {
        let commune = UnitId(3);
        let province = UnitId(1);
        let mut n = Nomination::draft(
            person(),
            AwardKind::AdHoc,
            2025,
            Some(ymd(2025, 5, 2)),
            "Phát hiện, tố giác đường dây lừa đảo qua mạng",
            commune,
            ymd(2025, 5, 3),
        )
        .unwrap();
        assert!(n.register_entry("12/QĐ-UBND").is_err(), "not approved yet");
        n.step(NominationStatus::Submitted, commune, ymd(2025, 5, 4), None).unwrap();
        assert!(n.step(NominationStatus::Approved, province, ymd(2025, 5, 5), None).is_err(), "needs endorsement");
        n.step(NominationStatus::Endorsed, province, ymd(2025, 5, 6), None).unwrap();
        n.step(NominationStatus::Approved, province, ymd(2025, 5, 8), None).unwrap();
        assert!(n.status.is_final());
        assert!(n.step(NominationStatus::Rejected, province, ymd(2025, 5, 9), None).is_err());
        assert_eq!(n.register_entry(" ").unwrap_err(), AwardError::NoDecision);
        let e = n.register_entry("12/QĐ-UBND").unwrap();
        assert_eq!((e.decided_on, e.decided_by, e.kind), (ymd(2025, 5, 8), province, AwardKind::AdHoc));
        assert_eq!(n.history.len(), 4);
    }

    #[test]
    fn drafts_are_checked() {
        let on = ymd(2025, 1, 1);
        let u = UnitId(1);
        assert_eq!(
            Nomination::draft(person(), AwardKind::AdHoc, 2025, None, "x", u, on).unwrap_err(),
            AwardError::AdHocWithoutDate
        );
        assert_eq!(
            Nomination::draft(person(), AwardKind::Regular, 2025, None, " ", u, on).unwrap_err(),
            AwardError::NoAchievement
        );
        let nameless = Nominee::Initiative { initiative_id: 1, name: "".into() };
        assert_eq!(
            Nomination::draft(nameless, AwardKind::Regular, 2025, None, "x", u, on).unwrap_err(),
            AwardError::NoName
        );
        assert!(AwardError::AdHocWithoutDate.message_vi().contains("đột xuất"));
    }

    #[test]
    fn transitions() {
        use NominationStatus::*;
        for from in NominationStatus::ALL {
            for to in NominationStatus::ALL {
                let ok = from.can_become(*to);
                if from.is_final() {
                    assert!(!ok, "{from} is final");
                }
                if *to == Draft {
                    assert!(!ok, "nothing goes back to draft");
                }
            }
        }
        assert!(Submitted.can_become(Rejected) && Endorsed.can_become(Rejected));
    }

    #[test]
    fn register_is_newest_first() {
        let entry = |name: &str, d: u32, no: &str| RegisterEntry {
            nominee: Nominee::Unit { unit: UnitId(1), name: name.into() },
            kind: AwardKind::Regular,
            year: 2025,
            achievement_vi: "x".into(),
            decision_no: no.into(),
            decided_on: ymd(2025, 12, d),
            decided_by: UnitId(1),
        };
        let r = register(vec![entry("B", 1, "1"), entry("A", 5, "2"), entry("C", 5, "1")]);
        let names: Vec<&str> = r.iter().map(|e| e.nominee.name()).collect();
        assert_eq!(names, ["C", "A", "B"]);
    }
}
