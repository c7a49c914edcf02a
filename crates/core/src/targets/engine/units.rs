//! The units of the history in dense arrays: which unit versions count for
//! which target, and the tree standing on a date, parents before children.

use std::collections::HashMap;

use super::{
    Cell, F_ACTIVITY, F_INITIATIVE, F_PLAN, F_POST, F_RESOLUTION, NONE, S_ENTERPRISES, S_PAGE, S_PLAN, S_RESOLUTION,
    S_UNITS, S_VILLAGE, SLOTS, dense_len,
};
use crate::Date;
use crate::org::{Level, OrgHistory, UnitAttrs, UnitId};

/// Unit id → dense index: a plain table when the ids are compact (the usual
/// case: database row ids), a hash map otherwise.
#[derive(Debug)]
pub(super) enum IdMap {
    Direct { min: i64, table: Vec<u32> },
    Hashed(HashMap<UnitId, u32>),
}

impl IdMap {
    pub(super) fn for_ids(ids: impl Iterator<Item = UnitId> + Clone, count: usize) -> Self {
        let (min, max) = ids.clone().fold((i64::MAX, i64::MIN), |(lo, hi), u| (lo.min(u.0), hi.max(u.0)));
        let span = i128::from(max) - i128::from(min) + 1;
        let limit = 4 * count as i128 + 65_536;
        match usize::try_from(span) {
            Ok(span) if count > 0 && (span as i128) <= limit => IdMap::Direct { min, table: vec![NONE; span] },
            _ => IdMap::Hashed(HashMap::with_capacity(count)),
        }
    }

    pub(super) fn get(&self, unit: UnitId) -> u32 {
        match self {
            IdMap::Direct { min, table } => {
                usize::try_from(unit.0.wrapping_sub(*min)).ok().and_then(|i| table.get(i)).copied().unwrap_or(NONE)
            }
            IdMap::Hashed(map) => map.get(&unit).copied().unwrap_or(NONE),
        }
    }

    /// The unit's index, or `next` after recording it.
    pub(super) fn get_or_insert(&mut self, unit: UnitId, next: u32) -> u32 {
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
pub(super) const E_COMMITTEE: u8 = 1;
pub(super) const E_PLAN: u8 = 2;
pub(super) const E_VILLAGE: u8 = 4;
pub(super) const E_PAGE: u8 = 8;
pub(super) const E_UNITS: u8 = 16;
pub(super) const E_ENTERPRISES: u8 = 32;

/// The unit targets: slot, eligibility bit, fact mark.
pub(super) const UNIT_TARGETS: [(usize, u8, u8); 6] = [
    (S_RESOLUTION, E_COMMITTEE, F_RESOLUTION),
    (S_PLAN, E_PLAN, F_PLAN),
    (S_VILLAGE, E_VILLAGE, F_ACTIVITY),
    (S_PAGE, E_PAGE, F_POST),
    (S_UNITS, E_UNITS, F_INITIATIVE),
    (S_ENTERPRISES, E_ENTERPRISES, F_INITIATIVE),
];

pub(super) fn eligibility(level: Level, attrs: &UnitAttrs) -> u8 {
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
pub(super) struct UnitIndex {
    pub(super) ids: Vec<UnitId>,
    pub(super) map: IdMap,
    pub(super) ver_unit: Vec<u32>,
    pub(super) ver_parent: Vec<u32>,
    pub(super) ver_from: Vec<Date>,
    pub(super) ver_to: Vec<Option<Date>>,
    pub(super) ver_level: Vec<Level>,
    pub(super) ver_eligible: Vec<u8>,
    /// A village's households (`NONE` when not recorded or not a village).
    pub(super) ver_households: Vec<u32>,
    /// The level of each unit's latest version.
    pub(super) last_level: Vec<Level>,
}

impl UnitIndex {
    pub(super) fn new(history: &OrgHistory) -> Self {
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

    pub(super) fn get(&self, unit: UnitId) -> u32 {
        self.map.get(unit)
    }

    pub(super) fn valid_on(&self, version: usize, date: Date) -> bool {
        self.ver_from[version] <= date && self.ver_to[version].is_none_or(|to| date < to)
    }
}

/// The tree standing on one date, parents before children.
#[derive(Debug)]
pub(super) struct Tree {
    /// node → dense unit
    pub(super) units: Vec<u32>,
    /// node → parent node or NONE
    pub(super) parent: Vec<u32>,
    /// node → index into `OrgHistory::versions`
    pub(super) version: Vec<u32>,
    pub(super) levels: Vec<Level>,
    /// dense unit → node or NONE
    pub(super) node_of: Vec<u32>,
}

impl Tree {
    pub(super) fn on(index: &UnitIndex, date: Date) -> Self {
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

    pub(super) fn len(&self) -> usize {
        self.units.len()
    }

    pub(super) fn node(&self, dense: u32) -> Option<usize> {
        self.node_of.get(dense as usize).filter(|&&n| n != NONE).map(|&n| n as usize)
    }

    /// Adds every node into its parent, deepest first.
    pub(super) fn sum_up(&self, cells: &mut [[Cell; SLOTS]]) {
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
