//! The computation: for each year, one pass over the facts to mark the units
//! of that year, one pass over the units to turn the marks into leaf counts,
//! and one bottom-up pass over the tree to add them up. Units are addressed by
//! dense indices; the only hash look-ups are made once per fact and per tree.

mod readings;
mod units;

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::Arc;

use serde::Serialize;

use self::units::{Tree, UNIT_TARGETS, UnitIndex};
use super::facts::active;
use super::{FIRST_YEAR, Facts, Mode, TargetId, TargetValue};
use crate::Date;
use crate::org::{OrgHistory, UnitId};

const NONE: u32 = u32::MAX;
/// At most this many years are computed in one call.
const MAX_YEARS: i32 = 100;

/// The targets that are counted; 2.9 is derived from its parts.
const SLOTS: usize = 11;
const S_RESOLUTION: usize = 0;
const S_PLAN: usize = 1;
const S_STAFF: usize = 2;
const S_LEADER: usize = 3;
const S_OUTREACH: usize = 4;
const S_VILLAGE: usize = 5;
const S_PAGE: usize = 6;
const S_VOICE: usize = 7;
const S_UNITS: usize = 8;
const S_ENTERPRISES: usize = 9;
const S_HOUSEHOLDS: usize = 10;
/// The people targets, in the order of [`Scratch::people`].
const PEOPLE_SLOTS: [usize; 4] = [S_STAFF, S_LEADER, S_OUTREACH, S_VOICE];

fn slot(target: TargetId) -> Option<usize> {
    Some(match target {
        TargetId::Resolution => S_RESOLUTION,
        TargetId::Plan => S_PLAN,
        TargetId::StaffTraining => S_STAFF,
        TargetId::LeaderTraining => S_LEADER,
        TargetId::OutreachUpdate => S_OUTREACH,
        TargetId::VillageActivity => S_VILLAGE,
        TargetId::PagePosts => S_PAGE,
        TargetId::TrustedVoices => S_VOICE,
        TargetId::Coverage => return None,
        TargetId::CoverageUnits => S_UNITS,
        TargetId::CoverageEnterprises => S_ENTERPRISES,
        TargetId::CoverageHouseholds => S_HOUSEHOLDS,
    })
}

/// Marks set on a unit for a year.
const F_RESOLUTION: u8 = 1;
const F_PLAN: u8 = 2;
const F_ACTIVITY: u8 = 4;
const F_POST: u8 = 8;
const F_INITIATIVE: u8 = 16;
const F_REPORT: u8 = 32;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cell {
    num: u32,
    den: u32,
    eligible: u32,
    reported: u32,
}

impl Cell {
    fn add(&mut self, other: &Cell) {
        self.num = self.num.saturating_add(other.num);
        self.den = self.den.saturating_add(other.den);
        self.eligible = self.eligible.saturating_add(other.eligible);
        self.reported = self.reported.saturating_add(other.reported);
    }
}

fn dense_len(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE)
}

/// A person or voice, reduced to what the count needs.
struct Registered<'a> {
    unit: u32,
    /// Index into [`PEOPLE_SLOTS`].
    which: usize,
    from: i32,
    to: Option<i32>,
    years: &'a [i32],
}

/// Facts sorted by year.
struct ByYear<T>(Vec<(i32, u32, T)>);

impl<T> ByYear<T> {
    /// Keeps the entry order within a year.
    fn stable(mut list: Vec<(i32, u32, T)>) -> Self {
        list.sort_by_key(|e| e.0);
        Self(list)
    }

    /// In place, for facts whose order does not matter.
    fn unordered(mut list: Vec<(i32, u32, T)>) -> Self {
        list.sort_unstable_by_key(|e| e.0);
        Self(list)
    }

    fn year(&self, year: i32) -> &[(i32, u32, T)] {
        let from = self.0.partition_point(|e| e.0 < year);
        let to = self.0.partition_point(|e| e.0 <= year);
        &self.0[from..to]
    }

    fn up_to(&self, year: i32) -> &[(i32, u32, T)] {
        &self.0[..self.0.partition_point(|e| e.0 <= year)]
    }
}

/// The facts with dense unit indices; facts about unknown units are dropped.
struct DenseFacts<'a> {
    resolutions: ByYear<()>,
    /// Plans, activities, posts and reports, with their mark.
    marks: ByYear<u8>,
    initiatives: Vec<(u32, i32, Option<i32>)>,
    households: ByYear<i64>,
    registered: Vec<Registered<'a>>,
    /// Units some fact is recorded against.
    referenced: Vec<bool>,
}

impl<'a> DenseFacts<'a> {
    fn new(index: &UnitIndex, facts: &'a Facts) -> Self {
        use chrono::Datelike;
        let mut referenced = vec![false; index.ids.len()];
        let mut at = |unit: UnitId| -> Option<u32> {
            let d = index.get(unit);
            (d != NONE).then(|| {
                referenced[d as usize] = true;
                d
            })
        };
        let mut marks = Vec::with_capacity(
            facts.plans.len() + facts.village_activities.len() + facts.page_posts.len() + facts.reports.len(),
        );
        for (list, mark) in [
            (&facts.plans, F_PLAN),
            (&facts.village_activities, F_ACTIVITY),
            (&facts.page_posts, F_POST),
            (&facts.reports, F_REPORT),
        ] {
            marks.extend(list.iter().filter_map(|&(u, y)| Some((y, at(u)?, mark))));
        }
        let resolutions = facts.resolutions.iter().filter_map(|&(u, date)| Some((date.year(), at(u)?, ()))).collect();
        let initiatives =
            facts.initiative_participation.iter().filter_map(|&(u, from, to)| Some((at(u)?, from, to))).collect();
        let households = facts.households_with_member.iter().filter_map(|&(u, y, n)| Some((y, at(u)?, n))).collect();
        let which = |target: TargetId| PEOPLE_SLOTS.iter().position(|&s| Some(s) == slot(target)).unwrap_or(0);
        let mut registered: Vec<Registered<'a>> = facts
            .people
            .iter()
            .filter_map(|p| {
                Some(Registered {
                    unit: at(p.unit)?,
                    which: which(p.role.target()),
                    from: p.registered_from,
                    to: p.registered_to,
                    years: &p.trained_years,
                })
            })
            .collect();
        registered.extend(facts.trusted_voices.iter().filter_map(|v| {
            Some(Registered {
                unit: at(v.unit)?,
                which: 3,
                from: v.registered_from,
                to: v.registered_to,
                years: &v.enlisted_years,
            })
        }));
        Self {
            resolutions: ByYear::unordered(resolutions),
            marks: ByYear::unordered(marks),
            initiatives,
            households: ByYear::stable(households),
            registered,
            referenced,
        }
    }
}

/// Where the facts of each unit land in one year: the unit itself when it
/// stands on the reference date, else its successor then (people always, unit
/// facts only when the successor has the same level).
struct Placement {
    person: Vec<u32>,
    unit: Vec<u32>,
}

impl Placement {
    fn new(n: usize) -> Self {
        Self { person: vec![NONE; n], unit: vec![NONE; n] }
    }

    fn place(&mut self, history: &OrgHistory, index: &UnitIndex, facts: &DenseFacts<'_>, units: &Tree, date: Date) {
        self.person.fill(NONE);
        self.unit.fill(NONE);
        for d in (0..index.ids.len()).filter(|&d| facts.referenced[d]) {
            if units.node_of[d] != NONE {
                self.person[d] = dense_len(d);
                self.unit[d] = dense_len(d);
                continue;
            }
            let Some(s) = history.successor_on(index.ids[d], date).map(|s| index.get(s)) else { continue };
            let Some(node) = units.node(s) else { continue };
            self.person[d] = s;
            if units.levels[node] == index.last_level[d] {
                self.unit[d] = s;
            }
        }
    }
}

/// Per-unit marks and counts for one year, reused from year to year.
struct Scratch {
    flags: Vec<u8>,
    /// For each people target: trained, registered.
    people: Vec<[u32; 8]>,
    hh_last: Vec<Option<i64>>,
    hh_own: Vec<Option<i64>>,
    hh_carried: Vec<Option<i64>>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Self {
            flags: vec![0; n],
            people: vec![[0; 8]; n],
            hh_last: vec![None; n],
            hh_own: vec![None; n],
            hh_carried: vec![None; n],
        }
    }

    fn collect(&mut self, facts: &DenseFacts<'_>, place: &Placement, year: i32) {
        self.flags.fill(0);
        self.people.fill([0; 8]);
        self.hh_own.fill(None);
        self.hh_carried.fill(None);
        let flags = &mut self.flags;
        let mut mark = |unit: u32, bit: u8| {
            let p = place.unit[unit as usize];
            if p != NONE {
                flags[p as usize] |= bit;
            }
        };
        for &(_, u, ()) in facts.resolutions.up_to(year) {
            mark(u, F_RESOLUTION);
        }
        for &(_, u, bit) in facts.marks.year(year) {
            mark(u, bit);
        }
        for &(u, from, to) in &facts.initiatives {
            if active(from, to, year) {
                mark(u, F_INITIATIVE);
            }
        }
        for r in &facts.registered {
            let p = place.person[r.unit as usize];
            if p != NONE && active(r.from, r.to, year) {
                let counts = &mut self.people[p as usize];
                counts[2 * r.which + 1] = counts[2 * r.which + 1].saturating_add(1);
                if r.years.contains(&year) {
                    counts[2 * r.which] = counts[2 * r.which].saturating_add(1);
                }
            }
        }
        // Households: the last entry per recorded unit; a village's own entry
        // wins over the entries carried from the units merged into it.
        let households = facts.households.year(year);
        for &(_, u, n) in households {
            self.hh_last[u as usize] = Some(n.max(0));
        }
        for &(_, u, _) in households {
            let Some(n) = self.hh_last[u as usize].take() else { continue };
            let p = place.unit[u as usize];
            if p == u {
                self.hh_own[p as usize] = Some(n);
            } else if p != NONE {
                let carried = &mut self.hh_carried[p as usize];
                *carried = Some(carried.unwrap_or(0).saturating_add(n));
            }
        }
    }

    /// The counts of one unit standing on the reference date, with what its
    /// version is eligible for and its households (`NONE` when none).
    fn leaf(&self, d: usize, eligible: u8, households: u32) -> [Cell; SLOTS] {
        let f = self.flags[d];
        let reported = f & F_REPORT != 0;
        let mut cells = [Cell::default(); SLOTS];
        for (s, bit, mark) in UNIT_TARGETS {
            if eligible & bit != 0 {
                let yes = f & mark != 0;
                cells[s] = Cell { num: u32::from(yes), den: 1, eligible: 1, reported: u32::from(yes || reported) };
            }
        }
        let counts = &self.people[d];
        for (k, &s) in PEOPLE_SLOTS.iter().enumerate() {
            let (num, den) = (counts[2 * k], counts[2 * k + 1]);
            let any = u32::from(den > 0);
            cells[s] = Cell { num, den, eligible: any, reported: any };
        }
        if let Some(leaf) = self.household_leaf(d, households, NONE) {
            cells[S_HOUSEHOLDS] = leaf.cell();
        }
        cells
    }

    fn household_leaf(&self, d: usize, households: u32, out: u32) -> Option<HouseholdLeaf> {
        (households != NONE).then(|| HouseholdLeaf {
            out,
            households,
            own: self.hh_own[d],
            carried: self.hh_carried[d],
            reported: self.flags[d] & F_REPORT != 0,
        })
    }
}

/// One computed year.
#[derive(Debug)]
struct YearTable {
    year: i32,
    reference: Date,
    tree: Arc<Tree>,
    cells: Vec<[Cell; SLOTS]>,
    /// What each village with households counted for 2.9c, so one village's
    /// count can be changed without recomputing the year.
    households: HashMap<u32, HouseholdLeaf>,
}

/// A village's part of 2.9c in one year.
#[derive(Debug, Clone, Copy)]
struct HouseholdLeaf {
    /// The node its counts were added into.
    out: u32,
    households: u32,
    own: Option<i64>,
    carried: Option<i64>,
    reported: bool,
}

impl HouseholdLeaf {
    fn cell(&self) -> Cell {
        let record = self.own.or(self.carried);
        let num = u32::try_from(record.unwrap_or(0)).unwrap_or(u32::MAX).min(self.households);
        Cell { num, den: self.households, eligible: 1, reported: u32::from(record.is_some() || self.reported) }
    }
}

/// Every target for every node of the tree and every year asked for.
pub struct TargetTable {
    mode: Mode,
    years: RangeInclusive<i32>,
    index: UnitIndex,
    /// The years asked for, in order, plus 2024 (the trajectories start there).
    tables: Vec<YearTable>,
}

impl std::fmt::Debug for TargetTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetTable")
            .field("mode", &self.mode)
            .field("years", &self.years)
            .field("nodes", &self.tables.iter().map(|t| (t.year, t.tree.len())).collect::<Vec<_>>())
            .finish()
    }
}

/// A commune's place in a ranking; `rank` is `None` for "no data" (listed last).
/// Equal values share a rank (1, 2, 2, 4).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ranked {
    pub rank: Option<u32>,
    pub unit: UnitId,
    pub value: TargetValue,
}

/// Computes every target for every node and every year of `years` (at most 100
/// years). `today` caps each year's reference date; see the module documentation
/// for the rules.
pub fn compute(
    history: &OrgHistory,
    facts: &Facts,
    mode: Mode,
    years: RangeInclusive<i32>,
    today: Date,
) -> TargetTable {
    let (first, last) = (*years.start(), *years.end());
    let requested = first..=last.min(first.saturating_add(MAX_YEARS - 1));
    let index = UnitIndex::new(history);
    let mut table = TargetTable { mode, years: requested.clone(), index, tables: Vec::new() };
    if requested.is_empty() {
        return table;
    }
    let index = &table.index;
    let dense = DenseFacts::new(index, facts);
    let mut list: Vec<i32> = requested.clone().collect();
    if !requested.contains(&FIRST_YEAR) {
        list.push(FIRST_YEAR);
        list.sort_unstable();
    }
    let today_tree = match mode {
        Mode::Then => None,
        Mode::Today(date) => {
            let tree = Arc::new(Tree::on(index, date));
            // Where each unit stands on that date.
            let stands: Vec<u32> = (0..index.ids.len())
                .map(|d| match tree.node(dense_len(d)) {
                    Some(node) => dense_len(node),
                    None => history
                        .successor_on(index.ids[d], date)
                        .and_then(|s| tree.node(index.get(s)))
                        .map_or(NONE, dense_len),
                })
                .collect();
            Some((tree, stands))
        }
    };

    let mut scratch = Scratch::new(index.ids.len());
    let mut place = Placement::new(index.ids.len());
    let mut tables = Vec::with_capacity(list.len());
    for year in list {
        let Some(end) = Date::from_ymd_opt(year, 12, 31) else { continue };
        let reference = end.min(today);
        let units = Tree::on(index, reference);
        place.place(history, index, &dense, &units, reference);
        scratch.collect(&dense, &place, year);
        let out_len = today_tree.as_ref().map_or(units.len(), |(t, _)| t.len());
        let mut cells = vec![[Cell::default(); SLOTS]; out_len];
        let mut households = HashMap::new();
        for node in 0..units.len() {
            let d = units.units[node] as usize;
            let out = match &today_tree {
                None => node,
                Some((_, stands)) if stands[d] != NONE => stands[d] as usize,
                Some(_) => continue,
            };
            let v = units.version[node] as usize;
            let leaf = scratch.leaf(d, index.ver_eligible[v], index.ver_households[v]);
            if let Some(hh) = scratch.household_leaf(d, index.ver_households[v], dense_len(out)) {
                households.insert(dense_len(d), hh);
            }
            if today_tree.is_none() {
                cells[out] = leaf;
            } else {
                for (total, part) in cells[out].iter_mut().zip(leaf.iter()) {
                    total.add(part);
                }
            }
        }
        let tree = match &today_tree {
            None => Arc::new(units),
            Some((t, _)) => Arc::clone(t),
        };
        tree.sum_up(&mut cells);
        tables.push(YearTable { year, reference, tree, cells, households });
    }
    table.tables = tables;
    table
}
