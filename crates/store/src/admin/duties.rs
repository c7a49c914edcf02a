//! The duties of Part 3 as reported by their bodies, and the communes'
//! periodic progress reports with completeness that follows the tree's
//! history (a commune merged mid-period is carried by its successor).
//! A report entered wrongly is corrected (its history kept) or voided with
//! a reason, and restored by the secretariat, through the registry's shared
//! correction mechanism; a voided report counts for no rate.

use std::collections::HashMap;

use khienmang_core::Date;
use khienmang_core::admin::duties::{DutyReport, duty_by_code};
use khienmang_core::admin::{PeriodKind, PeriodReport, ReportingPeriod, ReportingUnit};
use khienmang_core::movement::{ChangeAction, RecordKind, VoidReason};
use khienmang_core::org::{Level, OrgHistory, UnitId};
use serde_json::{Map, json};
use sqlx::Row;

use super::{day, invalid};
use crate::movement::corrections::{Voided, changed_fields, voided_of};
use crate::targets::FactChange;
use crate::{Result, Store, StoreError, WriteTx};

/// A duty report as listed on the duties page, voided ones included.
#[derive(Debug, Clone)]
pub struct DutyReportRecord {
    pub id: i64,
    pub duty: String,
    pub due: Date,
    pub received_on: Date,
    pub summary: String,
    pub voided: Option<Voided>,
}

/// A commune's period report as listed, voided ones included.
#[derive(Debug, Clone)]
pub struct PeriodReportRecord {
    pub id: i64,
    pub unit: UnitId,
    pub period: ReportingPeriod,
    pub received_on: Date,
    pub summary: String,
    pub voided: Option<Voided>,
}

/// The most reports a page lists (the latest first).
const LISTED: i64 = 200;

/// A body's report checked: the duty exists, has that due date, and says something.
fn check_duty_report(duty: &str, due: Date, summary: &str) -> Result<()> {
    let d = duty_by_code(duty).ok_or_else(|| invalid(format!("Không có nhiệm vụ {duty} trong Phần thứ ba.")))?;
    if !d.due.due_dates(due, due).contains(&due) {
        return Err(invalid(format!("Nhiệm vụ {duty} không có hạn báo cáo ngày {}.", due.format("%d/%m/%Y"))));
    }
    if summary.trim().is_empty() {
        return Err(invalid("Hãy tóm tắt kết quả thực hiện nhiệm vụ."));
    }
    Ok(())
}

fn duty_record(r: &sqlx::any::AnyRow) -> Result<DutyReportRecord> {
    Ok(DutyReportRecord {
        id: r.try_get("id")?,
        duty: r.try_get("duty")?,
        due: day(&r.try_get::<String, _>("due")?)?,
        received_on: day(&r.try_get::<String, _>("received_on")?)?,
        summary: r.try_get("summary")?,
        voided: voided_of(r)?,
    })
}

fn period_record(r: &sqlx::any::AnyRow) -> Result<Option<PeriodReportRecord>> {
    let kind = PeriodKind::parse(&r.try_get::<String, _>("period_kind")?).unwrap_or(PeriodKind::Quarter);
    let year = i32::try_from(r.try_get::<i64, _>("year")?).unwrap_or_default();
    let index = u32::try_from(r.try_get::<i64, _>("period_index")?).unwrap_or_default();
    let Some(period) = ReportingPeriod::new(kind, year, index) else { return Ok(None) };
    Ok(Some(PeriodReportRecord {
        id: r.try_get("id")?,
        unit: UnitId(r.try_get("unit_id")?),
        period,
        received_on: day(&r.try_get::<String, _>("received_on")?)?,
        summary: r.try_get("summary")?,
        voided: voided_of(r)?,
    }))
}

const DUTY_COLUMNS: &str = "id, duty, due, received_on, summary, voided_at, voided_by, void_reason";
const PERIOD_COLUMNS: &str =
    "id, unit_id, period_kind, year, period_index, received_on, summary, voided_at, voided_by, void_reason";

/// Every commune that lay under `root` at any time, with its lifetime as a
/// commune and the unit that carried it on: what completeness counts.
pub fn reporting_units(history: &OrgHistory, root: UnitId) -> Vec<ReportingUnit> {
    let within = history.within(root);
    let mut spans: HashMap<UnitId, (Date, Option<Date>)> = HashMap::new();
    for v in history.versions().iter().filter(|v| v.level == Level::Commune && within.contains(&v.unit_id)) {
        let span = spans.entry(v.unit_id).or_insert((v.valid_from, v.valid_to));
        span.0 = span.0.min(v.valid_from);
        span.1 = match (span.1, v.valid_to) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    let mut out: Vec<ReportingUnit> = spans
        .into_iter()
        .map(|(id, (from, until))| ReportingUnit {
            id,
            from,
            until,
            successor: until.and_then(|u| history.successor_on(id, u)).filter(|s| *s != id),
        })
        .collect();
    out.sort_by_key(|u| u.id);
    out
}

impl Store {
    pub async fn duty_reports(&self) -> Result<Vec<DutyReport>> {
        let rows =
            sqlx::query("SELECT duty, due, received_on FROM duty_reports WHERE voided_at IS NULL ORDER BY due, duty")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok(DutyReport {
                    duty: r.try_get("duty")?,
                    due: day(&r.try_get::<String, _>("due")?)?,
                    received_on: day(&r.try_get::<String, _>("received_on")?)?,
                })
            })
            .collect()
    }

    /// The duties reported for a due date within `from..=to`, as
    /// (duty code, due date), each once.
    pub async fn duty_reports_due_between(&self, from: Date, to: Date) -> Result<Vec<(String, Date)>> {
        let rows = sqlx::query("SELECT DISTINCT duty, due FROM duty_reports WHERE due >= $1 AND due <= $2")
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok((r.try_get("duty")?, day(&r.try_get::<String, _>("due")?)?))).collect()
    }

    /// The periodic reports of one kind of period (e.g. quarterly).
    pub async fn period_reports(&self, kind: PeriodKind) -> Result<Vec<PeriodReport>> {
        let rows = sqlx::query(
            "SELECT unit_id, year, period_index, received_on FROM period_reports WHERE period_kind = $1 \
             AND voided_at IS NULL ORDER BY year, period_index, unit_id",
        )
        .bind(kind.as_str())
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let year = i32::try_from(r.try_get::<i64, _>("year")?).unwrap_or_default();
            let index = u32::try_from(r.try_get::<i64, _>("period_index")?).unwrap_or_default();
            let Some(period) = ReportingPeriod::new(kind, year, index) else { continue };
            out.push(PeriodReport {
                unit: UnitId(r.try_get("unit_id")?),
                period,
                received_on: day(&r.try_get::<String, _>("received_on")?)?,
            });
        }
        Ok(out)
    }

    /// The latest duty reports, voided ones included (marked).
    pub async fn duty_report_records(&self) -> Result<Vec<DutyReportRecord>> {
        let sql = format!("SELECT {DUTY_COLUMNS} FROM duty_reports ORDER BY id DESC LIMIT $1");
        sqlx::query(&sql).bind(LISTED).fetch_all(self.pool()).await?.iter().map(duty_record).collect()
    }

    pub async fn duty_report_record(&self, id: i64) -> Result<Option<DutyReportRecord>> {
        let sql = format!("SELECT {DUTY_COLUMNS} FROM duty_reports WHERE id = $1");
        sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await?.as_ref().map(duty_record).transpose()
    }

    /// The latest period reports of these units, voided ones included (marked).
    pub async fn period_report_records(&self, units: &[UnitId]) -> Result<Vec<PeriodReportRecord>> {
        let mut out = Vec::new();
        for chunk in units.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT {PERIOD_COLUMNS} FROM period_reports WHERE unit_id IN ({}) ORDER BY id DESC LIMIT $1",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(LISTED);
            for u in chunk {
                q = q.bind(u.0);
            }
            for r in q.fetch_all(self.pool()).await? {
                out.extend(period_record(&r)?);
            }
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.id));
        out.truncate(usize::try_from(LISTED).unwrap_or(usize::MAX));
        Ok(out)
    }

    pub async fn period_report_record(&self, id: i64) -> Result<Option<PeriodReportRecord>> {
        let sql = format!("SELECT {PERIOD_COLUMNS} FROM period_reports WHERE id = $1");
        match sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await? {
            Some(r) => period_record(&r),
            None => Ok(None),
        }
    }
}

impl WriteTx {
    /// A body reports on one due date of one of its duties.
    pub async fn report_duty(&mut self, duty: &str, due: Date, received_on: Date, summary: &str) -> Result<()> {
        check_duty_report(duty, due, summary)?;
        let summary = summary.trim();
        sqlx::query(
            "INSERT INTO duty_reports (duty, due, received_on, summary, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(duty)
        .bind(due.to_string())
        .bind(received_on.to_string())
        .bind(summary)
        .bind(&self.actor)
        .bind(self.stamp())
        .execute(&mut *self.tx)
        .await?;
        self.audit("duty.report", &format!("duty:{duty}"), &json!({"due": due.to_string()})).await?;
        Ok(())
    }

    /// A commune's progress report for one period.
    pub async fn add_period_report(
        &mut self,
        unit: UnitId,
        period: ReportingPeriod,
        received_on: Date,
        summary: &str,
    ) -> Result<()> {
        if received_on < period.start() {
            return Err(invalid("Không thể báo cáo cho kỳ chưa bắt đầu."));
        }
        sqlx::query(
            "INSERT INTO period_reports (unit_id, period_kind, year, period_index, received_on, summary, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(unit.0)
        .bind(period.kind.as_str())
        .bind(i64::from(period.year))
        .bind(i64::from(period.index))
        .bind(received_on.to_string())
        .bind(summary.trim())
        .bind(&self.actor)
        .bind(self.stamp())
        .execute(&mut *self.tx)
        .await?;
        self.audit("duty.period_report", &format!("unit:{}", unit.0), &json!({"period": period.label_vi()})).await?;
        Ok(())
    }

    /// Corrects a duty report (which duty, the due date it answers, when it
    /// came, what it says); returns whether anything changed.
    pub async fn edit_duty_report(
        &mut self,
        current: &DutyReportRecord,
        duty: &str,
        due: Date,
        received_on: Date,
        summary: &str,
    ) -> Result<bool> {
        if current.voided.is_some() {
            return Err(invalid("Báo cáo này đã bị hủy: hãy khôi phục trước khi sửa."));
        }
        check_duty_report(duty, due, summary)?;
        let summary = summary.trim();
        let before = json!({"duty": current.duty, "due": current.due.to_string(),
            "received_on": current.received_on.to_string(), "summary": current.summary});
        let after =
            json!({"duty": duty, "due": due.to_string(), "received_on": received_on.to_string(), "summary": summary});
        let changes = changed_fields(&before, &after);
        if changes.is_empty() {
            return Ok(false);
        }
        sqlx::query("UPDATE duty_reports SET duty = $1, due = $2, received_on = $3, summary = $4 WHERE id = $5")
            .bind(duty)
            .bind(due.to_string())
            .bind(received_on.to_string())
            .bind(summary)
            .bind(current.id)
            .execute(&mut *self.tx)
            .await?;
        self.record_change(
            FactChange::Unread,
            RecordKind::DutyReport,
            &current.id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    /// Corrects a period report (when it came, what it says).
    pub async fn edit_period_report(
        &mut self,
        current: &PeriodReportRecord,
        received_on: Date,
        summary: &str,
    ) -> Result<bool> {
        if current.voided.is_some() {
            return Err(invalid("Báo cáo này đã bị hủy: hãy khôi phục trước khi sửa."));
        }
        if received_on < current.period.start() {
            return Err(invalid("Không thể báo cáo cho kỳ chưa bắt đầu."));
        }
        let summary = summary.trim();
        if summary.is_empty() {
            return Err(invalid("Hãy tóm tắt kết quả trong kỳ."));
        }
        let before = json!({"received_on": current.received_on.to_string(), "summary": current.summary});
        let after = json!({"received_on": received_on.to_string(), "summary": summary});
        let changes = changed_fields(&before, &after);
        if changes.is_empty() {
            return Ok(false);
        }
        sqlx::query("UPDATE period_reports SET received_on = $1, summary = $2 WHERE id = $3")
            .bind(received_on.to_string())
            .bind(summary)
            .bind(current.id)
            .execute(&mut *self.tx)
            .await?;
        self.record_change(
            FactChange::Unread,
            RecordKind::PeriodReport,
            &current.id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    /// Voids a duty report (`RecordKind::DutyReport`) or a period report
    /// (`RecordKind::PeriodReport`) entered by mistake.
    pub async fn void_report(&mut self, kind: RecordKind, id: i64, reason: &VoidReason) -> Result<()> {
        let table = report_table(kind)?;
        if self.mark_void(table, "id = $4", &[id], reason).await? == 0 {
            return Err(invalid("Báo cáo này đã bị hủy."));
        }
        self.record_change(
            FactChange::Unread,
            kind,
            &id.to_string(),
            ChangeAction::Void,
            Map::new(),
            Some(reason.as_str()),
        )
        .await
    }

    /// Restores a voided duty or period report (the secretariat's decision).
    pub async fn restore_report(&mut self, kind: RecordKind, id: i64) -> Result<()> {
        let table = report_table(kind)?;
        if self.clear_void(table, "id = $1", &[id], None).await? == 0 {
            return Err(invalid("Báo cáo này chưa bị hủy."));
        }
        self.record_change(FactChange::Unread, kind, &id.to_string(), ChangeAction::Restore, Map::new(), None).await
    }
}

/// The table of a kind of report.
fn report_table(kind: RecordKind) -> Result<&'static str> {
    match kind {
        RecordKind::DutyReport => Ok("duty_reports"),
        RecordKind::PeriodReport => Ok("period_reports"),
        _ => Err(StoreError::Invalid("không phải một loại báo cáo".into())),
    }
}
