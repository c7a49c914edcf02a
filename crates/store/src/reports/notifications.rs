//! Notifications: what a unit's staff see in the app, and the mail queued
//! for staff and reporters.

use khienmang_core::org::UnitId;
use serde::Serialize;
use sqlx::Row;

use crate::{Result, Store, WriteTx};

use super::records::Report;

#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: i64,
    pub unit_id: UnitId,
    pub report_id: Option<i64>,
    pub at: String,
    pub body: String,
    pub read: bool,
}

impl Store {
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
}

impl WriteTx {
    /// Tells a unit's staff in the app, and by e-mail those who gave one.
    pub(crate) async fn notify_unit(&mut self, unit: UnitId, report: &Report, text: &str) -> Result<()> {
        let now = self.stamp();
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
    pub(super) async fn queue_mail(
        &mut self,
        report: i64,
        recipient: Option<&str>,
        subject: &str,
        body: &str,
    ) -> Result<()> {
        let now = self.stamp();
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

    /// Marks a unit's notifications as read.
    pub async fn notifications_read(&mut self, unit: UnitId) -> Result<()> {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE unit_id = $2 AND read_at IS NULL")
            .bind(self.stamp())
            .bind(unit.0)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}
