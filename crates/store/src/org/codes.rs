//! Village codes in the store: each commune's counter (the table
//! `org_village_sequences`, migration 0015) and the assignment of codes to
//! villages that have none, in the transaction that creates them (the
//! migration assigns them to the villages that were already there). The
//! format and the "never reused" rule are core's ([`codes`]).

use std::collections::{BTreeMap, HashSet};

use khienmang_core::org::{UnitId, codes};
use sqlx::{AnyConnection, Row};

use crate::Result;

/// Gives a code to every village without one whose id is at least `from`
/// (and, with `only`, is among those units): `<commune code>.<sequence>`,
/// the sequence from the counter of the commune the village stands under in
/// its latest version. A village under a unit with no code keeps none.
/// Returns the codes given, by unit.
pub(crate) async fn assign_village_codes(
    conn: &mut AnyConnection,
    from: UnitId,
    only: Option<&HashSet<UnitId>>,
) -> Result<Vec<(UnitId, String)>> {
    let rows = sqlx::query(
        "SELECT unit_id, valid_from, parent_id, code FROM org_unit_versions \
         WHERE level = 'village' AND unit_id >= $1 ORDER BY unit_id, valid_from",
    )
    .bind(from.0)
    .fetch_all(&mut *conn)
    .await?;
    // Per unit: the parent of its latest version, and whether any version has a code.
    let mut units: BTreeMap<i64, (Option<i64>, bool)> = BTreeMap::new();
    for r in &rows {
        let unit: i64 = r.try_get(0)?;
        let parent: Option<i64> = r.try_get(2)?;
        let code: Option<String> = r.try_get(3)?;
        let entry = units.entry(unit).or_insert((None, false));
        entry.0 = parent;
        entry.1 |= code.is_some_and(|c| !c.trim().is_empty());
    }
    let mut by_parent: BTreeMap<i64, Vec<UnitId>> = BTreeMap::new();
    for (unit, (parent, coded)) in units {
        let unit = UnitId(unit);
        if coded || only.is_some_and(|set| !set.contains(&unit)) {
            continue;
        }
        if let Some(p) = parent {
            by_parent.entry(p).or_default().push(unit);
        }
    }
    let mut given = Vec::new();
    for (parent, villages) in by_parent {
        let parent_code: Option<String> = sqlx::query_scalar(
            "SELECT code FROM org_unit_versions WHERE unit_id = $1 ORDER BY valid_from DESC LIMIT 1",
        )
        .bind(parent)
        .fetch_optional(&mut *conn)
        .await?
        .flatten();
        let Some(prefix) = parent_code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()) else { continue };
        let last: Option<i64> = sqlx::query_scalar("SELECT last_seq FROM org_village_sequences WHERE commune_id = $1")
            .bind(parent)
            .fetch_optional(&mut *conn)
            .await?;
        // Codes written by hand or imported count as spent too.
        let existing: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT code FROM org_unit_versions WHERE code LIKE $1")
                .bind(format!("{prefix}{}%", codes::SEPARATOR))
                .fetch_all(&mut *conn)
                .await?;
        let last = u32::try_from(last.unwrap_or(0)).unwrap_or(0);
        let (new_codes, counter) =
            codes::next_codes(&prefix, last, existing.iter().map(String::as_str), villages.len());
        for (unit, code) in villages.into_iter().zip(new_codes) {
            sqlx::query("UPDATE org_unit_versions SET code = $1 WHERE unit_id = $2")
                .bind(code.clone())
                .bind(unit.0)
                .execute(&mut *conn)
                .await?;
            given.push((unit, code));
        }
        sqlx::query(
            "INSERT INTO org_village_sequences (commune_id, last_seq) VALUES ($1, $2) \
             ON CONFLICT (commune_id) DO UPDATE SET last_seq = excluded.last_seq",
        )
        .bind(parent)
        .bind(i64::from(counter))
        .execute(&mut *conn)
        .await?;
    }
    Ok(given)
}
