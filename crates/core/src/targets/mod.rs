//! The nine targets of the programme (Part 2, II.2: 2.1–2.9), computed from
//! recorded facts for every node of the organisation tree and every year.
//! Nothing here is typed in: each value is a numerator over a denominator.
//!
//! # What each target counts
//!
//! Unit targets count units; a unit counts once in a year (several facts
//! never make it count twice):
//!
//! | target | denominator (eligible units) | numerator |
//! |--------|------------------------------|-----------|
//! | 2.1 | province, district and commune units (one Party committee each) | those with a thematic resolution dated on or before 31/12 of the year |
//! | 2.2 | province/district/commune units (their People's Committee), agencies, enterprises except micro and small, schools except preschool and primary | those with a plan for the year |
//! | 2.6 | villages | those that ran awareness activities in the year |
//! | 2.7 | agencies, enterprises, schools whose `official_page` is set | those whose page posted prevention content in the year |
//! | 2.9a | communes, villages, agencies, schools except preschool and primary | those owning or taking part in an initiative active in the year |
//! | 2.9b | enterprises except micro and small | the same |
//!
//! An enterprise or school whose size or level was never entered counts: an
//! exclusion applies only to a unit known to be excluded, so missing data never
//! shrinks a denominator.
//!
//! People targets count people registered in the year (`registered_from <= year`,
//! and `registered_to`, when set, `>= year`): 2.3 key staff trained in the year,
//! 2.4 initiative leaders and admins trained in the year, 2.5 reporters and
//! propagandists whose knowledge was updated in the year, 2.8 trusted voices
//! enlisted in the year. Which of 2.3/2.4/2.5 a person counts for is decided by
//! [`PersonRole::target`]. 2.9c counts households: the denominator is the sum of
//! the villages' `households`, the numerator the households with a member in an
//! initiative, capped at the village's households. A village with no
//! `households` does not take part in 2.9c. For one village and year the last
//! entry wins, and a village's own entry wins over entries carried to it from
//! villages merged into it (which are added up otherwise).
//!
//! "2.9" is the combination of 2.9a, 2.9b and 2.9c: numerator = parts met,
//! denominator = parts that apply (denominator above zero); it is met only when
//! every part that applies is met, behind when any is behind, otherwise on track,
//! or no data when a part that applies has none. Its value is the share of parts
//! met and its expected value the goal (1.0): its status comes from the parts.
//!
//! # No data
//!
//! "No data" is not 0%. For a unit target, an eligible unit is *reported* for a
//! year when it has a positive fact for that target in that year (a resolution
//! in force, a plan, an activity, a post, an initiative, a household count) or
//! when it submitted its yearly report ([`Facts::reports`]); the report answers
//! every target the unit is eligible for, so a missing fact then means "no".
//! Reports are per unit: a commune's report does not answer for its villages
//! (the store may record one report per village when the commune files for them).
//!
//! The denominator is every eligible unit, reported or not: a unit that has not
//! reported is not counted as achieving, so not reporting never raises a figure.
//! [`TargetValue::reported_units`] out of [`TargetValue::eligible_units`] tells
//! how complete the figure is. The value is `None` and the status
//! [`Status::NoData`] when no eligible unit under the node reported, or when the
//! denominator is zero (nothing to count). A village with no record and no
//! report therefore shows "no data", and so does a commune none of whose villages
//! reported, instead of 0%.
//!
//! For people targets the registry is the report: people registered under the
//! node form the denominator, the training and update records are taken as
//! complete, and the value is "no data" only when nobody is registered.
//!
//! # The tree, the year and boundary changes
//!
//! Year `Y` is read as of its *reference date*: 31/12/`Y`, or `today` when that is
//! earlier. The units counted in `Y` are the units standing on the reference date
//! (so a commune merged away on 1/7/2025 is not counted in 2025 next to the
//! commune that replaced it). A fact recorded against a unit that ended before the
//! reference date passes to its successor on that date along the default lineage
//! links ([`OrgHistory::successor_on`]): people always follow; unit facts
//! (resolutions, plans, activities, posts, initiatives, household counts, reports)
//! follow only to a successor of the same level, so a plan of an abolished
//! district never becomes the province's plan. A fact recorded against a unit
//! that did not exist yet on the reference date is ignored.
//!
//! - [`Mode::Then`]: the units of year `Y` sit in the tree of `Y`'s reference date.
//! - [`Mode::Today`]: the units of year `Y` (with their own eligibility and facts)
//!   are placed under the unit that stands for them on the given date, and added
//!   up in that day's tree. Two communes of 2024 merged in 2025 appear in 2024 as
//!   two units (denominator 2) under the new commune, so a value never exceeds
//!   100% and the totals of the whole tree are the same in both modes (except for
//!   units abolished without successor, or not yet created on that date).
//!
//! # Goal and trajectory
//!
//! Targets "by 2030" ([`TargetId::by_2030`]: 2.3, 2.5 and 2.9) expect in year `Y`
//! the straight line from the node's own 2024 value (0 without 2024 data, as for
//! a unit created after 2024 in [`Mode::Then`]) to the goal in 2030; the others expect the goal every year. A value at or above the
//! goal is [`Status::Met`], at or above the expected value [`Status::OnTrack`],
//! below it [`Status::Behind`].
//!
//! [`OrgHistory::successor_on`]: crate::org::OrgHistory::successor_on

mod engine;
mod facts;

#[cfg(test)]
mod tests;

pub use engine::{Ranked, TargetTable, compute, rate, rate_parts};
pub use facts::{Facts, HouseholdMember, Person, PersonRole, Voice, households_with_member};

use serde::{Deserialize, Serialize};

use crate::Date;
use crate::macros::string_enum;

/// The first and last year of the programme.
pub const FIRST_YEAR: i32 = 2024;
pub const LAST_YEAR: i32 = 2030;

/// One of the programme's targets; 2.9 is reported whole and in its three parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TargetId {
    #[serde(rename = "2.1")]
    Resolution,
    #[serde(rename = "2.2")]
    Plan,
    #[serde(rename = "2.3")]
    StaffTraining,
    #[serde(rename = "2.4")]
    LeaderTraining,
    #[serde(rename = "2.5")]
    OutreachUpdate,
    #[serde(rename = "2.6")]
    VillageActivity,
    #[serde(rename = "2.7")]
    PagePosts,
    #[serde(rename = "2.8")]
    TrustedVoices,
    #[serde(rename = "2.9")]
    Coverage,
    #[serde(rename = "2.9a")]
    CoverageUnits,
    #[serde(rename = "2.9b")]
    CoverageEnterprises,
    #[serde(rename = "2.9c")]
    CoverageHouseholds,
}

impl TargetId {
    /// Every target in the order of the document, 2.9 before its parts.
    pub const ALL: [TargetId; 12] = [
        TargetId::Resolution,
        TargetId::Plan,
        TargetId::StaffTraining,
        TargetId::LeaderTraining,
        TargetId::OutreachUpdate,
        TargetId::VillageActivity,
        TargetId::PagePosts,
        TargetId::TrustedVoices,
        TargetId::Coverage,
        TargetId::CoverageUnits,
        TargetId::CoverageEnterprises,
        TargetId::CoverageHouseholds,
    ];

    /// The number in the document: "2.1" … "2.9", "2.9a", "2.9b", "2.9c".
    pub fn code(self) -> &'static str {
        match self {
            TargetId::Resolution => "2.1",
            TargetId::Plan => "2.2",
            TargetId::StaffTraining => "2.3",
            TargetId::LeaderTraining => "2.4",
            TargetId::OutreachUpdate => "2.5",
            TargetId::VillageActivity => "2.6",
            TargetId::PagePosts => "2.7",
            TargetId::TrustedVoices => "2.8",
            TargetId::Coverage => "2.9",
            TargetId::CoverageUnits => "2.9a",
            TargetId::CoverageEnterprises => "2.9b",
            TargetId::CoverageHouseholds => "2.9c",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        TargetId::ALL.into_iter().find(|t| t.code() == code)
    }

    /// A short Vietnamese description for tables and charts.
    pub fn label_vi(self) -> &'static str {
        match self {
            TargetId::Resolution => "Cấp ủy có nghị quyết chuyên đề",
            TargetId::Plan => "Đơn vị xây dựng kế hoạch hằng năm",
            TargetId::StaffTraining => "Cán bộ được tập huấn",
            TargetId::LeaderTraining => "Người đứng đầu, ban quản trị mô hình được tập huấn",
            TargetId::OutreachUpdate => "Báo cáo viên, tuyên truyền viên được cập nhật kiến thức",
            TargetId::VillageActivity => "Thôn, tổ dân phố tổ chức tuyên truyền",
            TargetId::PagePosts => "Trang thông tin chính thống đăng tin phòng ngừa",
            TargetId::TrustedVoices => "Người có uy tín, ảnh hưởng được tranh thủ",
            TargetId::Coverage => "Xây dựng, tham gia mô hình",
            TargetId::CoverageUnits => "Xã, thôn, cơ quan, cơ sở giáo dục có mô hình",
            TargetId::CoverageEnterprises => "Doanh nghiệp có mô hình",
            TargetId::CoverageHouseholds => "Hộ dân có người tham gia mô hình",
        }
    }

    /// The goal as a share (1.0 = 100%).
    pub fn goal(self) -> f64 {
        f64::from(self.goal_percent()) / 100.0
    }

    /// The goal in whole percent, for exact comparisons.
    pub fn goal_percent(self) -> u32 {
        match self {
            TargetId::TrustedVoices | TargetId::CoverageHouseholds => 80,
            TargetId::CoverageEnterprises => 70,
            _ => 100,
        }
    }

    /// Whether this target is one of 2.9's parts (2.9a, 2.9b, 2.9c).
    pub fn is_coverage_part(self) -> bool {
        matches!(self, TargetId::CoverageUnits | TargetId::CoverageEnterprises | TargetId::CoverageHouseholds)
    }

    /// Whether the goal is to be reached by 2030 (with a trajectory) rather
    /// than every year. The document says "by 2030" for 2.3, 2.5 and 2.9.
    pub fn by_2030(self) -> bool {
        matches!(
            self,
            TargetId::StaffTraining
                | TargetId::OutreachUpdate
                | TargetId::Coverage
                | TargetId::CoverageUnits
                | TargetId::CoverageEnterprises
                | TargetId::CoverageHouseholds
        )
    }
}

impl crate::display::Label for TargetId {
    const VALUES: &'static [Self] = &TargetId::ALL;
    fn vi(self) -> &'static str {
        self.label_vi()
    }
}

impl std::fmt::Display for TargetId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

string_enum!(
    /// Where a value stands against the goal and the trajectory.
    Status {
        Met = "met" / "Đạt",
        OnTrack = "on_track" / "Đúng lộ trình",
        Behind = "behind" / "Chậm",
        NoData = "no_data" / "Chưa có số liệu",
    }
);

/// How facts are placed in the tree; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Each year under the tree of its reference date.
    Then,
    /// Every year under the tree of this date, through the lineage links.
    Today(Date),
}

/// The parts a composite target (2.9) is read from in a node's `row`: those
/// that apply there (something to count), each with its own rating.
pub fn composite_parts(row: &[TargetValue]) -> impl Iterator<Item = &TargetValue> {
    row.iter().filter(|p| p.target.is_coverage_part() && p.denominator > 0)
}

/// One target for one node and one year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TargetValue {
    pub target: TargetId,
    pub numerator: i64,
    pub denominator: i64,
    /// Units behind the figure: eligible units (villages for 2.9c, units with
    /// people registered for the people targets, parts that apply for 2.9).
    pub eligible_units: i64,
    /// Of those, the units that reported for the year.
    pub reported_units: i64,
    /// `numerator / denominator`; `None` is "no data", never 0%.
    pub value: Option<f64>,
    /// The document's goal as a share.
    pub goal: f64,
    /// What the trajectory expects for this year.
    pub expected: f64,
    pub status: Status,
}
