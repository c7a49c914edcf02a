//! The computation: for each year, one pass over the facts to mark the units
//! of that year, one pass over the units to turn the marks into leaf counts,
//! and one bottom-up pass over the tree to add them up. Units are addressed by
//! dense indices; the only hash look-ups are made once per fact and per tree.

mod patches;
mod readings;
pub use readings::{rate, rate_parts};
mod units;

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
/// The people targets, in the order of [`Leaves::people`].
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
#[derive(Debug)]
struct Registered {
    unit: u32,
    /// Index into [`PEOPLE_SLOTS`].
    which: usize,
    from: i32,
    to: Option<i32>,
    /// Where its years trained (or enlisted) are in [`DenseFacts::years`].
    years: std::ops::Range<usize>,
}

/// Facts sorted by year.
#[derive(Debug)]
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
/// A table keeps them until its first patch needs each year's counts.
#[derive(Debug)]
struct DenseFacts {
    resolutions: ByYear<()>,
    /// Plans, activities, posts and reports, with their mark.
    marks: ByYear<u8>,
    initiatives: Vec<(u32, i32, Option<i32>)>,
    households: ByYear<i64>,
    registered: Vec<Registered>,
    /// The years of every registered person and voice, one after another.
    years: Vec<i32>,
    /// Units some fact is recorded against.
    referenced: Vec<bool>,
}

impl DenseFacts {
    fn new(index: &UnitIndex, facts: &Facts) -> Self {
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
        let people = facts
            .people
            .iter()
            .map(|p| (p.unit, people_slot(p.role.target()), p.registered_from, p.registered_to, &p.trained_years));
        let voices =
            facts.trusted_voices.iter().map(|v| (v.unit, 3, v.registered_from, v.registered_to, &v.enlisted_years));
        let (mut registered, mut years) = (Vec::new(), Vec::new());
        for (unit, which, from, to, trained) in people.chain(voices) {
            let Some(unit) = at(unit) else { continue };
            years.extend_from_slice(trained);
            registered.push(Registered { unit, which, from, to, years: years.len() - trained.len()..years.len() });
        }
        Self {
            resolutions: ByYear::unordered(resolutions),
            marks: ByYear::unordered(marks),
            initiatives,
            households: ByYear::stable(households),
            registered,
            years,
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

    fn place(&mut self, history: &OrgHistory, index: &UnitIndex, facts: &DenseFacts, units: &Tree, date: Date) {
        for d in 0..index.ids.len() {
            (self.person[d], self.unit[d]) =
                if facts.referenced[d] { place_one(history, index, units, date, d) } else { (NONE, NONE) };
        }
    }
}

/// Where the facts recorded against dense unit `d` land on `date`: (people,
/// unit facts), `NONE` where nowhere.
fn place_one(history: &OrgHistory, index: &UnitIndex, units: &Tree, date: Date, d: usize) -> (u32, u32) {
    if units.node_of[d] != NONE {
        return (dense_len(d), dense_len(d));
    }
    let Some(s) = history.successor_on(index.ids[d], date).map(|s| index.get(s)) else { return (NONE, NONE) };
    let Some(node) = units.node(s) else { return (NONE, NONE) };
    (s, if units.levels[node] == index.last_level[d] { s } else { NONE })
}

/// The index into [`PEOPLE_SLOTS`] of the target a person counts for.
fn people_slot(target: TargetId) -> usize {
    PEOPLE_SLOTS.iter().position(|&s| Some(s) == slot(target)).unwrap_or(0)
}

/// What the facts placed on each unit add up to in one year. Counts rather
/// than marks, so that a fact can be taken away again (see `patches`).
#[derive(Debug)]
struct Leaves {
    /// How many facts give each mark, in the order of the mark bits.
    marks: Vec<[u32; 6]>,
    /// For each people target: trained, registered.
    people: Vec<[u32; 8]>,
    /// A village's own household count.
    hh_own: Vec<Option<i64>>,
    /// The household counts carried from units merged into it: how many, their sum.
    hh_carried: Vec<(u32, i64)>,
}

impl Leaves {
    fn new(n: usize) -> Self {
        Self { marks: vec![[0; 6]; n], people: vec![[0; 8]; n], hh_own: vec![None; n], hh_carried: vec![(0, 0); n] }
    }

    fn clear(&mut self) {
        self.marks.fill([0; 6]);
        self.people.fill([0; 8]);
        self.hh_own.fill(None);
        self.hh_carried.fill((0, 0));
    }

    /// One fact giving `bit` to the unit at `at`, added (`sign` 1) or taken away (-1).
    fn mark(&mut self, at: u32, bit: u8, sign: i32) {
        if let Some(counts) = self.marks.get_mut(at as usize) {
            let c = &mut counts[bit.trailing_zeros() as usize];
            *c = c.saturating_add_signed(sign);
        }
    }

    /// One person or voice registered at `at` (index `which` of
    /// [`PEOPLE_SLOTS`]), trained (or enlisted) in the year or not.
    fn person(&mut self, at: u32, which: usize, trained: bool, sign: i32) {
        if let Some(counts) = self.people.get_mut(at as usize) {
            counts[2 * which + 1] = counts[2 * which + 1].saturating_add_signed(sign);
            if trained {
                counts[2 * which] = counts[2 * which].saturating_add_signed(sign);
            }
        }
    }

    /// A household count recorded against `recorded` landing at `at`: its own
    /// when it stands, else carried.
    fn households(&mut self, recorded: u32, at: u32, n: i64, sign: i32) {
        let n = n.max(0);
        if at == recorded {
            if let Some(own) = self.hh_own.get_mut(at as usize) {
                *own = (sign > 0).then_some(n);
            }
        } else if let Some((count, sum)) = self.hh_carried.get_mut(at as usize) {
            *count = count.saturating_add_signed(sign);
            *sum = sum.saturating_add(i64::from(sign) * n);
        }
    }

    fn flags(&self, d: usize) -> u8 {
        let counts = &self.marks[d];
        (0..6).filter(|&k| counts[k] > 0).fold(0, |f, k| f | (1 << k))
    }

    /// Counts the facts of one year, placed as `place` says. `hh_last` is
    /// scratch space of one entry per unit, left empty.
    fn collect(&mut self, facts: &DenseFacts, place: &Placement, year: i32, hh_last: &mut [Option<i64>]) {
        for &(_, u, ()) in facts.resolutions.up_to(year) {
            self.mark(place.unit[u as usize], F_RESOLUTION, 1);
        }
        for &(_, u, bit) in facts.marks.year(year) {
            self.mark(place.unit[u as usize], bit, 1);
        }
        for &(u, from, to) in &facts.initiatives {
            if active(from, to, year) {
                self.mark(place.unit[u as usize], F_INITIATIVE, 1);
            }
        }
        for r in &facts.registered {
            if active(r.from, r.to, year) {
                self.person(place.person[r.unit as usize], r.which, facts.years[r.years.clone()].contains(&year), 1);
            }
        }
        // Households: the last entry per recorded unit; a village's own entry
        // wins over the entries carried from the units merged into it.
        let households = facts.households.year(year);
        for &(_, u, n) in households {
            hh_last[u as usize] = Some(n);
        }
        for &(_, u, _) in households {
            let Some(n) = hh_last[u as usize].take() else { continue };
            self.households(u, place.unit[u as usize], n, 1);
        }
    }

    /// The counts of one unit standing on the reference date, with what its
    /// version is eligible for and its households (`NONE` when none).
    fn leaf(&self, d: usize, eligible: u8, households: u32) -> [Cell; SLOTS] {
        let f = self.flags(d);
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
        if households != NONE {
            let (count, sum) = self.hh_carried[d];
            let record = self.hh_own[d].or((count > 0).then_some(sum));
            let num = u32::try_from(record.unwrap_or(0)).unwrap_or(u32::MAX).min(households);
            cells[S_HOUSEHOLDS] =
                Cell { num, den: households, eligible: 1, reported: u32::from(record.is_some() || reported) };
        }
        cells
    }
}

/// One computed year.
#[derive(Debug)]
struct YearTable {
    year: i32,
    reference: Date,
    /// The tree the counts are added up in (the year's own, or today's).
    tree: Arc<Tree>,
    /// The tree standing on the reference date, where the facts are placed.
    units: Arc<Tree>,
    /// The counts behind each unit's leaf, so facts can be patched in:
    /// counted again from [`TargetTable::sources`] by the first patch, as
    /// most tables are read and replaced without ever being patched.
    leaves: Option<Leaves>,
    cells: Vec<[Cell; SLOTS]>,
}

/// Every target for every node of the tree and every year asked for.
pub struct TargetTable {
    mode: Mode,
    years: RangeInclusive<i32>,
    index: UnitIndex,
    /// The years asked for, in order, plus 2024 (the trajectories start there).
    tables: Vec<YearTable>,
    /// In [`Mode::Today`], the node of today's tree each unit stands for.
    stands: Option<Vec<u32>>,
    /// The facts computed from, until the first patch counts each year's leaves.
    sources: Option<DenseFacts>,
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
    let mut table =
        TargetTable { mode, years: requested.clone(), index, tables: Vec::new(), stands: None, sources: None };
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

    let mut hh_last = vec![None; index.ids.len()];
    let mut place = Placement::new(index.ids.len());
    // One year's counts at a time; a patch counts them again when it needs them.
    let mut leaves = Leaves::new(index.ids.len());
    let mut tables = Vec::with_capacity(list.len());
    for year in list {
        let Some(end) = Date::from_ymd_opt(year, 12, 31) else { continue };
        let reference = end.min(today);
        let units = Arc::new(Tree::on(index, reference));
        place.place(history, index, &dense, &units, reference);
        leaves.clear();
        leaves.collect(&dense, &place, year, &mut hh_last);
        let out_len = today_tree.as_ref().map_or(units.len(), |(t, _)| t.len());
        let mut cells = vec![[Cell::default(); SLOTS]; out_len];
        for node in 0..units.len() {
            let d = units.units[node] as usize;
            let out = match &today_tree {
                None => node,
                Some((_, stands)) if stands[d] != NONE => stands[d] as usize,
                Some(_) => continue,
            };
            let v = units.version[node] as usize;
            let leaf = leaves.leaf(d, index.ver_eligible[v], index.ver_households[v]);
            if today_tree.is_none() {
                cells[out] = leaf;
            } else {
                for (total, part) in cells[out].iter_mut().zip(leaf.iter()) {
                    total.add(part);
                }
            }
        }
        let tree = match &today_tree {
            None => Arc::clone(&units),
            Some((t, _)) => Arc::clone(t),
        };
        tree.sum_up(&mut cells);
        tables.push(YearTable { year, reference, tree, units, leaves: None, cells });
    }
    table.stands = today_tree.map(|(_, stands)| stands);
    table.tables = tables;
    table.sources = Some(dense);
    table
}
