//! Changing a computed table after a registry change instead of computing it
//! again: each fact taken away or added is placed as the computation places
//! it, the counts of the unit it lands on change, and the difference of that
//! unit's leaf is carried up to the root. A handful of facts costs a few
//! look-ups per year, whatever the size of the province.

use chrono::Datelike;

use super::{
    Cell, F_ACTIVITY, F_INITIATIVE, F_PLAN, F_POST, F_REPORT, F_RESOLUTION, Leaves, NONE, Placement, SLOTS,
    TargetTable, YearTable, people_slot, place_one,
};
use crate::org::{OrgHistory, UnitId};
use crate::targets::facts::active;
use crate::targets::{Facts, TargetId};

/// One change to the counts of the unit a fact lands on.
#[derive(Debug, Clone, Copy)]
enum Step {
    Mark {
        bit: u8,
    },
    Person {
        which: usize,
        trained: bool,
    },
    Households {
        recorded: u32,
        n: i64,
    },
    /// A village's own count set outright.
    Own {
        n: Option<i64>,
    },
}

impl TargetTable {
    /// Takes the facts of `removed` out and puts those of `added` in, giving
    /// the table that [`super::compute`] would give for the facts so changed.
    /// `removed` must be facts the table counts (computed from or added
    /// since); a village has at most one household count per year; facts
    /// about units the history does not know are left out, as the
    /// computation leaves them out. `history` is the one the table was
    /// computed with: a boundary change needs a new computation.
    pub fn patch(&mut self, history: &OrgHistory, removed: &Facts, added: &Facts) {
        self.count_leaves(history);
        for k in 0..self.tables.len() {
            let steps = self.steps(history, k, removed, added);
            self.apply(k, steps);
        }
    }

    /// Changes the households with a member in an initiative recorded for one
    /// village in one year (2.9c; `None` for no record) and updates the nodes
    /// above it, without recomputing the table. Returns `false` when the
    /// village has no household count standing that year, or the year was
    /// not computed. `history` is the one the table was computed with.
    pub fn set_households_with_member(
        &mut self,
        history: &OrgHistory,
        village: UnitId,
        year: i32,
        count: Option<i64>,
    ) -> bool {
        self.count_leaves(history);
        let d = self.index.get(village);
        let mut changed = false;
        for k in 0..self.tables.len() {
            let t = &self.tables[k];
            let standing = t.units.node(d).is_some_and(|node| {
                let v = t.units.version[node] as usize;
                self.index.ver_households[v] != NONE
            });
            if t.year == year && standing && self.out_node(t, d).is_some() {
                self.apply(k, vec![(d, Step::Own { n: count.map(|n| n.max(0)) }, 1)]);
                changed = true;
            }
        }
        changed
    }

    /// Counts each year's leaves from the facts the table was computed from,
    /// once, before the first patch (the computation keeps only the totals).
    fn count_leaves(&mut self, history: &OrgHistory) {
        let Some(dense) = self.sources.take() else { return };
        let n = self.index.ids.len();
        let (mut place, mut hh_last) = (Placement::new(n), vec![None; n]);
        for t in &mut self.tables {
            place.place(history, &self.index, &dense, &t.units, t.reference);
            let mut leaves = Leaves::new(n);
            leaves.collect(&dense, &place, t.year, &mut hh_last);
            t.leaves = Some(leaves);
        }
    }

    /// The changes `removed` and `added` make to the counts of year table `k`:
    /// (unit landed on, change, sign).
    fn steps(&self, history: &OrgHistory, k: usize, removed: &Facts, added: &Facts) -> Vec<(u32, Step, i32)> {
        let t = &self.tables[k];
        let (year, index) = (t.year, &self.index);
        // (recorded, people land on, unit facts land on)
        let place = |unit: UnitId| -> Option<(u32, u32, u32)> {
            let d = index.get(unit);
            (d != NONE).then(|| {
                let (person, unit) = place_one(history, index, &t.units, t.reference, d as usize);
                (d, person, unit)
            })
        };
        let mut steps = Vec::new();
        for (facts, sign) in [(removed, -1), (added, 1)] {
            let mut mark = |unit: UnitId, bit: u8| {
                if let Some((_, _, at)) = place(unit) {
                    steps.push((at, Step::Mark { bit }, sign));
                }
            };
            for &(u, date) in &facts.resolutions {
                if date.year() <= year {
                    mark(u, F_RESOLUTION);
                }
            }
            for (list, bit) in [
                (&facts.plans, F_PLAN),
                (&facts.village_activities, F_ACTIVITY),
                (&facts.page_posts, F_POST),
                (&facts.reports, F_REPORT),
            ] {
                for &(u, y) in list {
                    if y == year {
                        mark(u, bit);
                    }
                }
            }
            for &(u, from, to) in &facts.initiative_participation {
                if active(from, to, year) {
                    mark(u, F_INITIATIVE);
                }
            }
            let people = facts
                .people
                .iter()
                .map(|p| (p.unit, people_slot(p.role.target()), p.registered_from, p.registered_to, &p.trained_years));
            let voices = facts.trusted_voices.iter().map(|v| {
                (v.unit, people_slot(TargetId::TrustedVoices), v.registered_from, v.registered_to, &v.enlisted_years)
            });
            for (u, which, from, to, years) in people.chain(voices) {
                if active(from, to, year)
                    && let Some((_, at, _)) = place(u)
                {
                    steps.push((at, Step::Person { which, trained: years.contains(&year) }, sign));
                }
            }
            for &(u, y, n) in &facts.households_with_member {
                if y == year
                    && let Some((recorded, _, at)) = place(u)
                {
                    steps.push((at, Step::Households { recorded, n }, sign));
                }
            }
        }
        steps.retain(|&(at, _, _)| at != NONE);
        steps
    }

    /// The node of the output tree a unit standing in year table `t` adds into.
    fn out_node(&self, t: &YearTable, d: u32) -> Option<usize> {
        let node = t.units.node(d)?;
        match &self.stands {
            None => Some(node),
            Some(stands) => stands.get(d as usize).filter(|&&s| s != NONE).map(|&s| s as usize),
        }
    }

    /// A standing unit's leaf in year table `t` and the node it adds into.
    fn leaf_of(&self, t: &YearTable, d: u32) -> Option<(usize, [Cell; SLOTS])> {
        let out = self.out_node(t, d)?;
        let v = t.units.version[t.units.node(d)?] as usize;
        let leaves = t.leaves.as_ref()?;
        Some((out, leaves.leaf(d as usize, self.index.ver_eligible[v], self.index.ver_households[v])))
    }

    /// Applies the steps to year table `k` and carries each changed leaf's
    /// difference up the tree.
    fn apply(&mut self, k: usize, steps: Vec<(u32, Step, i32)>) {
        if steps.is_empty() {
            return;
        }
        let mut touched: Vec<u32> = steps.iter().map(|&(at, _, _)| at).collect();
        touched.sort_unstable();
        touched.dedup();
        let before: Vec<_> = touched.iter().map(|&d| self.leaf_of(&self.tables[k], d)).collect();
        let Some(leaves) = self.tables[k].leaves.as_mut() else { return };
        for (at, step, sign) in steps {
            match step {
                Step::Mark { bit } => leaves.mark(at, bit, sign),
                Step::Person { which, trained } => leaves.person(at, which, trained, sign),
                Step::Households { recorded, n } => leaves.households(recorded, at, n, sign),
                Step::Own { n } => {
                    if let Some(own) = leaves.hh_own.get_mut(at as usize) {
                        *own = n;
                    }
                }
            }
        }
        for (&d, before) in touched.iter().zip(before) {
            let (Some((out, old)), Some((_, new))) = (before, self.leaf_of(&self.tables[k], d)) else { continue };
            if old == new {
                continue;
            }
            let t = &mut self.tables[k];
            let mut node = out as u32;
            while node != NONE {
                for ((total, was), now) in t.cells[node as usize].iter_mut().zip(&old).zip(&new) {
                    total.shift(was, now);
                }
                node = t.tree.parent[node as usize];
            }
        }
    }
}

impl Cell {
    /// Replaces the part `was` of this total with `now`.
    fn shift(&mut self, was: &Cell, now: &Cell) {
        let by = |total: u32, old: u32, new: u32| {
            u32::try_from(i64::from(total) - i64::from(old) + i64::from(new)).unwrap_or(0)
        };
        self.num = by(self.num, was.num, now.num);
        self.den = by(self.den, was.den, now.den);
        self.eligible = by(self.eligible, was.eligible, now.eligible);
        self.reported = by(self.reported, was.reported, now.reported);
    }
}
