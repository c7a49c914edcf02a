//! The duties of Part 3 as reported by their bodies, and the communes'
//! periodic progress reports with completeness that follows the tree's
//! history (a commune merged mid-period is carried by its successor).

use std::collections::HashMap;

use khienmang_core::Date;
use khienmang_core::admin::duties::{DutyReport, duty_by_code};
use khienmang_core::admin::{PeriodKind, PeriodReport, ReportingPeriod, ReportingUnit};
use khienmang_core::org::{Level, OrgHistory, UnitId};
use serde_json::json;
use sqlx::Row;

use super::{day, invalid};
use crate::{Result, Store, WriteTx};

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
        let rows = sqlx::query("SELECT duty, due, received_on FROM duty_reports ORDER BY due, duty")
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
             ORDER BY year, period_index, unit_id",
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
}

impl WriteTx {
    /// A body reports on one due date of one of its duties.
    pub async fn report_duty(&mut self, duty: &str, due: Date, received_on: Date, summary: &str) -> Result<()> {
        let d = duty_by_code(duty).ok_or_else(|| invalid(format!("Không có nhiệm vụ {duty} trong Phần thứ ba.")))?;
        if !d.due.due_dates(due, due).contains(&due) {
            return Err(invalid(format!("Nhiệm vụ {duty} không có hạn báo cáo ngày {}.", due.format("%d/%m/%Y"))));
        }
        let summary = summary.trim();
        if summary.is_empty() {
            return Err(invalid("Hãy tóm tắt kết quả thực hiện nhiệm vụ."));
        }
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
}
