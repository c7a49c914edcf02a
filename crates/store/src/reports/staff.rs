//! The staff's side of reports: the queue of their units, a report's trail
//! and files, and triage, assignment, merging, questions, notes and closing.

use khienmang_core::org::UnitId;
use khienmang_core::reports::{Contact, Status};
use khienmang_core::time::Timestamp;
use serde_json::json;
use sqlx::Row;

use super::seal::FieldKey;

use crate::{Result, Store, StoreError, WriteTx};

use super::records::{
    Attachment, MAX_PUBLIC_NOTE_CHARS, Report, ReportEvent, ReportFilter, SELECT, invalid, report_from_row,
};

impl Store {
    pub async fn report(&self, id: i64) -> Result<Option<Report>> {
        let row = sqlx::query(&format!("{SELECT} WHERE r.id = $1")).bind(id).fetch_optional(self.pool()).await?;
        row.as_ref().map(report_from_row).transpose()
    }

    /// Units that handle at least one report and lie within `root` (all of
    /// them for the whole country): the queue's `IN` list stays short.
    pub(super) async fn handling_units_within(&self, root: Option<UnitId>) -> Result<Vec<i64>> {
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
        now: Timestamp,
    ) -> Result<Vec<Report>> {
        let units = self.handling_units_within(root).await?;
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let (condition, binds) = condition(&units, filter, now);
        let sql = format!(
            "{SELECT} WHERE {condition} ORDER BY r.due_at, r.id LIMIT {} OFFSET {}",
            limit.clamp(1, 1000),
            offset.max(0)
        );
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(self.pool()).await?.iter().map(report_from_row).collect()
    }

    /// How many reports [`Store::reports_within`] would list, all pages.
    pub async fn count_reports_within(
        &self,
        root: Option<UnitId>,
        filter: &ReportFilter,
        now: Timestamp,
    ) -> Result<i64> {
        let units = self.handling_units_within(root).await?;
        if units.is_empty() {
            return Ok(0);
        }
        let (condition, binds) = condition(&units, filter, now);
        let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM reports r WHERE {condition}");
        let mut q = sqlx::query_scalar(&sql);
        for b in binds {
            q = q.bind(b);
        }
        Ok(q.fetch_one(self.pool()).await?)
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
}

impl WriteTx {
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
        let now = self.stamp();
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
            .bind(self.stamp())
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
        let now = self.stamp();
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
}

/// The reports of `units` that `filter` keeps, as a `WHERE` condition on `r`
/// and its bound values (`now` decides which are overdue).
fn condition(units: &[i64], filter: &ReportFilter, now: Timestamp) -> (String, Vec<String>) {
    let list = units.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let mut sql = format!("r.unit_id IN ({list})");
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
        binds.push(now.stored());
        sql.push_str(&format!(" AND r.due_at < ${}", binds.len()));
    }
    if filter.awaiting_reporter {
        // A question (to the reporter) with no information from the reporter after it.
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM report_events q WHERE q.report_id = r.id AND q.kind = 'question' \
             AND NOT EXISTS (SELECT 1 FROM report_events a WHERE a.report_id = r.id AND a.kind = 'reporter_info' \
             AND a.id > q.id))",
        );
    }
    (sql, binds)
}
