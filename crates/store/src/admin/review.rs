//! The interim and final reviews assembled from live data: the targets as
//! the dashboard shows them, the year's figures, the budget by level.

use std::collections::HashSet;

use chrono::Datelike;
use khienmang_core::Date;
use khienmang_core::admin::review::{BudgetSummaryRow, ReviewData, TargetRow};
use khienmang_core::admin::{ReviewKind, format_thousands};
use khienmang_core::org::UnitId;
use khienmang_core::targets::{FIRST_YEAR, LAST_YEAR, Status, TargetId, TargetValue};
use sqlx::Row;

use crate::{Result, Store, StoreError};

/// "100%", or "Tối thiểu 80%" for a goal below every unit.
fn goal_text(t: TargetId) -> String {
    match t.goal_percent() {
        100 => "100%".to_owned(),
        p => format!("Tối thiểu {p}%"),
    }
}

/// One target as the dashboard shows it: the counts, the percent, and the
/// dashboard's own rating ([`khienmang_core::targets::rate`]). `row` is the
/// node's whole row, for the parts a composite target (2.9) is read from.
pub fn target_row(v: &TargetValue, row: &[TargetValue]) -> TargetRow {
    let applies = v.denominator > 0 || v.eligible_units > 0;
    let composite = v.target == TargetId::Coverage;
    let value_text = if !applies {
        String::new()
    } else if composite {
        parts_text(v, row)
    } else {
        format!("{}/{}", format_thousands(v.numerator), format_thousands(v.denominator))
    };
    TargetRow {
        code: v.target.code().to_owned(),
        title: v.target.label_vi().to_owned(),
        goal_text: goal_text(v.target),
        value_text,
        // A share of parts met is not a percentage of anything a reader counts.
        percent: if composite { None } else { v.value.filter(|x| x.is_finite()).map(|x| x * 100.0) },
        status: v.status,
    }
}

/// "2/3 phần đạt (2.9a: Đạt; 2.9b: Chậm; 2.9c: Đạt)": a composite target
/// read as its parts, with each part's own rating.
pub fn parts_text(v: &TargetValue, row: &[TargetValue]) -> String {
    let parts: Vec<String> = row
        .iter()
        .filter(|p| {
            matches!(p.target, TargetId::CoverageUnits | TargetId::CoverageEnterprises | TargetId::CoverageHouseholds)
                && p.denominator > 0
        })
        .map(|p| format!("{}: {}", p.target.code(), p.status.label_vi()))
        .collect();
    format!("{}/{} phần đạt ({})", v.numerator, v.denominator, parts.join("; "))
}

/// The year a review made on `today` reports: this year, within the
/// programme's years and the review's period.
pub fn review_year(kind: ReviewKind, today: Date) -> i32 {
    today.year().clamp(FIRST_YEAR, kind.period().1.year().min(LAST_YEAR))
}

/// Everything the review of `kind` for `province` shows, as of `today`.
pub async fn review_data(store: &Store, kind: ReviewKind, province: UnitId, today: Date) -> Result<ReviewData> {
    let year = review_year(kind, today);
    let (name, targets, within) = store
        .with_targets(today, |snap| {
            let name = snap
                .history
                .version_on(province, today)
                .or_else(|| snap.history.versions().iter().rev().find(|v| v.unit_id == province))
                .map(|v| v.name.clone());
            let rows = snap.then.rows(province, year).map(|r| r.iter().map(|v| target_row(v, &r)).collect::<Vec<_>>());
            (name, rows, snap.history.within(province))
        })
        .await?;
    let name = name.ok_or(StoreError::NotFound)?;
    let targets = targets.unwrap_or_default();
    let place = name.trim_start_matches("Tỉnh ").trim_start_matches("Thành phố ").to_owned();

    let mut year_results = Vec::new();
    let initiatives = count_within(store, "initiatives", "voided_at IS NULL", &within).await?;
    year_results.push(("Mô hình đã đăng ký".to_owned(), initiatives));
    let (from, to) = kind.period();
    for y in from.year()..=year {
        let filter = format!("received_at >= '{y}-01-01' AND received_at < '{}-01-01'", y + 1);
        let n = count_within(store, "reports", &filter, &within).await?;
        year_results.push((format!("Tin báo của người dân năm {y}"), n));
    }

    let summary = store.budget_summary().await?;
    // The levels only: the report adds its own "Tổng cộng" row, summing
    // these (the summary's total among them would count every amount twice).
    let mut budget: Vec<BudgetSummaryRow> = summary
        .rehomed
        .iter()
        .map(|t| BudgetSummaryRow {
            label: t.label.clone(),
            planned: t.planned,
            allocated: t.allocated,
            spent: t.spent,
            settled: t.settled,
        })
        .collect();
    budget.retain(|b| b.planned != 0 || b.allocated != 0 || b.spent != 0 || b.settled != 0);

    let count = |status: Status| targets.iter().filter(|t| t.status == status).count();
    let (met, on_track, behind) = (count(Status::Met), count(Status::OnTrack), count(Status::Behind));
    let known = met + on_track + behind;
    Ok(ReviewData {
        kind,
        province_name: place.clone(),
        parent_body: Some(format!("UBND {name}")),
        issuing_body: format!("Ban Chỉ đạo Đề án {name}"),
        number: "      /BC-BCĐ".to_owned(),
        date: today,
        place,
        subject: kind.subject_vi().to_owned(),
        body: vec![
            format!(
                "Thực hiện Đề án “Xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc trên không gian mạng, \
                 giai đoạn 2024-2030”, Ban Chỉ đạo báo cáo {} (từ {} đến {}) như sau.",
                kind.label_vi().to_lowercase(),
                from.format("%d/%m/%Y"),
                to.format("%d/%m/%Y"),
            ),
            format!(
                "Số liệu năm {year} được tổng hợp từ hệ thống Khiên Mạng ngày {}: trong {known} chỉ tiêu có số liệu, \
                 {met} chỉ tiêu đã đạt, {on_track} chỉ tiêu đúng lộ trình, {behind} chỉ tiêu chậm so với lộ trình; \
                 chi tiết tại bảng dưới đây và Phụ lục kèm theo.",
                today.format("%d/%m/%Y"),
            ),
        ],
        targets,
        year_results,
        budget,
        recipients: vec![
            "Ban Chỉ đạo Trung ương (để b/c);".into(),
            format!("Thường trực Tỉnh ủy, UBND {name} (để b/c);"),
            "Các thành viên Ban Chỉ đạo;".into(),
            "Lưu: VT.".into(),
        ],
        signer_title: "TM. Ban Chỉ đạo\nTrưởng ban".into(),
        signer_name: String::new(),
    })
}

/// Rows of `table` matching `filter` whose unit lies under the province.
async fn count_within(store: &Store, table: &str, filter: &str, within: &HashSet<UnitId>) -> Result<i64> {
    let sql = format!("SELECT unit_id, COUNT(*) AS n FROM {table} WHERE {filter} GROUP BY unit_id");
    let mut total = 0;
    for r in sqlx::query(&sql).fetch_all(store.pool()).await? {
        if within.contains(&UnitId(r.try_get("unit_id")?)) {
            total += r.try_get::<i64, _>("n")?;
        }
    }
    Ok(total)
}
