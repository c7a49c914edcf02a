//! The citizen's side of reports: finding one's report by code and secret,
//! the communes of the intake form, and adding to, reopening, rating or
//! erasing the contact of one's report; the messages the reporter reads.

use khienmang_core::Date;
use khienmang_core::org::UnitId;
use khienmang_core::reports::Status;
use serde_json::json;

use super::intake;
use super::intake::NewAttachment;
use super::records::SELECT;

use crate::{Result, Store, WriteTx};

use super::records::{Report, invalid, report_from_row};

impl Store {
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
            Some(stored) if khienmang_core::secret::same(&stored, &given) => self.report_by_code(code.as_str()).await,
            _ => Ok(None),
        }
    }

    /// The province citizens' reports belong to: the setting
    /// `reports.province` (required; see [`Store::configure_province`]).
    /// `on` is the date in Viet Nam whose routing is read.
    pub async fn reports_province(&self, on: Date) -> Result<UnitId> {
        Ok(self.report_routing_on(on).await?.province)
    }

    /// The communes of the reports' province on `on`, with coordinates when
    /// known, in name order, for the intake form.
    pub async fn report_communes(&self, on: Date) -> Result<Vec<khienmang_core::org::UnitVersion>> {
        Ok(self.report_routing_on(on).await?.communes.clone())
    }

    /// The commune of the reports' province named by its id or official
    /// code on `day`, as the routing last built knows it (the intake checks
    /// it again when it writes).
    pub async fn report_commune(&self, given: &str, day: Date) -> Result<Option<UnitId>> {
        if let Some(commune) = self.report_routing_cached(day).await?.commune(given) {
            return Ok(Some(commune));
        }
        // Perhaps a commune made since the routing was built.
        Ok(self.report_routing_on(day).await?.commune(given))
    }
}

impl WriteTx {
    /// A message the reporter will read, on the tracking page and by e-mail.
    pub(super) async fn tell_reporter(
        &mut self,
        report: &Report,
        kind: &str,
        status: Option<Status>,
        text: &str,
    ) -> Result<()> {
        self.report_event(report.id, kind, status, Some(text), true).await?;
        self.mail_reporter(report, text).await
    }

    /// The e-mail copy of a message to the reporter, if they gave an address.
    pub(super) async fn mail_reporter(&mut self, report: &Report, text: &str) -> Result<()> {
        if report.has_contact {
            let body = format!(
                "Phản ánh {} của bạn có cập nhật:\n\n{text}\n\nTra cứu bằng mã phản ánh và mã bí mật tại trang Theo dõi phản ánh.",
                report.code
            );
            self.queue_mail(report.id, None, &format!("Phản ánh {}: cập nhật", report.code), &body).await?;
        }
        Ok(())
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
            .bind(self.stamp())
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
        let now = self.now().utc();
        let limit = (now - chrono::Duration::days(30)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if closed < limit {
            return Err(invalid("Phản ánh đã đóng quá 30 ngày; hãy gửi phản ánh mới."));
        }
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
        .bind(self.stamp())
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
        .bind(self.stamp())
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
}
