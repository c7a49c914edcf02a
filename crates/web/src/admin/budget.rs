//! The budget page and API: the document's plan, the amounts by level as
//! entered and with the district share re-homed, variance by spending line
//! and by year, entry of amounts, and the XLSX export.

use askama::Template;
use axum::Json;
use axum::response::{Html, Redirect, Response};
use khienmang_core::admin::{
    BudgetEntry, BudgetLevel, DISTRICT_LEVEL_END, GroupBy, SpendingLine, Stage, Variance, format_dong, rehome, variance,
};
use khienmang_core::org::UnitId;
use khienmang_store::admin::{BudgetSummary, LevelTotals};
use serde::Deserialize;

use crate::access::{ProgrammeManage, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::Form;
use crate::kit::xlsx::{Cell, Column, ColumnKind, Sheet, xlsx_download};
use crate::page::{Chrome, Page, render};

pub struct Line {
    pub label: String,
    pub planned: String,
    pub allocated: String,
    pub spent: String,
    pub settled: String,
    pub rate: String,
}

fn line(label: String, v: [i64; 4], rate: Option<f64>) -> Line {
    Line {
        label,
        planned: format_dong(v[0]),
        allocated: format_dong(v[1]),
        spent: format_dong(v[2]),
        settled: format_dong(v[3]),
        rate: rate.map(crate::dashboard::percent_vi).unwrap_or_else(|| "—".into()),
    }
}

fn of_totals(t: &LevelTotals) -> Line {
    let rate = (t.allocated > 0).then(|| t.spent as f64 / t.allocated as f64);
    line(t.label.clone(), [t.planned, t.allocated, t.spent, t.settled], rate)
}

fn of_variance(v: &Variance) -> Line {
    let label = match (v.key.line, v.key.year) {
        (Some(l), _) => format!("{}. {}", l.code(), l.label_vi()),
        (None, Some(y)) => format!("Năm {y}"),
        (None, None) => "Không phân theo nội dung chi".into(),
    };
    line(label, [v.planned, v.allocated, v.spent, v.settled], v.spending_rate)
}

#[derive(Template)]
#[template(path = "admin/budget.html")]
struct BudgetPage {
    chrome: Chrome,
    document: Vec<Line>,
    document_rehomed: Vec<Line>,
    by_level: Vec<Line>,
    rehomed: Vec<Line>,
    total: Line,
    by_line: Vec<Line>,
    by_year: Vec<Line>,
    levels: Vec<(&'static str, &'static str)>,
    lines: Vec<(&'static str, String)>,
    stages: Vec<(&'static str, &'static str)>,
    empty: bool,
}

/// `GET /budget`.
pub async fn page(Page { lang, id }: Page, m: ProgrammeManage) -> WebResult<Html<String>> {
    let s = m.budget_summary().await?;
    let entries: Vec<BudgetEntry> = m.budget_entries().await?.into_iter().map(|r| r.entry).collect();
    let rows = rehome(&entries, DISTRICT_LEVEL_END);
    let by = |line: bool, year: bool| variance(&rows, GroupBy { level: false, line, year });
    render(&BudgetPage {
        chrome: Chrome::new(lang, id.as_ref(), "budget"),
        document: s.document.iter().map(of_totals).collect(),
        document_rehomed: s.document_rehomed.iter().map(of_totals).collect(),
        by_level: s.by_level.iter().map(of_totals).collect(),
        rehomed: s.rehomed.iter().map(of_totals).collect(),
        total: of_totals(&s.total),
        by_line: by(true, false).iter().map(of_variance).collect(),
        by_year: by(false, true).iter().map(of_variance).collect(),
        levels: BudgetLevel::ALL.iter().map(|l| (l.as_str(), l.label_vi())).collect(),
        lines: SpendingLine::ALL.iter().map(|l| (l.as_str(), format!("{}. {}", l.code(), l.label_vi()))).collect(),
        stages: Stage::ALL.iter().map(|s| (s.as_str(), s.label_vi())).collect(),
        empty: entries.is_empty(),
    })
}

/// `GET /api/v1/budget/summary`: planned, allocated, spent and settled per
/// level and in total, in integer đồng.
#[utoipa::path(get, path = "/api/v1/budget/summary", tag = "budget",
    responses((status = 200, body = BudgetSummary), (status = 401), (status = 403)))]
pub async fn api_summary(m: ProgrammeManage) -> WebResult<Json<BudgetSummary>> {
    Ok(Json(m.budget_summary().await?))
}

#[derive(Deserialize)]
pub struct EntryIn {
    level: String,
    #[serde(default)]
    line: String,
    stage: String,
    /// Whole đồng; dots and spaces between thousands are accepted.
    amount: String,
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    unit: Option<i64>,
    #[serde(default)]
    note: String,
}

/// "1.250.000.000", "1 250 000 000" or "1250000000" → 1250000000.
fn parse_dong(s: &str) -> Option<i64> {
    let digits: String = s.chars().filter(|c| !matches!(c, '.' | ' ' | '\u{a0}' | ',')).collect();
    let digits = digits.strip_suffix('đ').unwrap_or(&digits).trim();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `POST /budget/entries`.
pub async fn entry_submit(m: ProgrammeManage, Form(f): Form<EntryIn>) -> WebResult<Redirect> {
    let bad = |m: &str| WebError::BadRequest(m.to_owned());
    let level = BudgetLevel::parse(&f.level).ok_or_else(|| bad("Cấp ngân sách không hợp lệ."))?;
    let line = match f.line.trim() {
        "" => None,
        l => Some(SpendingLine::parse(l).ok_or_else(|| bad("Nội dung chi không hợp lệ."))?),
    };
    let stage = Stage::parse(&f.stage).ok_or_else(|| bad("Giai đoạn không hợp lệ."))?;
    let amount = parse_dong(&f.amount).ok_or_else(|| bad("Số tiền phải là số đồng nguyên, ví dụ 1.250.000.000."))?;
    let day =
        |s: &str| s.trim().parse::<khienmang_core::Date>().map_err(|_| bad("Ngày không hợp lệ (năm-tháng-ngày)."));
    let from = day(&f.from)?;
    let to = if f.to.trim().is_empty() { from } else { day(&f.to)? };
    let entry =
        BudgetEntry::new(level, line, stage, amount, from, to).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let unit = f.unit.map(UnitId);
    let target = match unit {
        Some(u) => Target::Unit(u),
        None => Target::Programme,
    };
    m.0.write(target, async |tx| {
        Ok(tx.add_budget_entry(unit, &entry, Some(f.note.trim()).filter(|n| !n.is_empty())).await?)
    })
    .await?;
    Ok(Redirect::to("/budget"))
}

/// `POST /budget/seed`: the document's plan as yearly estimates (once).
pub async fn seed_submit(m: ProgrammeManage) -> WebResult<Redirect> {
    m.0.write(Target::Programme, async |tx| Ok(tx.seed_document_plan().await?)).await?;
    Ok(Redirect::to("/budget"))
}

/// `GET /budget/export.xlsx`: every summary table, amounts as numbers with
/// Vietnamese thousands.
pub async fn export(m: ProgrammeManage) -> WebResult<Response> {
    let s = m.budget_summary().await?;
    let entries: Vec<BudgetEntry> = m.budget_entries().await?.into_iter().map(|r| r.entry).collect();
    let rows = rehome(&entries, DISTRICT_LEVEL_END);
    let columns = || {
        vec![
            Column::new("Nội dung", ColumnKind::Text),
            Column::new("Dự toán (đ)", ColumnKind::Integer),
            Column::new("Phân bổ (đ)", ColumnKind::Integer),
            Column::new("Thực chi (đ)", ColumnKind::Integer),
            Column::new("Quyết toán (đ)", ColumnKind::Integer),
        ]
    };
    let row = |label: String, v: [i64; 4]| {
        let mut r = vec![Cell::Text(label)];
        r.extend(v.iter().map(|x| Cell::Integer(*x)));
        r
    };
    let totals = |ts: &[LevelTotals]| -> Vec<Vec<Cell>> {
        ts.iter().map(|t| row(t.label.clone(), [t.planned, t.allocated, t.spent, t.settled])).collect()
    };
    let variances = |v: Vec<Variance>| -> Vec<Vec<Cell>> {
        v.iter()
            .map(|x| {
                let l = of_variance(x).label;
                row(l, [x.planned, x.allocated, x.spent, x.settled])
            })
            .collect()
    };
    let mut by_level = totals(&s.by_level);
    by_level.extend(totals(std::slice::from_ref(&s.total)));
    let sheets = [
        Sheet {
            title: "Theo cấp".into(),
            subtitle: Some("Theo cấp nhập số liệu".into()),
            columns: columns(),
            rows: by_level,
        },
        Sheet {
            title: "Sau sắp xếp".into(),
            subtitle: Some("Phần của cấp huyện từ 01/7/2025 chuyển cho cấp kế thừa".into()),
            columns: columns(),
            rows: totals(&s.rehomed),
        },
        Sheet {
            title: "Theo nội dung chi".into(),
            subtitle: Some("Nội dung chi 2.1–2.6 (Phần thứ hai, mục IV.2)".into()),
            columns: columns(),
            rows: variances(variance(&rows, GroupBy { level: false, line: true, year: false })),
        },
        Sheet {
            title: "Theo năm".into(),
            subtitle: None,
            columns: columns(),
            rows: variances(variance(&rows, GroupBy { level: false, line: false, year: true })),
        },
        Sheet {
            title: "Đề án".into(),
            subtitle: Some("Kinh phí theo Đề án (Phần thứ hai, mục IV.1)".into()),
            columns: columns(),
            rows: totals(&s.document),
        },
    ];
    xlsx_download("kinh-phi.xlsx", &sheets).map_err(|e| WebError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::parse_dong;
    use proptest::prelude::*;

    #[test]
    fn amounts_as_people_write_them() {
        assert_eq!(parse_dong("1.250.000.000"), Some(1_250_000_000));
        assert_eq!(parse_dong("1 250 000 000 đ"), Some(1_250_000_000));
        assert_eq!(parse_dong("37782328000"), Some(37_782_328_000));
        assert_eq!(parse_dong("-5"), None);
        assert_eq!(parse_dong("1,5e9"), None);
        assert_eq!(parse_dong(""), None);
    }

    proptest! {
        #[test]
        fn formatted_amounts_read_back(n in 0_i64..=i64::MAX / 10) {
            prop_assert_eq!(parse_dong(&khienmang_core::admin::format_thousands(n)), Some(n));
        }

        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_dong(&s);
        }
    }
}
