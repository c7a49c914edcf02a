//! Background jobs of the reports: escalation of overdue reports to the
//! level above, deletion of contact details after the retention period, and
//! the e-mail outbox. Each takes `now` so tests can move the clock.

use chrono::{DateTime, Duration, Utc};
use khienmang_core::org::UnitId;
use serde_json::json;
use sqlx::Row;

use super::{FieldKey, SYSTEM};
use crate::{Result, Store};
use khienmang_core::time::Timestamp;

/// A mail ready to go, its recipient already unsealed.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Retries after a failed send: 5 minutes, 30 minutes, then every 2 hours,
/// and no more after 10 attempts.
fn retry_after(attempts: i64) -> Option<Duration> {
    match attempts {
        0 | 1 => Some(Duration::minutes(5)),
        2 => Some(Duration::minutes(30)),
        3..=9 => Some(Duration::hours(2)),
        _ => None,
    }
}

impl Store {
    /// Moves every open report past its deadline to the parent of the unit
    /// handling it, with a fresh deadline of half the category's time, and
    /// tells the parent's staff. A report at the province stays there and
    /// is flagged again. Returns how many were escalated.
    pub async fn escalate_overdue(&self, now: DateTime<Utc>) -> Result<usize> {
        let rows = sqlx::query(
            "SELECT id, unit_id FROM reports WHERE closed_at IS NULL AND due_at < $1 ORDER BY id LIMIT 500",
        )
        .bind(Timestamp::from(now).stored())
        .fetch_all(self.pool())
        .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let history = self.org_history().await?;
        let today = now.date_naive();
        let mut tx = self.begin_write(SYSTEM, Timestamp::from(now)).await?;
        let mut count = 0;
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let unit = UnitId(row.try_get("unit_id")?);
            let report = tx.load_report(id).await?;
            let parent = history.version_on(unit, today).and_then(|v| v.parent_id).unwrap_or(unit);
            let due = Timestamp::from(now + report.category.deadline() / 2).stored();
            sqlx::query("UPDATE reports SET unit_id = $1, escalations = escalations + 1, due_at = $2, updated_at = $3 WHERE id = $4")
                .bind(parent.0)
                .bind(&due)
                .bind(Timestamp::from(now).stored())
                .bind(id)
                .execute(tx.conn())
                .await?;
            let from = report.unit_name.clone();
            tx.report_event(
                id,
                "escalated",
                None,
                Some(&format!("Quá hạn xử lý tại {from}; chuyển lên cấp trên.")),
                false,
            )
            .await?;
            tx.notify_unit(
                parent,
                &report,
                &format!("Phản ánh {} quá hạn tại {from}, chuyển lên để chỉ đạo xử lý", report.code),
            )
            .await?;
            tx.audit("report.escalate", &format!("report:{id}"), &json!({"from": unit.0, "to": parent.0})).await?;
            count += 1;
        }
        tx.commit().await?;
        Ok(count)
    }

    /// Deletes the contact of every report closed more than `retention` ago.
    pub async fn remove_expired_contacts(&self, now: DateTime<Utc>, retention: Duration) -> Result<usize> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM reports WHERE contact_sealed IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1 LIMIT 1000",
        )
        .bind(Timestamp::from(now - retention).stored())
        .fetch_all(self.pool())
        .await?;
        if ids.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write(SYSTEM, Timestamp::from(now)).await?;
        for id in &ids {
            tx.report_remove_contact(*id, "Đã xóa thông tin liên hệ khi hết thời hạn lưu trữ.").await?;
        }
        tx.commit().await?;
        Ok(ids.len())
    }

    /// Mails due to be sent, reporters' addresses unsealed from the report's
    /// contact (a reporter without an e-mail any more gets none: the mail
    /// is dropped).
    pub async fn due_mail(&self, now: DateTime<Utc>, key: &FieldKey, limit: i64) -> Result<Vec<OutgoingMail>> {
        let rows = sqlx::query(
            "SELECT o.id, o.to_reporter, o.recipient, o.subject, o.body, r.contact_sealed FROM email_outbox o \
             LEFT JOIN reports r ON r.id = o.report_id \
             WHERE o.sent_at IS NULL AND o.next_attempt_at <= $1 ORDER BY o.id LIMIT $2",
        )
        .bind(Timestamp::from(now).stored())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        let mut dropped = Vec::new();
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let to = if row.try_get::<i64, _>("to_reporter")? != 0 {
                let sealed: Option<Vec<u8>> = row.try_get("contact_sealed")?;
                sealed
                    .and_then(|s| key.open(&s).ok())
                    .and_then(|plain| serde_json::from_slice::<khienmang_core::reports::Contact>(&plain).ok())
                    .and_then(|c| c.email)
            } else {
                row.try_get::<Option<String>, _>("recipient")?
            };
            match to {
                Some(to) => {
                    out.push(OutgoingMail { id, to, subject: row.try_get("subject")?, body: row.try_get("body")? })
                }
                None => dropped.push(id),
            }
        }
        for id in dropped {
            sqlx::query("DELETE FROM email_outbox WHERE id = $1").bind(id).execute(self.pool()).await?;
        }
        Ok(out)
    }

    pub async fn mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE email_outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2")
            .bind(Timestamp::from(now).stored())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a failed send and when to try again (never, after ten tries).
    pub async fn mail_failed(&self, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
        let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM email_outbox WHERE id = $1")
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        let next = retry_after(attempts + 1)
            .map(|d| Timestamp::from(now + d).stored())
            .unwrap_or_else(|| "9999-12-31T00:00:00Z".into());
        sqlx::query(
            "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3",
        )
        .bind(next)
        .bind(error.chars().take(500).collect::<String>())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
