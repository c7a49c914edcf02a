//! The organisation tree: dated versions, "as of" reads, lineage, and the
//! dated operations applied through a [`WriteTx`].

use std::collections::{BTreeSet, HashMap, HashSet};

use khienmang_core::Date;
use khienmang_core::org::{
    EnterpriseSize, Level, LineageLink, MAX_DEPTH, OpError, OrgHistory, OrgOp, SchoolLevel, UnitAttrs, UnitId,
    UnitVersion,
    ops::{Change, TreeView},
};
use khienmang_core::text::fold;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::{Val, bind_all, bulk_insert};

mod codes;
mod preview;
use crate::{Result, Store, StoreError, WriteTx};
pub(crate) use codes::assign_village_codes;
pub use preview::{OpPreview, PreviewAccount, PreviewReport, PreviewUnit};

pub(crate) const VERSION_COLUMNS: &str = "unit_id, valid_from, valid_to, code, name, level, unit_type, parent_id, \
     households, population, enterprise_size, school_level, official_page, lat, lon";

/// `v.` prefixed, for joins.
fn version_columns_of(alias: &str) -> String {
    VERSION_COLUMNS.split(", ").map(|c| format!("{alias}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

fn valid_on(alias: &str, param: &str) -> String {
    format!("{alias}.valid_from <= {param} AND ({alias}.valid_to IS NULL OR {alias}.valid_to > {param})")
}

pub(crate) fn date(s: &str) -> Result<Date> {
    s.parse().map_err(|_| StoreError::Invalid(format!("ngày không hợp lệ trong cơ sở dữ liệu: {s}")))
}

/// The calendar year of a date, as the registry's yearly figures count it.
pub(crate) fn year_of(date: Date) -> i32 {
    use chrono::Datelike;
    date.year()
}

pub(crate) fn version_from_row(row: &AnyRow) -> Result<UnitVersion> {
    let level: String = row.try_get("level")?;
    let valid_to: Option<String> = row.try_get("valid_to")?;
    let size: Option<String> = row.try_get("enterprise_size")?;
    let school: Option<String> = row.try_get("school_level")?;
    Ok(UnitVersion {
        unit_id: UnitId(row.try_get("unit_id")?),
        valid_from: date(&row.try_get::<String, _>("valid_from")?)?,
        valid_to: valid_to.as_deref().map(date).transpose()?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        level: Level::parse(&level).ok_or_else(|| StoreError::Invalid(format!("cấp không hợp lệ: {level}")))?,
        unit_type: row.try_get("unit_type")?,
        parent_id: row.try_get::<Option<i64>, _>("parent_id")?.map(UnitId),
        attrs: UnitAttrs {
            households: row.try_get("households")?,
            population: row.try_get("population")?,
            enterprise_size: size.as_deref().and_then(EnterpriseSize::parse),
            school_level: school.as_deref().and_then(SchoolLevel::parse),
            official_page: row.try_get("official_page")?,
        },
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
    })
}

pub(crate) fn version_values(v: &UnitVersion) -> Vec<Val> {
    vec![
        Val::I(Some(v.unit_id.0)),
        Val::S(Some(v.valid_from.to_string())),
        Val::S(v.valid_to.map(|d| d.to_string())),
        Val::S(v.code.clone()),
        Val::S(Some(v.name.clone())),
        Val::S(Some(fold(&v.name))),
        Val::S(Some(v.level.as_str().to_string())),
        Val::S(v.unit_type.clone()),
        Val::I(v.parent_id.map(|p| p.0)),
        Val::I(v.attrs.households),
        Val::I(v.attrs.population),
        Val::S(v.attrs.enterprise_size.map(|s| s.as_str().to_string())),
        Val::S(v.attrs.school_level.map(|s| s.as_str().to_string())),
        Val::S(v.attrs.official_page.clone()),
        Val::F(v.lat),
        Val::F(v.lon),
    ]
}

pub(crate) const INSERT_VERSION_COLUMNS: &[&str] = &[
    "unit_id",
    "valid_from",
    "valid_to",
    "code",
    "name",
    "name_folded",
    "level",
    "unit_type",
    "parent_id",
    "households",
    "population",
    "enterprise_size",
    "school_level",
    "official_page",
    "lat",
    "lon",
];

/// A dated event in a unit's history, with the units it linked.
#[derive(Debug, Clone, Serialize)]
pub struct OrgEvent {
    pub id: i64,
    pub kind: String,
    pub effective: String,
    pub summary: String,
    pub legal_basis: Option<String>,
    pub actor: String,
}

/// A lineage link with the other unit's name as it last stood.
#[derive(Debug, Clone, Serialize)]
pub struct LinkedUnit {
    pub unit_id: UnitId,
    pub code: Option<String>,
    pub name: String,
    pub is_default: bool,
    pub effective: String,
}

impl Store {
    async fn versions(&self, sql: &str, binds: Vec<Val>) -> Result<Vec<UnitVersion>> {
        bind_all(sqlx::query(sql), binds).fetch_all(self.pool()).await?.iter().map(version_from_row).collect()
    }

    /// The unit as it stood on `on`.
    pub async fn unit_on(&self, unit: UnitId, on: Date) -> Result<Option<UnitVersion>> {
        let sql =
            format!("SELECT {VERSION_COLUMNS} FROM org_unit_versions v WHERE unit_id = $1 AND {}", valid_on("v", "$2"));
        Ok(self.versions(&sql, vec![Val::I(Some(unit.0)), Val::S(Some(on.to_string()))]).await?.pop())
    }

    /// All versions of a unit, oldest first.
    pub async fn unit_versions(&self, unit: UnitId) -> Result<Vec<UnitVersion>> {
        let sql = format!("SELECT {VERSION_COLUMNS} FROM org_unit_versions WHERE unit_id = $1 ORDER BY valid_from");
        self.versions(&sql, vec![Val::I(Some(unit.0))]).await
    }

    /// Units that carried `code` on `on` (several levels may share a code).
    pub async fn units_by_code(&self, code: &str, on: Date) -> Result<Vec<UnitVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM org_unit_versions v WHERE code = $1 AND {} ORDER BY level",
            valid_on("v", "$2")
        );
        self.versions(&sql, vec![Val::S(Some(code.to_string())), Val::S(Some(on.to_string()))]).await
    }

    /// Top-level units (provinces) on `on`.
    pub async fn roots_on(&self, on: Date) -> Result<Vec<UnitVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM org_unit_versions v WHERE parent_id IS NULL AND {} ORDER BY code, name",
            valid_on("v", "$1")
        );
        self.versions(&sql, vec![Val::S(Some(on.to_string()))]).await
    }

    pub async fn children_on(&self, unit: UnitId, on: Date, limit: i64, offset: i64) -> Result<Vec<UnitVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM org_unit_versions v WHERE parent_id = $1 AND {} \
             ORDER BY level, code, name LIMIT $3 OFFSET $4",
            valid_on("v", "$2")
        );
        self.versions(
            &sql,
            vec![Val::I(Some(unit.0)), Val::S(Some(on.to_string())), Val::I(Some(limit)), Val::I(Some(offset))],
        )
        .await
    }

    /// `unit` and everything under it on `on`, parents before children,
    /// from the cached history (see [`Store::org_history`]).
    pub async fn subtree_on(&self, unit: UnitId, on: Date) -> Result<Vec<UnitVersion>> {
        Ok(self.org_history().await?.subtree_on(unit, on).into_iter().cloned().collect())
    }

    /// The same as [`Store::subtree_on`] as one recursive SQL query: the
    /// benchmarks' baseline, and a cross-check in the tests. UNION (not
    /// UNION ALL) adds each unit once, so a loop in the tree ends the query.
    pub async fn subtree_on_sql(&self, unit: UnitId, on: Date) -> Result<Vec<UnitVersion>> {
        let sql = format!(
            "WITH RECURSIVE sub(uid) AS ( \
               SELECT v.unit_id FROM org_unit_versions v WHERE v.unit_id = $1 AND {root} \
               UNION \
               SELECT v.unit_id FROM org_unit_versions v JOIN sub ON v.parent_id = sub.uid WHERE {child} \
             ) SELECT {cols} FROM sub JOIN org_unit_versions w ON w.unit_id = sub.uid AND {w}",
            root = valid_on("v", "$2"),
            child = valid_on("v", "$2"),
            cols = version_columns_of("w"),
            w = valid_on("w", "$2"),
        );
        self.versions(&sql, vec![Val::I(Some(unit.0)), Val::S(Some(on.to_string()))]).await
    }

    /// The chain of parents from the root down to (excluding) `unit` on `on`;
    /// it stops at a unit already met or after [`MAX_DEPTH`] steps.
    pub async fn ancestors_on(&self, unit: UnitId, on: Date) -> Result<Vec<UnitVersion>> {
        let mut out = Vec::new();
        let mut seen = HashSet::from([unit]);
        let mut next = self.unit_on(unit, on).await?.and_then(|v| v.parent_id);
        while let Some(p) = next.filter(|p| out.len() < MAX_DEPTH && seen.insert(*p)) {
            let Some(v) = self.unit_on(p, on).await? else { break };
            next = v.parent_id;
            out.push(v);
        }
        out.reverse();
        Ok(out)
    }

    /// Search by name or code, ignoring diacritics and case. With `on`, only
    /// units that existed that day; without, each unit's latest version.
    pub async fn search_units(&self, query: &str, on: Option<Date>, limit: i64) -> Result<Vec<UnitVersion>> {
        let q = fold(query);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let pattern = format!("%{}%", q.replace(['\\', '%', '_'], ""));
        let when = match on {
            Some(_) => valid_on("v", "$3"),
            None => "v.valid_to IS NULL OR v.valid_from = (SELECT MAX(x.valid_from) FROM org_unit_versions x WHERE x.unit_id = v.unit_id)".into(),
        };
        // Administrative levels first, then shorter (closer) names.
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM org_unit_versions v \
             WHERE (v.name_folded LIKE $1 OR v.code = $2) AND ({when}) \
             ORDER BY CASE v.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 WHEN 'commune' THEN 2 ELSE 3 END, \
                      CASE WHEN v.valid_to IS NULL THEN 0 ELSE 1 END, LENGTH(v.name), v.name LIMIT {limit}"
        );
        let mut binds = vec![Val::S(Some(pattern)), Val::S(Some(query.trim().to_string()))];
        if let Some(d) = on {
            binds.push(Val::S(Some(d.to_string())));
        }
        self.versions(&sql, binds).await
    }

    /// Whether `unit` lies in the subtree of `root` at any time, or flowed
    /// (by merge or split) into a unit that does. This is the scope rule:
    /// a commune officer sees the history of the communes merged into theirs.
    pub async fn is_within(&self, root: UnitId, unit: UnitId) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            // One recursive term (PostgreSQL allows no more) that steps both
            // up to every parent a unit ever had and on to its successors;
            // written as joins so SQLite uses its indexes at each step. UNION
            // adds each id once, so a loop in the tree ends the walk.
            "WITH RECURSIVE up(id) AS ( \
               SELECT CAST($1 AS BIGINT) \
               UNION SELECT CASE WHEN k.step = 0 THEN v.parent_id ELSE l.to_unit END \
               FROM up JOIN org_unit_versions v ON v.unit_id = up.id \
               LEFT JOIN org_lineage l ON l.from_unit = up.id \
               CROSS JOIN (SELECT 0 AS step UNION ALL SELECT 1 AS step) k \
             ) SELECT id FROM up WHERE id = $2 LIMIT 1",
        )
        .bind(unit.0)
        .bind(root.0)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    /// Whether `unit` exists on `on` and lies in the subtree of `root` as
    /// the tree stands that day. This is the rule for writes: history (see
    /// [`Store::is_within`]) may be read, but a unit merged away or moved
    /// out of the subtree is no longer written to.
    pub async fn is_within_on(&self, root: UnitId, unit: UnitId, on: Date) -> Result<bool> {
        if self.unit_on(unit, on).await?.is_none() {
            return Ok(false);
        }
        Ok(unit == root || self.ancestors_on(unit, on).await?.iter().any(|a| a.unit_id == root))
    }

    pub async fn unit_events(&self, unit: UnitId) -> Result<Vec<OrgEvent>> {
        let rows = sqlx::query(
            "SELECT DISTINCT e.id, e.kind, e.effective, e.summary, e.legal_basis, e.actor FROM org_events e \
             LEFT JOIN org_lineage l ON l.event_id = e.id \
             WHERE e.unit_id = $1 OR l.from_unit = $1 OR l.to_unit = $1 ORDER BY e.effective, e.id",
        )
        .bind(unit.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OrgEvent {
                    id: r.try_get(0)?,
                    kind: r.try_get(1)?,
                    effective: r.try_get(2)?,
                    summary: r.try_get(3)?,
                    legal_basis: r.try_get(4)?,
                    actor: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Units this one came from (`incoming`) or went into (`outgoing`).
    pub async fn unit_lineage(&self, unit: UnitId, incoming: bool) -> Result<Vec<LinkedUnit>> {
        let (mine, other) = if incoming { ("to_unit", "from_unit") } else { ("from_unit", "to_unit") };
        let sql = format!(
            "SELECT l.{other} AS other, l.is_default, l.effective, v.code, v.name FROM org_lineage l \
             JOIN org_unit_versions v ON v.unit_id = l.{other} \
              AND v.valid_from = (SELECT MAX(x.valid_from) FROM org_unit_versions x WHERE x.unit_id = l.{other}) \
             WHERE l.{mine} = $1 ORDER BY v.code, v.name"
        );
        let rows = sqlx::query(&sql).bind(unit.0).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(LinkedUnit {
                    unit_id: UnitId(r.try_get("other")?),
                    is_default: r.try_get::<i64, _>("is_default")? != 0,
                    effective: r.try_get("effective")?,
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    /// Every version and link, for rollups "as it was then" or "mapped to
    /// today's tree" (core does the arithmetic).
    pub async fn load_history(&self) -> Result<OrgHistory> {
        let versions = self.versions(&format!("SELECT {VERSION_COLUMNS} FROM org_unit_versions"), vec![]).await?;
        let rows = sqlx::query("SELECT from_unit, to_unit, is_default, effective FROM org_lineage")
            .fetch_all(self.pool())
            .await?;
        let links = rows
            .iter()
            .map(|r| {
                Ok(LineageLink {
                    from: UnitId(r.try_get(0)?),
                    to: UnitId(r.try_get(1)?),
                    is_default: r.try_get::<i64, _>(2)? != 0,
                    effective: date(&r.try_get::<String, _>(3)?)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(OrgHistory::new(versions, links))
    }
}

/// The part of the tree an operation needs, read inside the write
/// transaction before planning (core's planner is synchronous and pure).
#[derive(Default)]
struct Prefetched {
    latest: HashMap<UnitId, UnitVersion>,
    children: HashMap<UnitId, Vec<UnitVersion>>,
    /// The units above each touched unit on the effective date, nearest first.
    ancestors: HashMap<UnitId, Vec<UnitId>>,
    level_members: Vec<UnitVersion>,
}

impl TreeView for Prefetched {
    fn latest(&self, unit: UnitId) -> Option<UnitVersion> {
        self.latest.get(&unit).cloned()
    }
    fn children_on(&self, unit: UnitId, _date: Date) -> Vec<UnitVersion> {
        self.children.get(&unit).cloned().unwrap_or_default()
    }
    fn descendants_of_level(&self, _root: UnitId, _level: Level, _date: Date) -> Vec<UnitVersion> {
        self.level_members.clone()
    }
    fn ancestors_on(&self, unit: UnitId, _date: Date) -> Vec<UnitId> {
        self.ancestors.get(&unit).cloned().unwrap_or_default()
    }
}

impl WriteTx {
    async fn fetch_versions(&mut self, sql: &str, id: i64, on: &str) -> Result<Vec<UnitVersion>> {
        let rows = sqlx::query(sql).bind(id).bind(on.to_string()).fetch_all(&mut *self.tx).await?;
        rows.iter().map(version_from_row).collect()
    }

    async fn latest_version(&mut self, unit: UnitId) -> Result<Option<UnitVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM org_unit_versions WHERE unit_id = $1 AND valid_from <= $2 ORDER BY valid_from DESC LIMIT 1"
        );
        Ok(self.fetch_versions(&sql, unit.0, "9999-12-31").await?.pop())
    }

    async fn prefetch(&mut self, op: &OrgOp, on: Date) -> Result<Prefetched> {
        let mut view = Prefetched::default();
        let on_s = on.to_string();
        let children_sql = format!(
            "SELECT {VERSION_COLUMNS} FROM org_unit_versions v WHERE parent_id = $1 AND {}",
            valid_on("v", "$2")
        );
        let on_sql =
            format!("SELECT {VERSION_COLUMNS} FROM org_unit_versions v WHERE unit_id = $1 AND {}", valid_on("v", "$2"));
        for unit in op.touched_units() {
            // The unit, its children, and its ancestors on the date (for the
            // check that nothing is placed under itself).
            if !view.latest.contains_key(&unit)
                && let Some(v) = self.latest_version(unit).await?
            {
                view.latest.insert(unit, v);
            }
            let children = self.fetch_versions(&children_sql, unit.0, &on_s).await?;
            view.children.insert(unit, children);
            let mut chain = Vec::new();
            let mut seen = HashSet::from([unit]);
            let mut next = self.fetch_versions(&on_sql, unit.0, &on_s).await?.pop().and_then(|v| v.parent_id);
            while let Some(p) = next.filter(|p| chain.len() < MAX_DEPTH && seen.insert(*p)) {
                chain.push(p);
                next = self.fetch_versions(&on_sql, p.0, &on_s).await?.pop().and_then(|v| v.parent_id);
            }
            view.ancestors.insert(unit, chain);
        }
        if let OrgOp::AbolishLevel { level, within } = op {
            let sql = format!(
                "WITH RECURSIVE sub(uid) AS ( SELECT CAST($1 AS BIGINT) UNION \
                   SELECT v.unit_id FROM org_unit_versions v JOIN sub ON v.parent_id = sub.uid WHERE {} ) \
                 SELECT {} FROM sub JOIN org_unit_versions w ON w.unit_id = sub.uid AND {} WHERE w.level = '{}'",
                valid_on("v", "$2"),
                version_columns_of("w"),
                valid_on("w", "$2"),
                level.as_str()
            );
            view.level_members = self.fetch_versions(&sql, within.0, &on_s).await?;
            for m in view.level_members.clone() {
                let children = self.fetch_versions(&children_sql, m.unit_id.0, &on_s).await?;
                view.children.insert(m.unit_id, children);
            }
        }
        Ok(view)
    }

    /// Allocates ids for `n` new units.
    pub(crate) async fn new_unit_ids(&mut self, n: usize) -> Result<Vec<UnitId>> {
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            let id: i64 = sqlx::query_scalar("INSERT INTO org_units (created_at) VALUES ($1) RETURNING id")
                .bind(self.stamp())
                .fetch_one(&mut *self.tx)
                .await?;
            ids.push(UnitId(id));
        }
        Ok(ids)
    }

    /// Applies a dated operation: plans it against the tree on `on`, writes
    /// the version changes, the event, its lineage links and the audit entry.
    /// Returns the ids of the units it created.
    pub async fn apply_op(&mut self, op: &OrgOp, on: Date, legal_basis: Option<&str>) -> Result<Vec<UnitId>> {
        let new_ids = self.new_unit_ids(op.new_units().len()).await?;
        let view = self.prefetch(op, on).await?;
        let changes = op.plan(on, &new_ids, &view)?;
        let placed_under: BTreeSet<UnitId> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Open(v) => v.parent_id,
                _ => None,
            })
            .collect();
        self.bump_org_generation().await?;
        let subject = new_ids.first().copied().or_else(|| op.touched_units().first().copied());
        let summary = summarise(op, &view, on);
        let event_id: i64 = sqlx::query_scalar(
            "INSERT INTO org_events (kind, effective, unit_id, summary, legal_basis, actor, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(op.kind().as_str())
        .bind(on.to_string())
        .bind(subject.map(|u| u.0))
        .bind(&summary)
        .bind(legal_basis.map(str::to_string))
        .bind(self.actor.clone())
        .bind(self.stamp())
        .fetch_one(&mut *self.tx)
        .await?;
        self.write_changes(event_id, on, changes).await?;
        self.ensure_no_loop(&placed_under, on).await?;
        // New villages without a code get the next ones of their commune.
        let codes = match new_ids.iter().min() {
            Some(first) => {
                let set: HashSet<UnitId> = new_ids.iter().copied().collect();
                assign_village_codes(&mut self.tx, *first, Some(&set)).await?
            }
            None => Vec::new(),
        };
        let codes: Vec<(i64, String)> = codes.into_iter().map(|(u, c)| (u.0, c)).collect();
        self.audit(
            &format!("org.{}", op.kind().as_str()),
            &subject.map(|u| format!("unit:{u}")).unwrap_or_default(),
            &serde_json::json!({ "effective": on.to_string(), "op": op, "summary": summary, "codes": codes }),
        )
        .await?;
        Ok(new_ids)
    }

    /// The second check, on what was written, inside the transaction: going
    /// up from every unit the operation placed units under must reach a root
    /// without meeting a unit twice, on the effective date and on each later
    /// date a unit on the way changes (the planner sees only the effective
    /// date). An error drops the transaction, so nothing is written.
    async fn ensure_no_loop(&mut self, placed_under: &BTreeSet<UnitId>, on: Date) -> Result<()> {
        let mut days = BTreeSet::from([on.to_string()]);
        let mut checked = BTreeSet::new();
        while let Some(day) = days.iter().find(|d| !checked.contains(*d)).cloned() {
            checked.insert(day.clone());
            for &start in placed_under {
                let mut seen = HashSet::new();
                let mut next = Some(start);
                while let Some(unit) = next {
                    if !seen.insert(unit) || seen.len() > MAX_DEPTH {
                        return Err(OpError::Cycle(start).into());
                    }
                    next = None;
                    // The version valid on `day`, and any later ones.
                    let rows = sqlx::query(
                        "SELECT parent_id, valid_from FROM org_unit_versions \
                         WHERE unit_id = $1 AND (valid_to IS NULL OR valid_to > $2)",
                    )
                    .bind(unit.0)
                    .bind(day.clone())
                    .fetch_all(&mut *self.tx)
                    .await?;
                    for r in rows {
                        let from: String = r.try_get(1)?;
                        if from <= day {
                            next = r.try_get::<Option<i64>, _>(0)?.map(UnitId);
                        } else {
                            days.insert(from);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    pub(crate) async fn write_changes(&mut self, event_id: i64, on: Date, changes: Vec<Change>) -> Result<()> {
        let on_s = on.to_string();
        let mut opens = Vec::new();
        let mut links = Vec::new();
        for change in changes {
            match change {
                Change::Close(unit) => {
                    // A version that would end the day it began is simply replaced.
                    sqlx::query(
                        "DELETE FROM org_unit_versions WHERE unit_id = $1 AND valid_to IS NULL AND valid_from = $2",
                    )
                    .bind(unit.0)
                    .bind(on_s.clone())
                    .execute(&mut *self.tx)
                    .await?;
                    sqlx::query("UPDATE org_unit_versions SET valid_to = $2 WHERE unit_id = $1 AND valid_to IS NULL")
                        .bind(unit.0)
                        .bind(on_s.clone())
                        .execute(&mut *self.tx)
                        .await?;
                }
                Change::Open(v) => opens.push(version_values(&v)),
                Change::Link(l) => links.push(vec![
                    Val::I(Some(event_id)),
                    Val::I(Some(l.from.0)),
                    Val::I(Some(l.to.0)),
                    Val::I(Some(i64::from(l.is_default))),
                    Val::S(Some(l.effective.to_string())),
                ]),
            }
        }
        bulk_insert(self, "org_unit_versions", INSERT_VERSION_COLUMNS, opens).await?;
        bulk_insert(self, "org_lineage", &["event_id", "from_unit", "to_unit", "is_default", "effective"], links).await
    }
}

/// A one-line Vietnamese description of an operation for the history page.
fn summarise(op: &OrgOp, view: &Prefetched, on: Date) -> String {
    let name = |u: &UnitId| view.latest.get(u).map(|v| v.name.clone()).unwrap_or_else(|| format!("#{u}"));
    let names = |us: &[UnitId]| us.iter().map(name).collect::<Vec<_>>().join(", ");
    let when = on.format("%d/%m/%Y");
    match op {
        OrgOp::Create { unit } => format!("Thành lập {} từ ngày {when}", unit.name),
        OrgOp::Rename { unit, name: new, .. } => format!("Đổi tên {} thành {new} từ ngày {when}", name(unit)),
        OrgOp::Reparent { unit, parent } => {
            format!("Chuyển {} về trực thuộc {} từ ngày {when}", name(unit), name(parent))
        }
        OrgOp::UpdateAttrs { unit, .. } => format!("Cập nhật thông tin của {} từ ngày {when}", name(unit)),
        OrgOp::Merge { sources, into, new_unit } => {
            let target =
                into.as_ref().map(name).or_else(|| new_unit.as_ref().map(|u| u.name.clone())).unwrap_or_default();
            format!("Sáp nhập {} vào {target} từ ngày {when}", names(sources))
        }
        OrgOp::Split { source, parts, .. } => format!(
            "Chia tách {} thành {} từ ngày {when}",
            name(source),
            parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
        OrgOp::AbolishLevel { level, within } => {
            format!("Bỏ cấp {} trong {} từ ngày {when}", level.label_vi(), name(within))
        }
        OrgOp::Abolish { unit } => format!("Giải thể {} từ ngày {when}", name(unit)),
    }
}
