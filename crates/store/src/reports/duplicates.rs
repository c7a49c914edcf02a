//! Duplicates and correlations: reports that may be the same, and the
//! identifiers shared by several reports that analysts turn into indicators.

use khienmang_core::time::Timestamp;
use std::collections::{BTreeMap, HashMap, HashSet};

use khienmang_core::org::UnitId;
use khienmang_core::reports::similarity::{Candidate, Shingles, suggest};
use khienmang_core::reports::{Category, Identifier, IdentifierKind, Status};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, Store};

use super::records::{Report, SELECT, report_from_row};

/// A report that may be the same as another, with why.
#[derive(Debug, Clone, Serialize)]
pub struct SimilarReport {
    pub id: i64,
    pub code: String,
    pub category: Category,
    pub status: Status,
    pub received_at: String,
    pub commune_name: Option<String>,
    pub excerpt: String,
    pub score: f64,
    pub text_similarity: f64,
    pub shared_identifiers: usize,
}

/// What the count of reports about an identifier counts, wherever it is
/// shown ([`Store::reports_naming`]): reports of any status (a rejected
/// report was still received; analysts clear an identifier by rejecting its
/// indicator), handled by any unit, received at any time.
pub const NAMING_COUNTS: &str = "every report naming the identifier, any status, any unit, all time";

/// An identifier that several reports share: a candidate scam indicator.
#[derive(Debug, Clone, Serialize)]
pub struct Correlation {
    pub kind: IdentifierKind,
    pub value: String,
    /// Reports naming it, counted as [`Store::reports_naming`] counts them:
    /// the same number on every page, whoever looks.
    pub reports: usize,
    /// Of those, the reports handled within the scope asked for (listed in
    /// `report_ids` and `codes`).
    pub in_scope: usize,
    pub communes: usize,
    pub categories: Vec<Category>,
    pub first_seen: String,
    pub last_seen: String,
    pub report_ids: Vec<i64>,
    pub codes: Vec<String>,
}

/// What a report is compared by when looking for ones like it.
#[derive(Clone, Copy)]
pub struct Likeness<'a> {
    pub text: &'a str,
    pub identifiers: &'a [Identifier],
    pub commune: Option<UnitId>,
    /// The report itself, when it is already stored.
    pub exclude: Option<i64>,
}

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(140).collect();
    if text.chars().count() > 140 {
        out.push('…');
    }
    out
}

/// How far back duplicates are looked for.
const DUPLICATE_WINDOW_DAYS: i64 = 90;

impl Store {
    /// How many reports name an identifier: the one count every page shows
    /// for it ([`NAMING_COUNTS`]): every citizens' report naming it, of any
    /// status, handled anywhere, since the start. The scam check's live
    /// index counts the same rows as they arrive.
    pub async fn reports_naming(&self, identifier: &Identifier) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COUNT(DISTINCT report_id) AS BIGINT) FROM report_identifiers WHERE kind = $1 AND value = $2",
        )
        .bind(identifier.kind.as_str())
        .bind(&identifier.value)
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn report_identifiers(&self, id: i64) -> Result<Vec<Identifier>> {
        let rows = sqlx::query("SELECT kind, value FROM report_identifiers WHERE report_id = $1 ORDER BY kind, value")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            if let Some(kind) = IdentifierKind::parse(&r.try_get::<String, _>("kind")?) {
                out.push(Identifier { kind, value: r.try_get("value")? });
            }
        }
        Ok(out)
    }

    /// Reports that may be the same as `like`'s text with its identifiers: those
    /// sharing an identifier anywhere, and those in the same commune in the
    /// last 90 days whose text is alike (diacritics ignored). Only reports
    /// handled within `scope` count (the whole country for `None`): the
    /// queue's rule, so a session never learns of reports it cannot open.
    pub async fn similar_reports(
        &self,
        like: &Likeness<'_>,
        scope: Option<UnitId>,
        limit: usize,
        now: Timestamp,
    ) -> Result<Vec<SimilarReport>> {
        let Likeness { text, identifiers, commune, exclude } = *like;
        let mut shared: HashMap<i64, usize> = HashMap::new();
        for id in identifiers {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT report_id FROM report_identifiers WHERE kind = $1 AND value = $2 LIMIT 200",
            )
            .bind(id.kind.as_str())
            .bind(&id.value)
            .fetch_all(self.pool())
            .await?;
            for r in ids {
                *shared.entry(r).or_default() += 1;
            }
        }
        let since = (now.utc() - chrono::Duration::days(DUPLICATE_WINDOW_DAYS))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut rows = Vec::new();
        if let Some(commune) = commune {
            rows = sqlx::query(&format!(
                "{SELECT} WHERE r.commune_id = $1 AND r.received_at >= $2 AND r.status <> 'duplicate' ORDER BY r.id DESC LIMIT 500"
            ))
            .bind(commune.0)
            .bind(&since)
            .fetch_all(self.pool())
            .await?;
        }
        let mut reports: BTreeMap<i64, Report> = BTreeMap::new();
        for row in &rows {
            let r = report_from_row(row)?;
            reports.insert(r.id, r);
        }
        for id in shared.keys() {
            if !reports.contains_key(id)
                && let Some(r) = self.report(*id).await?
            {
                reports.insert(r.id, r);
            }
        }
        if let Some(x) = exclude {
            reports.remove(&x);
        }
        if let Some(root) = scope {
            let within = self.subtree_ids(root).await?;
            reports.retain(|_, r| within.contains(&r.unit_id));
        }
        let this = Shingles::of(text);
        let shingles: Vec<(i64, Shingles)> = reports.values().map(|r| (r.id, Shingles::of(&r.description))).collect();
        let candidates = shingles.iter().map(|(id, s)| Candidate {
            key: *id,
            text: s,
            shared_identifiers: shared.get(id).copied().unwrap_or(0),
        });
        Ok(suggest(&this, candidates, limit)
            .into_iter()
            .filter_map(|s| {
                let r = reports.get(&s.key)?;
                Some(SimilarReport {
                    id: r.id,
                    code: r.code.clone(),
                    category: r.category,
                    status: r.status,
                    received_at: r.received_at.clone(),
                    commune_name: r.commune_name.clone(),
                    excerpt: excerpt(&r.description),
                    score: s.score,
                    text_similarity: s.text_similarity,
                    shared_identifiers: s.shared_identifiers,
                })
            })
            .collect())
    }

    /// Identifiers shared by at least two reports handled within `root`,
    /// most reported first: what analysts turn into scam indicators.
    pub async fn correlations_within(&self, root: Option<UnitId>, limit: usize) -> Result<Vec<Correlation>> {
        let units = self.handling_units_within(root).await?;
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let list = units.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let rows = sqlx::query(&format!(
            "SELECT i.kind, i.value, r.id, r.code, r.category, r.commune_id, r.received_at \
             FROM report_identifiers i JOIN reports r ON r.id = i.report_id \
             WHERE r.unit_id IN ({list}) AND (i.kind, i.value) IN ( \
               SELECT i2.kind, i2.value FROM report_identifiers i2 JOIN reports r2 ON r2.id = i2.report_id \
               WHERE r2.unit_id IN ({list}) GROUP BY i2.kind, i2.value HAVING COUNT(DISTINCT i2.report_id) > 1) \
             ORDER BY i.kind, i.value, r.received_at"
        ))
        .fetch_all(self.pool())
        .await?;
        let mut groups: BTreeMap<(String, String), Vec<&AnyRow>> = BTreeMap::new();
        for row in &rows {
            groups.entry((row.try_get("kind")?, row.try_get("value")?)).or_default().push(row);
        }
        // The count shown is the identifier's, not the scope's.
        let totals = sqlx::query(&format!(
            "SELECT i.kind, i.value, CAST(COUNT(DISTINCT i.report_id) AS BIGINT) AS n FROM report_identifiers i \
             WHERE (i.kind, i.value) IN ( \
               SELECT i2.kind, i2.value FROM report_identifiers i2 JOIN reports r2 ON r2.id = i2.report_id \
               WHERE r2.unit_id IN ({list}) GROUP BY i2.kind, i2.value HAVING COUNT(DISTINCT i2.report_id) > 1) \
             GROUP BY i.kind, i.value"
        ))
        .fetch_all(self.pool())
        .await?;
        let mut total: HashMap<(String, String), i64> = HashMap::new();
        for r in &totals {
            total.insert((r.try_get("kind")?, r.try_get("value")?), r.try_get("n")?);
        }
        let mut out = Vec::new();
        for ((kind, value), rows) in groups {
            let reports =
                total.get(&(kind.clone(), value.clone())).map_or(rows.len(), |n| usize::try_from(*n).unwrap_or(0));
            let Some(kind) = IdentifierKind::parse(&kind) else { continue };
            let mut communes = HashSet::new();
            let mut categories = Vec::new();
            let (mut report_ids, mut codes) = (Vec::new(), Vec::new());
            for r in &rows {
                communes.insert(r.try_get::<Option<i64>, _>("commune_id")?);
                if let Some(c) = Category::parse(&r.try_get::<String, _>("category")?)
                    && !categories.contains(&c)
                {
                    categories.push(c);
                }
                report_ids.push(r.try_get::<i64, _>("id")?);
                codes.push(r.try_get::<String, _>("code")?);
            }
            let seen = |i: usize| -> Result<String> { Ok(rows[i].try_get("received_at")?) };
            out.push(Correlation {
                kind,
                value,
                reports,
                in_scope: rows.len(),
                communes: communes.len(),
                categories,
                first_seen: seen(0)?,
                last_seen: seen(rows.len() - 1)?,
                report_ids,
                codes,
            });
        }
        out.sort_by(|a, b| b.reports.cmp(&a.reports).then(b.last_seen.cmp(&a.last_seen)));
        out.truncate(limit);
        Ok(out)
    }
}
