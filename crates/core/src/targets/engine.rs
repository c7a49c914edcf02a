//! The computation: for each year, one pass over the facts to mark the units
//! of that year, one pass over the units to turn the marks into leaf counts,
//! and one bottom-up pass over the tree to add them up. Units are addressed by
//! dense indices; the only hash look-ups are made once per fact and per tree.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::Arc;

use serde::Serialize;

use super::facts::active;
use super::{FIRST_YEAR, Facts, LAST_YEAR, Mode, Status, TargetId, TargetValue};
use crate::Date;
use crate::org::{Level, OrgHistory, UnitAttrs, UnitId};

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

/// Unit id → dense index: a plain table when the ids are compact (the usual
/// case: database row ids), a hash map otherwise.
#[derive(Debug)]
enum IdMap {
    Direct { min: i64, table: Vec<u32> },
    Hashed(HashMap<UnitId, u32>),
}

impl IdMap {
    fn for_ids(ids: impl Iterator<Item = UnitId> + Clone, count: usize) -> Self {
        let (min, max) = ids.clone().fold((i64::MAX, i64::MIN), |(lo, hi), u| (lo.min(u.0), hi.max(u.0)));
        let span = i128::from(max) - i128::from(min) + 1;
        let limit = 4 * count as i128 + 65_536;
        match usize::try_from(span) {
            Ok(span) if count > 0 && (span as i128) <= limit => IdMap::Direct { min, table: vec![NONE; span] },
            _ => IdMap::Hashed(HashMap::with_capacity(count)),
        }
    }

    fn get(&self, unit: UnitId) -> u32 {
        match self {
            IdMap::Direct { min, table } => {
                usize::try_from(unit.0.wrapping_sub(*min)).ok().and_then(|i| table.get(i)).copied().unwrap_or(NONE)
            }
            IdMap::Hashed(map) => map.get(&unit).copied().unwrap_or(NONE),
        }
    }

    /// The unit's index, or `next` after recording it.
    fn get_or_insert(&mut self, unit: UnitId, next: u32) -> u32 {
        match self {
            IdMap::Direct { min, table } => {
                let Some(cell) = usize::try_from(unit.0.wrapping_sub(*min)).ok().and_then(|i| table.get_mut(i)) else {
                    return NONE;
                };
                if *cell == NONE {
                    *cell = next;
                }
                *cell
            }
            IdMap::Hashed(map) => *map.entry(unit).or_insert(next),
        }
    }
}

/// What a unit version is eligible for (bits), from its level and attributes.
const E_COMMITTEE: u8 = 1;
const E_PLAN: u8 = 2;
const E_VILLAGE: u8 = 4;
const E_PAGE: u8 = 8;
const E_UNITS: u8 = 16;
const E_ENTERPRISES: u8 = 32;

/// The unit targets: slot, eligibility bit, fact mark.
const UNIT_TARGETS: [(usize, u8, u8); 6] = [
    (S_RESOLUTION, E_COMMITTEE, F_RESOLUTION),
    (S_PLAN, E_PLAN, F_PLAN),
    (S_VILLAGE, E_VILLAGE, F_ACTIVITY),
    (S_PAGE, E_PAGE, F_POST),
    (S_UNITS, E_UNITS, F_INITIATIVE),
    (S_ENTERPRISES, E_ENTERPRISES, F_INITIATIVE),
];

fn eligibility(level: Level, attrs: &UnitAttrs) -> u8 {
    let committee = matches!(level, Level::Province | Level::District | Level::Commune);
    let enterprise = level == Level::Enterprise && attrs.enterprise_size.is_none_or(|s| s.counts_for_targets());
    let school = level == Level::School && attrs.school_level.is_none_or(|s| s.counts_for_targets());
    let page = matches!(level, Level::Agency | Level::Enterprise | Level::School)
        && attrs.official_page.as_deref().is_some_and(|p| !p.trim().is_empty());
    let mut bits = 0;
    let mut set = |yes: bool, bit: u8| {
        if yes {
            bits |= bit;
        }
    };
    set(committee, E_COMMITTEE);
    set(committee || level == Level::Agency || enterprise || school, E_PLAN);
    set(level == Level::Village, E_VILLAGE);
    set(page, E_PAGE);
    set(matches!(level, Level::Commune | Level::Village | Level::Agency) || school, E_UNITS);
    set(enterprise, E_ENTERPRISES);
    bits
}

/// Dense indices for every unit of the history, and per version what the
/// computation reads, in compact arrays.
#[derive(Debug)]
struct UnitIndex {
    ids: Vec<UnitId>,
    map: IdMap,
    ver_unit: Vec<u32>,
    ver_parent: Vec<u32>,
    ver_from: Vec<Date>,
    ver_to: Vec<Option<Date>>,
    ver_level: Vec<Level>,
    ver_eligible: Vec<u8>,
    /// A village's households (`NONE` when not recorded or not a village).
    ver_households: Vec<u32>,
    /// The level of each unit's latest version.
    last_level: Vec<Level>,
}

impl UnitIndex {
    fn new(history: &OrgHistory) -> Self {
        let versions = history.versions();
        let mut map = IdMap::for_ids(versions.iter().map(|v| v.unit_id), versions.len());
        let mut ids = Vec::new();
        let mut ver_unit = Vec::with_capacity(versions.len());
        let mut latest: Vec<(Date, Level)> = Vec::new();
        for v in versions {
            let d = map.get_or_insert(v.unit_id, dense_len(ids.len()));
            if d as usize == ids.len() {
                ids.push(v.unit_id);
                latest.push((v.valid_from, v.level));
            }
            let slot = &mut latest[d as usize];
            if v.valid_from >= slot.0 {
                *slot = (v.valid_from, v.level);
            }
            ver_unit.push(d);
        }
        let ver_parent = versions.iter().map(|v| v.parent_id.map_or(NONE, |p| map.get(p))).collect();
        let households = |v: &crate::org::UnitVersion| match v.attrs.households {
            Some(h) if v.level == Level::Village => u32::try_from(h.max(0)).unwrap_or(NONE - 1),
            _ => NONE,
        };
        Self {
            ids,
            map,
            ver_unit,
            ver_parent,
            ver_from: versions.iter().map(|v| v.valid_from).collect(),
            ver_to: versions.iter().map(|v| v.valid_to).collect(),
            ver_level: versions.iter().map(|v| v.level).collect(),
            ver_eligible: versions.iter().map(|v| eligibility(v.level, &v.attrs)).collect(),
            ver_households: versions.iter().map(households).collect(),
            last_level: latest.into_iter().map(|(_, l)| l).collect(),
        }
    }

    fn get(&self, unit: UnitId) -> u32 {
        self.map.get(unit)
    }

    fn valid_on(&self, version: usize, date: Date) -> bool {
        self.ver_from[version] <= date && self.ver_to[version].is_none_or(|to| date < to)
    }
}

/// The tree standing on one date, parents before children.
#[derive(Debug)]
struct Tree {
    /// node → dense unit
    units: Vec<u32>,
    /// node → parent node or NONE
    parent: Vec<u32>,
    /// node → index into `OrgHistory::versions`
    version: Vec<u32>,
    levels: Vec<Level>,
    /// dense unit → node or NONE
    node_of: Vec<u32>,
}

impl Tree {
    fn on(index: &UnitIndex, date: Date) -> Self {
        let n = index.ids.len();
        let mut ver_of = vec![NONE; n];
        for i in 0..index.ver_unit.len() {
            if index.valid_on(i, date) {
                let d = index.ver_unit[i] as usize;
                if ver_of[d] == NONE {
                    ver_of[d] = dense_len(i);
                }
            }
        }
        let parent_of = |d: usize| -> u32 {
            let p = index.ver_parent[ver_of[d] as usize];
            if p != NONE && p as usize != d && ver_of[p as usize] != NONE { p } else { NONE }
        };
        // Children lists in one array (counting sort on the parent).
        let mut start = vec![0u32; n + 1];
        let mut roots = Vec::new();
        let mut parents = vec![NONE; n];
        for d in (0..n).filter(|&d| ver_of[d] != NONE) {
            let p = parent_of(d);
            parents[d] = p;
            if p == NONE {
                roots.push(dense_len(d));
            } else {
                start[p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut children = vec![0u32; start[n] as usize];
        for (d, &p) in parents.iter().enumerate() {
            if p != NONE {
                children[fill[p as usize] as usize] = dense_len(d);
                fill[p as usize] += 1;
            }
        }
        roots.sort_by_key(|&d| index.ids[d as usize]);

        let mut units = roots;
        let mut node_of = vec![NONE; n];
        for (node, &d) in units.iter().enumerate() {
            node_of[d as usize] = dense_len(node);
        }
        // Only roots start the walk and each unit has one parent, so each is
        // reached at most once: a unit on a loop (a corrupt tree) is never
        // reached, and a unit its own parent is a root.
        let mut next = 0;
        while next < units.len() {
            let d = units[next] as usize;
            next += 1;
            for &c in &children[start[d] as usize..start[d + 1] as usize] {
                node_of[c as usize] = dense_len(units.len());
                units.push(c);
            }
        }
        let parent = units
            .iter()
            .map(|&d| parents[d as usize])
            .map(|p| if p == NONE { NONE } else { node_of[p as usize] })
            .collect();
        let version: Vec<u32> = units.iter().map(|&d| ver_of[d as usize]).collect();
        let levels = version.iter().map(|&vi| index.ver_level[vi as usize]).collect();
        Self { units, parent, version, levels, node_of }
    }

    fn len(&self) -> usize {
        self.units.len()
    }

    fn node(&self, dense: u32) -> Option<usize> {
        self.node_of.get(dense as usize).filter(|&&n| n != NONE).map(|&n| n as usize)
    }

    /// Adds every node into its parent, deepest first.
    fn sum_up(&self, cells: &mut [[Cell; SLOTS]]) {
        for node in (0..self.len()).rev() {
            let p = self.parent[node];
            if p != NONE {
                let child = cells[node];
                for (total, part) in cells[p as usize].iter_mut().zip(child.iter()) {
                    total.add(part);
                }
            }
        }
    }
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

fn ratio(cell: Cell) -> Option<f64> {
    (cell.den > 0 && cell.reported > 0).then(|| f64::from(cell.num) / f64::from(cell.den))
}

fn expected(target: TargetId, base: Option<f64>, year: i32) -> f64 {
    let goal = target.goal();
    if !target.by_2030() {
        return goal;
    }
    let base = base.unwrap_or(0.0).clamp(0.0, goal);
    let t = f64::from(year.clamp(FIRST_YEAR, LAST_YEAR) - FIRST_YEAR) / f64::from(LAST_YEAR - FIRST_YEAR);
    base + (goal - base) * t
}

fn evaluate(target: TargetId, cell: Cell, base: Option<f64>, year: i32) -> TargetValue {
    let value = ratio(cell);
    let expected = expected(target, base, year);
    let (num, den) = (i64::from(cell.num), i64::from(cell.den));
    let status = match value {
        None => Status::NoData,
        Some(_) if num * 100 >= i64::from(target.goal_percent()) * den => Status::Met,
        Some(v) if v + 1e-9 >= expected => Status::OnTrack,
        Some(_) => Status::Behind,
    };
    TargetValue {
        target,
        numerator: num,
        denominator: den,
        eligible_units: i64::from(cell.eligible),
        reported_units: i64::from(cell.reported),
        value,
        goal: target.goal(),
        expected,
        status,
    }
}

/// 2.9 from its parts: met when every part that applies is met.
fn combine(parts: [TargetValue; 3]) -> TargetValue {
    let applying: Vec<&TargetValue> = parts.iter().filter(|p| p.denominator > 0).collect();
    let count = |status: Status| applying.iter().filter(|p| p.status == status).count();
    let n = applying.len();
    let met = count(Status::Met);
    let status = if n == 0 {
        Status::NoData
    } else if met == n {
        Status::Met
    } else if count(Status::Behind) > 0 {
        Status::Behind
    } else if count(Status::NoData) > 0 {
        Status::NoData
    } else {
        Status::OnTrack
    };
    let target = TargetId::Coverage;
    TargetValue {
        target,
        numerator: met as i64,
        denominator: n as i64,
        eligible_units: n as i64,
        reported_units: applying.iter().filter(|p| p.value.is_some()).count() as i64,
        value: (status != Status::NoData).then(|| met as f64 / n as f64),
        goal: target.goal(),
        expected: target.goal(),
        status,
    }
}

impl TargetTable {
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The years computed (the range asked for, capped at 100 years).
    pub fn years(&self) -> RangeInclusive<i32> {
        self.years.clone()
    }

    fn table(&self, year: i32) -> Option<&YearTable> {
        if !self.years.contains(&year) {
            return None;
        }
        self.tables.iter().find(|t| t.year == year)
    }

    /// The date whose tree and units year `year` is read with.
    pub fn reference_date(&self, year: i32) -> Option<Date> {
        self.table(year).map(|t| t.reference)
    }

    /// Changes the households with a member in an initiative recorded for one
    /// village in one year (2.9c; `None` for no record) and updates the nodes
    /// above it, without recomputing the table: the path a member added or
    /// removed takes. Returns `false` when the village has no household count
    /// standing that year, or the year was not computed; the caller then
    /// recomputes, as it must for every other kind of change.
    pub fn set_households_with_member(&mut self, village: UnitId, year: i32, count: Option<i64>) -> bool {
        let dense = self.index.get(village);
        let mut changed = false;
        for t in self.tables.iter_mut().filter(|t| t.year == year) {
            let Some(leaf) = t.households.get_mut(&dense) else { continue };
            let before = leaf.cell();
            leaf.own = count.map(|n| n.max(0));
            let after = leaf.cell();
            let mut node = leaf.out;
            while node != NONE {
                let cell = &mut t.cells[node as usize][S_HOUSEHOLDS];
                let shift = |total: u32, old: u32, new: u32| {
                    u32::try_from(i64::from(total) - i64::from(old) + i64::from(new)).unwrap_or(0)
                };
                cell.num = shift(cell.num, before.num, after.num);
                cell.reported = shift(cell.reported, before.reported, after.reported);
                node = t.tree.parent[node as usize];
            }
            changed = true;
        }
        changed
    }

    /// The nodes of a year's tree, parents before children.
    pub fn nodes(&self, year: i32) -> Vec<UnitId> {
        self.table(year).map(|t| t.tree.units.iter().map(|&d| self.index.ids[d as usize]).collect()).unwrap_or_default()
    }

    /// A node's parent in a year's tree (`None` for a root or an unknown node).
    pub fn parent(&self, unit: UnitId, year: i32) -> Option<UnitId> {
        let t = self.table(year)?;
        let p = t.tree.parent[t.tree.node(self.index.get(unit))?];
        (p != NONE).then(|| self.index.ids[t.tree.units[p as usize] as usize])
    }

    /// A node's children in a year's tree, in tree order.
    pub fn children(&self, unit: UnitId, year: i32) -> Vec<UnitId> {
        let Some((t, node)) = self.locate(unit, year) else { return Vec::new() };
        let node = dense_len(node);
        (0..t.tree.len())
            .filter(|&n| t.tree.parent[n] == node)
            .map(|n| self.index.ids[t.tree.units[n] as usize])
            .collect()
    }

    fn locate(&self, unit: UnitId, year: i32) -> Option<(&YearTable, usize)> {
        let t = self.table(year)?;
        Some((t, t.tree.node(self.index.get(unit))?))
    }

    /// The 2024 counts of a unit, where the trajectories start.
    fn base(&self, dense: u32) -> Option<&[Cell; SLOTS]> {
        let b = self.tables.iter().find(|b| b.year == FIRST_YEAR)?;
        b.tree.node(dense).map(|n| &b.cells[n])
    }

    fn value_at(&self, t: &YearTable, node: usize, target: TargetId) -> TargetValue {
        let Some(s) = slot(target) else {
            return combine(
                [TargetId::CoverageUnits, TargetId::CoverageEnterprises, TargetId::CoverageHouseholds]
                    .map(|part| self.value_at(t, node, part)),
            );
        };
        let base = if target.by_2030() { self.base(t.tree.units[node]).and_then(|b| ratio(b[s])) } else { None };
        evaluate(target, t.cells[node][s], base, t.year)
    }

    fn row_at(&self, t: &YearTable, node: usize) -> [TargetValue; 12] {
        let cells = &t.cells[node];
        let base = self.base(t.tree.units[node]);
        let one = |target: TargetId, s: usize| {
            let b = if target.by_2030() { base.and_then(|b| ratio(b[s])) } else { None };
            evaluate(target, cells[s], b, t.year)
        };
        let parts = [
            one(TargetId::CoverageUnits, S_UNITS),
            one(TargetId::CoverageEnterprises, S_ENTERPRISES),
            one(TargetId::CoverageHouseholds, S_HOUSEHOLDS),
        ];
        TargetId::ALL.map(|target| match slot(target) {
            Some(s) => one(target, s),
            None => combine(parts),
        })
    }

    /// One target of one node in one year; `None` when the node is not in that
    /// year's tree or the year was not computed.
    pub fn get(&self, unit: UnitId, year: i32, target: TargetId) -> Option<TargetValue> {
        let (t, node) = self.locate(unit, year)?;
        Some(self.value_at(t, node, target))
    }

    /// A node's rows for a year, in the order of [`TargetId::ALL`].
    pub fn rows(&self, unit: UnitId, year: i32) -> Option<[TargetValue; 12]> {
        let (t, node) = self.locate(unit, year)?;
        Some(self.row_at(t, node))
    }

    /// Every node's rows for a year, parents before children, without a
    /// look-up per node (for exports and whole-tree views).
    pub fn each_row(&self, year: i32, mut f: impl FnMut(UnitId, &[TargetValue; 12])) {
        let Some(t) = self.table(year) else { return };
        for (node, &d) in t.tree.units.iter().enumerate() {
            f(self.index.ids[d as usize], &self.row_at(t, node));
        }
    }

    /// One target of one node over the years computed (`None` where the node
    /// was not in the year's tree).
    pub fn series(&self, unit: UnitId, target: TargetId) -> Vec<(i32, Option<TargetValue>)> {
        self.years.clone().map(|y| (y, self.get(unit, y, target))).collect()
    }

    /// The communes under `province` in a year's tree ranked on a target: best
    /// value first, then the larger denominator, "no data" last.
    pub fn rank_communes(&self, province: UnitId, year: i32, target: TargetId) -> Vec<Ranked> {
        let Some(t) = self.table(year) else { return Vec::new() };
        let Some(root) = t.tree.node(self.index.get(province)) else { return Vec::new() };
        let tree = &t.tree;
        let mut inside = vec![false; tree.len()];
        inside[root] = true;
        let mut rows = Vec::new();
        for node in root + 1..tree.len() {
            let p = tree.parent[node];
            inside[node] = p != NONE && inside[p as usize];
            if inside[node] && tree.levels[node] == Level::Commune {
                let unit = self.index.ids[tree.units[node] as usize];
                rows.push(Ranked { rank: None, unit, value: self.value_at(t, node, target) });
            }
        }
        let better = |a: &TargetValue, b: &TargetValue| {
            // a.num / a.den against b.num / b.den without rounding.
            (i128::from(b.numerator) * i128::from(a.denominator))
                .cmp(&(i128::from(a.numerator) * i128::from(b.denominator)))
        };
        rows.sort_by(|a, b| {
            let (x, y) = (&a.value, &b.value);
            x.value
                .is_none()
                .cmp(&y.value.is_none())
                .then_with(|| if x.value.is_some() { better(x, y) } else { std::cmp::Ordering::Equal })
                .then_with(|| y.denominator.cmp(&x.denominator))
                .then_with(|| a.unit.cmp(&b.unit))
        });
        let mut previous: Option<(u32, TargetValue)> = None;
        for (i, row) in rows.iter_mut().enumerate() {
            if row.value.value.is_none() {
                break;
            }
            let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let rank = match previous {
                Some((rank, prev)) if better(&prev, &row.value).is_eq() => rank,
                _ => position,
            };
            row.rank = Some(rank);
            previous = Some((rank, row.value));
        }
        rows
    }
}
