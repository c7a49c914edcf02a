//! The people registries read a page at a time: the people, trainings and
//! trusted voices of a unit's subtree, searched by a folded name ("nguyen"
//! finds "Nguyễn"), filtered, counted and paged in the database, so a
//! province of thousands of names reads one page of them; and the single
//! records a correction starts from, voided or not (the caller decides who
//! sees a void).

use std::collections::HashMap;

use khienmang_core::org::UnitId;
use khienmang_core::targets::PersonRole;
use khienmang_core::text::fold;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::org::date;
use crate::{Result, Store};

use super::corrections::voided_of;
use super::people::{PersonEntry, TrainingEntry, VoiceEntry};
use super::shared::unit_name_of;

/// What a list keeps, and which page of it.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// A name (or a training's title) search, diacritics and case ignored.
    pub query: Option<String>,
    /// People only: one role.
    pub role: Option<PersonRole>,
    /// List the voided records instead of the others (the secretariat's view).
    pub voided: bool,
    /// Records left out (a picker's already chosen attendees).
    pub exclude: Vec<i64>,
    /// At most this many; all when `None`.
    pub limit: Option<i64>,
    pub offset: i64,
}

/// One page of a list, and how many the filter finds in all.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub total: i64,
}

fn id_list<I: IntoIterator<Item = i64>>(ids: I) -> String {
    ids.into_iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

/// The folded search as a `LIKE` pattern, its wildcards taken out of what was typed.
fn pattern(query: Option<&str>) -> Option<String> {
    let folded: String = fold(query?).chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
    (!folded.is_empty()).then(|| format!("%{folded}%"))
}

/// The `WHERE` condition of a list on `alias` and its bound values: the
/// units, live or voided, the search on `folded`, the role, the exclusions.
fn condition(alias: &str, units: &str, folded: &str, f: &ListFilter) -> (String, Vec<String>) {
    let mut sql =
        format!("{alias}.unit_id IN ({units}) AND {alias}.voided_at IS {}", if f.voided { "NOT NULL" } else { "NULL" });
    let mut binds = Vec::new();
    if let Some(p) = pattern(f.query.as_deref()) {
        binds.push(p);
        sql.push_str(&format!(" AND {alias}.{folded} LIKE ${}", binds.len()));
    }
    if let Some(role) = f.role {
        binds.push(role.as_str().to_string());
        sql.push_str(&format!(" AND {alias}.role = ${}", binds.len()));
    }
    if !f.exclude.is_empty() {
        sql.push_str(&format!(" AND {alias}.id NOT IN ({})", id_list(f.exclude.iter().copied())));
    }
    (sql, binds)
}

fn page_clause(f: &ListFilter) -> String {
    match f.limit {
        Some(l) => format!(" LIMIT {} OFFSET {}", l.max(0), f.offset.max(0)),
        None => String::new(),
    }
}

fn person_of(r: &AnyRow, years: &HashMap<i64, Vec<i32>>) -> Result<Option<PersonEntry>> {
    let role: String = r.try_get("role")?;
    let Some(role) = PersonRole::parse(&role) else { return Ok(None) };
    let id: i64 = r.try_get("id")?;
    Ok(Some(PersonEntry {
        id,
        unit_id: UnitId(r.try_get("unit_id")?),
        unit_name: r.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
        full_name: r.try_get("full_name")?,
        role,
        position: r.try_get("position")?,
        registered_from: i32::try_from(r.try_get::<i64, _>("registered_from")?).unwrap_or(0),
        registered_to: r.try_get::<Option<i64>, _>("registered_to")?.and_then(|y| i32::try_from(y).ok()),
        years: years.get(&id).cloned().unwrap_or_default(),
        voided: voided_of(r)?,
    }))
}

fn training_of(r: &AnyRow) -> Result<TrainingEntry> {
    Ok(TrainingEntry {
        id: r.try_get("id")?,
        unit_id: UnitId(r.try_get("unit_id")?),
        unit_name: r.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
        title: r.try_get("title")?,
        held_on: date(&r.try_get::<String, _>("held_on")?)?,
        place: r.try_get("place")?,
        attendees: r.try_get("attendees")?,
        voided: voided_of(r)?,
    })
}

fn voice_of(r: &AnyRow, enlisted: &HashMap<i64, Vec<i32>>) -> Result<VoiceEntry> {
    let id: i64 = r.try_get("id")?;
    Ok(VoiceEntry {
        id,
        unit_id: UnitId(r.try_get("unit_id")?),
        unit_name: r.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
        full_name: r.try_get("full_name")?,
        in_province: r.try_get::<i64, _>("in_province")? != 0,
        channels: r.try_get("channels")?,
        audience: r.try_get("audience")?,
        consent: r.try_get::<i64, _>("consent")? != 0,
        consent_on: r.try_get::<Option<String>, _>("consent_on")?.and_then(|d| d.parse().ok()),
        initiative_id: r.try_get("initiative_id")?,
        registered_from: i32::try_from(r.try_get::<i64, _>("registered_from")?).unwrap_or(0),
        enlisted_years: enlisted.get(&id).cloned().unwrap_or_default(),
        voided: voided_of(r)?,
    })
}

const PERSON_COLUMNS: &str = "p.id, p.unit_id, p.full_name, p.role, p.position, p.registered_from, p.registered_to, \
     p.voided_at, p.voided_by, p.void_reason";
const TRAINING_COLUMNS: &str = "t.id, t.unit_id, t.title, t.held_on, t.place, t.voided_at, t.voided_by, t.void_reason, \
     (SELECT CAST(COUNT(*) AS BIGINT) FROM training_attendees a WHERE a.training_id = t.id) AS attendees";
const VOICE_COLUMNS: &str = "v.id, v.unit_id, v.full_name, v.in_province, v.channels, v.audience, v.consent, \
     v.consent_on, v.initiative_id, v.registered_from, v.voided_at, v.voided_by, v.void_reason";

impl Store {
    /// The units of `root`'s subtree as an SQL list (empty: none).
    async fn units_sql(&self, root: UnitId) -> Result<String> {
        Ok(id_list(self.subtree_ids(root).await?.into_iter().map(|u| u.0)))
    }

    /// Runs the count and the page of one list: `select` names the columns
    /// (on `alias`) and `order` the order; rows are read by `read`.
    async fn paged_rows(
        &self,
        table: &str,
        alias: &str,
        folded: &str,
        (select, order): (&str, &str),
        root: UnitId,
        f: &ListFilter,
    ) -> Result<(Vec<AnyRow>, i64)> {
        let units = self.units_sql(root).await?;
        if units.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let (cond, binds) = condition(alias, &units, folded, f);
        let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table} {alias} WHERE {cond}");
        let mut q = sqlx::query_scalar::<_, i64>(&count_sql);
        for b in &binds {
            q = q.bind(b.clone());
        }
        let total = q.fetch_one(self.pool()).await?;
        if total == 0 || f.limit == Some(0) {
            return Ok((Vec::new(), total));
        }
        // The page's ids first, then their columns: the unit's name is read
        // for the rows shown only.
        let sql = format!(
            "SELECT {select}, {} AS unit_name FROM {table} {alias} WHERE {alias}.id IN \
             (SELECT {alias}.id FROM {table} {alias} WHERE {cond} ORDER BY {order}{}) ORDER BY {order}",
            unit_name_of(&format!("{alias}.unit_id")),
            page_clause(f)
        );
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b.clone());
        }
        Ok((q.fetch_all(self.pool()).await?, total))
    }

    /// The people registered in `root`'s subtree that `f` keeps, by name.
    pub async fn people_page(&self, root: UnitId, f: &ListFilter) -> Result<Paged<PersonEntry>> {
        let order = "p.full_name, p.id";
        let (rows, total) = self.paged_rows("people", "p", "name_folded", (PERSON_COLUMNS, order), root, f).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.try_get("id")).collect::<std::result::Result<_, _>>()?;
        let years = self.person_years(&ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.extend(person_of(r, &years)?);
        }
        Ok(Paged { rows: out, total })
    }

    /// Every live person of `root`'s subtree with a role, by name.
    pub async fn people_under(&self, root: UnitId, role: Option<PersonRole>) -> Result<Vec<PersonEntry>> {
        Ok(self.people_page(root, &ListFilter { role, ..ListFilter::default() }).await?.rows)
    }

    /// Years each of `ids` was trained (a session not voided) or updated.
    pub(crate) async fn person_years(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<i32>>> {
        let mut years: HashMap<i64, Vec<i32>> = HashMap::new();
        if ids.is_empty() {
            return Ok(years);
        }
        let list = id_list(ids.iter().copied());
        let rows = sqlx::query(&format!(
            "SELECT a.person_id, t.held_on FROM training_attendees a JOIN trainings t ON t.id = a.training_id \
             WHERE t.voided_at IS NULL AND a.person_id IN ({list}) \
             UNION ALL SELECT person_id, CAST(year AS TEXT) FROM person_updates WHERE person_id IN ({list})"
        ))
        .fetch_all(self.pool())
        .await?;
        for r in rows {
            let text: String = r.try_get(1)?;
            if let Some(year) = text.get(..4).and_then(|y| y.parse().ok()) {
                years.entry(r.try_get(0)?).or_default().push(year);
            }
        }
        for list in years.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        Ok(years)
    }

    /// People by id, voided or not, in name order (a training's attendees).
    pub async fn people_by_ids(&self, ids: &[i64]) -> Result<Vec<PersonEntry>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {PERSON_COLUMNS}, {} AS unit_name FROM people p WHERE p.id IN ({}) ORDER BY p.full_name, p.id",
            unit_name_of("p.unit_id"),
            id_list(ids.iter().copied())
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let years = self.person_years(ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.extend(person_of(r, &years)?);
        }
        Ok(out)
    }

    /// One person by id, voided or not.
    pub async fn person(&self, id: i64) -> Result<Option<PersonEntry>> {
        Ok(self.people_by_ids(&[id]).await?.pop())
    }

    /// The trainings held by units of `root`'s subtree that `f` keeps, latest first.
    pub async fn trainings_page(&self, root: UnitId, f: &ListFilter) -> Result<Paged<TrainingEntry>> {
        let order = "t.held_on DESC, t.id DESC";
        let (rows, total) =
            self.paged_rows("trainings", "t", "title_folded", (TRAINING_COLUMNS, order), root, f).await?;
        Ok(Paged { rows: rows.iter().map(training_of).collect::<Result<_>>()?, total })
    }

    pub async fn trainings_under(&self, root: UnitId) -> Result<Vec<TrainingEntry>> {
        Ok(self.trainings_page(root, &ListFilter::default()).await?.rows)
    }

    /// One training by id, voided or not.
    pub async fn training(&self, id: i64) -> Result<Option<TrainingEntry>> {
        let sql = format!(
            "SELECT {TRAINING_COLUMNS}, {} AS unit_name FROM trainings t WHERE t.id = $1",
            unit_name_of("t.unit_id")
        );
        let row = sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await?;
        row.as_ref().map(training_of).transpose()
    }

    /// The people who attended a training.
    pub async fn training_attendees(&self, id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT person_id FROM training_attendees WHERE training_id = $1 ORDER BY person_id")
            .bind(id)
            .fetch_all(self.pool())
            .await?)
    }

    /// The years each of `ids` was enlisted.
    async fn enlisted_years(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<i32>>> {
        let mut out: HashMap<i64, Vec<i32>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let sql = format!(
            "SELECT voice_id, year FROM voice_enlistments WHERE voice_id IN ({}) ORDER BY year",
            id_list(ids.iter().copied())
        );
        for r in sqlx::query(&sql).fetch_all(self.pool()).await? {
            out.entry(r.try_get(0)?).or_default().push(i32::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0));
        }
        Ok(out)
    }

    /// The trusted voices registered with units of `root`'s subtree that `f` keeps, by name.
    pub async fn voices_page(&self, root: UnitId, f: &ListFilter) -> Result<Paged<VoiceEntry>> {
        let order = "v.full_name, v.id";
        let (rows, total) =
            self.paged_rows("trusted_voices", "v", "name_folded", (VOICE_COLUMNS, order), root, f).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.try_get("id")).collect::<std::result::Result<_, _>>()?;
        let enlisted = self.enlisted_years(&ids).await?;
        Ok(Paged { rows: rows.iter().map(|r| voice_of(r, &enlisted)).collect::<Result<_>>()?, total })
    }

    pub async fn voices_under(&self, root: UnitId) -> Result<Vec<VoiceEntry>> {
        Ok(self.voices_page(root, &ListFilter::default()).await?.rows)
    }

    /// One trusted voice by id, voided or not.
    pub async fn voice(&self, id: i64) -> Result<Option<VoiceEntry>> {
        let sql = format!(
            "SELECT {VOICE_COLUMNS}, {} AS unit_name FROM trusted_voices v WHERE v.id = $1",
            unit_name_of("v.unit_id")
        );
        let row = sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await?;
        let enlisted = self.enlisted_years(&[id]).await?;
        row.as_ref().map(|r| voice_of(r, &enlisted)).transpose()
    }

    /// How many live people, trainings and trusted voices `root`'s subtree has.
    pub async fn people_counts(&self, root: UnitId) -> Result<(i64, i64, i64)> {
        let count = ListFilter { limit: Some(0), ..ListFilter::default() };
        Ok((
            self.people_page(root, &count).await?.total,
            self.trainings_page(root, &count).await?.total,
            self.voices_page(root, &count).await?.total,
        ))
    }
}

impl Store {
    /// The unit a registered person belongs to, so a page can check its scope.
    pub async fn person_unit(&self, id: i64) -> Result<Option<UnitId>> {
        let unit: Option<i64> =
            sqlx::query_scalar("SELECT unit_id FROM people WHERE id = $1").bind(id).fetch_optional(self.pool()).await?;
        Ok(unit.map(UnitId))
    }

    /// The unit a trusted voice is registered with.
    pub async fn voice_unit(&self, id: i64) -> Result<Option<UnitId>> {
        let unit: Option<i64> = sqlx::query_scalar("SELECT unit_id FROM trusted_voices WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(unit.map(UnitId))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn a_search_is_folded_and_its_wildcards_dropped() {
        assert_eq!(pattern(Some("Nguyễn  Văn")).as_deref(), Some("%nguyen van%"));
        assert_eq!(pattern(Some("50%_")).as_deref(), Some("%50%"));
        assert_eq!(pattern(Some(" % ")), None);
        assert_eq!(pattern(None), None);
    }
}
