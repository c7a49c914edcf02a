//! The interim and final review reports (Part 2, III.7.1), generated from a
//! plain data struct: a DOCX in the layout of administrative documents under
//! Decree 30/2020/NĐ-CP ([`docx`]), and an XLSX annex with the same figures
//! ([`xlsx`]).
//!
//! The programme document asks the reviews to "đánh giá những kết quả đạt
//! được; đồng thời chỉ ra những tồn tại, hạn chế, nguyên nhân và đề xuất giải
//! pháp" (Part 2, III.3.3), so a review has three parts: the results (the
//! targets of the year with their trajectory, every year so far, the
//! initiatives, citizens' reports and checks, the budget, the duties of the
//! bodies), the shortcomings and their causes, and the solutions; then a
//! per-commune annex. The shortcomings, causes and solutions arrive
//! pre-filled from the data for the writer to edit.
//!
//! Every table that ends with "Tổng cộng" gets that row from its own rows
//! here, once: no caller passes a total.

mod docx;
mod settings;
mod xlsx;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use super::budget::format_thousands;
use super::phases::ReviewKind;
use crate::Date;
use crate::targets::Status;

pub use docx::review_docx;
pub use settings::{Issuer, NAME_LINE, ReviewSettings, in_sentence, short_name};
pub use xlsx::{NUM_FORMAT, review_annex_xlsx};

/// The label of a table's total row.
pub const TOTAL: &str = "Tổng cộng";
/// The first two header cells of the targets table, as printed.
pub const TARGETS_HEADER_START: [&str; 2] = ["STT", "Chỉ tiêu"];
/// The header of the budget table, as printed.
pub const BUDGET_HEADER: [&str; 5] = ["Nội dung", "Dự toán", "Phân bổ", "Thực chi", "Quyết toán"];
/// The nine targets of the annex, in the document's order.
pub const NINE: [&str; 9] = ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9"];
/// The line under the signer's position (Decree 30/2020, Appendix I).
pub const SIGN_HINT: &str = "(Ký, ghi rõ họ tên, đóng dấu)";

/// One target in the review: its number, what it asks, and how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetRow {
    /// "2.1" … "2.9".
    pub code: String,
    pub title: String,
    /// The goal as the document words it ("100%", "Tối thiểu 80%").
    pub goal_text: String,
    /// The result in counts ("245/250"); may be empty.
    pub value_text: String,
    /// The result in percent (0–100), when there is one.
    pub percent: Option<f64>,
    /// Where the trajectory to 2030 expects the target this year, in percent.
    pub expected: Option<f64>,
    /// Where it stands, as the dashboard rates it ([`crate::targets::rate`]):
    /// printed in the dashboard's words ("Đạt", "Đúng lộ trình", "Chậm").
    pub status: Status,
    /// The result in percent for each of [`ReviewData::years`].
    pub by_year: Vec<Option<f64>>,
}

impl TargetRow {
    /// "245/250 (98%)", "98,5%", or the value text alone.
    pub fn result_text(&self) -> String {
        let pct = self.percent.map(format_percent);
        match (self.value_text.trim(), pct) {
            ("", Some(p)) => p,
            ("", None) => "Chưa có số liệu".to_owned(),
            (v, Some(p)) => format!("{v} ({p})"),
            (v, None) => v.to_owned(),
        }
    }
}

/// 98.5 → "98,5%", 100.0 → "100%": one decimal, Vietnamese decimal comma.
pub fn format_percent(p: f64) -> String {
    let tenths = (p * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let (whole, frac) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
    if frac == 0 { format!("{sign}{whole}%") } else { format!("{sign}{whole},{frac}%") }
}

/// A percent or a dash where there is none.
fn percent_or_dash(p: Option<f64>) -> String {
    p.map(format_percent).unwrap_or_else(|| "—".to_owned())
}

/// One line of the budget summary, in đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetSummaryRow {
    pub label: String,
    pub planned: i64,
    pub allocated: i64,
    pub spent: i64,
    pub settled: i64,
}

/// A table of counts: a label and whole numbers per row, closed by one
/// "Tổng cộng" row summing each column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountTable {
    pub header: Vec<String>,
    pub rows: Vec<(String, Vec<i64>)>,
}

impl CountTable {
    /// The sum of each numeric column.
    pub fn totals(&self) -> Vec<i64> {
        let width = self.header.len().saturating_sub(1);
        (0..width).map(|c| self.rows.iter().map(|(_, v)| v.get(c).copied().unwrap_or(0)).sum()).collect()
    }
}

/// A numbered part of the results: a heading, paragraphs and maybe a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub table: Option<CountTable>,
}

/// One commune in the annex: its name and the nine targets in percent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommuneRow {
    pub name: String,
    /// Targets 2.1 … 2.9 in the document's order; `None` is "no data".
    pub values: Vec<Option<f64>>,
    /// How many of them are behind their trajectory.
    pub behind: usize,
}

/// Everything a review report shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewData {
    pub kind: ReviewKind,
    /// The unit the review covers, as written in running text ("tỉnh Bắc Ninh").
    pub unit_name: String,
    /// Who issues it, where, under which number and who signs.
    pub issuer: Issuer,
    pub date: Date,
    /// The subject line; [`ReviewKind::subject_vi`] by default.
    pub subject: String,
    /// Paragraphs before part I.
    pub intro: Vec<String>,
    /// The year the targets table reports.
    pub year: i32,
    /// The years of the results by year, 2024 to [`ReviewData::year`].
    pub years: Vec<i32>,
    pub targets: Vec<TargetRow>,
    /// Initiatives, citizens' reports and checks, duties: parts of I.
    pub results: Vec<Section>,
    pub budget: Vec<BudgetSummaryRow>,
    /// Part II, pre-filled from the data for the writer to edit.
    pub shortcomings: Vec<String>,
    pub causes: Vec<String>,
    /// Part III, pre-filled likewise.
    pub solutions: Vec<String>,
    /// The annex: one row per commune under the unit.
    pub communes: Vec<CommuneRow>,
}

/// Why a review file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("could not write the DOCX: {0}")]
    Docx(String),
    #[error("could not write the XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

impl ReviewError {
    pub fn message_vi(&self) -> String {
        match self {
            ReviewError::Docx(e) => format!("Không tạo được tệp báo cáo (DOCX): {e}"),
            ReviewError::Xlsx(e) => format!("Không tạo được phụ lục (XLSX): {e}"),
        }
    }
}

/// "Bắc Ninh, ngày 05 tháng 02 năm 2031": day below 10 and months 1–2 with a
/// leading zero (Decree 30/2020/NĐ-CP, Appendix I).
pub fn date_line_vi(place: &str, date: Date) -> String {
    use chrono::Datelike;
    let month = if date.month() < 3 { format!("{:02}", date.month()) } else { date.month().to_string() };
    format!("{place}, ngày {:02} tháng {month} năm {}", date.day(), date.year())
}

/// The review named inside a sentence: "sơ kết giai đoạn I", "tổng kết Đề
/// án" (never a lower-cased label: the phase's numeral stays upper case).
pub fn kind_in_sentence(kind: ReviewKind) -> &'static str {
    match kind {
        ReviewKind::Interim => "sơ kết giai đoạn I",
        ReviewKind::Final => "tổng kết Đề án",
    }
}

/// The targets table's header for `year`.
pub fn targets_header(year: i32) -> Vec<String> {
    let mut h: Vec<String> = TARGETS_HEADER_START.iter().map(|s| (*s).to_owned()).collect();
    h.extend(["Mục tiêu".to_owned(), format!("Lộ trình năm {year}"), format!("Kết quả năm {year}"), "Đánh giá".into()]);
    h
}

/// The targets table's rows as printed, header excluded.
pub fn targets_table_rows(data: &ReviewData) -> Vec<Vec<String>> {
    data.targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vec![
                (i + 1).to_string(),
                format!("{}. {}", t.code, t.title),
                t.goal_text.clone(),
                percent_or_dash(t.expected),
                t.result_text(),
                t.status.label_vi().to_owned(),
            ]
        })
        .collect()
}

/// The results by year as printed: one row per target, one column per year.
pub fn years_table(data: &ReviewData) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec!["Chỉ tiêu".to_owned()];
    header.extend(data.years.iter().map(|y| y.to_string()));
    header.push("Mục tiêu".to_owned());
    let rows = data
        .targets
        .iter()
        .map(|t| {
            let mut r = vec![t.code.clone()];
            r.extend(data.years.iter().enumerate().map(|(i, _)| percent_or_dash(t.by_year.get(i).copied().flatten())));
            r.push(t.goal_text.clone());
            r
        })
        .collect();
    (header, rows)
}

/// The annex's header: STT, the commune, then the nine targets by code.
pub fn annex_header(codes: &[&str]) -> Vec<String> {
    let mut h = vec!["STT".to_owned(), "Xã, phường".to_owned()];
    h.extend(codes.iter().map(|c| (*c).to_owned()));
    h
}

/// The annex's rows as printed.
pub fn annex_rows(data: &ReviewData) -> Vec<Vec<String>> {
    data.communes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut r = vec![(i + 1).to_string(), c.name.clone()];
            r.extend(c.values.iter().map(|v| percent_or_dash(*v)));
            r
        })
        .collect()
}

/// A count table's rows as printed, its total row last.
pub fn count_rows(t: &CountTable) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|(label, v)| std::iter::once(label.clone()).chain(v.iter().map(|n| format_thousands(*n))).collect())
        .collect();
    out.push(std::iter::once(TOTAL.to_owned()).chain(t.totals().into_iter().map(format_thousands)).collect());
    out
}

/// The budget as a count table (đồng), so its total is made the same way.
pub fn budget_table(rows: &[BudgetSummaryRow]) -> CountTable {
    CountTable {
        header: BUDGET_HEADER.iter().map(|s| (*s).to_owned()).collect(),
        rows: rows.iter().map(|b| (b.label.clone(), vec![b.planned, b.allocated, b.spent, b.settled])).collect(),
    }
}
