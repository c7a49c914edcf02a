//! Result export: the rows and Vietnamese column headings of a contest's
//! results file, with phone numbers masked unless asked otherwise.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::org::UnitId;
use crate::outreach::vn_naive;

use super::ranking::Ranked;

/// Column headings of [`ResultRow::cells`], in the organisers' words.
pub const RESULT_HEADERS_VI: [&str; 10] = [
    "Xếp hạng",
    "Họ và tên",
    "Số điện thoại",
    "Đơn vị",
    "Số câu trả lời đúng",
    "Tổng số câu",
    "Dự đoán số người trả lời đúng tất cả",
    "Chênh lệch so với kết quả",
    "Thời gian làm bài",
    "Thời điểm nộp bài",
];

/// One line of the result sheet. Numbers stay numbers for the spreadsheet;
/// times are formatted the Vietnamese way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultRow {
    pub rank: usize,
    pub name: String,
    /// Full for the organisers' own export, masked for a published one.
    pub phone: String,
    pub unit: String,
    pub score: u32,
    pub question_count: u32,
    pub prediction: Option<u64>,
    pub closeness: Option<u64>,
    pub time_taken_ms: u64,
    /// "12:05,250" (minutes:seconds,milliseconds).
    pub time_taken: String,
    /// "dd/mm/yyyy HH:MM:SS" in Asia/Ho_Chi_Minh.
    pub submitted_at: String,
    /// The same moment, for a date cell.
    pub submitted_local: chrono::NaiveDateTime,
}

impl ResultRow {
    /// The row as text, in the order of [`RESULT_HEADERS_VI`] (for CSV).
    pub fn cells(&self) -> [String; 10] {
        let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        [
            self.rank.to_string(),
            self.name.clone(),
            self.phone.clone(),
            self.unit.clone(),
            self.score.to_string(),
            self.question_count.to_string(),
            opt(self.prediction),
            opt(self.closeness),
            self.time_taken.clone(),
            self.submitted_at.clone(),
        ]
    }
}

/// "mm:ss,mmm": the tie-break is to the millisecond, so the sheet shows it.
fn format_duration_ms(ms: u64) -> String {
    format!("{:02}:{:02},{:03}", ms / 60_000, (ms / 1000) % 60, ms % 1000)
}

/// Rows for the result sheet. `reveal_phone` is for the organisers' own
/// copy (they call the winners); anything published is masked.
pub fn export_rows(
    ranked: &[Ranked],
    question_count: u32,
    unit_names: &BTreeMap<UnitId, String>,
    reveal_phone: bool,
) -> Vec<ResultRow> {
    ranked
        .iter()
        .map(|r| {
            let e = &r.entry;
            ResultRow {
                rank: r.rank,
                name: e.name.clone(),
                phone: if reveal_phone { e.person.as_str().to_owned() } else { e.person.masked() },
                unit: e.unit.and_then(|u| unit_names.get(&u).cloned()).unwrap_or_default(),
                score: e.score,
                question_count,
                prediction: e.prediction,
                closeness: r.closeness,
                time_taken_ms: e.time_taken_ms,
                time_taken: format_duration_ms(e.time_taken_ms),
                submitted_at: vn_naive(e.submitted_at).format("%d/%m/%Y %H:%M:%S").to_string(),
                submitted_local: vn_naive(e.submitted_at),
            }
        })
        .collect()
}
