//! Citizen reports (SPEC M5): intake with group commit ([`intake`]), the
//! staff's triage, assignment and closing, the reporter's side by code and
//! secret, duplicates and correlations, public statistics, and the
//! background jobs ([`jobs`]). Every staff action and every view of a
//! reporter's contact is audited.

mod files;
pub mod intake;
pub mod jobs;
mod routing;
mod seal;

use std::collections::{BTreeMap, HashMap, HashSet};

use khienmang_core::org::UnitId;
use khienmang_core::reports::similarity::{Candidate, Shingles, suggest};
use khienmang_core::reports::{Category, Channel, Contact, Identifier, IdentifierKind, Status};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

pub use files::FileStore;
pub use intake::{Intake, NewAttachment, NewReport, Receipt};
pub use routing::ReportRouting;
pub(crate) use routing::RoutingCache;
pub use seal::FieldKey;

use crate::{Result, Store, StoreError, WriteTx, now_utc};

/// The actor recorded for what a reporter does with code and secret.
pub const REPORTER: &str = "reporter";
/// The actor of background jobs.
pub const SYSTEM: &str = "system";

/// A report as staff see it (the contact stays sealed; see
/// [`WriteTx::report_contact`]).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: i64,
    pub code: String,
    pub channel: Channel,
    pub category: Category,
    pub description: String,
    pub links: Vec<String>,
    pub commune_id: Option<UnitId>,
    pub commune_name: Option<String>,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub status: Status,
    pub assignee: Option<String>,
    pub received_at: String,
    pub due_at: String,
    pub escalations: i64,
    pub closed_at: Option<String>,
    pub on_time: Option<bool>,
    pub duplicate_of: Option<i64>,
    pub rating: Option<i64>,
    pub rating_fixed: Option<bool>,
    pub rating_comment: Option<String>,
    pub has_contact: bool,
    pub contact_removed_at: Option<String>,
    pub updated_at: String,
}

impl Report {
    /// Open and past its deadline at `now` (RFC 3339, as stored).
    pub fn is_overdue(&self, now: &str) -> bool {
        !self.status.is_closed() && self.due_at.as_str() < now
    }
}

/// One step of a report's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct ReportEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub status: Option<Status>,
    pub body: Option<String>,
    pub to_reporter: bool,
    /// On a status change: the note Open311 publishes, written as public by
    /// the officer (`body` is the reporter's message and stays private).
    pub public_note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub id: i64,
    pub sha256: String,
    pub kind: String,
    pub size: i64,
    pub name: String,
}

/// What staff filter the queue by.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub status: Option<Status>,
    pub category: Option<Category>,
    pub open_only: bool,
    pub overdue_only: bool,
}

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

/// An identifier that several reports share: a candidate scam indicator.
#[derive(Debug, Clone, Serialize)]
pub struct Correlation {
    pub kind: IdentifierKind,
    pub value: String,
    pub reports: usize,
    pub communes: usize,
    pub categories: Vec<Category>,
    pub first_seen: String,
    pub last_seen: String,
    pub report_ids: Vec<i64>,
    pub codes: Vec<String>,
}

/// Counts for the public statistics.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatRow {
    pub key: String,
    pub label: String,
    pub received: i64,
    pub resolved: i64,
    pub closed: i64,
    pub closed_on_time: i64,
}

impl StatRow {
    /// Share of closed reports closed by their deadline, if any closed.
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.closed > 0).then(|| self.closed_on_time as f64 / self.closed as f64)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportStats {
    pub total: StatRow,
    pub by_commune: Vec<StatRow>,
    pub by_category: Vec<StatRow>,
    pub by_month: Vec<StatRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: i64,
    pub unit_id: UnitId,
    pub report_id: Option<i64>,
    pub at: String,
    pub body: String,
    pub read: bool,
}

pub(crate) fn invalid(message: &str) -> StoreError {
    StoreError::Invalid(message.to_string())
}

const SELECT: &str = "SELECT r.id, r.code, r.channel, r.category, r.description, r.links, r.commune_id, \
     (SELECT v.name FROM org_unit_versions v WHERE v.unit_id = r.commune_id ORDER BY v.valid_from DESC LIMIT 1) AS commune_name, \
     r.unit_id, \
     (SELECT v.name FROM org_unit_versions v WHERE v.unit_id = r.unit_id ORDER BY v.valid_from DESC LIMIT 1) AS unit_name, \
     r.lat, r.lon, r.status, r.assignee, r.received_at, r.due_at, r.escalations, r.closed_at, r.on_time, r.duplicate_of, \
     r.rating, r.rating_fixed, r.rating_comment, CASE WHEN r.contact_sealed IS NULL THEN 0 ELSE 1 END AS has_contact, \
     r.contact_removed_at, r.updated_at FROM reports r";

fn report_from_row(row: &AnyRow) -> Result<Report> {
    let bad = |what: &str| StoreError::Invalid(format!("giá trị không hợp lệ trong cơ sở dữ liệu: {what}"));
    let text = |col: &str| -> Result<String> { Ok(row.try_get::<String, _>(col)?) };
    let flag = |col: &str| -> Result<Option<bool>> { Ok(row.try_get::<Option<i64>, _>(col)?.map(|v| v != 0)) };
    Ok(Report {
        id: row.try_get("id")?,
        code: text("code")?,
        channel: Channel::parse(&text("channel")?).ok_or_else(|| bad("channel"))?,
        category: Category::parse(&text("category")?).ok_or_else(|| bad("category"))?,
        description: text("description")?,
        links: serde_json::from_str(&text("links")?).unwrap_or_default(),
        commune_id: row.try_get::<Option<i64>, _>("commune_id")?.map(UnitId),
        commune_name: row.try_get("commune_name")?,
        unit_id: UnitId(row.try_get("unit_id")?),
        unit_name: row.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        status: Status::parse(&text("status")?).ok_or_else(|| bad("status"))?,
        assignee: row.try_get("assignee")?,
        received_at: text("received_at")?,
        due_at: text("due_at")?,
        escalations: row.try_get("escalations")?,
        closed_at: row.try_get("closed_at")?,
        on_time: flag("on_time")?,
        duplicate_of: row.try_get("duplicate_of")?,
        rating: row.try_get("rating")?,
        rating_fixed: flag("rating_fixed")?,
        rating_comment: row.try_get("rating_comment")?,
        has_contact: row.try_get::<i64, _>("has_contact")? != 0,
        contact_removed_at: row.try_get("contact_removed_at")?,
        updated_at: text("updated_at")?,
    })
}

/// Compares two hex digests without stopping at the first difference.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(140).collect();
    if text.chars().count() > 140 {
        out.push('…');
    }
    out
}

/// The longest public status note an officer may write.
pub const MAX_PUBLIC_NOTE_CHARS: usize = 1000;

/// How far back duplicates are looked for.
const DUPLICATE_WINDOW_DAYS: i64 = 90;

impl Store {
    pub async fn report(&self, id: i64) -> Result<Option<Report>> {
        let row = sqlx::query(&format!("{SELECT} WHERE r.id = $1")).bind(id).fetch_optional(self.pool()).await?;
        row.as_ref().map(report_from_row).transpose()
    }

    pub async fn report_by_code(&self, code: &str) -> Result<Option<Report>> {
        let row = sqlx::query(&format!("{SELECT} WHERE r.code = $1")).bind(code).fetch_optional(self.pool()).await?;
        row.as_ref().map(report_from_row).transpose()
    }

    /// The report if `secret` is its secret; `None` otherwise, the same
    /// answer whether the code or the secret was wrong.
    pub async fn report_for_reporter(&self, code: &str, secret: &str) -> Result<Option<Report>> {
        let Some(code) = khienmang_core::reports::TrackingCode::parse(code) else { return Ok(None) };
        let stored: Option<String> = sqlx::query_scalar("SELECT secret_hash FROM reports WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(self.pool())
            .await?;
        let given = khienmang_core::reports::secret_hash(secret);
        match stored {
            Some(stored) if same_digest(&stored, &given) => self.report_by_code(code.as_str()).await,
            _ => Ok(None),
        }
    }

    /// Units that handle at least one report and lie within `root` (all of
    /// them for the whole country): the queue's `IN` list stays short.
    async fn handling_units_within(&self, root: Option<UnitId>) -> Result<Vec<i64>> {
        let units: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT unit_id FROM reports").fetch_all(self.pool()).await?;
        let Some(root) = root else { return Ok(units) };
        let within = self.subtree_ids(root).await?;
        Ok(units.into_iter().filter(|u| within.contains(&UnitId(*u))).collect())
    }

    /// The queue: reports handled within `root`, overdue first, then oldest first.
    pub async fn reports_within(
        &self,
        root: Option<UnitId>,
        filter: &ReportFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Report>> {
        let units = self.handling_units_within(root).await?;
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let list = units.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let mut sql = format!("{SELECT} WHERE r.unit_id IN ({list})");
        let mut binds = Vec::new();
        if let Some(s) = filter.status {
            binds.push(s.as_str().to_string());
            sql.push_str(&format!(" AND r.status = ${}", binds.len()));
        }
        if let Some(c) = filter.category {
            binds.push(c.as_str().to_string());
            sql.push_str(&format!(" AND r.category = ${}", binds.len()));
        }
        if filter.open_only || filter.overdue_only {
            sql.push_str(" AND r.closed_at IS NULL");
        }
        if filter.overdue_only {
            binds.push(now_utc());
            sql.push_str(&format!(" AND r.due_at < ${}", binds.len()));
        }
        sql.push_str(&format!(" ORDER BY r.due_at, r.id LIMIT {} OFFSET {}", limit.clamp(1, 1000), offset.max(0)));
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(self.pool()).await?.iter().map(report_from_row).collect()
    }

    /// Reports received in `[since, until)` (RFC 3339), newest first, for
    /// public listings such as Open311's: callers show only public fields.
    pub async fn reports_received(
        &self,
        since: &str,
        until: &str,
        category: Option<Category>,
        open: Option<bool>,
        limit: i64,
    ) -> Result<Vec<Report>> {
        let mut sql = format!("{SELECT} WHERE r.received_at >= $1 AND r.received_at < $2");
        if let Some(c) = category {
            sql.push_str(&format!(" AND r.category = '{}'", c.as_str()));
        }
        match open {
            Some(true) => sql.push_str(" AND r.closed_at IS NULL"),
            Some(false) => sql.push_str(" AND r.closed_at IS NOT NULL"),
            None => {}
        }
        sql.push_str(&format!(" ORDER BY r.received_at DESC, r.id DESC LIMIT {}", limit.clamp(1, 1000)));
        let rows = sqlx::query(&sql).bind(since).bind(until).fetch_all(self.pool()).await?;
        rows.iter().map(report_from_row).collect()
    }

    pub async fn report_events(&self, id: i64) -> Result<Vec<ReportEvent>> {
        let rows = sqlx::query(
            "SELECT id, at, actor, kind, status, body, to_reporter, public_note FROM report_events WHERE report_id = $1 \
             ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ReportEvent {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    kind: r.try_get("kind")?,
                    status: r.try_get::<Option<String>, _>("status")?.and_then(|s| Status::parse(&s)),
                    body: r.try_get("body")?,
                    to_reporter: r.try_get::<i64, _>("to_reporter")? != 0,
                    public_note: r.try_get("public_note")?,
                })
            })
            .collect()
    }

    pub async fn report_attachments(&self, id: i64) -> Result<Vec<Attachment>> {
        let rows =
            sqlx::query("SELECT id, sha256, kind, size, name FROM report_attachments WHERE report_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok(Attachment {
                    id: r.try_get("id")?,
                    sha256: r.try_get("sha256")?,
                    kind: r.try_get("kind")?,
                    size: r.try_get("size")?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    /// An attachment and the report it belongs to.
    pub async fn report_attachment(&self, id: i64) -> Result<Option<(i64, Attachment)>> {
        let row = sqlx::query("SELECT id, report_id, sha256, kind, size, name FROM report_attachments WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok((
                r.try_get("report_id")?,
                Attachment {
                    id: r.try_get("id")?,
                    sha256: r.try_get("sha256")?,
                    kind: r.try_get("kind")?,
                    size: r.try_get("size")?,
                    name: r.try_get("name")?,
                },
            ))
        })
        .transpose()
    }

    /// How many reports name an identifier.
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

    /// Reports that may be the same as a text with these identifiers: those
    /// sharing an identifier anywhere, and those in the same commune in the
    /// last 90 days whose text is alike (diacritics ignored). Only reports
    /// handled within `scope` count (the whole country for `None`): the
    /// queue's rule, so a session never learns of reports it cannot open.
    pub async fn similar_reports(
        &self,
        text: &str,
        identifiers: &[Identifier],
        commune: Option<UnitId>,
        exclude: Option<i64>,
        scope: Option<UnitId>,
        limit: usize,
    ) -> Result<Vec<SimilarReport>> {
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
        let since = (chrono::Utc::now() - chrono::Duration::days(DUPLICATE_WINDOW_DAYS))
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
        let mut out = Vec::new();
        for ((kind, value), rows) in groups {
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
                reports: rows.len(),
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

    /// Received, resolved and on-time counts for reports about places
    /// within `root`, by commune, category and month (Asia/Ho_Chi_Minh).
    pub async fn report_stats(&self, root: Option<UnitId>, year: Option<i32>) -> Result<ReportStats> {
        let rows = sqlx::query(
            "SELECT r.commune_id, r.unit_id, r.category, r.status, r.received_at, r.on_time, \
             (SELECT v.name FROM org_unit_versions v WHERE v.unit_id = COALESCE(r.commune_id, r.unit_id) \
              ORDER BY v.valid_from DESC LIMIT 1) AS place FROM reports r",
        )
        .fetch_all(self.pool())
        .await?;
        let within = match root {
            Some(root) => Some(self.subtree_ids(root).await?),
            None => None,
        };
        let mut stats = ReportStats::default();
        let (mut communes, mut categories, mut months) =
            (BTreeMap::<i64, StatRow>::new(), BTreeMap::<String, StatRow>::new(), BTreeMap::<String, StatRow>::new());
        for row in &rows {
            let place: i64 = row.try_get::<Option<i64>, _>("commune_id")?.unwrap_or(row.try_get("unit_id")?);
            if within.as_ref().is_some_and(|w| !w.contains(&UnitId(place))) {
                continue;
            }
            let received: String = row.try_get("received_at")?;
            let local = chrono::DateTime::parse_from_rfc3339(&received)
                .map(|t| t.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap_or(*t.offset())))
                .map_err(|_| invalid("thời điểm không hợp lệ"))?;
            let month = local.format("%Y-%m").to_string();
            if year.is_some_and(|y| !month.starts_with(&y.to_string())) {
                continue;
            }
            let status = Status::parse(&row.try_get::<String, _>("status")?).unwrap_or(Status::Received);
            let on_time = row.try_get::<Option<i64>, _>("on_time")?;
            let add = |s: &mut StatRow| {
                s.received += 1;
                s.resolved += i64::from(status == Status::Resolved);
                // A duplicate is counted where the original is handled.
                if status.is_closed() && status != Status::Duplicate {
                    s.closed += 1;
                    s.closed_on_time += i64::from(on_time == Some(1));
                }
            };
            add(&mut stats.total);
            let place_name: Option<String> = row.try_get("place")?;
            add(communes.entry(place).or_insert_with(|| StatRow {
                key: place.to_string(),
                label: place_name.unwrap_or_default(),
                ..Default::default()
            }));
            let category = Category::parse(&row.try_get::<String, _>("category")?).unwrap_or(Category::Other);
            add(categories.entry(category.as_str().to_string()).or_insert_with(|| StatRow {
                key: category.as_str().into(),
                label: category.label_vi().into(),
                ..Default::default()
            }));
            add(months.entry(month.clone()).or_insert_with(|| StatRow {
                key: month.clone(),
                label: month.clone(),
                ..Default::default()
            }));
        }
        stats.by_commune = communes.into_values().collect();
        stats.by_commune.sort_by(|a, b| b.received.cmp(&a.received).then(a.label.cmp(&b.label)));
        stats.by_category = categories.into_values().collect();
        stats.by_category.sort_by_key(|c| std::cmp::Reverse(c.received));
        stats.by_month = months.into_values().collect();
        Ok(stats)
    }

    /// Notifications for the units within a session's scope root, newest first.
    pub async fn notifications_for(&self, unit: UnitId, limit: i64) -> Result<Vec<Notification>> {
        let rows = sqlx::query(
            "SELECT id, unit_id, report_id, at, body, read_at FROM notifications WHERE unit_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(unit.0)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: r.try_get("id")?,
                    unit_id: UnitId(r.try_get("unit_id")?),
                    report_id: r.try_get("report_id")?,
                    at: r.try_get("at")?,
                    body: r.try_get("body")?,
                    read: r.try_get::<Option<String>, _>("read_at")?.is_some(),
                })
            })
            .collect()
    }

    /// The province citizens' reports belong to: the setting
    /// `reports.province` (required; see [`Store::configure_province`]).
    pub async fn reports_province(&self) -> Result<UnitId> {
        Ok(self.report_routing().await?.province)
    }

    /// The communes of the reports' province today, with coordinates when
    /// known, in name order, for the intake form.
    pub async fn report_communes(&self) -> Result<Vec<khienmang_core::org::UnitVersion>> {
        Ok(self.report_routing().await?.communes.clone())
    }

    /// The commune of the reports' province named by its id or official
    /// code today, as the routing last built knows it (the intake checks it
    /// again when it writes).
    pub async fn report_commune(&self, given: &str) -> Result<Option<UnitId>> {
        let day = khienmang_core::time::Timestamp::now().vietnam_date();
        if let Some(commune) = self.report_routing_cached(day).await?.commune(given) {
            return Ok(Some(commune));
        }
        // Perhaps a commune made since the routing was built.
        Ok(self.report_routing_on(day).await?.commune(given))
    }
}

impl WriteTx {
    async fn load_report(&mut self, id: i64) -> Result<Report> {
        let row = sqlx::query(&format!("{SELECT} WHERE r.id = $1")).bind(id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(report_from_row).transpose()?.ok_or(StoreError::NotFound)
    }

    pub(crate) async fn report_event(
        &mut self,
        report: i64,
        kind: &str,
        status: Option<Status>,
        body: Option<&str>,
        to_reporter: bool,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO report_events (report_id, at, actor, kind, status, body, to_reporter) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(report)
        .bind(now_utc())
        .bind(self.actor.clone())
        .bind(kind)
        .bind(status.map(|s| s.as_str()))
        .bind(body)
        .bind(i64::from(to_reporter))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Tells a unit's staff in the app, and by e-mail those who gave one.
    pub(crate) async fn notify_unit(&mut self, unit: UnitId, report: &Report, text: &str) -> Result<()> {
        let now = now_utc();
        sqlx::query("INSERT INTO notifications (unit_id, report_id, at, body) VALUES ($1, $2, $3, $4)")
            .bind(unit.0)
            .bind(report.id)
            .bind(&now)
            .bind(text)
            .execute(&mut *self.tx)
            .await?;
        let emails: Vec<String> = sqlx::query_scalar(
            "SELECT email FROM users WHERE scope_unit_id = $1 AND email IS NOT NULL AND email <> '' AND disabled = 0",
        )
        .bind(unit.0)
        .fetch_all(&mut *self.tx)
        .await?;
        for email in emails {
            self.queue_mail(report.id, Some(&email), &format!("[Khiên Mạng] {} {}", report.code, text), text).await?;
        }
        Ok(())
    }

    /// Queues a mail; without `recipient` it goes to the reporter's e-mail
    /// (if they gave one and it is still kept) when it is sent.
    async fn queue_mail(&mut self, report: i64, recipient: Option<&str>, subject: &str, body: &str) -> Result<()> {
        let now = now_utc();
        sqlx::query(
            "INSERT INTO email_outbox (report_id, to_reporter, recipient, subject, body, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(report)
        .bind(i64::from(recipient.is_none()))
        .bind(recipient)
        .bind(subject)
        .bind(body)
        .bind(&now)
        .bind(&now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// A message the reporter will read, on the tracking page and by e-mail.
    async fn tell_reporter(&mut self, report: &Report, kind: &str, status: Option<Status>, text: &str) -> Result<()> {
        self.report_event(report.id, kind, status, Some(text), true).await?;
        self.mail_reporter(report, text).await
    }

    /// The e-mail copy of a message to the reporter, if they gave an address.
    async fn mail_reporter(&mut self, report: &Report, text: &str) -> Result<()> {
        if report.has_contact {
            let body = format!(
                "Phản ánh {} của bạn có cập nhật:\n\n{text}\n\nTra cứu bằng mã phản ánh và mã bí mật tại trang Theo dõi phản ánh.",
                report.code
            );
            self.queue_mail(report.id, None, &format!("Phản ánh {}: cập nhật", report.code), &body).await?;
        }
        Ok(())
    }

    /// Moves a report to a new status with a message to the reporter (the
    /// status's own sentence when the officer wrote none).
    pub async fn report_move(&mut self, id: i64, to: Status, message: Option<&str>) -> Result<Report> {
        self.report_move_noted(id, to, message, None).await
    }

    /// [`WriteTx::report_move`] with a public status note: what Open311
    /// shows anyone beside the status. The message to the reporter never
    /// goes public; without a note the public read the status's own sentence.
    pub async fn report_move_noted(
        &mut self,
        id: i64,
        to: Status,
        message: Option<&str>,
        public_note: Option<&str>,
    ) -> Result<Report> {
        let public_note = public_note.map(khienmang_core::reports::clean_text).filter(|n| !n.is_empty());
        if public_note.as_ref().is_some_and(|n| n.chars().count() > MAX_PUBLIC_NOTE_CHARS) {
            return Err(StoreError::Invalid(format!("Ghi chú công khai dài tối đa {MAX_PUBLIC_NOTE_CHARS} ký tự.")));
        }
        let report = self.load_report(id).await?;
        if !report.status.can_move_to(to) {
            return Err(StoreError::Invalid(format!(
                "Không thể chuyển phản ánh từ «{}» sang «{}».",
                report.status.label_vi(),
                to.label_vi()
            )));
        }
        if to == Status::Duplicate {
            return Err(invalid("Để đánh dấu trùng, hãy chọn phản ánh gốc và dùng «Gộp vào phản ánh này»."));
        }
        let now = now_utc();
        let closing = to.is_closed();
        sqlx::query(
            "UPDATE reports SET status = $1, closed_at = $2, on_time = $3, updated_at = $4, \
             assignee = COALESCE(assignee, $5) WHERE id = $6",
        )
        .bind(to.as_str())
        .bind(closing.then(|| now.clone()))
        .bind(closing.then(|| i64::from(now <= report.due_at)))
        .bind(&now)
        .bind(self.actor.clone())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        let text = message.map(str::trim).filter(|m| !m.is_empty()).unwrap_or(to.default_message_vi());
        // The message goes to the reporter only; the public note rides on
        // the same status event, where Open311 reads it.
        sqlx::query(
            "INSERT INTO report_events (report_id, at, actor, kind, status, body, to_reporter, public_note) \
             VALUES ($1, $2, $3, 'status', $4, $5, 1, $6)",
        )
        .bind(id)
        .bind(&now)
        .bind(self.actor.clone())
        .bind(to.as_str())
        .bind(text)
        .bind(public_note.as_deref())
        .execute(&mut *self.tx)
        .await?;
        self.mail_reporter(&report, text).await?;
        self.audit(
            "report.status",
            &format!("report:{id}"),
            &json!({"from": report.status.as_str(), "to": to.as_str()}),
        )
        .await?;
        self.load_report(id).await
    }

    /// Gives the report to a unit (the same one or one below it) and, if
    /// named, an officer; the unit's staff are notified.
    pub async fn report_assign(&mut self, id: i64, unit: UnitId, assignee: Option<&str>) -> Result<Report> {
        let report = self.load_report(id).await?;
        if report.status.is_closed() {
            return Err(invalid("Phản ánh đã đóng; người phản ánh có thể mở lại nếu chưa được giải quyết."));
        }
        let to = if report.status.can_move_to(Status::Assigned) { Status::Assigned } else { report.status };
        sqlx::query("UPDATE reports SET unit_id = $1, assignee = $2, status = $3, updated_at = $4 WHERE id = $5")
            .bind(unit.0)
            .bind(assignee.map(str::trim).filter(|a| !a.is_empty()))
            .bind(to.as_str())
            .bind(now_utc())
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        self.report_event(id, "assigned", Some(to), assignee, false).await?;
        if to != report.status {
            self.tell_reporter(&report, "status", Some(to), to.default_message_vi()).await?;
        }
        let report = self.load_report(id).await?;
        self.notify_unit(unit, &report, &format!("Được giao xử lý phản ánh {}", report.code)).await?;
        self.audit("report.assign", &format!("report:{id}"), &json!({"unit": unit.0, "assignee": assignee})).await?;
        Ok(report)
    }

    /// Marks `id` as a duplicate of the earlier report `into`; the reporter
    /// is told which report carries on, and the identifiers move along.
    pub async fn report_merge(&mut self, id: i64, into: i64) -> Result<Report> {
        let report = self.load_report(id).await?;
        let target = self.load_report(into).await?;
        if into >= id {
            return Err(invalid("Chỉ gộp một phản ánh vào phản ánh nhận trước nó."));
        }
        if target.status == Status::Duplicate {
            return Err(invalid("Phản ánh gốc đã là bản trùng; hãy gộp vào phản ánh mà nó trùng."));
        }
        if !report.status.can_move_to(Status::Duplicate) {
            return Err(invalid("Phản ánh đã đóng, không gộp được."));
        }
        let now = now_utc();
        sqlx::query(
            "UPDATE reports SET status = 'duplicate', duplicate_of = $1, closed_at = $2, on_time = $3, updated_at = $2 WHERE id = $4",
        )
        .bind(into)
        .bind(&now)
        .bind(i64::from(now <= report.due_at))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query(
            "INSERT INTO report_identifiers (report_id, kind, value) SELECT $1, i.kind, i.value FROM report_identifiers i \
             WHERE i.report_id = $2 AND NOT EXISTS (SELECT 1 FROM report_identifiers j WHERE j.report_id = $1 \
             AND j.kind = i.kind AND j.value = i.value)",
        )
        .bind(into)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        let text = format!(
            "Nội dung bạn phản ánh trùng với phản ánh {} đã nhận trước đó và được xử lý chung ở đó. Cảm ơn bạn đã cung cấp thêm thông tin.",
            target.code
        );
        self.tell_reporter(&report, "status", Some(Status::Duplicate), &text).await?;
        self.report_event(into, "merged", None, Some(&format!("Đã gộp phản ánh {} vào đây.", report.code)), false)
            .await?;
        self.audit("report.merge", &format!("report:{id}"), &json!({"into": into})).await?;
        self.load_report(id).await
    }

    /// A question to the reporter, answered from the tracking page.
    pub async fn report_ask(&mut self, id: i64, question: &str) -> Result<()> {
        let question = question.trim();
        if question.is_empty() {
            return Err(invalid("Chưa nhập câu hỏi."));
        }
        let report = self.load_report(id).await?;
        self.tell_reporter(&report, "question", None, question).await?;
        self.audit("report.question", &format!("report:{id}"), &json!({})).await.map(|_| ())
    }

    /// An internal note, never shown to the reporter.
    pub async fn report_note(&mut self, id: i64, note: &str) -> Result<()> {
        let note = note.trim();
        if note.is_empty() {
            return Err(invalid("Chưa nhập ghi chú."));
        }
        self.load_report(id).await?;
        self.report_event(id, "note", None, Some(note), false).await?;
        self.audit("report.note", &format!("report:{id}"), &json!({})).await.map(|_| ())
    }

    /// The reporter's contact, unsealed. Every call is a view of personal
    /// data and is written to the audit log.
    pub async fn report_contact(&mut self, id: i64, key: &FieldKey) -> Result<Option<Contact>> {
        let sealed: Option<Vec<u8>> = sqlx::query_scalar("SELECT contact_sealed FROM reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.audit("personal_data.view", &format!("report:{id}"), &json!({"field": "contact"})).await?;
        match sealed {
            Some(bytes) => Ok(Some(serde_json::from_slice(&key.open(&bytes)?).map_err(|_| invalid("liên hệ hỏng"))?)),
            None => Ok(None),
        }
    }

    /// The reporter adds information or answers a question.
    pub async fn report_reporter_message(&mut self, id: i64, text: &str, attachments: &[NewAttachment]) -> Result<()> {
        let text = khienmang_core::reports::clean_text(text);
        if text.is_empty() && attachments.is_empty() {
            return Err(invalid("Chưa nhập nội dung bổ sung."));
        }
        if text.chars().count() > khienmang_core::reports::MAX_DESCRIPTION_CHARS {
            return Err(invalid("Nội dung bổ sung quá dài."));
        }
        let report = self.load_report(id).await?;
        let count: i64 =
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM report_attachments WHERE report_id = $1")
                .bind(id)
                .fetch_one(&mut *self.tx)
                .await?;
        if count as usize + attachments.len() > khienmang_core::reports::attachment::MAX_ATTACHMENTS * 2 {
            return Err(invalid("Phản ánh đã có đủ số tệp đính kèm cho phép."));
        }
        intake::insert_attachments(self, id, attachments).await?;
        let body =
            if attachments.is_empty() { text } else { format!("{text}\n[{} tệp đính kèm]", attachments.len()) };
        self.report_event(id, "reporter_info", None, Some(body.trim()), true).await?;
        sqlx::query("UPDATE reports SET updated_at = $1 WHERE id = $2")
            .bind(now_utc())
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        self.notify_unit(report.unit_id, &report, &format!("Người phản ánh bổ sung thông tin cho {}", report.code))
            .await?;
        self.audit("report.reporter_info", &format!("report:{id}"), &json!({"attachments": attachments.len()})).await?;
        Ok(())
    }

    /// The reporter reopens a closed report (not a duplicate) within 30 days.
    pub async fn report_reopen(&mut self, id: i64, reason: &str) -> Result<()> {
        let report = self.load_report(id).await?;
        let reason = khienmang_core::reports::clean_text(reason);
        if reason.is_empty() {
            return Err(invalid("Hãy cho biết vì sao vụ việc chưa được giải quyết."));
        }
        let closed =
            report.closed_at.clone().filter(|_| report.status.is_closed() && report.status != Status::Duplicate);
        let Some(closed) = closed else {
            return Err(invalid("Chỉ mở lại được phản ánh đã đóng."));
        };
        let limit =
            (chrono::Utc::now() - chrono::Duration::days(30)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if closed < limit {
            return Err(invalid("Phản ánh đã đóng quá 30 ngày; hãy gửi phản ánh mới."));
        }
        let now = chrono::Utc::now();
        let due =
            khienmang_core::reports::due_at(report.category, now).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        sqlx::query(
            "UPDATE reports SET status = 'in_progress', closed_at = NULL, on_time = NULL, rating = NULL, rating_fixed = NULL, \
             rating_comment = NULL, due_at = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(due)
        .bind(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        self.report_event(id, "reopened", Some(Status::InProgress), Some(&reason), true).await?;
        self.notify_unit(report.unit_id, &report, &format!("Người phản ánh mở lại {}", report.code)).await?;
        self.audit("report.reopen", &format!("report:{id}"), &json!({})).await.map(|_| ())
    }

    /// The reporter rates the outcome of a closed report, once.
    pub async fn report_rate(&mut self, id: i64, stars: i64, fixed: bool, comment: Option<&str>) -> Result<()> {
        let report = self.load_report(id).await?;
        if !report.status.is_closed() {
            return Err(invalid("Chỉ đánh giá được khi phản ánh đã có kết quả."));
        }
        if report.rating.is_some() {
            return Err(invalid("Bạn đã đánh giá phản ánh này."));
        }
        if !(1..=5).contains(&stars) {
            return Err(invalid("Hãy chọn từ 1 đến 5 sao."));
        }
        let comment = comment.map(khienmang_core::reports::clean_text).filter(|c| !c.is_empty());
        sqlx::query(
            "UPDATE reports SET rating = $1, rating_fixed = $2, rating_comment = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(stars)
        .bind(i64::from(fixed))
        .bind(comment)
        .bind(now_utc())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        self.report_event(
            id,
            "rated",
            None,
            Some(&format!("{stars}/5{}", if fixed { "" } else { " — chưa được giải quyết" })),
            true,
        )
        .await?;
        self.audit("report.rate", &format!("report:{id}"), &json!({"stars": stars, "fixed": fixed})).await.map(|_| ())
    }

    /// The reporter deletes their contact details; mail not yet sent to
    /// them is dropped too.
    pub async fn report_remove_contact(&mut self, id: i64, why: &str) -> Result<bool> {
        let changed = sqlx::query(
            "UPDATE reports SET contact_sealed = NULL, contact_removed_at = $1, updated_at = $1 WHERE id = $2 AND contact_sealed IS NOT NULL",
        )
        .bind(now_utc())
        .bind(id)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM email_outbox WHERE report_id = $1 AND to_reporter = 1 AND sent_at IS NULL")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        if changed > 0 {
            self.report_event(id, "contact_removed", None, Some(why), true).await?;
            self.audit("report.contact_removed", &format!("report:{id}"), &json!({"why": why})).await?;
        }
        Ok(changed > 0)
    }

    /// Dates a closed report's closing (and the staff's steps before it) at
    /// `closed_at`, for reports imported from an earlier system and demo data.
    pub async fn backdate_report(&mut self, id: i64, closed_at: &str) -> Result<()> {
        let report = self.load_report(id).await?;
        sqlx::query(
            "UPDATE reports SET closed_at = $1, on_time = $2, updated_at = $1 WHERE id = $3 AND closed_at IS NOT NULL",
        )
        .bind(closed_at)
        .bind(i64::from(closed_at <= report.due_at.as_str()))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE report_events SET at = $1 WHERE report_id = $2 AND kind <> 'received'")
            .bind(closed_at)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Marks a unit's notifications as read.
    pub async fn notifications_read(&mut self, unit: UnitId) -> Result<()> {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE unit_id = $2 AND read_at IS NULL")
            .bind(now_utc())
            .bind(unit.0)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}
