//! A report as the store keeps it: the row types and their decoding, and the
//! two steps every change shares (loading the report, adding to its trail).

use khienmang_core::org::UnitId;
use khienmang_core::reports::{Category, Channel, Status};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError, WriteTx};

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
    /// Only reports where staff asked the reporter a question that the
    /// reporter has not answered since.
    pub awaiting_reporter: bool,
}

pub(crate) fn invalid(message: &str) -> StoreError {
    StoreError::Invalid(message.to_string())
}

pub(super) const SELECT: &str = "SELECT r.id, r.code, r.channel, r.category, r.description, r.links, r.commune_id, \
     (SELECT v.name FROM org_unit_versions v WHERE v.unit_id = r.commune_id ORDER BY v.valid_from DESC LIMIT 1) AS commune_name, \
     r.unit_id, \
     (SELECT v.name FROM org_unit_versions v WHERE v.unit_id = r.unit_id ORDER BY v.valid_from DESC LIMIT 1) AS unit_name, \
     r.lat, r.lon, r.status, r.assignee, r.received_at, r.due_at, r.escalations, r.closed_at, r.on_time, r.duplicate_of, \
     r.rating, r.rating_fixed, r.rating_comment, CASE WHEN r.contact_sealed IS NULL THEN 0 ELSE 1 END AS has_contact, \
     r.contact_removed_at, r.updated_at FROM reports r";

pub(super) fn report_from_row(row: &AnyRow) -> Result<Report> {
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

/// The longest public status note an officer may write.
pub const MAX_PUBLIC_NOTE_CHARS: usize = 1000;

impl WriteTx {
    pub(super) async fn load_report(&mut self, id: i64) -> Result<Report> {
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
        .bind(self.stamp())
        .bind(self.actor.clone())
        .bind(kind)
        .bind(status.map(|s| s.as_str()))
        .bind(body)
        .bind(i64::from(to_reporter))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}
