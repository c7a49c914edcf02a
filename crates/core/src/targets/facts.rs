//! The recorded facts the targets are computed from. Each fact is attached to
//! the unit it was recorded against (any unit id, even one that has since been
//! merged away) and dated or yearly.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::TargetId;
use crate::Date;
use crate::macros::string_enum;
use crate::org::UnitId;

/// Everything the targets read. Years are calendar years (2024 …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// 2.1: a Party committee's thematic resolution and its date; it counts from
    /// its year onward. Recorded against the administrative unit.
    pub resolutions: Vec<(UnitId, Date)>,
    /// 2.2: a unit's plan for a year (the People's Committee's plan is recorded
    /// against its administrative unit).
    pub plans: Vec<(UnitId, i32)>,
    /// 2.3, 2.4, 2.5: the people registries; the role decides the target.
    pub people: Vec<Person>,
    /// 2.6: a village ran awareness activities in a year.
    pub village_activities: Vec<(UnitId, i32)>,
    /// 2.7: a unit's official page posted prevention content in a year.
    pub page_posts: Vec<(UnitId, i32)>,
    /// 2.8: trusted voices, recorded against the unit that works with them.
    pub trusted_voices: Vec<Voice>,
    /// 2.9a, 2.9b: a unit owns or takes part in an initiative from a year to a
    /// year (inclusive; `None` while it lasts).
    pub initiative_participation: Vec<(UnitId, i32, Option<i32>)>,
    /// 2.9c: (village, year, households with a member in an initiative). For the
    /// same village and year the last entry wins, so pass them in entry order.
    /// [`households_with_member`] counts them from listed members.
    pub households_with_member: Vec<(UnitId, i32, i64)>,
    /// A unit submitted its yearly report for a year: for every unit target it is
    /// eligible for, a missing fact then means "no" instead of "no data".
    pub reports: Vec<(UnitId, i32)>,
}

string_enum!(
    /// Why a person is in a registry, which decides the target they count for.
    PersonRole {
        PoliceMovementStaff = "police_movement_staff" / "Cán bộ tham mưu xây dựng phong trào (Công an)",
        MovementStaff = "movement_staff" / "Cán bộ xây dựng phong trào (cơ quan, doanh nghiệp, cơ sở giáo dục)",
        CommuneKeyOfficial = "commune_key_official" / "Cán bộ chủ chốt cấp xã",
        VillageKeyOfficial = "village_key_official" / "Cán bộ chủ chốt thôn, tổ dân phố",
        InitiativeLeader = "initiative_leader" / "Người đứng đầu mô hình",
        InitiativeAdmin = "initiative_admin" / "Thành viên ban quản trị tổ, nhóm",
        LegalReporter = "legal_reporter" / "Báo cáo viên pháp luật",
        LegalPropagandist = "legal_propagandist" / "Tuyên truyền viên pháp luật",
    }
);

impl PersonRole {
    /// The target this role counts for: 2.3, 2.4 or 2.5.
    pub fn target(self) -> TargetId {
        match self {
            PersonRole::PoliceMovementStaff
            | PersonRole::MovementStaff
            | PersonRole::CommuneKeyOfficial
            | PersonRole::VillageKeyOfficial => TargetId::StaffTraining,
            PersonRole::InitiativeLeader | PersonRole::InitiativeAdmin => TargetId::LeaderTraining,
            PersonRole::LegalReporter | PersonRole::LegalPropagandist => TargetId::OutreachUpdate,
        }
    }
}

/// A person in one of the registries. Someone with two roles appears once per role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub unit: UnitId,
    pub role: PersonRole,
    /// First year on the registry.
    pub registered_from: i32,
    /// Last year on the registry; `None` while still on it.
    pub registered_to: Option<i32>,
    /// Years in which the person was trained (2.3, 2.4) or had the knowledge
    /// update (2.5).
    pub trained_years: Vec<i32>,
}

/// A trusted voice ("người có uy tín, ảnh hưởng") for 2.8.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Voice {
    pub unit: UnitId,
    pub registered_from: i32,
    pub registered_to: Option<i32>,
    /// Years in which the voice consented to cooperate and was enlisted.
    pub enlisted_years: Vec<i32>,
}

/// A listed member of an initiative, reduced to what 2.9c needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdMember {
    pub village: UnitId,
    /// Any key that is the same for members of the same household.
    pub household: u64,
    pub from_year: i32,
    pub to_year: Option<i32>,
}

pub(crate) fn active(from: i32, to: Option<i32>, year: i32) -> bool {
    from <= year && to.is_none_or(|to| year <= to)
}

/// Counts, for each village and year of `years` (at most 64 years are read),
/// the distinct households with at least one member in an initiative that
/// year, as [`Facts::households_with_member`] expects them. Villages and
/// years with none are left out. One sort over the members, then one pass;
/// the sort is on packed integers when the ids are small enough.
pub fn households_with_member(members: &[HouseholdMember], years: RangeInclusive<i32>) -> Vec<(UnitId, i32, i64)> {
    let first = *years.start();
    let span = (i64::from(*years.end()) - i64::from(first) + 1).clamp(0, 64) as u32;
    if span == 0 {
        return Vec::new();
    }
    let last = first + (span as i32 - 1);
    // The years of `first..=last` a member is active in, as bits.
    let mask_of = |m: &HouseholdMember| -> u64 {
        let lo = m.from_year.max(first);
        let hi = m.to_year.map_or(last, |to| to.min(last));
        if lo > hi {
            return 0;
        }
        let width = (hi - lo + 1) as u32;
        (u64::MAX >> (64 - width)) << (lo - first) as u32
    };
    // Two passes over the members rather than a copy of them: first the ranges.
    let members_active = || members.iter().map(|m| (m, mask_of(m))).filter(|&(_, mask)| mask != 0);
    let (vmin, vmax, hmax) = members_active().fold((i64::MAX, i64::MIN, 0u64), |(lo, hi, h), (m, _)| {
        (lo.min(m.village.0), hi.max(m.village.0), h.max(m.household))
    });
    if vmin > vmax {
        return Vec::new();
    }
    let bits = |x: u64| 64 - x.leading_zeros();
    let vspan = u64::try_from(i128::from(vmax) - i128::from(vmin)).unwrap_or(u64::MAX);
    let (vb, hb) = (bits(vspan), bits(hmax));

    let mut tally = Tally::new(first, span);
    if vb + hb + span <= 64 {
        // village | household | years, sorted as plain integers.
        let mut packed: Vec<u64> = members_active()
            .map(|(m, mask)| shl(m.village.0.wrapping_sub(vmin) as u64, hb + span) | shl(m.household, span) | mask)
            .collect();
        radix_sort(&mut packed, vb + hb + span);
        let hmask = if hb == 0 { 0 } else { u64::MAX >> (64 - hb) };
        for key in packed {
            let village = UnitId(vmin.wrapping_add(shr(key, hb + span) as i64));
            let household = shr(key, span) & hmask;
            tally.add(village, household, key & (u64::MAX >> (64 - span)));
        }
    } else {
        let mut keyed: Vec<(UnitId, u64, u64)> =
            members_active().map(|(m, mask)| (m.village, m.household, mask)).collect();
        keyed.sort_unstable_by_key(|&(v, h, _)| (v, h));
        for (village, household, mask) in keyed {
            tally.add(village, household, mask);
        }
    }
    tally.finish()
}

/// Sorts integers that use only their low `bits` bits, 11 bits per pass.
fn radix_sort(keys: &mut Vec<u64>, bits: u32) {
    const DIGIT: u32 = 11;
    let mut other = vec![0u64; keys.len()];
    let mut shift = 0;
    while shift < bits {
        let mut start = vec![0usize; (1 << DIGIT) + 1];
        for &k in keys.iter() {
            start[((k >> shift) & ((1 << DIGIT) - 1)) as usize + 1] += 1;
        }
        for i in 0..(1 << DIGIT) {
            start[i + 1] += start[i];
        }
        for &k in keys.iter() {
            let at = &mut start[((k >> shift) & ((1 << DIGIT) - 1)) as usize];
            other[*at] = k;
            *at += 1;
        }
        std::mem::swap(keys, &mut other);
        shift += DIGIT;
    }
}

fn shl(x: u64, n: u32) -> u64 {
    x.checked_shl(n).unwrap_or(0)
}

fn shr(x: u64, n: u32) -> u64 {
    x.checked_shr(n).unwrap_or(0)
}

/// Counts households per village and year from members sorted by village and household.
struct Tally {
    first: i32,
    out: Vec<(UnitId, i32, i64)>,
    counts: Vec<i64>,
    current: Option<(UnitId, u64)>,
    mask: u64,
}

impl Tally {
    fn new(first: i32, span: u32) -> Self {
        Self { first, out: Vec::new(), counts: vec![0; span as usize], current: None, mask: 0 }
    }

    fn add(&mut self, village: UnitId, household: u64, mask: u64) {
        match self.current {
            Some((v, h)) if v == village && h == household => {
                self.mask |= mask;
                return;
            }
            Some((v, _)) => {
                self.close_household();
                if v != village {
                    self.close_village(v);
                }
            }
            None => {}
        }
        self.current = Some((village, household));
        self.mask = mask;
    }

    fn close_household(&mut self) {
        for (k, count) in self.counts.iter_mut().enumerate() {
            *count += i64::from(self.mask & (1u64 << k) != 0);
        }
    }

    fn close_village(&mut self, village: UnitId) {
        let first = self.first;
        self.out.extend(
            self.counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(k, &c)| (village, first + k as i32, c)),
        );
        self.counts.fill(0);
    }

    fn finish(mut self) -> Vec<(UnitId, i32, i64)> {
        if let Some((v, _)) = self.current {
            self.close_household();
            self.close_village(v);
        }
        self.out
    }
}
