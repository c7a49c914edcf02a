//! Small-group suppression: the tables of figures with the sums that tie
//! them together, and the exact check of which hidden figures those sums
//! would give away.

use std::collections::{BTreeMap, BTreeSet};

use crate::org::UnitId;

use super::report::ReportTree;

/// A node of the report: a unit's subtree, or the respondents attached
/// directly to a unit that also has units below it.
pub(super) struct Node {
    pub(super) unit: UnitId,
    pub(super) direct: bool,
    pub(super) children: Vec<usize>,
}

pub(super) fn build_nodes(tree: &ReportTree, has_direct: &BTreeSet<UnitId>) -> (Vec<Node>, BTreeMap<UnitId, usize>) {
    let mut nodes = Vec::new();
    let mut home = BTreeMap::new();
    // Depth-first with an explicit stack: (unit, index of parent node).
    let mut stack: Vec<(UnitId, Option<usize>)> = vec![(tree.root, None)];
    while let Some((unit, parent)) = stack.pop() {
        let idx = nodes.len();
        nodes.push(Node { unit, direct: false, children: vec![] });
        if let Some(p) = parent {
            nodes[p].children.push(idx);
        }
        let kids = tree.children.get(&unit).map(Vec::as_slice).unwrap_or(&[]);
        if kids.is_empty() {
            home.insert(unit, idx);
        } else if has_direct.contains(&unit) {
            let d = nodes.len();
            nodes.push(Node { unit, direct: true, children: vec![] });
            nodes[idx].children.push(d);
            home.insert(unit, d);
        }
        for &k in kids.iter().rev() {
            stack.push((k, Some(idx)));
        }
    }
    (nodes, home)
}

/// The figures of one table (the respondent counts, or one question) for
/// every node, and the sums that tie them together.
pub(super) struct Table {
    pub(super) values: Vec<i128>,
    pub(super) suppressed: Vec<bool>,
    /// Figures whose status is decided elsewhere: never picked to protect
    /// another.
    pub(super) locked: Vec<bool>,
    /// Each relation means Σ coefficient × figure = 0.
    pub(super) relations: Vec<Vec<(usize, i64)>>,
    /// (answer count, total): a mean is only shown with both, so the total
    /// is hidden whenever the count is.
    pub(super) linked: Vec<(usize, usize)>,
}

impl Table {
    pub(super) fn new(values: Vec<i128>) -> Table {
        let n = values.len();
        Table { values, suppressed: vec![false; n], locked: vec![false; n], relations: vec![], linked: vec![] }
    }

    /// For each sum in which `x` is the only hidden figure, the partner to
    /// hide with it: its smallest non-zero free figure (a hidden zero
    /// protects little: zero is the likeliest value of a hidden cell), else
    /// a zero.
    fn direct_partners(&self, x: usize) -> Vec<usize> {
        self.relations
            .iter()
            .filter(|r| r.iter().any(|&(v, c)| v == x && c != 0))
            .filter(|r| r.iter().all(|&(v, _)| v == x || !self.suppressed[v]))
            .filter_map(|r| {
                r.iter().map(|&(v, _)| v).filter(|&v| v != x).filter(|v| self.free(*v)).min_by_key(|v| self.cost(*v))
            })
            .collect()
    }

    /// When only a combination of sums pins `x` down: one more figure from
    /// a sum with `x`, failing that any free figure.
    fn fallback_partner(&self, x: usize) -> Option<usize> {
        let near = self
            .relations
            .iter()
            .filter(|r| r.iter().any(|&(v, c)| v == x && c != 0))
            .flat_map(|r| r.iter().map(|&(v, _)| v))
            .filter(|v| self.free(*v))
            .min_by_key(|v| self.cost(*v));
        near.or_else(|| (0..self.values.len()).filter(|v| self.free(*v)).min_by_key(|v| self.cost(*v)))
    }

    fn free(&self, v: usize) -> bool {
        !self.suppressed[v] && !self.locked[v]
    }

    /// Which figure to give up first: non-zero before zero, small before
    /// large, then position for a stable result.
    fn cost(&self, v: usize) -> (bool, i128, usize) {
        (self.values[v] == 0, self.values[v], v)
    }

    /// Adds suppressions until no suppressed figure can be computed from
    /// the published ones. Each round first gives every figure exposed by a
    /// single sum a partner in that sum; only when none is exposed that
    /// way, one figure exposed by a combination of sums gets one, and the
    /// check runs again (partners chosen for one often protect the others).
    /// Ends: every round suppresses at least one more figure, and with
    /// everything suppressed nothing can be computed.
    pub(super) fn protect(&mut self) {
        loop {
            for &(count, total) in &self.linked {
                if self.suppressed[count] {
                    self.suppressed[total] = true;
                }
            }
            let exposed = determined(&self.relations, &self.suppressed);
            let mut added = false;
            for &x in &exposed {
                for c in self.direct_partners(x) {
                    added |= !std::mem::replace(&mut self.suppressed[c], true);
                }
            }
            if !added && let Some(c) = exposed.iter().find_map(|&x| self.fallback_partner(x)) {
                self.suppressed[c] = true;
                added = true;
            }
            if !added {
                return;
            }
        }
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i128::try_from(a).unwrap_or(1)
}

/// The unknown figures (`unknown[v]`) whose value the relations fix, given
/// every other figure. Exact: reduces the relations to row echelon form
/// over the integers; an unknown is fixed exactly when some reduced row
/// mentions it alone. If a coefficient ever overflowed (it cannot with
/// realistic tables) every unknown is reported, which only suppresses more.
pub(super) fn determined(relations: &[Vec<(usize, i64)>], unknown: &[bool]) -> Vec<usize> {
    let vars: Vec<usize> = (0..unknown.len()).filter(|&v| unknown[v]).collect();
    let mut col_of = vec![usize::MAX; unknown.len()];
    for (c, &v) in vars.iter().enumerate() {
        col_of[v] = c;
    }
    let width = vars.len();
    let mut rows: Vec<Vec<i128>> = relations
        .iter()
        .filter_map(|r| {
            let mut row = vec![0i128; width];
            for &(v, coef) in r {
                if unknown.get(v).copied().unwrap_or(false) {
                    row[col_of[v]] += i128::from(coef);
                }
            }
            row.iter().any(|&x| x != 0).then_some(row)
        })
        .collect();
    let mut next = 0;
    for col in 0..width {
        let Some(p) = (next..rows.len()).find(|&r| rows[r][col] != 0) else { continue };
        rows.swap(p, next);
        let pivot = rows[next].clone();
        let a = pivot[col];
        for (r, row) in rows.iter_mut().enumerate() {
            let b = row[col];
            if r == next || b == 0 {
                continue;
            }
            let mut g = 0;
            for (x, &y) in row.iter_mut().zip(&pivot) {
                let Some(v) = x.checked_mul(a).and_then(|xa| y.checked_mul(b).and_then(|yb| xa.checked_sub(yb))) else {
                    return vars;
                };
                *x = v;
                g = gcd(g, v);
            }
            if g > 1 {
                row.iter_mut().for_each(|x| *x /= g);
            }
        }
        next += 1;
    }
    let mut out: Vec<usize> = rows
        .iter()
        .filter_map(|row| {
            let mut nz = row.iter().enumerate().filter(|(_, x)| **x != 0);
            match (nz.next(), nz.next()) {
                (Some((c, _)), None) => Some(vars[c]),
                _ => None,
            }
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
