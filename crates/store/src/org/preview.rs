//! What a dated operation would move, before it is confirmed: the units it
//! ends, creates, moves or renames, and what hangs on the units whose place
//! changes (registry records, accounts scoped to them, open citizens'
//! reports). Planned with the same rules as [`WriteTx::apply_op`] inside a
//! transaction the caller drops, so nothing is written.

use std::collections::{BTreeSet, HashMap, HashSet};

use khienmang_core::Date;
use khienmang_core::org::{OrgOp, UnitId, UnitVersion, ops::Change};
use serde::Serialize;
use sqlx::Row;

use super::valid_on;
use crate::{Result, WriteTx};

/// The most names a preview lists of each kind; the counts are whole.
const LISTED: usize = 50;
/// Ids per `IN (...)` list.
const CHUNK: usize = 500;

/// A unit in a preview, with its parent before and after where it moves.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewUnit {
    pub unit_id: UnitId,
    pub name: String,
    pub code: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewAccount {
    pub username: String,
    pub display_name: String,
    pub unit_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewReport {
    pub code: String,
    pub status: String,
    pub unit_name: String,
}

/// What an operation moves. `records` holds a count per registry (its key,
/// e.g. "initiatives"), only those above zero.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OpPreview {
    pub ended: Vec<PreviewUnit>,
    pub created: Vec<PreviewUnit>,
    pub moved: Vec<PreviewUnit>,
    pub renamed: Vec<PreviewUnit>,
    /// Units whose records go with the change (the ended and moved units
    /// and everything under them).
    pub affected_units: usize,
    pub records: Vec<(&'static str, i64)>,
    pub accounts: Vec<PreviewAccount>,
    pub accounts_total: usize,
    pub open_reports: Vec<PreviewReport>,
    pub open_reports_total: usize,
}

/// The registries counted, by key, table and the column naming the unit.
const REGISTRIES: &[(&str, &str, &str)] = &[
    ("initiatives", "initiatives", "unit_id"),
    ("people", "people", "unit_id"),
    ("trainings", "trainings", "unit_id"),
    ("voices", "trusted_voices", "unit_id"),
    ("documents", "movement_documents", "unit_id"),
    ("activities", "village_activities", "village_id"),
    ("posts", "page_posts", "unit_id"),
    ("member_counts", "initiative_village_counts", "village_id"),
    ("members", "initiative_members", "village_id"),
];

/// Report statuses that end a report's handling.
const CLOSED: &str = "'resolved', 'not_ours', 'duplicate', 'rejected'";

fn id_list(ids: &[UnitId]) -> String {
    ids.iter().map(|u| u.0.to_string()).collect::<Vec<_>>().join(", ")
}

impl WriteTx {
    /// The preview of `op` on `on`: planned (and refused) exactly as
    /// [`WriteTx::apply_op`] would, nothing written. Drop the transaction
    /// afterwards (the ids it allocated for new units go with it).
    pub async fn preview_op(&mut self, op: &OrgOp, on: Date) -> Result<OpPreview> {
        let new_ids = self.new_unit_ids(op.new_units().len()).await?;
        let view = self.prefetch(op, on).await?;
        let changes = op.plan(on, &new_ids, &view)?;
        let mut before: HashMap<UnitId, UnitVersion> = view.latest.clone();
        for c in view.children.values().flatten().chain(&view.level_members) {
            before.entry(c.unit_id).or_insert_with(|| c.clone());
        }
        let closed: BTreeSet<UnitId> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Close(u) => Some(*u),
                _ => None,
            })
            .collect();
        let mut out = OpPreview::default();
        let mut opened = HashSet::new();
        let mut places: Vec<UnitId> = Vec::new();
        for c in &changes {
            let Change::Open(v) = c else { continue };
            opened.insert(v.unit_id);
            let after = match v.parent_id {
                Some(p) => Some(self.name_of(p).await?),
                None => None,
            };
            let old = before.get(&v.unit_id);
            let was = match old.and_then(|o| o.parent_id) {
                Some(p) => Some(self.name_of(p).await?),
                None => None,
            };
            let unit = |before, after| PreviewUnit {
                unit_id: v.unit_id,
                name: v.name.clone(),
                code: v.code.clone(),
                before,
                after,
            };
            match old {
                None => out.created.push(unit(None, after)),
                Some(o) if o.parent_id != v.parent_id => {
                    places.push(v.unit_id);
                    out.moved.push(unit(was, after));
                }
                Some(o) if o.name != v.name => out.renamed.push(unit(Some(o.name.clone()), Some(v.name.clone()))),
                Some(_) => {}
            }
        }
        for u in closed.iter().filter(|u| !opened.contains(u)) {
            places.push(*u);
            let v = before.get(u);
            // Where its history goes: the successor a link names (the default part of a split).
            let successor = changes
                .iter()
                .filter_map(|c| match c {
                    Change::Link(l) if l.from == *u => Some((l.is_default, l.to)),
                    _ => None,
                })
                .max_by_key(|(default, _)| *default)
                .map(|(_, to)| to);
            let after = match successor {
                Some(to) => match changes.iter().find_map(|c| match c {
                    Change::Open(n) if n.unit_id == to => Some(n.name.clone()),
                    _ => None,
                }) {
                    Some(name) => Some(name),
                    None => Some(self.name_of(to).await?),
                },
                None => None,
            };
            out.ended.push(PreviewUnit {
                unit_id: *u,
                name: v.map(|v| v.name.clone()).unwrap_or_else(|| format!("#{u}")),
                code: v.and_then(|v| v.code.clone()),
                before: None,
                after,
            });
        }
        // Everything under a unit that moves or ends goes with it.
        let mut affected: BTreeSet<UnitId> = BTreeSet::new();
        for u in places {
            affected.extend(self.subtree_ids_on(u, on).await?);
        }
        let affected: Vec<UnitId> = affected.into_iter().collect();
        out.affected_units = affected.len();
        self.count_what_moves(&affected, &mut out).await?;
        Ok(out)
    }

    async fn name_of(&mut self, unit: UnitId) -> Result<String> {
        let name: Option<String> = sqlx::query_scalar(
            "SELECT name FROM org_unit_versions WHERE unit_id = $1 ORDER BY valid_from DESC LIMIT 1",
        )
        .bind(unit.0)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(name.unwrap_or_else(|| format!("#{unit}")))
    }

    /// `root` and every unit under it the day before `on` (the tree the
    /// operation changes).
    async fn subtree_ids_on(&mut self, root: UnitId, on: Date) -> Result<Vec<UnitId>> {
        let day = on.pred_opt().unwrap_or(on).to_string();
        let sql = format!(
            "WITH RECURSIVE sub(uid) AS ( SELECT CAST($1 AS BIGINT) UNION \
               SELECT v.unit_id FROM org_unit_versions v JOIN sub ON v.parent_id = sub.uid WHERE {} ) \
             SELECT uid FROM sub",
            valid_on("v", "$2")
        );
        let ids: Vec<i64> = sqlx::query_scalar(&sql).bind(root.0).bind(day).fetch_all(&mut *self.tx).await?;
        Ok(ids.into_iter().map(UnitId).collect())
    }

    async fn count_what_moves(&mut self, units: &[UnitId], out: &mut OpPreview) -> Result<()> {
        let mut counts: HashMap<&'static str, i64> = HashMap::new();
        let mut names: HashMap<i64, String> = HashMap::new();
        for chunk in units.chunks(CHUNK) {
            let ids = id_list(chunk);
            for (key, table, column) in REGISTRIES {
                let n: i64 = sqlx::query_scalar(&format!(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE {column} IN ({ids})"
                ))
                .fetch_one(&mut *self.tx)
                .await?;
                *counts.entry(key).or_default() += n;
            }
            let rows = sqlx::query(&format!(
                "SELECT username, display_name, scope_unit_id FROM users WHERE scope_unit_id IN ({ids}) ORDER BY username"
            ))
            .fetch_all(&mut *self.tx)
            .await?;
            for r in rows {
                out.accounts_total += 1;
                if out.accounts.len() < LISTED {
                    let unit: i64 = r.try_get(2)?;
                    out.accounts.push(PreviewAccount {
                        username: r.try_get(0)?,
                        display_name: r.try_get(1)?,
                        unit_name: self.cached_name(&mut names, unit).await?,
                    });
                }
            }
            let rows = sqlx::query(&format!(
                "SELECT code, status, unit_id FROM reports WHERE unit_id IN ({ids}) AND status NOT IN ({CLOSED}) ORDER BY id"
            ))
            .fetch_all(&mut *self.tx)
            .await?;
            for r in rows {
                out.open_reports_total += 1;
                if out.open_reports.len() < LISTED {
                    let unit: i64 = r.try_get(2)?;
                    out.open_reports.push(PreviewReport {
                        code: r.try_get(0)?,
                        status: r.try_get(1)?,
                        unit_name: self.cached_name(&mut names, unit).await?,
                    });
                }
            }
        }
        out.records = REGISTRIES
            .iter()
            .filter_map(|(key, _, _)| counts.get(key).copied().filter(|n| *n > 0).map(|n| (*key, n)))
            .collect();
        Ok(())
    }

    async fn cached_name(&mut self, names: &mut HashMap<i64, String>, unit: i64) -> Result<String> {
        if let Some(n) = names.get(&unit) {
            return Ok(n.clone());
        }
        let n = self.name_of(UnitId(unit)).await?;
        names.insert(unit, n.clone());
        Ok(n)
    }
}
