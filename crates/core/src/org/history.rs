//! Reading the tree "as of" a date, and rolling values up it either "as it
//! was then" or "mapped to today's tree" through the lineage links.

use std::collections::{HashMap, HashSet};

use super::{LineageLink, UnitId, UnitVersion};
use crate::Date;

/// Every version of every unit, plus the lineage links between them.
#[derive(Debug, Clone, Default)]
pub struct OrgHistory {
    versions: Vec<UnitVersion>,
    /// from → links, sorted so the default link comes first.
    forward: HashMap<UnitId, Vec<LineageLink>>,
    /// parent → indices of every version (of any date) placed under it.
    under: HashMap<UnitId, Vec<usize>>,
    /// unit → indices of its versions.
    by_unit: HashMap<UnitId, Vec<usize>>,
}

/// The tree as it stood on one date.
#[derive(Debug, Clone)]
pub struct Snapshot<'a> {
    pub date: Date,
    by_id: HashMap<UnitId, &'a UnitVersion>,
    children: HashMap<UnitId, Vec<UnitId>>,
}

/// How a value recorded against a unit is placed in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollupMode {
    /// Under the tree as it stood on the date.
    AsOf(Date),
    /// Each unit first follows its lineage to the unit that stands for it on
    /// the date (the default target of a split), then rolls up that tree.
    MappedTo(Date),
}

impl OrgHistory {
    pub fn new(versions: Vec<UnitVersion>, links: Vec<LineageLink>) -> Self {
        let mut forward: HashMap<UnitId, Vec<LineageLink>> = HashMap::new();
        for link in links {
            forward.entry(link.from).or_default().push(link);
        }
        for links in forward.values_mut() {
            links.sort_by_key(|l| (!l.is_default, l.to));
        }
        let mut under: HashMap<UnitId, Vec<usize>> = HashMap::new();
        let mut by_unit: HashMap<UnitId, Vec<usize>> = HashMap::new();
        for (i, v) in versions.iter().enumerate() {
            if let Some(p) = v.parent_id {
                under.entry(p).or_default().push(i);
            }
            by_unit.entry(v.unit_id).or_default().push(i);
        }
        Self { versions, forward, under, by_unit }
    }

    /// The unit's version valid on `date`.
    pub fn version_on(&self, unit: UnitId, date: Date) -> Option<&UnitVersion> {
        self.by_unit.get(&unit)?.iter().map(|&i| &self.versions[i]).find(|v| v.is_valid_on(date))
    }

    /// `root` and everything under it on `date`, parents before children,
    /// without building the whole day's snapshot: only the subtree's
    /// versions are visited, each once (a unit met again, as in a loop, is
    /// not followed).
    pub fn subtree_on(&self, root: UnitId, date: Date) -> Vec<&UnitVersion> {
        let Some(top) = self.version_on(root, date) else { return Vec::new() };
        let mut out = vec![top];
        let mut seen = HashSet::from([root]);
        let mut next = 0;
        while next < out.len() {
            let parent = out[next].unit_id;
            next += 1;
            if let Some(children) = self.under.get(&parent) {
                for v in children.iter().map(|&i| &self.versions[i]) {
                    if v.is_valid_on(date) && seen.insert(v.unit_id) {
                        out.push(v);
                    }
                }
            }
        }
        out
    }

    pub fn versions(&self) -> &[UnitVersion] {
        &self.versions
    }

    pub fn snapshot(&self, date: Date) -> Snapshot<'_> {
        let by_id: HashMap<UnitId, &UnitVersion> =
            self.versions.iter().filter(|v| v.is_valid_on(date)).map(|v| (v.unit_id, v)).collect();
        let mut children: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
        for v in by_id.values() {
            if let Some(p) = v.parent_id.filter(|p| by_id.contains_key(p)) {
                children.entry(p).or_default().push(v.unit_id);
            }
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| {
                let (va, vb) = (by_id[a], by_id[b]);
                (va.code.as_deref(), &va.name).cmp(&(vb.code.as_deref(), &vb.name))
            });
        }
        Snapshot { date, by_id, children }
    }

    /// The unit that stands for `unit` on `date`: itself if it exists then,
    /// otherwise its successor along the default lineage links. `None` when
    /// the unit was abolished without successor or did not exist yet.
    pub fn successor_on(&self, unit: UnitId, date: Date) -> Option<UnitId> {
        let mut current = unit;
        let mut seen = HashSet::new();
        loop {
            if self.alive_on(current, date) {
                return Some(current);
            }
            if !seen.insert(current) {
                return None;
            }
            let next = self.forward.get(&current)?.iter().find(|l| l.effective <= date)?;
            current = next.to;
        }
    }

    /// Every unit that lies under `root` at any time, or flowed (by merge or
    /// split) into one that does, `root` included: the scope rule, for whole
    /// lists at once.
    pub fn within(&self, root: UnitId) -> HashSet<UnitId> {
        let mut backward: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
        for links in self.forward.values() {
            for l in links {
                backward.entry(l.to).or_default().push(l.from);
            }
        }
        let mut seen = HashSet::from([root]);
        let mut stack = vec![root];
        while let Some(u) = stack.pop() {
            let children = self.under.get(&u).into_iter().flatten().map(|&i| self.versions[i].unit_id);
            let merged = backward.get(&u).into_iter().flatten().copied();
            for next in children.chain(merged) {
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        seen
    }

    /// All units that flowed into `unit` (transitively), for a unit's history page.
    pub fn predecessors(&self, unit: UnitId) -> Vec<UnitId> {
        let mut out = Vec::new();
        let mut stack = vec![unit];
        let mut seen = HashSet::from([unit]);
        while let Some(u) = stack.pop() {
            for (from, links) in &self.forward {
                if links.iter().any(|l| l.to == u) && seen.insert(*from) {
                    out.push(*from);
                    stack.push(*from);
                }
            }
        }
        out.sort();
        out
    }

    fn alive_on(&self, unit: UnitId, date: Date) -> bool {
        self.version_on(unit, date).is_some()
    }

    /// Sums `values` (recorded against units) over the subtree of `root`.
    /// Returns `None` when no value falls in the subtree: "no data" is not 0.
    pub fn rollup(&self, values: &[(UnitId, i64)], root: UnitId, mode: RollupMode) -> Option<i64> {
        let date = match mode {
            RollupMode::AsOf(d) | RollupMode::MappedTo(d) => d,
        };
        let snapshot = self.snapshot(date);
        let subtree: HashSet<UnitId> = snapshot.subtree(root).into_iter().collect();
        let mut total: Option<i64> = None;
        for &(unit, value) in values {
            let placed = match mode {
                RollupMode::AsOf(_) => Some(unit),
                RollupMode::MappedTo(d) => self.successor_on(unit, d),
            };
            if placed.is_some_and(|u| subtree.contains(&u)) {
                total = Some(total.unwrap_or(0).saturating_add(value));
            }
        }
        total
    }
}

impl<'a> Snapshot<'a> {
    pub fn get(&self, unit: UnitId) -> Option<&'a UnitVersion> {
        self.by_id.get(&unit).copied()
    }

    pub fn children(&self, unit: UnitId) -> &[UnitId] {
        self.children.get(&unit).map(Vec::as_slice).unwrap_or(&[])
    }

    /// `root` and everything under it, depth first; empty if `root` did not
    /// exist. Each unit is visited once, so a loop in the tree ends the walk.
    pub fn subtree(&self, root: UnitId) -> Vec<UnitId> {
        if !self.by_id.contains_key(&root) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = vec![root];
        while let Some(u) = stack.pop() {
            if seen.insert(u) {
                out.push(u);
                stack.extend(self.children(u).iter().rev().filter(|c| !seen.contains(*c)));
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{Level, UnitAttrs};

    fn d(s: &str) -> Date {
        s.parse().unwrap_or_default()
    }

    fn v(id: i64, parent: Option<i64>, level: Level, from: &str, to: Option<&str>) -> UnitVersion {
        UnitVersion {
            unit_id: UnitId(id),
            valid_from: d(from),
            valid_to: to.map(d),
            code: Some(format!("{id:05}")),
            name: format!("Unit {id}"),
            level,
            unit_type: None,
            parent_id: parent.map(UnitId),
            attrs: UnitAttrs::default(),
            lat: None,
            lon: None,
        }
    }

    fn link(from: i64, to: i64, is_default: bool) -> LineageLink {
        LineageLink { from: UnitId(from), to: UnitId(to), is_default, effective: d("2025-07-01") }
    }

    /// Old province 1 with district 2 and communes 3, 4 (4 split into 11 and 12);
    /// on 2025-07-01 new province 10 takes communes 11 (from 3 + 4) and 12 (rest of 4).
    fn merged_world() -> OrgHistory {
        let end = Some("2025-07-01");
        OrgHistory::new(
            vec![
                v(1, None, Level::Province, "2024-01-01", end),
                v(2, Some(1), Level::District, "2024-01-01", end),
                v(3, Some(2), Level::Commune, "2024-01-01", end),
                v(4, Some(2), Level::Commune, "2024-01-01", end),
                v(10, None, Level::Province, "2025-07-01", None),
                v(11, Some(10), Level::Commune, "2025-07-01", None),
                v(12, Some(10), Level::Commune, "2025-07-01", None),
            ],
            vec![link(1, 10, true), link(3, 11, true), link(4, 12, false), link(4, 11, true)],
        )
    }

    #[test]
    fn as_of_reads_the_tree_of_the_day() {
        let h = merged_world();
        assert_eq!(h.snapshot(d("2025-06-30")).subtree(UnitId(1)).len(), 4);
        assert!(h.snapshot(d("2025-07-01")).subtree(UnitId(1)).is_empty());
        assert_eq!(h.snapshot(d("2025-07-01")).subtree(UnitId(10)).len(), 3);
    }

    #[test]
    fn indexed_subtree_equals_the_snapshot_subtree() {
        let h = merged_world();
        for (root, day) in [(1, "2025-06-30"), (10, "2025-07-01"), (2, "2024-05-01"), (1, "2025-07-01")] {
            let mut a: Vec<UnitId> = h.subtree_on(UnitId(root), d(day)).iter().map(|v| v.unit_id).collect();
            let mut b = h.snapshot(d(day)).subtree(UnitId(root));
            a.sort();
            b.sort();
            assert_eq!(a, b, "root {root} on {day}");
        }
    }

    /// Province 1 with commune 2, whose village 3 names itself as parent,
    /// and communes 4 and 5 that name each other: no walk may loop.
    #[test]
    fn walks_end_on_a_tree_with_loops() {
        let h = OrgHistory::new(
            vec![
                v(1, None, Level::Province, "2024-01-01", None),
                v(2, Some(1), Level::Commune, "2024-01-01", None),
                v(3, Some(2), Level::Village, "2024-01-01", Some("2025-01-01")),
                v(3, Some(3), Level::Village, "2025-01-01", None),
                v(4, Some(5), Level::Commune, "2024-01-01", None),
                v(5, Some(4), Level::Commune, "2024-01-01", None),
            ],
            vec![link(2, 3, true), link(3, 2, true)],
        );
        let on = d("2025-06-01");
        let ids = |vs: Vec<&UnitVersion>| vs.iter().map(|v| v.unit_id.0).collect::<Vec<_>>();
        assert_eq!(ids(h.subtree_on(UnitId(3), on)), vec![3]);
        assert_eq!(ids(h.subtree_on(UnitId(4), on)), vec![4, 5]);
        assert_eq!(h.snapshot(on).subtree(UnitId(3)), vec![UnitId(3)]);
        assert_eq!(h.snapshot(on).subtree(UnitId(5)), vec![UnitId(5), UnitId(4)]);
        let values = [(UnitId(3), 10), (UnitId(4), 1), (UnitId(5), 2)];
        assert_eq!(h.rollup(&values, UnitId(3), RollupMode::AsOf(on)), Some(10));
        assert_eq!(h.rollup(&values, UnitId(4), RollupMode::MappedTo(on)), Some(3));
        assert!(h.within(UnitId(1)).contains(&UnitId(3)));
        assert_eq!(h.successor_on(UnitId(9), on), None);
    }

    #[test]
    fn split_follows_the_default_target() {
        let h = merged_world();
        assert_eq!(h.successor_on(UnitId(4), d("2026-01-01")), Some(UnitId(11)));
        assert_eq!(h.successor_on(UnitId(4), d("2025-01-01")), Some(UnitId(4)));
        assert_eq!(h.predecessors(UnitId(11)), vec![UnitId(3), UnitId(4)]);
    }

    #[test]
    fn rollup_then_and_mapped_to_today() {
        let h = merged_world();
        let values = [(UnitId(3), 5), (UnitId(4), 7)];
        // As it was then: both communes sat under district 2.
        assert_eq!(h.rollup(&values, UnitId(2), RollupMode::AsOf(d("2024-06-01"))), Some(12));
        // Mapped to today's tree: both land in new commune 11 of province 10.
        let today = RollupMode::MappedTo(d("2026-01-01"));
        assert_eq!(h.rollup(&values, UnitId(11), today), Some(12));
        assert_eq!(h.rollup(&values, UnitId(10), today), Some(12));
        // Nothing recorded for commune 12: no data, not zero.
        assert_eq!(h.rollup(&values, UnitId(12), today), None);
    }
}
