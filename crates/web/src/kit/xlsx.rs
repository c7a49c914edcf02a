//! The one XLSX writer (rust_xlsxwriter): every export that writes a
//! workbook gives it [`Sheet`]s. Tables are laid out the way officials file them: a
//! bold title across the table, an optional "as of" line, a bold bordered
//! header with a filter, frozen below the header, and set up to print
//! landscape on one page width with the header repeated on every page.

use std::collections::HashSet;

use axum::http::{HeaderName, header};
use chrono::{Datelike, Timelike};
use rust_xlsxwriter::{
    ColNum, Color, ExcelDateTime, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet, XlsxError,
};

use crate::i18n::NO_DATA_VI;

/// One worksheet: a title, an optional subtitle ("Số liệu đến ngày …"), the
/// columns and the rows (a row shorter than the columns is padded empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub title: String,
    pub subtitle: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub kind: ColumnKind,
    /// Width in Excel character units; `None` picks one from the content.
    pub width: Option<f64>,
}

impl Column {
    /// A column whose width follows its content.
    pub fn new(header: &str, kind: ColumnKind) -> Column {
        Column { header: header.to_owned(), kind, width: None }
    }
}

/// The sheets as a downloaded XLSX file named `filename`.
pub fn xlsx_download(filename: &str, sheets: &[Sheet]) -> Result<axum::response::Response, ExportError> {
    use axum::response::IntoResponse;
    Ok((xlsx_response_headers(filename), workbook(sheets)?).into_response())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Integer,
    Percent,
    Date,
    /// A date and time of day.
    Moment,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    /// A share, stored as the number (0.725) and shown "72,5%" by the format.
    Share(f64),
    Date(chrono::NaiveDate),
    /// A moment in Vietnam time, shown "dd/mm/yyyy hh:mm:ss".
    DateTime(chrono::NaiveDateTime),
    /// Written as the text "Chưa có số liệu", never as 0.
    NoData,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("the table is larger than a worksheet")]
    TooLarge,
}

/// Excel's limits: characters in a cell, columns and rows in a sheet.
const MAX_CELL_CHARS: usize = 32_767;
const MAX_COLS: usize = 16_384;
const MAX_ROWS: usize = 1_048_576;

struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    integer: Format,
    share: Format,
    date: Format,
    moment: Format,
    no_data: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Left),
            subtitle: Format::new().set_italic().set_align(FormatAlign::Left),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0x00E7_E6E6))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            text: cell.clone().set_text_wrap(),
            integer: cell.clone().set_num_format("#,##0"),
            share: cell.clone().set_num_format("0.0%"),
            date: cell.clone().set_num_format("dd/mm/yyyy"),
            moment: cell.clone().set_num_format("dd/mm/yyyy hh:mm:ss"),
            no_data: cell.set_italic().set_font_color(Color::RGB(0x0059_5959)).set_align(FormatAlign::Right),
        }
    }
}

/// Builds the workbook, one worksheet per sheet, in order.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let formats = Formats::new();
    let names = sheet_names(&sheets.iter().map(|s| s.title.as_str()).collect::<Vec<_>>());
    for (sheet, name) in sheets.iter().zip(names) {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        write_sheet(ws, sheet, &formats)?;
    }
    Ok(wb.save_to_buffer()?)
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, f: &Formats) -> Result<(), ExportError> {
    let ncols = sheet.columns.len().max(1);
    if ncols > MAX_COLS || sheet.rows.len() + 3 > MAX_ROWS {
        return Err(ExportError::TooLarge);
    }
    let last_col = ColNum::try_from(ncols - 1).map_err(|_| ExportError::TooLarge)?;

    let mut row: RowNum = 0;
    banner(ws, row, last_col, &sheet.title, &f.title)?;
    ws.set_row_height(row, 22)?;
    row += 1;
    if let Some(sub) = &sheet.subtitle {
        banner(ws, row, last_col, sub, &f.subtitle)?;
        row += 1;
    }

    let header_row = row;
    for (c, col) in sheet.columns.iter().enumerate() {
        let c = ColNum::try_from(c).map_err(|_| ExportError::TooLarge)?;
        ws.write_string_with_format(header_row, c, clip(&col.header), &f.header)?;
        ws.set_column_width(c, col.width.unwrap_or_else(|| auto_width(sheet, usize::from(c))))?;
    }

    for (i, cells) in sheet.rows.iter().enumerate() {
        let r = header_row + 1 + RowNum::try_from(i).map_err(|_| ExportError::TooLarge)?;
        for (c, col) in sheet.columns.iter().enumerate() {
            let cell = cells.get(c).unwrap_or(&Cell::Empty);
            let c = ColNum::try_from(c).map_err(|_| ExportError::TooLarge)?;
            write_cell(ws, r, c, cell, col.kind, f)?;
        }
    }

    if !sheet.columns.is_empty() {
        let last_row = header_row + RowNum::try_from(sheet.rows.len()).map_err(|_| ExportError::TooLarge)?;
        ws.autofilter(header_row, 0, last_row, last_col)?;
        ws.set_freeze_panes(header_row + 1, 0)?;
        ws.set_repeat_rows(header_row, header_row)?;
    }
    // A4 landscape, as wide as one page, as long as it takes.
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// A line across the table's width (a single cell cannot be merged).
fn banner(ws: &mut Worksheet, row: RowNum, last_col: ColNum, text: &str, format: &Format) -> Result<(), XlsxError> {
    if last_col == 0 {
        ws.write_string_with_format(row, 0, clip(text), format)?;
    } else {
        ws.merge_range(row, 0, row, last_col, &clip(text), format)?;
    }
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    r: RowNum,
    c: ColNum,
    cell: &Cell,
    kind: ColumnKind,
    f: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {
            let format = match kind {
                ColumnKind::Text => &f.text,
                ColumnKind::Integer => &f.integer,
                ColumnKind::Percent => &f.share,
                ColumnKind::Date => &f.date,
                ColumnKind::Moment => &f.moment,
            };
            ws.write_blank(r, c, format)?;
        }
        Cell::Text(t) => {
            ws.write_string_with_format(r, c, clip(t), &f.text)?;
        }
        // Exact up to 2^53, far beyond any count here.
        Cell::Integer(n) => {
            ws.write_number_with_format(r, c, *n as f64, &f.integer)?;
        }
        Cell::Share(x) if x.is_finite() => {
            ws.write_number_with_format(r, c, *x, &f.share)?;
        }
        Cell::Share(_) | Cell::NoData => {
            ws.write_string_with_format(r, c, NO_DATA_VI, &f.no_data)?;
        }
        Cell::Date(d) => match excel_date(*d) {
            Some(x) => {
                ws.write_date_with_format(r, c, &x, &f.date)?;
            }
            // Excel has no dates before 1900: keep the date readable as text.
            None => {
                ws.write_string_with_format(r, c, d.format("%d/%m/%Y").to_string(), &f.text)?;
            }
        },
        Cell::DateTime(t) => match excel_moment(*t) {
            Some(x) => {
                ws.write_datetime_with_format(r, c, &x, &f.moment)?;
            }
            None => {
                ws.write_string_with_format(r, c, t.format("%d/%m/%Y %H:%M:%S").to_string(), &f.text)?;
            }
        },
    }
    Ok(())
}

fn excel_moment(t: chrono::NaiveDateTime) -> Option<ExcelDateTime> {
    let (h, m, s) = (u16::try_from(t.hour()).ok()?, u8::try_from(t.minute()).ok()?, u8::try_from(t.second()).ok()?);
    excel_date(t.date())?.and_hms(h, m, s).ok()
}

fn excel_date(d: chrono::NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// Excel refuses longer cells; a truncated note beats a failed export.
fn clip(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_CELL_CHARS * 4));
    let mut units = 0;
    for ch in s.chars() {
        units += ch.len_utf16();
        if units > MAX_CELL_CHARS {
            break;
        }
        out.push(ch);
    }
    out
}

/// A width from the content: numbers get a fixed width, text its longest
/// entry within bounds (the header wraps, so it counts only up to 16).
fn auto_width(sheet: &Sheet, col: usize) -> f64 {
    let kind = sheet.columns.get(col).map_or(ColumnKind::Text, |c| c.kind);
    let header = sheet.columns.get(col).map_or(0, |c| c.header.chars().count().min(16));
    let longest = sheet
        .rows
        .iter()
        .filter_map(|r| match r.get(col) {
            Some(Cell::Text(t)) => Some(t.chars().count()),
            Some(Cell::NoData) => Some(NO_DATA_VI.chars().count()),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let base = match kind {
        ColumnKind::Text => longest.clamp(8, 50),
        ColumnKind::Integer | ColumnKind::Percent => longest.clamp(10, 16),
        ColumnKind::Date => 12,
        ColumnKind::Moment => 19,
    };
    base.max(header) as f64 + 2.0
}

/// Excel's sheet-name rules: 1–31 UTF-16 units, none of `[ ] : * ? / \`, no
/// apostrophe at either end, "History" reserved, unique ignoring case.
fn sheet_names(titles: &[&str]) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(titles.len());
    for (i, title) in titles.iter().enumerate() {
        let cleaned: String = title
            .chars()
            .map(|c| match c {
                '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '-',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect();
        let mut base = tidy(&cleaned, 31);
        if base.is_empty() {
            base = format!("Trang {}", i + 1);
        }
        if base.eq_ignore_ascii_case("history") {
            base.push_str(" 1");
        }
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            name = format!("{}{suffix}", tidy(&base, 31 - suffix.len()));
            n += 1;
        }
        taken.insert(name.to_lowercase());
        out.push(name);
    }
    out
}

/// Cuts to `max` UTF-16 units and trims spaces and apostrophes at the ends.
fn tidy(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut units = 0;
    for ch in s.trim_matches(|c: char| c.is_whitespace() || c == '\'').chars() {
        units += ch.len_utf16();
        if units > max {
            break;
        }
        out.push(ch);
    }
    out.trim_matches(|c: char| c.is_whitespace() || c == '\'').to_string()
}

/// Headers for an XLSX download: the content type, and a Content-Disposition
/// with an ASCII fallback name and the real (Vietnamese) name per RFC 5987.
pub fn xlsx_response_headers(filename: &str) -> [(HeaderName, String); 2] {
    [
        (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
        (header::CONTENT_DISPOSITION, content_disposition(filename)),
    ]
}

fn content_disposition(filename: &str) -> String {
    let mut fallback = String::new();
    for c in khienmang_core::text::fold(filename).chars() {
        match c {
            '.' => {
                while fallback.ends_with('-') {
                    fallback.pop();
                }
                fallback.push('.');
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '-' | '_') => fallback.push(c),
            _ if fallback.ends_with('-') => {}
            _ => fallback.push('-'),
        }
    }
    let fallback = fallback.trim_matches(['-', '.']);
    let fallback = if fallback.is_empty() || fallback == "xlsx" { "bang.xlsx" } else { fallback };

    let mut encoded = String::new();
    for b in filename.trim().bytes() {
        // RFC 5987 attr-char; everything else as %XX of its UTF-8 bytes.
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    if encoded.is_empty() {
        encoded = fallback.to_string();
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use proptest::prelude::*;

    use super::*;

    fn read(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).unwrap()
    }

    fn sample() -> Sheet {
        let col = |h: &str, kind| Column { header: h.into(), kind, width: None };
        Sheet {
            title: "Chỉ tiêu 2.6 — Xã An Bình".into(),
            subtitle: Some("Số liệu đến ngày 28/11/2026".into()),
            columns: vec![
                col("Đơn vị", ColumnKind::Text),
                col("Tử số", ColumnKind::Integer),
                col("Tỷ lệ đạt", ColumnKind::Percent),
                col("Ngày báo cáo", ColumnKind::Date),
                col("Lúc gửi", ColumnKind::Moment),
            ],
            rows: vec![
                vec![
                    Cell::Text("Thôn 1".into()),
                    Cell::Integer(12_345),
                    Cell::Share(0.725),
                    Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
                    Cell::DateTime(
                        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(9, 5, 30).unwrap(),
                    ),
                ],
                vec![Cell::Text("Thôn 2".into()), Cell::Empty, Cell::NoData],
            ],
        }
    }

    #[test]
    fn workbook_round_trips_through_a_reader() {
        let bytes = workbook(&[sample()]).unwrap();
        let mut wb = read(bytes);
        assert_eq!(wb.sheet_names(), ["Chỉ tiêu 2.6 — Xã An Bình"]);
        let range = wb.worksheet_range("Chỉ tiêu 2.6 — Xã An Bình").unwrap();
        let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        assert_eq!(at(0, 0), Data::String("Chỉ tiêu 2.6 — Xã An Bình".into()));
        assert_eq!(at(1, 0), Data::String("Số liệu đến ngày 28/11/2026".into()));
        let headers: Vec<Data> = (0..4).map(|c| at(2, c)).collect();
        assert_eq!(headers, ["Đơn vị", "Tử số", "Tỷ lệ đạt", "Ngày báo cáo"].map(|h| Data::String(h.into())).to_vec());
        assert_eq!(at(3, 0), Data::String("Thôn 1".into()));
        assert!(matches!(at(3, 1), Data::Float(x) if x == 12_345.0) || at(3, 1) == Data::Int(12_345));
        assert_eq!(at(3, 2), Data::Float(0.725), "a share is a number, not text");
        assert!(matches!(at(3, 3), Data::DateTime(_)), "{:?}", at(3, 3));
        match at(3, 4) {
            Data::DateTime(t) => {
                assert_eq!(t.to_ymd_hms_milli(), (2026, 11, 28, 9, 5, 30, 0), "a real date and time");
            }
            other => panic!("a moment is a date cell, not {other:?}"),
        }
        assert_eq!(at(4, 1), Data::Empty);
        assert_eq!(at(4, 2), Data::String("Chưa có số liệu".into()), "no data is never 0");
    }

    #[test]
    fn layout_has_formats_filter_freeze_and_print_setup() {
        let bytes = workbook(&[sample()]).unwrap();
        let mut zip = Cursor::new(bytes);
        let sheet = zip_entry(&mut zip, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("<autoFilter ref=\"A3:E5\"/>"), "{sheet}");
        assert!(sheet.contains("<mergeCell ref=\"A1:E1\"/>"));
        assert!(sheet.contains("<mergeCell ref=\"A2:E2\"/>"));
        assert!(sheet.contains("topLeftCell=\"A4\""), "frozen below the header");
        assert!(sheet.contains("orientation=\"landscape\""));
        assert!(sheet.contains("fitToHeight=\"0\""));
        let styles = zip_entry(&mut zip, "xl/styles.xml");
        for fmt in ["#,##0", "0.0%", "dd/mm/yyyy", "dd/mm/yyyy hh:mm:ss"] {
            assert!(styles.contains(&format!("formatCode=\"{fmt}\"")), "{fmt}");
        }
        let book = zip_entry(&mut zip, "xl/workbook.xml");
        assert!(book.contains("_xlnm.Print_Titles"), "header repeated on each page");
    }

    /// One part of the package, as XML text.
    fn zip_entry(bytes: &mut Cursor<Vec<u8>>, name: &str) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.get_ref().clone())).unwrap();
        let mut file = archive.by_name(name).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut file, &mut s).unwrap();
        s
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        let long = "Tỷ lệ xã, phường có mô hình phòng chống lừa đảo trực tuyến";
        let names = sheet_names(&["a/b:c*d?[e]\\", "", "'x'", long, long, "History", "ABC", "abc", "  "]);
        assert_eq!(names[0], "a-b-c-d--e--");
        assert_eq!(names[1], "Trang 2");
        assert_eq!(names[2], "x");
        assert_eq!(names[3].encode_utf16().count(), 31);
        assert!(names[4].ends_with(" (2)") && names[4].encode_utf16().count() <= 31);
        assert_eq!(names[5], "History 1");
        assert_eq!(names[6], "ABC");
        assert_eq!(names[7], "abc (2)");
        assert_eq!(names[8], "Trang 9");
        // And the writer accepts them all in one workbook.
        let sheets: Vec<Sheet> = ["x", "X", "x"]
            .iter()
            .map(|t| Sheet { title: (*t).into(), subtitle: None, columns: vec![], rows: vec![] })
            .collect();
        let mut wb = read(workbook(&sheets).unwrap());
        assert_eq!(wb.sheet_names(), ["x", "X (2)", "x (3)"]);
        assert!(wb.worksheet_range("x").is_ok());
    }

    #[test]
    fn one_column_and_ragged_rows_are_fine() {
        let sheet = Sheet {
            title: "Một cột".into(),
            subtitle: None,
            columns: vec![Column { header: "Tên".into(), kind: ColumnKind::Text, width: Some(30.0) }],
            rows: vec![vec![], vec![Cell::Text("a".into()), Cell::Integer(1)], vec![Cell::Share(f64::NAN)]],
        };
        let mut wb = read(workbook(&[sheet]).unwrap());
        let range = wb.worksheet_range("Một cột").unwrap();
        assert_eq!(range.get_value((1, 0)), Some(&Data::String("Tên".into())));
        assert_eq!(range.get_value((3, 0)), Some(&Data::String("a".into())));
        assert_eq!(range.get_value((4, 0)), Some(&Data::String(NO_DATA_VI.into())));
        assert!(workbook(&[]).is_ok());
    }

    #[test]
    fn download_headers_carry_both_names() {
        let [(ct, ct_v), (cd, cd_v)] = xlsx_response_headers("chỉ-tiêu Xã Đông \"A\".xlsx");
        assert_eq!(ct, header::CONTENT_TYPE);
        assert_eq!(ct_v, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert_eq!(cd, header::CONTENT_DISPOSITION);
        assert_eq!(
            cd_v,
            "attachment; filename=\"chi-tieu-xa-dong-a.xlsx\"; \
             filename*=UTF-8''ch%E1%BB%89-ti%C3%AAu%20X%C3%A3%20%C4%90%C3%B4ng%20%22A%22.xlsx"
        );
        assert!(axum::http::HeaderValue::from_str(&cd_v).is_ok());
        let [_, (_, bare)] = xlsx_response_headers("");
        assert_eq!(bare, "attachment; filename=\"bang.xlsx\"; filename*=UTF-8''bang.xlsx");
    }

    proptest! {
        #[test]
        fn text_cells_round_trip(texts in proptest::collection::vec(any::<String>(), 1..8)) {
            let sheet = Sheet {
                title: "T".into(),
                subtitle: None,
                columns: vec![Column { header: "H".into(), kind: ColumnKind::Text, width: None }],
                rows: texts.iter().map(|t| vec![Cell::Text(t.clone())]).collect(),
            };
            let mut wb = read(workbook(&[sheet]).unwrap());
            let range = wb.worksheet_range("T").unwrap();
            for (i, t) in texts.iter().enumerate() {
                let got = range.get_value((2 + i as u32, 0)).cloned().unwrap_or(Data::Empty);
                let want = if t.is_empty() { Data::Empty } else { Data::String(t.clone()) };
                prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn any_titles_make_valid_unique_names(titles in proptest::collection::vec(any::<String>(), 0..6)) {
            let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
            let names = sheet_names(&refs);
            let mut seen = HashSet::new();
            for n in &names {
                prop_assert!(rust_xlsxwriter::utility::check_sheet_name(n).is_ok(), "{:?}", n);
                prop_assert!(!n.eq_ignore_ascii_case("history"));
                prop_assert!(seen.insert(n.to_lowercase()));
            }
        }
    }
}
