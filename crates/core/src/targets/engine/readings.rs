//! Reading the computed table: a target's value and status from its counts,
//! 2.9 from its parts, a node's rows, its place in the tree and rankings.

use std::ops::RangeInclusive;

use super::{Cell, NONE, Ranked, S_ENTERPRISES, S_HOUSEHOLDS, S_UNITS, SLOTS, TargetTable, YearTable, dense_len, slot};
use crate::Date;
use crate::org::{Level, UnitId};
use crate::targets::{FIRST_YEAR, LAST_YEAR, Mode, Status, TargetId, TargetValue};

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

/// `begun`: the year has started by the table's `today`; a year still to
/// come has no figure (never 0%), whatever the registers already hold.
fn evaluate(target: TargetId, cell: Cell, base: Option<f64>, year: i32, begun: bool) -> TargetValue {
    let value = if begun { ratio(cell) } else { None };
    let expected = expected(target, base, year);
    let (num, den) = (i64::from(cell.num), i64::from(cell.den));
    let status = rate(target, value.map(|_| (num, den)), expected);
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

/// Where a figure stands against its goal and this year's trajectory: the
/// one rating that the dashboard, its exports and the reviews all show.
/// `counts` is (numerator, denominator) when there is a figure, `None` for
/// "no data". The goal is compared on the counts, so 79,99…% is not 80%.
pub fn rate(target: TargetId, counts: Option<(i64, i64)>, expected: f64) -> Status {
    match counts {
        None => Status::NoData,
        Some((_, den)) if den <= 0 => Status::NoData,
        Some((num, den)) if num * 100 >= i64::from(target.goal_percent()) * den => Status::Met,
        Some((num, den)) if num as f64 / den as f64 + 1e-9 >= expected => Status::OnTrack,
        Some(_) => Status::Behind,
    }
}

/// A composite target (2.9) from the statuses of its parts that apply: met
/// when every one is met, behind when any is behind, no data when any has
/// none, otherwise on track. Nothing applies: no data.
pub fn rate_parts(parts: &[Status]) -> Status {
    let count = |status: Status| parts.iter().filter(|p| **p == status).count();
    if parts.is_empty() {
        Status::NoData
    } else if count(Status::Met) == parts.len() {
        Status::Met
    } else if count(Status::Behind) > 0 {
        Status::Behind
    } else if count(Status::NoData) > 0 {
        Status::NoData
    } else {
        Status::OnTrack
    }
}

/// 2.9 from its parts: met when every part that applies is met.
fn combine(parts: [TargetValue; 3]) -> TargetValue {
    let applying: Vec<&TargetValue> = parts.iter().filter(|p| p.denominator > 0).collect();
    let n = applying.len();
    let met = applying.iter().filter(|p| p.status == Status::Met).count();
    let status = rate_parts(&applying.iter().map(|p| p.status).collect::<Vec<_>>());
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

/// Whether a year had started on the day the table was computed for.
fn begun(t: &YearTable) -> bool {
    Date::from_ymd_opt(t.year, 1, 1).is_some_and(|first| t.reference >= first)
}

impl TargetTable {
    /// Whether `year` has started (by the `today` the table was computed
    /// for): a year to come has no figures and is not plotted.
    pub fn has_begun(&self, year: i32) -> bool {
        self.table(year).is_some_and(begun)
    }

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
        evaluate(target, t.cells[node][s], base, t.year, begun(t))
    }

    fn row_at(&self, t: &YearTable, node: usize) -> [TargetValue; 12] {
        let cells = &t.cells[node];
        let base = self.base(t.tree.units[node]);
        let one = |target: TargetId, s: usize| {
            let b = if target.by_2030() { base.and_then(|b| ratio(b[s])) } else { None };
            evaluate(target, cells[s], b, t.year, begun(t))
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
