//! The interim and final review reports (Part 2, III.7.1), generated from a
//! plain data struct: a DOCX in the layout of administrative documents under
//! Decree 30/2020/NĐ-CP, and an XLSX annex with the same figures.
//!
//! # The DOCX layout (Decree 30/2020/NĐ-CP, Appendix I)
//!
//! A4, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman.
//! At the top a two-column borderless table: on the left the governing body
//! (upper case, 13 pt, when there is one), the issuing body (upper case, bold,
//! 13 pt), a short rule and "Số: …"; on the right the national motto "CỘNG
//! HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold 13 pt) and "Độc lập - Tự do - Hạnh
//! phúc" (bold 14 pt), a rule, and the place and date in italics. Then the
//! document type "BÁO CÁO" and the subject, centred and bold; the body text in
//! 14 pt, justified, first line indented 1 cm; the tables in 13 pt; and at the
//! bottom another borderless table with "Nơi nhận:" (bold italic 12 pt, the
//! list in 11 pt) on the left and the signer's title and name (bold 14 pt) on
//! the right. Days below 10 and the months January and February are written
//! with a leading zero ("ngày 05 tháng 02 năm 2031"), as the decree requires.
//!
//! # Numbers in the XLSX
//!
//! A spreadsheet number format cannot force a particular thousands separator:
//! in the file, `,` in a format code always means "group thousands" and `.`
//! always means "decimal point"; the viewer shows them with the separators of
//! its locale. (`#.##0` is not a grouping format at all: it would show 1234
//! as "1234." with three decimals.) So amounts are written as numbers with
//! [`NUM_FORMAT`] = `[$-42A]#,##0`: `#,##0` groups thousands and the `[$-42A]`
//! prefix tags the format with the Vietnamese locale (LCID 0x042A), so that
//! spreadsheet programs that honour a format's locale (LibreOffice does) show
//! "37.782.328.000" whatever the computer's settings, and Excel with Vietnamese
//! regional settings does the same. The cells stay numbers, so sums and
//! filters work; the DOCX shows the same amounts already formatted as text.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Table, TableCell,
    TableRow, WidthType,
};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use serde::{Deserialize, Serialize};

use super::budget::format_thousands;
use super::phases::ReviewKind;
use crate::Date;
use crate::targets::Status;

/// The header of the targets table, as printed.
pub const TARGETS_HEADER: [&str; 5] = ["STT", "Chỉ tiêu", "Mục tiêu", "Kết quả", "Đánh giá"];
/// The header of the budget table, as printed.
pub const BUDGET_HEADER: [&str; 5] = ["Nội dung", "Dự toán", "Phân bổ", "Thực chi", "Quyết toán"];
/// The XLSX number format for amounts; see the module documentation.
pub const NUM_FORMAT: &str = "[$-42A]#,##0";

const FONT: &str = "Times New Roman";
/// Sizes in half-points, as DOCX counts them.
const PT11: usize = 22;
const PT12: usize = 24;
const PT13: usize = 26;
const PT14: usize = 28;
/// A4 in twentieths of a point, and the decree's margins (20/20/30/15 mm).
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
const MARGIN_TOP: i32 = 1_134;
const MARGIN_BOTTOM: i32 = 1_134;
const MARGIN_LEFT: i32 = 1_701;
const MARGIN_RIGHT: i32 = 850;
/// The width between the margins.
const TEXT_W: usize = 9_355;
/// 1 cm first-line indent.
const INDENT: i32 = 567;

/// One target in the review: its number, what it asks, and how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetRow {
    /// "2.1" … "2.9".
    pub code: String,
    pub title: String,
    /// The goal as the document words it ("100%", "tối thiểu 80%").
    pub goal_text: String,
    /// The result in words or counts ("245/250 đơn vị"); may be empty.
    pub value_text: String,
    /// The result in percent (0–100), when there is one.
    pub percent: Option<f64>,
    /// Where it stands, as the dashboard rates it ([`crate::targets::rate`]).
    pub status: Status,
}

impl TargetRow {
    /// "245/250 đơn vị (98%)", "98,5%", or the value text alone.
    pub fn result_text(&self) -> String {
        let pct = self.percent.map(format_percent);
        match (self.value_text.trim(), pct) {
            ("", Some(p)) => p,
            ("", None) => "Chưa có số liệu".to_owned(),
            (v, Some(p)) => format!("{v} ({p})"),
            (v, None) => v.to_owned(),
        }
    }

    /// "Đạt", "Đúng lộ trình", "Chậm" or "Chưa có số liệu": the dashboard's words.
    pub fn assessment_vi(&self) -> &'static str {
        self.status.label_vi()
    }
}

/// 98.5 → "98,5%", 100.0 → "100%": one decimal, Vietnamese decimal comma.
pub fn format_percent(p: f64) -> String {
    let tenths = (p * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let (whole, frac) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
    if frac == 0 { format!("{sign}{whole}%") } else { format!("{sign}{whole},{frac}%") }
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

/// Everything a review report shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewData {
    pub kind: ReviewKind,
    /// "Bắc Ninh".
    pub province_name: String,
    /// The governing body above the issuer, e.g. "UBND TỈNH BẮC NINH"; optional.
    pub parent_body: Option<String>,
    /// The issuer, e.g. "BAN CHỈ ĐẠO ...".
    pub issuing_body: String,
    /// Number and symbol after "Số: ", e.g. "15/BC-BCĐ".
    pub number: String,
    pub date: Date,
    /// Where it is signed, for "Bắc Ninh, ngày …".
    pub place: String,
    /// The subject line; [`ReviewKind::subject_vi`] by default.
    pub subject: String,
    /// Paragraphs of body text before the tables.
    pub body: Vec<String>,
    pub targets: Vec<TargetRow>,
    /// Results by year or theme: (label, value).
    pub year_results: Vec<(String, i64)>,
    pub budget: Vec<BudgetSummaryRow>,
    /// "Nơi nhận" lines, e.g. "Như trên;", "Lưu: VT.".
    pub recipients: Vec<String>,
    /// The signer's title; a line break separates lines ("TM. BAN CHỈ ĐẠO\nTRƯỞNG BAN").
    pub signer_title: String,
    pub signer_name: String,
}

/// Why a review file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("could not write the DOCX: {0}")]
    Docx(String),
    #[error("could not write the XLSX: {0}")]
    Xlsx(#[from] XlsxError),
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

/// The targets table's rows as printed, header excluded.
pub fn targets_table_rows(data: &ReviewData) -> Vec<[String; 5]> {
    data.targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            [
                (i + 1).to_string(),
                format!("{}. {}", t.code, t.title),
                t.goal_text.clone(),
                t.result_text(),
                t.assessment_vi().to_owned(),
            ]
        })
        .collect()
}

fn fonts() -> RunFonts {
    RunFonts::new().ascii(FONT).hi_ansi(FONT).east_asia(FONT).cs(FONT)
}

fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size).fonts(fonts())
}

fn centred(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).align(AlignmentType::Center)
}

fn body_par(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, PT14))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
        .line_spacing(LineSpacing::new().before(120).after(0))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, PT14).bold())
        .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
        .line_spacing(LineSpacing::new().before(240).after(120))
}

fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs.into_iter().fold(TableCell::new().width(width, WidthType::Dxa), |c, p| c.add_paragraph(p))
}

/// A bordered table with a bold header row, 13 pt.
fn data_table(header: &[&str], rows: &[Vec<String>], widths: &[usize], numeric_from: usize) -> Table {
    let mk_row = |texts: Vec<(String, bool)>| {
        TableRow::new(
            texts
                .into_iter()
                .enumerate()
                .map(|(i, (t, bold))| {
                    let r = if bold { run(&t, PT13).bold() } else { run(&t, PT13) };
                    let align = if bold || i == 0 {
                        AlignmentType::Center
                    } else if i >= numeric_from {
                        AlignmentType::Right
                    } else {
                        AlignmentType::Left
                    };
                    cell(vec![Paragraph::new().add_run(r).align(align)], widths.get(i).copied().unwrap_or(1000))
                })
                .collect(),
        )
        .cant_split()
    };
    let mut out = vec![mk_row(header.iter().map(|h| ((*h).to_owned(), true)).collect())];
    out.extend(rows.iter().map(|r| mk_row(r.iter().map(|t| (t.clone(), false)).collect())));
    Table::new(out).set_grid(widths.to_vec()).width(widths.iter().sum(), WidthType::Dxa)
}

/// The review report as a DOCX file.
pub fn review_docx(data: &ReviewData) -> Result<Vec<u8>, ReviewError> {
    let left_w = 3_700;
    let right_w = TEXT_W - left_w;

    // Top: issuer on the left, motto on the right.
    let mut left = Vec::new();
    if let Some(parent) = data.parent_body.as_deref().filter(|p| !p.trim().is_empty()) {
        left.push(centred(run(&parent.to_uppercase(), PT13)));
    }
    left.push(centred(run(&data.issuing_body.to_uppercase(), PT13).bold()));
    left.push(centred(run("________", PT13)));
    left.push(centred(run(&format!("Số: {}", data.number), PT13)).line_spacing(LineSpacing::new().before(120)));
    let right = vec![
        centred(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", PT13).bold()),
        centred(run("Độc lập - Tự do - Hạnh phúc", PT14).bold()),
        centred(run("______________________", PT13)),
        centred(run(&date_line_vi(&data.place, data.date), PT14).italic()).line_spacing(LineSpacing::new().before(120)),
    ];
    let top = Table::without_borders(vec![TableRow::new(vec![cell(left, left_w), cell(right, right_w)])])
        .clear_all_border()
        .set_grid(vec![left_w, right_w])
        .width(TEXT_W, WidthType::Dxa);

    let mut doc = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(PageMargin::new().top(MARGIN_TOP).bottom(MARGIN_BOTTOM).left(MARGIN_LEFT).right(MARGIN_RIGHT))
        .default_fonts(fonts())
        .default_size(PT14)
        .add_table(top)
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(run("BÁO CÁO", PT14).bold()).line_spacing(LineSpacing::new().before(240)))
        .add_paragraph(centred(run(&data.subject, PT14).bold()))
        .add_paragraph(centred(run("____________", PT14)));

    for p in &data.body {
        doc = doc.add_paragraph(body_par(p));
    }

    doc = doc.add_paragraph(heading("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"));
    let target_rows: Vec<Vec<String>> = targets_table_rows(data).into_iter().map(Vec::from).collect();
    doc = doc.add_table(data_table(&TARGETS_HEADER, &target_rows, &[700, 3_755, 1_600, 1_800, 1_500], usize::MAX));

    if !data.year_results.is_empty() {
        doc = doc.add_paragraph(heading("II. KẾT QUẢ CỤ THỂ"));
        let rows: Vec<Vec<String>> =
            data.year_results.iter().map(|(l, v)| vec![l.clone(), format_thousands(*v)]).collect();
        doc = doc.add_table(data_table(&["Nội dung", "Kết quả"], &rows, &[6_855, 2_500], 1));
    }

    if !data.budget.is_empty() {
        doc = doc.add_paragraph(heading("III. KINH PHÍ THỰC HIỆN (đồng)"));
        let mut rows: Vec<Vec<String>> = data
            .budget
            .iter()
            .map(|b| {
                vec![
                    b.label.clone(),
                    format_thousands(b.planned),
                    format_thousands(b.allocated),
                    format_thousands(b.spent),
                    format_thousands(b.settled),
                ]
            })
            .collect();
        let sum = |f: fn(&BudgetSummaryRow) -> i64| format_thousands(data.budget.iter().map(f).sum());
        rows.push(vec![
            "Tổng cộng".to_owned(),
            sum(|b| b.planned),
            sum(|b| b.allocated),
            sum(|b| b.spent),
            sum(|b| b.settled),
        ]);
        doc = doc.add_table(data_table(&BUDGET_HEADER, &rows, &[2_955, 1_600, 1_600, 1_600, 1_600], 1));
    }

    // Bottom: recipients on the left, signature on the right.
    let mut recipients = vec![Paragraph::new().add_run(run("Nơi nhận:", PT12).bold().italic())];
    for r in &data.recipients {
        let line = if r.starts_with('-') { r.clone() } else { format!("- {r}") };
        recipients.push(Paragraph::new().add_run(run(&line, PT11)));
    }
    let mut signature: Vec<Paragraph> =
        data.signer_title.lines().map(|l| centred(run(&l.to_uppercase(), PT14).bold())).collect();
    // Room for the signature and the seal.
    signature.extend((0..4).map(|_| Paragraph::new()));
    signature.push(centred(run(&data.signer_name, PT14).bold()));
    let bottom =
        Table::without_borders(vec![TableRow::new(vec![cell(recipients, 4_400), cell(signature, TEXT_W - 4_400)])])
            .clear_all_border()
            .set_grid(vec![4_400, TEXT_W - 4_400])
            .width(TEXT_W, WidthType::Dxa);
    doc = doc.add_paragraph(Paragraph::new()).add_table(bottom);

    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| ReviewError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

fn header_row(ws: &mut Worksheet, header: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (col, h) in (0u16..).zip(header) {
        ws.write_string_with_format(0, col, *h, bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The review annex as an XLSX file: sheets "Chỉ tiêu", "Kinh phí", "Kết quả".
pub fn review_annex_xlsx(data: &ReviewData) -> Result<Vec<u8>, ReviewError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_border(FormatBorder::Thin).set_align(FormatAlign::Center);
    let text = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let money = Format::new().set_border(FormatBorder::Thin).set_num_format(NUM_FORMAT);
    let pct = Format::new().set_border(FormatBorder::Thin).set_num_format("0.0");

    let ws = wb.add_worksheet();
    ws.set_name("Chỉ tiêu")?;
    header_row(ws, &["STT", "Mã", "Chỉ tiêu", "Mục tiêu", "Kết quả", "Tỷ lệ (%)", "Đánh giá"], &bold)?;
    for (row, t) in (1u32..).zip(&data.targets) {
        ws.write_number_with_format(row, 0, f64::from(row), &text)?;
        ws.write_string_with_format(row, 1, &t.code, &text)?;
        ws.write_string_with_format(row, 2, &t.title, &text)?;
        ws.write_string_with_format(row, 3, &t.goal_text, &text)?;
        ws.write_string_with_format(row, 4, &t.value_text, &text)?;
        match t.percent {
            Some(p) => ws.write_number_with_format(row, 5, p, &pct)?,
            None => ws.write_blank(row, 5, &pct)?,
        };
        ws.write_string_with_format(row, 6, t.assessment_vi(), &text)?;
    }
    for (col, w) in [(0u16, 5.0), (1, 7.0), (2, 60.0), (3, 14.0), (4, 22.0), (5, 10.0), (6, 16.0)] {
        ws.set_column_width(col, w)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("Kinh phí")?;
    header_row(ws, &BUDGET_HEADER, &bold)?;
    let mut last = 0u32;
    for (row, b) in (1u32..).zip(&data.budget) {
        ws.write_string_with_format(row, 0, &b.label, &text)?;
        for (col, v) in (1u16..).zip([b.planned, b.allocated, b.spent, b.settled]) {
            // Amounts up to 2^53 đồng are exact in a spreadsheet's doubles.
            ws.write_number_with_format(row, col, v as f64, &money)?;
        }
        last = row;
    }
    let total_row = last + 1;
    let bold_money = money.clone().set_bold();
    ws.write_string_with_format(total_row, 0, "Tổng cộng", &bold)?;
    for (col, f) in (1u16..).zip([
        (|b: &BudgetSummaryRow| b.planned) as fn(&BudgetSummaryRow) -> i64,
        |b| b.allocated,
        |b| b.spent,
        |b| b.settled,
    ]) {
        let sum: i64 = data.budget.iter().map(f).sum();
        ws.write_number_with_format(total_row, col, sum as f64, &bold_money)?;
    }
    ws.set_column_width(0, 50.0)?;
    for col in 1u16..5 {
        ws.set_column_width(col, 18.0)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("Kết quả")?;
    header_row(ws, &["Nội dung", "Kết quả"], &bold)?;
    for (row, (label, value)) in (1u32..).zip(&data.year_results) {
        ws.write_string_with_format(row, 0, label, &text)?;
        ws.write_number_with_format(row, 1, *value as f64, &money)?;
    }
    ws.set_column_width(0, 60.0)?;
    ws.set_column_width(1, 18.0)?;

    Ok(wb.save_to_buffer()?)
}

/// A filled-in example, used by the tests and as a template for callers.
pub fn sample_review_data() -> ReviewData {
    let t = |code: &str, title: &str, goal: &str, value: &str, percent: Option<f64>, status: Status| TargetRow {
        code: code.into(),
        title: title.into(),
        goal_text: goal.into(),
        value_text: value.into(),
        percent,
        status,
    };
    ReviewData {
        kind: ReviewKind::Interim,
        province_name: "Bắc Ninh".into(),
        parent_body: Some("UBND tỉnh Bắc Ninh".into()),
        issuing_body: "Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ ANTQ"
            .into(),
        number: "15/BC-BCĐ".into(),
        date: super::ymd(2027, 10, 5),
        place: "Bắc Ninh".into(),
        subject: ReviewKind::Interim.subject_vi().into(),
        body: vec![
            "Thực hiện Đề án “Xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc trên không gian mạng, \
             giai đoạn 2024-2030”, Ban Chỉ đạo tỉnh báo cáo sơ kết giai đoạn I như sau:"
                .into(),
        ],
        targets: vec![
            t("2.1", "Cấp ủy có nghị quyết chuyên đề", "100%", "99/99 cấp ủy", Some(100.0), Status::Met),
            t("2.2", "Đơn vị xây dựng kế hoạch hằng năm", "100%", "1.180/1.250 đơn vị", Some(94.4), Status::Behind),
            t("2.8", "Người có uy tín, ảnh hưởng được tranh thủ", "Tối thiểu 80%", "", Some(82.5), Status::Met),
            t("2.9c", "Hộ dân có người tham gia mô hình", "80%", "", None, Status::NoData),
        ],
        year_results: vec![
            ("Số mô hình đang hoạt động".into(), 2_345),
            ("Số thành viên các mô hình".into(), 1_234_567),
        ],
        budget: vec![
            BudgetSummaryRow {
                label: "Ngân sách cấp tỉnh".into(),
                planned: 5_015_728_000,
                allocated: 2_400_000_000,
                spent: 2_100_000_000,
                settled: 1_900_000_000,
            },
            BudgetSummaryRow {
                label: "Ngân sách cấp xã".into(),
                planned: 28_531_500_000,
                allocated: 9_000_000_000,
                spent: 8_500_000_000,
                settled: 8_000_000_000,
            },
        ],
        recipients: vec!["UBND tỉnh (để b/c);".into(), "Các thành viên Ban Chỉ đạo tỉnh;".into(), "Lưu: VT.".into()],
        signer_title: "TM. Ban Chỉ đạo\nTrưởng ban".into(),
        signer_name: "Nguyễn Văn B".into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::admin::ymd;
    use calamine::{Data, Reader, Xlsx};

    /// The names in a zip's central directory: proves the bytes are a zip
    /// and lists its parts.
    fn zip_names(bytes: &[u8]) -> Vec<String> {
        let u16_at = |i: usize| usize::from(u16::from_le_bytes([bytes[i], bytes[i + 1]]));
        let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
        // The end-of-central-directory record is the last "PK\x05\x06".
        let eocd = (0..bytes.len() - 3).rev().find(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x05, 0x06]).unwrap();
        let (count, mut at) = (u16_at(eocd + 10), u32_at(eocd + 16));
        let mut names = Vec::new();
        for _ in 0..count {
            assert_eq!(bytes[at..at + 4], [0x50, 0x4b, 0x01, 0x02], "central directory entry");
            let (n, extra, comment) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
            names.push(String::from_utf8(bytes[at + 46..at + 46 + n].to_vec()).unwrap());
            at += 46 + n + extra + comment;
        }
        names
    }

    /// The body of word/document.xml as read back: top-level paragraphs' text
    /// and each table as rows of cell texts (a cell's paragraphs joined by "\n").
    fn read_back(bytes: &[u8]) -> (Vec<String>, Vec<Vec<Vec<String>>>) {
        use docx_rs::{DocumentChild, TableCellContent, TableChild, TableRowChild};
        let doc = docx_rs::read_docx(bytes).unwrap();
        let (mut paragraphs, mut tables) = (Vec::new(), Vec::new());
        for child in &doc.document.children {
            match child {
                DocumentChild::Paragraph(p) => paragraphs.push(p.raw_text()),
                DocumentChild::Table(t) => tables.push(
                    t.rows
                        .iter()
                        .map(|TableChild::TableRow(r)| {
                            r.cells
                                .iter()
                                .map(|TableRowChild::TableCell(c)| {
                                    let texts: Vec<String> = c
                                        .children
                                        .iter()
                                        .filter_map(|x| match x {
                                            TableCellContent::Paragraph(p) => Some(p.raw_text()),
                                            _ => None,
                                        })
                                        .collect();
                                    texts.join("\n")
                                })
                                .collect()
                        })
                        .collect(),
                ),
                _ => {}
            }
        }
        (paragraphs, tables)
    }

    /// Every run of the document with its text and whether it is bold and italic.
    fn runs(bytes: &[u8]) -> Vec<(String, bool, bool)> {
        use docx_rs::{
            DocumentChild, Paragraph, ParagraphChild, RunChild, TableCellContent, TableChild, TableRowChild,
        };
        fn of_paragraph(p: &Paragraph, out: &mut Vec<(String, bool, bool)>) {
            for child in &p.children {
                if let ParagraphChild::Run(r) = child {
                    let text: String = r
                        .children
                        .iter()
                        .filter_map(|c| match c {
                            RunChild::Text(t) => Some(t.text.as_str()),
                            _ => None,
                        })
                        .collect();
                    out.push((text, r.run_property.bold.is_some(), r.run_property.italic.is_some()));
                }
            }
        }
        let doc = docx_rs::read_docx(bytes).unwrap();
        let mut out = Vec::new();
        for child in &doc.document.children {
            match child {
                DocumentChild::Paragraph(p) => of_paragraph(p, &mut out),
                DocumentChild::Table(t) => {
                    for TableChild::TableRow(r) in &t.rows {
                        for TableRowChild::TableCell(c) in &r.cells {
                            for x in &c.children {
                                if let TableCellContent::Paragraph(p) = x {
                                    of_paragraph(p, &mut out);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn date_line_follows_decree_30() {
        assert_eq!(date_line_vi("Bắc Ninh", ymd(2031, 2, 5)), "Bắc Ninh, ngày 05 tháng 02 năm 2031");
        assert_eq!(date_line_vi("Bắc Ninh", ymd(2027, 10, 15)), "Bắc Ninh, ngày 15 tháng 10 năm 2027");
        assert_eq!(date_line_vi("Bắc Ninh", ymd(2027, 3, 1)), "Bắc Ninh, ngày 01 tháng 3 năm 2027");
    }

    #[test]
    fn result_text_and_percent() {
        assert_eq!(format_percent(98.45), "98,5%");
        assert_eq!(format_percent(100.0), "100%");
        let data = sample_review_data();
        let rows = targets_table_rows(&data);
        assert_eq!(rows[0], ["1", "2.1. Cấp ủy có nghị quyết chuyên đề", "100%", "99/99 cấp ủy (100%)", "Đạt"]);
        assert_eq!(rows[2][3], "82,5%");
        assert_eq!(rows[3][3..], ["Chưa có số liệu", "Chưa có số liệu"]);
    }

    #[test]
    fn docx_has_the_decree_layout_and_the_rows_in_order() {
        let data = sample_review_data();
        let bytes = review_docx(&data).unwrap();
        assert!(zip_names(&bytes).iter().any(|n| n == "word/document.xml"));
        let (paragraphs, tables) = read_back(&bytes);

        // Top: issuer left, motto and date right.
        let top = &tables[0][0];
        assert_eq!(top.len(), 2);
        assert_eq!(
            top[0],
            "UBND TỈNH BẮC NINH\nBAN CHỈ ĐẠO PHÒNG, CHỐNG TỘI PHẠM, TỆ NẠN XÃ HỘI VÀ XÂY DỰNG PHONG TRÀO TOÀN DÂN \
             BẢO VỆ ANTQ\n________\nSố: 15/BC-BCĐ"
        );
        let right: Vec<&str> = top[1].lines().collect();
        assert_eq!(right[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
        assert_eq!(right[1], "Độc lập - Tự do - Hạnh phúc");
        assert_eq!(right[3], "Bắc Ninh, ngày 05 tháng 10 năm 2027");

        // Title and subject, then the body.
        let at = paragraphs.iter().position(|p| p == "BÁO CÁO").unwrap();
        assert_eq!(paragraphs[at + 1], data.subject);
        assert!(paragraphs.contains(&data.body[0]));

        // The targets table: header, then the rows in order.
        let targets = tables.iter().find(|t| t[0] == TARGETS_HEADER).expect("targets table");
        let want: Vec<Vec<String>> = targets_table_rows(&data).into_iter().map(Vec::from).collect();
        assert_eq!(targets[1..], want[..]);

        let budget = tables.iter().find(|t| t[0] == BUDGET_HEADER).expect("budget table");
        assert_eq!(
            budget.last().unwrap(),
            &["Tổng cộng", "33.547.228.000", "11.400.000.000", "10.600.000.000", "9.900.000.000"]
        );

        // Bottom: recipients left, signer right.
        let bottom = &tables.last().unwrap()[0];
        assert!(bottom[0].starts_with("Nơi nhận:\n- UBND tỉnh (để b/c);"));
        assert!(bottom[1].starts_with("TM. BAN CHỈ ĐẠO\nTRƯỞNG BAN"));
        assert!(bottom[1].ends_with("Nguyễn Văn B"));

        // Bold, italic and plain where the decree wants them.
        let runs = runs(&bytes);
        let style = |text: &str| runs.iter().find(|r| r.0 == text).map(|r| (r.1, r.2)).expect(text);
        assert_eq!(style("UBND TỈNH BẮC NINH"), (false, false));
        assert_eq!(style(&data.issuing_body.to_uppercase()), (true, false));
        assert_eq!(style("Số: 15/BC-BCĐ"), (false, false));
        assert_eq!(style("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), (true, false));
        assert_eq!(style("Độc lập - Tự do - Hạnh phúc"), (true, false));
        assert_eq!(style("Bắc Ninh, ngày 05 tháng 10 năm 2027"), (false, true));
        assert_eq!(style("BÁO CÁO"), (true, false));
        assert_eq!(style(&data.subject), (true, false));
        assert_eq!(style("Nơi nhận:"), (true, true));
        assert_eq!(style("Nguyễn Văn B"), (true, false));
        assert_eq!(style(&data.body[0]), (false, false));
    }

    #[test]
    fn xlsx_cells_equal_the_data() {
        let data = sample_review_data();
        let bytes = review_annex_xlsx(&data).unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["Chỉ tiêu", "Kinh phí", "Kết quả"]);

        let r = wb.worksheet_range("Chỉ tiêu").unwrap();
        assert_eq!(r.get((0, 2)), Some(&Data::String("Chỉ tiêu".into())));
        for (i, t) in data.targets.iter().enumerate() {
            let row = i + 1;
            assert_eq!(r.get((row, 0)), Some(&Data::Float(row as f64)));
            assert_eq!(r.get((row, 1)), Some(&Data::String(t.code.clone())));
            assert_eq!(r.get((row, 2)), Some(&Data::String(t.title.clone())));
            match t.percent {
                Some(p) => assert_eq!(r.get((row, 5)), Some(&Data::Float(p))),
                None => assert!(matches!(r.get((row, 5)), None | Some(Data::Empty))),
            }
            assert_eq!(r.get((row, 6)), Some(&Data::String(t.assessment_vi().into())));
        }

        let r = wb.worksheet_range("Kinh phí").unwrap();
        for (i, b) in data.budget.iter().enumerate() {
            assert_eq!(r.get((i + 1, 0)), Some(&Data::String(b.label.clone())));
            assert_eq!(r.get((i + 1, 1)), Some(&Data::Float(b.planned as f64)));
            assert_eq!(r.get((i + 1, 4)), Some(&Data::Float(b.settled as f64)));
        }
        let total = data.budget.len() + 1;
        assert_eq!(r.get((total, 1)), Some(&Data::Float(33_547_228_000.0)));

        let r = wb.worksheet_range("Kết quả").unwrap();
        assert_eq!(r.get((2, 1)), Some(&Data::Float(1_234_567.0)));
    }

    /// Writes the sample DOCX, XLSX and the expected targets rows (JSON) into
    /// the folder named by `REVIEW_OUT_DIR`, for the python-docx checker.
    #[test]
    #[ignore = "writes files; run with REVIEW_OUT_DIR set"]
    fn write_sample_files() {
        let Ok(dir) = std::env::var("REVIEW_OUT_DIR") else { return };
        let dir = std::path::Path::new(&dir);
        let data = sample_review_data();
        std::fs::write(dir.join("review.docx"), review_docx(&data).unwrap()).unwrap();
        std::fs::write(dir.join("review.xlsx"), review_annex_xlsx(&data).unwrap()).unwrap();
        let rows = serde_json::to_string_pretty(&targets_table_rows(&data)).unwrap();
        std::fs::write(dir.join("review_targets.json"), rows).unwrap();
    }
}
