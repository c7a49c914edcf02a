//! The budget page and API: the document's plan, the amounts by level as
//! entered and with the district share re-homed, variance by spending line
//! and by year, the entries with their correction links, entry of amounts
//! (as people write them), and the XLSX export. Correcting and voiding an
//! entry is in [`super::budget_entries`].

use askama::Template;
use axum::Json;
use axum::extract::Query;
use axum::response::{Html, Redirect, Response};
use khienmang_core::admin::{
    BudgetEntry, BudgetLevel, DISTRICT_LEVEL_END, GroupBy, SpendingLine, Stage, Variance, format_dong, parse_dong,
    rehome, variance,
};
use khienmang_core::org::UnitId;
use khienmang_store::admin::{BudgetSummary, LevelTotals};

use crate::access::{Identity, ProgrammeManage, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::i18n::date_vi;
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused, see_other};
use crate::kit::xlsx::{Cell, Column, ColumnKind, Sheet, xlsx_download};
use crate::movement::documents::AfterVoid;
use crate::movement::{bad, required_day};
use crate::org::parse_day;
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

/// One entry in the page's list, with its correction link.
pub struct EntryRow {
    pub id: i64,
    pub days: String,
    pub level: &'static str,
    pub line: String,
    pub stage: &'static str,
    pub amount: String,
    pub note: String,
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
    entries: Vec<EntryRow>,
    levels: Vec<Opt>,
    lines: Vec<Opt>,
    stages: Vec<Opt>,
    empty: bool,
    voided: bool,
    saved: bool,
    form: Refusal,
}

/// "01/01/2026 – 31/12/2026", or the one day.
pub(crate) fn days_vi(e: &BudgetEntry) -> String {
    if e.from == e.to { date_vi(e.from) } else { format!("{} – {}", date_vi(e.from), date_vi(e.to)) }
}

/// The choices of the entry form, the current (or typed) one chosen.
pub(crate) fn entry_choices(level: &str, line: &str, stage: &str) -> (Vec<Opt>, Vec<Opt>, Vec<Opt>) {
    (
        BudgetLevel::ALL.iter().map(|l| Opt::new(l.as_str(), l.label_vi(), level)).collect(),
        SpendingLine::ALL
            .iter()
            .map(|l| Opt::new(l.as_str(), format!("{}. {}", l.code(), l.label_vi()), line))
            .collect(),
        Stage::ALL.iter().map(|s| Opt::new(s.as_str(), s.label_vi(), stage)).collect(),
    )
}

async fn budget_page(
    lang: RequestLang,
    id: Option<&Identity>,
    m: &ProgrammeManage,
    after: &AfterVoid,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let s = m.budget_summary().await?;
    let entries: Vec<BudgetEntry> = m.budget_entries().await?.into_iter().map(|r| r.entry).collect();
    let rows = rehome(&entries, DISTRICT_LEVEL_END);
    let by = |line: bool, year: bool| variance(&rows, GroupBy { level: false, line, year });
    let listed = m
        .budget_entries_in_scope()
        .await?
        .into_iter()
        .map(|r| EntryRow {
            id: r.id,
            days: days_vi(&r.entry),
            level: Tr { lang: lang.0 }.label(&r.entry.level),
            line: r.entry.line.map(|l| format!("{}. {}", l.code(), Tr { lang: lang.0 }.label(&l))).unwrap_or_default(),
            stage: Tr { lang: lang.0 }.label(&r.entry.stage),
            amount: format_dong(r.entry.amount),
            note: r.note.unwrap_or_default(),
        })
        .collect();
    let (levels, lines, stages) = entry_choices(entered.get("level"), entered.get("line"), entered.get("stage"));
    render(&BudgetPage {
        chrome: Chrome::new(lang, id, "budget"),
        document: s.document.iter().map(of_totals).collect(),
        document_rehomed: s.document_rehomed.iter().map(of_totals).collect(),
        by_level: s.by_level.iter().map(of_totals).collect(),
        rehomed: s.rehomed.iter().map(of_totals).collect(),
        total: of_totals(&s.total),
        by_line: by(true, false).iter().map(of_variance).collect(),
        by_year: by(false, true).iter().map(of_variance).collect(),
        entries: listed,
        levels,
        lines,
        stages,
        empty: entries.is_empty(),
        voided: after.shown(),
        saved: after.saved(),
        form: Refusal { error, entered },
    })
}

/// `GET /budget`.
pub async fn page(Page { lang, id }: Page, m: ProgrammeManage, Query(q): Query<AfterVoid>) -> WebResult<Html<String>> {
    budget_page(lang, id.as_ref(), &m, &q, None, Fields::default()).await
}

/// `GET /api/v1/budget/summary`: planned, allocated, spent and settled per
/// level and in total, in integer đồng.
#[utoipa::path(get, path = "/api/v1/budget/summary", tag = "budget",
    responses((status = 200, body = BudgetSummary), (status = 401), (status = 403)))]
pub async fn api_summary(m: ProgrammeManage) -> WebResult<Json<BudgetSummary>> {
    Ok(Json(m.budget_summary().await?))
}

/// An amount as typed in the entry form (and its correction): level, line,
/// stage, amount as people write it, first and last day, note. A refusal
/// names the field.
pub(crate) fn entry_of(f: &Fields) -> WebResult<(BudgetEntry, Option<String>)> {
    let level = BudgetLevel::parse(f.get("level")).ok_or_else(|| bad("Hãy chọn cấp ngân sách."))?;
    let line = match f.get("line") {
        "" => None,
        l => Some(SpendingLine::parse(l).ok_or_else(|| bad("Hãy chọn nội dung chi trong danh sách."))?),
    };
    let stage = Stage::parse(f.get("stage")).ok_or_else(|| bad("Hãy chọn giai đoạn."))?;
    let typed: String = f.get("amount").chars().take(40).collect();
    let amount = parse_dong(&typed).ok_or_else(|| {
        WebError::BadRequest(format!(
            "Số tiền «{typed}» không hợp lệ: phải là số đồng nguyên, không âm, ví dụ 12.500.000 hoặc 12 500 000."
        ))
    })?;
    let from = required_day(f.get("from"), "ngày bắt đầu")?;
    let to = if f.get("to").is_empty() { from } else { parse_day(f.get("to"))? };
    let entry =
        BudgetEntry::new(level, line, stage, amount, from, to).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let note = Some(f.get("note").chars().take(2000).collect::<String>()).filter(|n| !n.is_empty());
    Ok((entry, note))
}

/// `POST /budget/entries`: a refused amount comes back on the page with
/// what was typed and the reason beside the form.
pub async fn entry_submit(Page { lang, id }: Page, m: ProgrammeManage, fields: Fields) -> WebResult<Response> {
    let result = async {
        let (entry, note) = entry_of(&fields)?;
        // The spending unit, when a client names one: in the scope today.
        let unit = match fields.get("unit") {
            "" => None,
            u => Some(UnitId(u.parse().map_err(|_| bad("Hãy chọn đơn vị."))?)),
        };
        let target = match unit {
            Some(u) => Target::Unit(u),
            None => Target::Programme,
        };
        m.0.write(target, async |tx| Ok(tx.add_budget_entry(unit, &entry, note.as_deref()).await?)).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other("/budget?saved=1#entries".into())),
        Err(e) => {
            let error = FormError::of("add", e)?;
            Ok(refused(budget_page(lang, id.as_ref(), &m, &AfterVoid::default(), Some(error), fields).await?))
        }
    }
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
