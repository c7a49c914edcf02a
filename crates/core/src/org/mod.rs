//! The organisation tree (SPEC M1): units, their dated versions, and the
//! lineage links that carry history across merges and splits.
//!
//! A unit's identity is its [`UnitId`], never its official code: codes are
//! reused (old Bắc Giang was 24, new Bắc Ninh is 24).

pub mod codes;
mod history;
pub mod ops;

pub use history::{OrgHistory, RollupMode, Snapshot};
pub use ops::{Change, NewUnit, OpError, OrgOp, TreeView};

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::Date;

/// The most levels any walk up or down the tree goes. Real trees have a
/// handful; every walk stops here (or at a unit it already met), so even a
/// corrupt tree with a loop in it cannot make a walk run forever.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitId(pub i64);

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

use crate::macros::string_enum;

string_enum!(
    /// Where a unit sits. Depth is data: a level only names what a unit is.
    Level {
        Province = "province" / "Tỉnh/Thành phố",
        District = "district" / "Huyện/Quận",
        Commune = "commune" / "Xã/Phường",
        Village = "village" / "Thôn/Tổ dân phố",
        Agency = "agency" / "Cơ quan",
        Enterprise = "enterprise" / "Doanh nghiệp",
        School = "school" / "Cơ sở giáo dục",
    }
);

impl Level {
    /// Administrative levels form the tree; the others attach to it.
    pub fn is_administrative(self) -> bool {
        matches!(self, Level::Province | Level::District | Level::Commune | Level::Village)
    }
}

string_enum!(
    /// Enterprise size class; micro and small are excluded from targets 2.2 and 2.9.
    EnterpriseSize {
        Micro = "micro" / "Siêu nhỏ",
        Small = "small" / "Nhỏ",
        Medium = "medium" / "Vừa",
        Large = "large" / "Lớn",
    }
);

impl EnterpriseSize {
    pub fn counts_for_targets(self) -> bool {
        matches!(self, EnterpriseSize::Medium | EnterpriseSize::Large)
    }
}

string_enum!(
    /// School level; preschools and primary schools are excluded from the targets.
    SchoolLevel {
        Preschool = "preschool" / "Mầm non",
        Primary = "primary" / "Tiểu học",
        LowerSecondary = "lower_secondary" / "Trung học cơ sở",
        UpperSecondary = "upper_secondary" / "Trung học phổ thông",
        Continuing = "continuing" / "Giáo dục thường xuyên",
        Vocational = "vocational" / "Giáo dục nghề nghiệp",
        Higher = "higher" / "Đại học, cao đẳng",
    }
);

impl SchoolLevel {
    pub fn counts_for_targets(self) -> bool {
        !matches!(self, SchoolLevel::Preschool | SchoolLevel::Primary)
    }
}

/// The attributes the targets need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitAttrs {
    pub households: Option<i64>,
    pub population: Option<i64>,
    pub enterprise_size: Option<EnterpriseSize>,
    pub school_level: Option<SchoolLevel>,
    /// The unit's official social-media page or website, if it has one.
    pub official_page: Option<String>,
}

/// One dated state of a unit: valid from `valid_from` (inclusive) until
/// `valid_to` (exclusive; `None` while current).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitVersion {
    pub unit_id: UnitId,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub code: Option<String>,
    pub name: String,
    pub level: Level,
    /// The official type word: "Xã", "Phường", "Thôn", "Tổ dân phố", ...
    pub unit_type: Option<String>,
    pub parent_id: Option<UnitId>,
    pub attrs: UnitAttrs,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

impl UnitVersion {
    pub fn is_valid_on(&self, date: Date) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date < to)
    }

    /// The name with its official type in front, the type said once:
    /// "Phường Bắc Giang" whether the name was recorded with the type or not.
    pub fn full_name(&self) -> String {
        crate::display::unit_name(self.unit_type.as_deref().unwrap_or_default(), &self.name)
    }
}

string_enum!(
    /// The kinds of dated operation on the tree.
    EventKind {
        Create = "create" / "Thành lập",
        Rename = "rename" / "Đổi tên",
        Reparent = "reparent" / "Chuyển đơn vị cấp trên",
        Merge = "merge" / "Sáp nhập",
        Split = "split" / "Chia tách",
        AbolishLevel = "abolish_level" / "Bỏ cấp hành chính",
        Abolish = "abolish" / "Giải thể",
        UpdateAttrs = "update_attrs" / "Cập nhật thông tin",
    }
);

/// A link from a unit that ended to the unit that carries its history on.
/// For a split, the link marked `is_default` takes the data when nothing
/// better is known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineageLink {
    pub from: UnitId,
    pub to: UnitId,
    pub is_default: bool,
    pub effective: Date,
}
