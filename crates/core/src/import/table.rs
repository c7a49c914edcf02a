//! Reading a CSV or Excel file into a table whose columns are in a known
//! order, wherever the user put the heading row and the columns.

use calamine::DataRef;
use unicode_normalization::UnicodeNormalization;

use super::{ImportError, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_TEXT_BYTES, check_size, decode_text};
use crate::text::fold;

/// The heading row must be within this many rows from the top (title rows
/// above it are skipped).
const HEADER_SEARCH_ROWS: usize = 10;

/// One expected column of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Stable identifier, also accepted as a heading (handy for CSV exports).
    pub key: &'static str,
    /// The heading written in templates and named in error messages.
    pub header_vi: &'static str,
    /// Other headings accepted; compared after [`fold`], like `header_vi`.
    pub aliases: &'static [&'static str],
    pub required: bool,
}

impl Column {
    /// Whether a heading cell names this column. Headings are compared
    /// folded and without the "*" or ":" people add to mark or end them.
    fn matches(&self, folded_heading: &str) -> bool {
        let names = [self.key, self.header_vi].into_iter().chain(self.aliases.iter().copied());
        names.map(fold).any(|name| name == folded_heading)
    }
}

/// A data row; `line` is the line (CSV) or row number (Excel, LibreOffice)
/// the user sees, so that error messages can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    /// One trimmed cell per expected column, in the expected order.
    pub cells: Vec<String>,
}

/// The data rows of a file, its columns reordered to the expected ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The `header_vi` of each expected column, in order (the order of
    /// every row's `cells`).
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// A row as read from the file, before the heading row is known.
pub(super) type RawRow = (usize, Vec<String>);

/// Reads an Excel workbook's first sheet (XLSX) or a CSV file into a
/// [`Table`] of the `expected` columns. Fully blank rows are skipped. The
/// older XLS format is refused: its reader builds every sheet whole, at the
/// size the file declares, before any limit can be checked.
pub fn read_table(bytes: &[u8], expected: &[Column]) -> Result<Table, ImportError> {
    check_size(bytes)?;
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        build_table(super::xlsx::read_first_sheet(bytes)?, expected)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Err(ImportError::OldExcel)
    } else {
        read_csv(&decode_text(bytes)?, expected)
    }
}

/// What a parse has kept so far, checked against the limits before each
/// row, cell or text is stored.
#[derive(Debug, Default)]
pub(super) struct Budget {
    rows: usize,
    cells: usize,
    text: usize,
}

impl Budget {
    /// Counts `rows` new rows, `cells` new cells and `text` bytes, or
    /// refuses the file if that goes over a limit.
    pub(super) fn take(&mut self, rows: usize, cells: usize, text: usize) -> Result<(), ImportError> {
        self.rows = self.rows.saturating_add(rows);
        self.cells = self.cells.saturating_add(cells);
        self.text = self.text.saturating_add(text);
        if self.rows > MAX_ROWS || self.cells > MAX_CELLS || self.text > MAX_TEXT_BYTES {
            return Err(ImportError::SheetTooLarge);
        }
        Ok(())
    }
}

/// The length of a cell held as text, measured without copying it; `None`
/// for numbers, dates, booleans and errors, whose text is short.
pub(super) fn text_len(cell: &DataRef<'_>) -> Option<usize> {
    match cell {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(s.len()),
        DataRef::SharedString(s) => Some(s.len()),
        _ => None,
    }
}

/// A cell as the user sees it: integers without ".0", dates as dd/mm/yyyy.
pub(super) fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(dt) if dt.is_duration() => number_text(dt.as_f64()),
        DataRef::DateTime(dt) => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            format!("{day:02}/{month:02}/{year:04}")
        }
        // "2024-05-01" or "2024-05-01T08:00:00" (ODS-style); keep the date.
        DataRef::DateTimeIso(s) => match (s.get(0..4), s.get(5..7), s.get(8..10)) {
            (Some(y), Some(m), Some(d)) if s.as_bytes().get(4) == Some(&b'-') => {
                format!("{d}/{m}/{y}")
            }
            _ => s.clone(),
        },
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

fn number_text(f: f64) -> String {
    // Integral values below 2^53 print exactly as integers.
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 { format!("{}", f as i64) } else { f.to_string() }
}

/// Parses CSV, choosing the delimiter (comma, semicolon or tab) that best
/// reveals the heading row: Excel uses ";" where "," is the decimal mark and
/// tabs for "Unicode text".
fn read_csv(text: &str, expected: &[Column]) -> Result<Table, ImportError> {
    let mut best: Option<(usize, u8)> = None;
    for delimiter in [b',', b';', b'\t'] {
        // A delimiter that makes the first rows too wide is not the file's.
        let Ok(head) = csv_rows(text, delimiter, Some(HEADER_SEARCH_ROWS)) else { continue };
        if let Some((_, matched)) = find_header(&head, expected)
            && best.is_none_or(|(most, _)| matched > most)
        {
            best = Some((matched, delimiter));
        }
    }
    let delimiter = best.map_or(b',', |(_, d)| d);
    build_table(csv_rows(text, delimiter, None)?, expected)
}

/// Splits CSV text into rows, numbered by the line each record starts on.
/// Rows that are blank are dropped here so that `limit` counts real rows;
/// empty cells after a row's last value are dropped too (Excel writes them
/// up to the sheet's widest row). Rows and cells are counted against the
/// limits before they are copied.
fn csv_rows(text: &str, delimiter: u8, limit: Option<usize>) -> Result<Vec<RawRow>, ImportError> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut lines = LineCounter::default();
    let mut budget = Budget::default();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while rows.len() < limit.unwrap_or(usize::MAX) && matches!(reader.read_record(&mut record), Ok(true)) {
        let last = (0..record.len()).rev().find(|&i| record.get(i).is_some_and(|c| !c.trim().is_empty()));
        let Some(width) = last.map(|last| last + 1) else { continue };
        if width > MAX_COLUMNS {
            return Err(ImportError::SheetTooLarge);
        }
        let cells = record.iter().take(width);
        budget.take(1, width, cells.clone().map(str::len).sum())?;
        let line = lines.line_at(text.as_bytes(), record.position().map_or(0, |p| p.byte() as usize));
        rows.push((line, cells.map(str::to_owned).collect()));
    }
    Ok(rows)
}

/// Line numbers as an editor shows them, for increasing record offsets.
/// The csv crate's own count is off by one after a "\r\n" (a record's
/// position is that of the "\n"), and old Mac files end lines with "\r".
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    fn line_at(&mut self, text: &[u8], offset: usize) -> usize {
        let mut end = offset.min(text.len());
        while matches!(text.get(end), Some(b'\r' | b'\n')) {
            end += 1;
        }
        if let Some(skipped) = text.get(self.offset..end) {
            for (i, &b) in skipped.iter().enumerate() {
                let next = text.get(self.offset + i + 1);
                self.line += usize::from(b == b'\n' || (b == b'\r' && next != Some(&b'\n')));
            }
            self.offset = end;
        }
        self.line + 1
    }
}

/// Finds the heading row among the first non-blank rows: the first one that
/// names at least half of the expected columns, or all the required ones.
/// Returns its index in `rows` and how many columns it names.
fn find_header(rows: &[RawRow], expected: &[Column]) -> Option<(usize, usize)> {
    let non_blank = rows.iter().enumerate().filter(|(_, (_, cells))| cells.iter().any(|c| !c.trim().is_empty()));
    non_blank.take(HEADER_SEARCH_ROWS).find_map(|(i, (_, cells))| {
        let positions = column_positions(cells, expected);
        let matched = positions.iter().flatten().count();
        let required_found = expected.iter().zip(&positions).all(|(column, pos)| !column.required || pos.is_some());
        (matched > 0 && (matched * 2 >= expected.len() || required_found)).then_some((i, matched))
    })
}

/// For each expected column, the index of the first heading cell naming it.
fn column_positions(headings: &[String], expected: &[Column]) -> Vec<Option<usize>> {
    let folded: Vec<String> =
        headings.iter().map(|h| fold(h.trim_matches(|c: char| c == '*' || c == ':' || c.is_whitespace()))).collect();
    expected.iter().map(|column| folded.iter().position(|h| column.matches(h))).collect()
}

fn build_table(raw: Vec<RawRow>, expected: &[Column]) -> Result<Table, ImportError> {
    let (header_index, _) = find_header(&raw, expected).ok_or_else(|| {
        if raw.iter().all(|(_, cells)| cells.iter().all(|c| c.trim().is_empty())) {
            ImportError::Empty
        } else {
            ImportError::NotATable
        }
    })?;
    let positions = column_positions(&raw[header_index].1, expected);
    let missing: Vec<String> = expected
        .iter()
        .zip(&positions)
        .filter(|(column, pos)| column.required && pos.is_none())
        .map(|(column, _)| column.header_vi.to_owned())
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing));
    }
    let rows = raw
        .into_iter()
        .skip(header_index + 1)
        .filter_map(|(line, cells)| {
            let picked: Vec<String> = positions
                .iter()
                .map(|pos| pos.and_then(|p| cells.get(p)).map_or_else(String::new, |c| clean(c)))
                .collect();
            (!picked.iter().all(String::is_empty)).then_some(Row { line, cells: picked })
        })
        .collect();
    Ok(Table { headers: expected.iter().map(|c| c.header_vi.to_owned()).collect(), rows })
}

/// Trims a cell (non-breaking spaces too) and normalises it to NFC, which
/// spreadsheet cells pasted from old documents may not be in.
fn clean(cell: &str) -> String {
    cell.trim().nfc().collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    const COLUMNS: &[Column] = &[
        Column { key: "code", header_vi: "Mã xã/phường", aliases: &["mã xã"], required: true },
        Column { key: "name", header_vi: "Tên thôn", aliases: &[], required: true },
        Column { key: "households", header_vi: "Số hộ", aliases: &[], required: false },
        Column { key: "valid_from", header_vi: "Ngày thành lập", aliases: &[], required: false },
    ];

    fn cells(table: &Table) -> Vec<(usize, Vec<&str>)> {
        let rows = table.rows.iter();
        rows.map(|r| (r.line, r.cells.iter().map(String::as_str).collect())).collect()
    }

    #[test]
    fn csv_with_reordered_and_extra_columns() {
        let csv = "Ghi chú,Tên thôn,MA XA\n\
                   x,Thôn Đồng Kỵ,07210\n\
                   ,,\n\
                   y,\"Thôn \"\"Mới\"\",\nhai dòng\",7211\n\
                   z, Thôn Ba ,7212\n";
        let table = read_table(csv.as_bytes(), COLUMNS).unwrap();
        assert_eq!(table.headers, ["Mã xã/phường", "Tên thôn", "Số hộ", "Ngày thành lập"]);
        assert_eq!(
            cells(&table),
            [
                (2, vec!["07210", "Thôn Đồng Kỵ", "", ""]),
                (4, vec!["7211", "Thôn \"Mới\",\nhai dòng", "", ""]),
                (6, vec!["7212", "Thôn Ba", "", ""]),
            ]
        );
    }

    #[test]
    fn line_numbers_with_any_line_ending() {
        for eol in ["\n", "\r\n", "\r"] {
            let csv = ["Mã xã/phường,Tên thôn", "", "07210,Thôn A", "07211,\"Thôn\nB\"", "07212,Thôn C", ""].join(eol);
            let table = read_table(csv.as_bytes(), COLUMNS).unwrap();
            let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, [3, 4, 6], "{eol:?}");
        }
    }

    #[test]
    fn sniffs_semicolons_and_tabs() {
        for delimiter in [";", "\t"] {
            let csv = ["Mã xã/phường", "Tên thôn", "Số hộ"].join(delimiter)
                + "\n"
                + &["07210", "Thôn A, B", "1,5"].join(delimiter);
            let table = read_table(csv.as_bytes(), COLUMNS).unwrap();
            assert_eq!(cells(&table), [(2, vec!["07210", "Thôn A, B", "1,5", ""])]);
        }
    }

    #[test]
    fn title_rows_above_the_header_in_csv() {
        let csv = "DANH SÁCH THÔN\nXã Đông Phong,,\n*Mã xã/phường*,Tên thôn:,Số hộ\n07210,Thôn A,12\n";
        let table = read_table(csv.as_bytes(), COLUMNS).unwrap();
        assert_eq!(cells(&table), [(4, vec!["07210", "Thôn A", "12", ""])]);
    }

    #[test]
    fn header_must_be_within_ten_rows() {
        let csv = "tiêu đề\n".repeat(10) + "Mã xã/phường,Tên thôn\n07210,Thôn A\n";
        assert_eq!(read_table(csv.as_bytes(), COLUMNS), Err(ImportError::NotATable));
        let csv = "tiêu đề\n".repeat(9) + "Mã xã/phường,Tên thôn\n07210,Thôn A\n";
        assert_eq!(read_table(csv.as_bytes(), COLUMNS).unwrap().rows[0].line, 11);
    }

    #[test]
    fn missing_required_columns_are_named() {
        let csv = "Mã xã/phường,Số hộ,Ngày thành lập\n07210,3,\n";
        assert_eq!(read_table(csv.as_bytes(), COLUMNS), Err(ImportError::MissingColumns(vec!["Tên thôn".into()])));
    }

    #[test]
    fn whole_file_problems() {
        assert_eq!(read_table(b"", COLUMNS), Err(ImportError::Empty));
        assert_eq!(read_table(b" \n,,\n\n", COLUMNS), Err(ImportError::Empty));
        assert_eq!(read_table(b"a,b\n1,2\n", COLUMNS), Err(ImportError::NotATable));
        assert!(matches!(read_table(b"PK\x03\x04junk", COLUMNS), Err(ImportError::BadXlsx(_))));
        let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
        assert_eq!(read_table(&xls, COLUMNS), Err(ImportError::OldExcel));
        let big = vec![b','; super::super::MAX_IMPORT_BYTES + 1];
        assert!(matches!(read_table(&big, COLUMNS), Err(ImportError::TooLarge { .. })));
    }

    #[test]
    fn csv_rows_and_columns_are_limited() {
        let head = "Mã xã/phường,Tên thôn\n";
        let wide = format!("{head}07210,Thôn A{}\n", ",x".repeat(MAX_COLUMNS));
        assert_eq!(read_table(wide.as_bytes(), COLUMNS), Err(ImportError::SheetTooLarge));
        let widest = format!("{head}07210,Thôn A{}\n", ",x".repeat(MAX_COLUMNS - 2));
        assert_eq!(read_table(widest.as_bytes(), COLUMNS).unwrap().rows.len(), 1);
        // Empty cells after a row's last value are not kept (Excel writes them).
        let padded = format!("Mã xã/phường,Tên thôn{}\n07210,Thôn A{}\n", ",".repeat(5000), ", ".repeat(5000));
        assert_eq!(read_table(padded.as_bytes(), COLUMNS).unwrap().rows.len(), 1);
        // The heading row counts as a row.
        let most = format!("{head}{}", "07210,Thôn A\n".repeat(MAX_ROWS - 1));
        assert_eq!(read_table(most.as_bytes(), COLUMNS).unwrap().rows.len(), MAX_ROWS - 1);
        let too_many = format!("{head}{}", "07210,Thôn A\n".repeat(MAX_ROWS));
        assert_eq!(read_table(too_many.as_bytes(), COLUMNS), Err(ImportError::SheetTooLarge));
    }

    #[test]
    fn a_delimiter_that_makes_rows_too_wide_is_not_chosen() {
        let csv = format!("Danh sách{}\nMã xã/phường,Tên thôn\n07210,Thôn A\n", ";x".repeat(MAX_COLUMNS));
        assert_eq!(cells(&read_table(csv.as_bytes(), COLUMNS).unwrap()), [(3, vec!["07210", "Thôn A", "", ""])]);
    }

    #[test]
    fn header_only_gives_no_rows() {
        let table = read_table("Mã xã/phường,Tên thôn\n".as_bytes(), COLUMNS).unwrap();
        assert!(table.rows.is_empty());
    }

    #[test]
    fn xlsx_with_merged_title_rows() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let bold = Format::new().set_bold();
        sheet.merge_range(0, 0, 0, 4, "DANH SÁCH THÔN", &bold).unwrap();
        sheet.merge_range(1, 0, 1, 4, "Xã Đông Phong", &Format::new()).unwrap();
        for (col, heading) in ["Tên thôn", "Mã xã", "Số hộ", "Ngày thành lập", "Khác"].iter().enumerate() {
            sheet.write_string(3, col as u16, *heading).unwrap();
        }
        sheet.write_string(4, 0, " Thôn Đồng Kỵ ").unwrap();
        sheet.write_number(4, 1, 7210).unwrap();
        sheet.write_number(4, 2, 1234.0).unwrap();
        let date = ExcelDateTime::from_ymd(2020, 1, 5).unwrap();
        let date_format = Format::new().set_num_format("dd/mm/yyyy");
        sheet.write_datetime_with_format(4, 3, &date, &date_format).unwrap();
        // Row 6 is blank; row 7 has a fractional number and a text date.
        sheet.write_string(6, 0, "Thôn B").unwrap();
        sheet.write_number(6, 2, 12.5).unwrap();
        sheet.write_string(6, 3, "1/2/2021").unwrap();
        sheet.write_string(7, 4, "only an unexpected column").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();

        let table = read_table(&bytes, COLUMNS).unwrap();
        assert_eq!(
            cells(&table),
            [(5, vec!["7210", "Thôn Đồng Kỵ", "1234", "05/01/2020"]), (7, vec!["", "Thôn B", "12.5", "1/2/2021"]),]
        );
    }

    #[test]
    fn spreadsheet_cells_are_shown_as_users_see_them() {
        assert_eq!(cell_text(&DataRef::Float(7210.0)), "7210");
        assert_eq!(cell_text(&DataRef::Float(-3.0)), "-3");
        assert_eq!(cell_text(&DataRef::Float(1e300)), 1e300.to_string());
        assert_eq!(cell_text(&DataRef::Float(21.046798)), "21.046798");
        assert_eq!(cell_text(&DataRef::DateTimeIso("2024-05-01T08:00:00".into())), "01/05/2024");
        assert_eq!(cell_text(&DataRef::DateTimeIso("08:00".into())), "08:00");
        assert_eq!(cell_text(&DataRef::Error(calamine::CellErrorType::NA)), "#N/A");
        assert_eq!(cell_text(&DataRef::SharedString("Thôn A")), "Thôn A");
    }

    #[test]
    fn text_lengths_are_those_of_the_text_shown() {
        for cell in [DataRef::SharedString("ồ"), DataRef::String("x".into()), DataRef::DurationIso("PT1H".into())] {
            assert_eq!(text_len(&cell), Some(cell_text(&cell).len()), "{cell:?}");
        }
        assert!(cell_text(&DataRef::DateTimeIso("2024-05-01T08:00:00".into())).len() <= 19);
        assert_eq!(text_len(&DataRef::Float(1e300)), None);
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = read_table(&bytes, COLUMNS);
        }

        #[test]
        fn never_panics_on_zip_like_input(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
            let bytes = [b"PK\x03\x04".as_slice(), &tail].concat();
            let _ = read_table(&bytes, COLUMNS);
        }

        #[test]
        fn never_panics_on_text(text in "[,;\t\n\"a-zMã xphườngTên thô]{0,200}") {
            if let Ok(table) = read_table(text.as_bytes(), COLUMNS) {
                for row in &table.rows {
                    prop_assert_eq!(row.cells.len(), COLUMNS.len());
                }
            }
        }
    }
}
