//! Validating the rows of a [`Table`] into units ready for the store, with a
//! message per problem that says what is wrong and how to fix it.

use std::collections::HashMap;

use chrono::{Datelike, Days};

use super::{Column, Row, Table, TemplateKind, normalize_code, quote};
use crate::Date;
use crate::org::{EnterpriseSize, SchoolLevel};
use crate::text::fold;

/// Longest accepted name, in characters.
const MAX_NAME_CHARS: usize = 200;
/// Longest accepted village type word(s), in characters.
const MAX_TYPE_CHARS: usize = 50;
/// Longest accepted page address, in characters.
const MAX_URL_CHARS: usize = 500;
/// Larger household or population counts are typing mistakes.
const MAX_COUNT: i64 = 1_000_000_000;
/// Dates outside these years are typing mistakes (the Republic dates from 1945).
const YEARS: std::ops::RangeInclusive<i32> = 1945..=2100;

/// One valid row of an import file. Fields a kind does not have are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: usize,
    /// Five digits; existence is checked by the store.
    pub commune_code: String,
    /// Trimmed, inner whitespace collapsed.
    pub name: String,
    pub unit_type: Option<String>,
    pub households: Option<i64>,
    pub population: Option<i64>,
    /// "0123456789" or "0123456789-001".
    pub tax_code: Option<String>,
    pub enterprise_size: Option<EnterpriseSize>,
    pub school_level: Option<SchoolLevel>,
    pub official_page: Option<String>,
    pub valid_from: Option<Date>,
}

/// A problem with one cell or row, for the user to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    /// The Vietnamese heading of the column at fault, if it is one column.
    pub column: Option<String>,
    pub message_vi: String,
    pub message_en: String,
}

/// The outcome of [`parse_rows`]: each data row of the table is either in
/// `rows` or has one or more `errors` (ordered by line).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParseReport {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<RowError>,
}

/// What is wrong with a value, in both languages.
pub(crate) struct Problem {
    vi: String,
    en: String,
}

impl Problem {
    pub(crate) fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Problem { vi: vi.into(), en: en.into() }
    }

    pub(crate) fn at(self, line: usize, column: &Column) -> RowError {
        RowError { line, column: Some(column.header_vi.to_owned()), message_vi: self.vi, message_en: self.en }
    }
}

/// Validates every row of `table`, read with `kind.columns()`.
pub fn parse_rows(kind: TemplateKind, table: &Table) -> ParseReport {
    let cells = Cells::new(kind.columns(), table);
    let mut report = ParseReport::default();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for row in &table.rows {
        let cell = |key: &str| cells.get(row, key);
        let mut fields = Fields::new(row.line);
        let commune_code = fields.get(cell("commune_code"), parse_commune_code);
        let name = fields.get(cell("name"), parse_name);
        let unit_type = fields.get(cell("unit_type"), parse_unit_type);
        let households = fields.get(cell("households"), parse_count);
        let population = fields.get(cell("population"), parse_count);
        let tax_code = fields.get(cell("tax_code"), parse_tax_code);
        let enterprise_size = fields.get(cell("enterprise_size"), parse_enterprise_size);
        let school_level = fields.get(cell("school_level"), parse_school_level);
        let official_page = fields.get(cell("official_page"), parse_url);
        let valid_from = fields.get(cell("valid_from"), parse_date_problem);

        if let (Some(h), Some(p), Some((column, _))) = (households, population, cell("population"))
            && p < h
        {
            fields.errors.push(
                Problem::new(
                    format!("Số nhân khẩu ({p}) nhỏ hơn số hộ ({h}), trong khi mỗi hộ có ít nhất một người. Hãy kiểm tra lại hai cột này."),
                    format!("The population ({p}) is smaller than the number of households ({h}), but every household has at least one person. Check these two columns."),
                )
                .at(row.line, column),
            );
        }
        // Duplicates are reported even if the row has other problems, so the
        // user sees them in the same round of corrections.
        if let (Some(code), Some(name), Some((column, _))) = (&commune_code, &name, cell("name")) {
            let first = *seen.entry((code.clone(), fold(name))).or_insert(row.line);
            if first != row.line {
                fields.errors.push(
                    Problem::new(
                        format!("Trùng với dòng {first}: {} thuộc xã/phường {code} đã có trong tệp. Hãy xóa dòng trùng hoặc sửa lại tên.", quote(name)),
                        format!("Duplicate of line {first}: {} in commune {code} is already in the file. Delete the duplicate row or correct the name.", quote(name)),
                    )
                    .at(row.line, column),
                );
            }
        }

        match (commune_code, name) {
            (Some(commune_code), Some(name)) if fields.errors.is_empty() => report.rows.push(ImportRow {
                line: row.line,
                commune_code,
                name,
                unit_type,
                households,
                population,
                tax_code,
                enterprise_size,
                school_level,
                official_page,
                valid_from,
            }),
            _ => report.errors.append(&mut fields.errors),
        }
    }
    report
}

/// Finds a row's cells by column key. Cells are looked up by heading so
/// that a table read with other columns cannot shift values into the wrong
/// field; a column the table lacks reads as empty.
pub(crate) struct Cells {
    columns: &'static [Column],
    positions: Vec<Option<usize>>,
}

impl Cells {
    pub(crate) fn new(columns: &'static [Column], table: &Table) -> Self {
        let positions = columns.iter().map(|c| table.headers.iter().position(|h| h == c.header_vi)).collect();
        Cells { columns, positions }
    }

    /// The column and trimmed cell for `key`, or `None` if there is no such
    /// column in this kind of file.
    pub(crate) fn get<'r>(&self, row: &'r Row, key: &str) -> Option<(&'static Column, &'r str)> {
        let i = self.columns.iter().position(|c| c.key == key)?;
        let value = self.positions[i].and_then(|p| row.cells.get(p)).map_or("", |c| c.trim());
        Some((&self.columns[i], value))
    }
}

/// Collects the problems of one row while its fields are parsed.
pub(crate) struct Fields {
    line: usize,
    pub(crate) errors: Vec<RowError>,
}

impl Fields {
    pub(crate) fn new(line: usize) -> Self {
        Fields { line, errors: Vec::new() }
    }

    /// Parses a cell if the kind has that column: an empty cell is `None`
    /// (an error if the column is required), a bad value is an error.
    pub(crate) fn get<T>(
        &mut self,
        cell: Option<(&Column, &str)>,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        let (column, value) = cell?;
        if value.is_empty() {
            if column.required {
                let h = column.header_vi;
                self.errors.push(
                    Problem::new(
                        format!("Thiếu {h}. Hãy điền {h} cho dòng này."),
                        format!("\"{h}\" is empty. Fill it in on this row."),
                    )
                    .at(self.line, column),
                );
            }
            return None;
        }
        parse(value).map_err(|p| self.errors.push(p.at(self.line, column))).ok()
    }
}

pub(crate) fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_commune_code(s: &str) -> Result<String, Problem> {
    normalize_code(s, 5).ok_or_else(|| {
        Problem::new(
            format!("Mã xã/phường {} không hợp lệ: mã gồm 5 chữ số, ví dụ 07210. Hãy tra mã trong danh mục đơn vị hành chính.", quote(s)),
            format!("Commune code {} is invalid: it has 5 digits, e.g. 07210. Look it up in the list of administrative units.", quote(s)),
        )
    })
}

pub(super) fn parse_name(s: &str) -> Result<String, Problem> {
    let name = collapse_whitespace(s);
    let n = name.chars().count();
    if n > MAX_NAME_CHARS {
        return Err(Problem::new(
            format!("Tên dài {n} ký tự, vượt quá giới hạn {MAX_NAME_CHARS} ký tự. Hãy rút gọn tên."),
            format!("The name is {n} characters long, more than the limit of {MAX_NAME_CHARS}. Shorten it."),
        ));
    }
    Ok(name)
}

pub(super) fn parse_unit_type(s: &str) -> Result<String, Problem> {
    let unit_type = collapse_whitespace(s);
    if unit_type.chars().count() > MAX_TYPE_CHARS {
        return Err(Problem::new(
            format!(
                "Loại {} quá dài (tối đa {MAX_TYPE_CHARS} ký tự). Hãy chỉ ghi loại đơn vị, ví dụ Thôn, Tổ dân phố, Xã, Phường.",
                quote(s)
            ),
            format!(
                "Type {} is too long (at most {MAX_TYPE_CHARS} characters). Write only the kind of unit, e.g. Thôn, Tổ dân phố, Xã, Phường.",
                quote(s)
            ),
        ));
    }
    Ok(unit_type)
}

/// A non-negative whole number, also as written with thousands separators:
/// "1.234" (Vietnamese), "1,234" (English) or "1 234".
fn parse_count(s: &str) -> Result<i64, Problem> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let (negative, magnitude) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let digits = without_thousands_separators(magnitude).ok_or_else(|| {
        Problem::new(
            format!("{} không phải là số nguyên. Hãy ghi một số nguyên không âm, ví dụ 1234 hoặc 1.234.", quote(s)),
            format!("{} is not a whole number. Write a non-negative whole number, e.g. 1234 or 1,234.", quote(s)),
        )
    })?;
    let too_large = || {
        Problem::new(
            format!("Số {} quá lớn. Hãy kiểm tra lại số liệu.", quote(s)),
            format!("The number {} is too large. Check the figure.", quote(s)),
        )
    };
    let n: i64 = digits.parse().map_err(|_| too_large())?;
    if negative && n > 0 {
        return Err(Problem::new(
            format!("Số {} bị âm. Hãy ghi một số từ 0 trở lên.", quote(s)),
            format!("The number {} is negative. Write 0 or more.", quote(s)),
        ));
    }
    if n > MAX_COUNT {
        return Err(too_large());
    }
    Ok(n)
}

/// "1.234.567" or "1,234,567" → "1234567"; `None` unless digits grouped by
/// threes with one kind of separator (so "12.5" is not taken for 125).
fn without_thousands_separators(s: &str) -> Option<String> {
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if all_digits(s) {
        return Some(s.to_owned());
    }
    let separator = if s.contains('.') { '.' } else { ',' };
    let mut groups = s.split(separator);
    let first = groups.next().filter(|g| all_digits(g) && g.len() <= 3)?;
    let mut out = first.to_owned();
    let mut any = false;
    for group in groups {
        if group.len() != 3 || !all_digits(group) {
            return None;
        }
        out.push_str(group);
        any = true;
    }
    any.then_some(out)
}

/// A tax code: 10 digits, or 13 for a branch, written "0123456789-001".
fn parse_tax_code(s: &str) -> Result<String, Problem> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let digits: String = compact.chars().filter(|&c| c != '-').collect();
    let dashes = compact.len() - digits.len();
    let dash_ok = dashes == 0 || (dashes == 1 && compact.find('-') == Some(10));
    if digits.bytes().all(|b| b.is_ascii_digit()) && dash_ok {
        match digits.len() {
            10 if dashes == 0 => return Ok(digits),
            13 => return Ok(format!("{}-{}", &digits[..10], &digits[10..])),
            _ => {}
        }
    }
    Err(Problem::new(
        format!(
            "Mã số thuế {} không hợp lệ: cần 10 chữ số, hoặc 13 chữ số dạng 0123456789-001. Nếu Excel đã bỏ số 0 ở đầu, hãy định dạng cột là Văn bản (Text) rồi nhập lại.",
            quote(s)
        ),
        format!(
            "Tax code {} is invalid: it has 10 digits, or 13 written 0123456789-001. If Excel dropped a leading zero, format the column as Text and type it again.",
            quote(s)
        ),
    ))
}

/// Matches a value against an enum's identifiers, Vietnamese labels and
/// extra aliases, ignoring case, diacritics and "_" versus " ".
pub(super) fn choose<T: Copy>(
    s: &str,
    all: &[T],
    names: impl Fn(T) -> [&'static str; 2],
    aliases: &[(&str, T)],
) -> Option<T> {
    let key = |s: &str| fold(&s.replace('_', " "));
    let wanted = key(s);
    let named = all.iter().flat_map(|&v| names(v).map(|n| (n, v)));
    named.chain(aliases.iter().copied()).find(|(n, _)| key(n) == wanted).map(|(_, v)| v)
}

fn choice_problem<T: Copy>(column: &str, s: &str, all: &[T], names: impl Fn(T) -> [&'static str; 2]) -> Problem {
    let vi: Vec<&str> = all.iter().map(|&v| names(v)[1]).collect();
    let en: Vec<String> = all.iter().map(|&v| format!("{} ({})", names(v)[1], names(v)[0])).collect();
    Problem::new(
        format!("{column} {} không hợp lệ. Hãy chọn một trong: {}.", quote(s), vi.join("; ")),
        format!("{column} {} is not recognised. Use one of: {}.", quote(s), en.join("; ")),
    )
}

fn parse_enterprise_size(s: &str) -> Result<EnterpriseSize, Problem> {
    let names = |v: EnterpriseSize| [v.as_str(), v.label_vi()];
    choose(s, EnterpriseSize::ALL, names, &[]).ok_or_else(|| choice_problem("Quy mô", s, EnterpriseSize::ALL, names))
}

fn parse_school_level(s: &str) -> Result<SchoolLevel, Problem> {
    const ALIASES: &[(&str, SchoolLevel)] = &[
        ("mẫu giáo", SchoolLevel::Preschool),
        ("nhà trẻ", SchoolLevel::Preschool),
        ("THCS", SchoolLevel::LowerSecondary),
        ("THPT", SchoolLevel::UpperSecondary),
        ("GDTX", SchoolLevel::Continuing),
        ("trung cấp", SchoolLevel::Vocational),
        ("đại học", SchoolLevel::Higher),
        ("cao đẳng", SchoolLevel::Higher),
    ];
    let names = |v: SchoolLevel| [v.as_str(), v.label_vi()];
    choose(s, SchoolLevel::ALL, names, ALIASES).ok_or_else(|| choice_problem("Cấp học", s, SchoolLevel::ALL, names))
}

fn parse_url(s: &str) -> Result<String, Problem> {
    if s.chars().count() > MAX_URL_CHARS {
        return Err(Problem::new(
            format!("Địa chỉ trang quá dài (tối đa {MAX_URL_CHARS} ký tự). Hãy dùng địa chỉ ngắn gọn của trang."),
            format!("The page address is too long (at most {MAX_URL_CHARS} characters). Use the page's short address."),
        ));
    }
    // Spaces inside are refused here (the url crate would escape them): a pasted cell with two addresses.
    match crate::link::HttpUrl::parse(s) {
        Ok(url) if !s.chars().any(char::is_whitespace) => Ok(url.into_string()),
        _ => Err(Problem::new(
            format!(
                "Địa chỉ trang {} không hợp lệ: cần địa chỉ đầy đủ, bắt đầu bằng http:// hoặc https:// và không có dấu cách, ví dụ https://www.facebook.com/tentrang.",
                quote(s)
            ),
            format!(
                "Page address {} is invalid: it must be a full address starting with http:// or https://, without spaces, e.g. https://www.facebook.com/pagename.",
                quote(s)
            ),
        )),
    }
}

/// Why a date was refused.
enum DateProblem {
    Format,
    NoSuchMonth(u32),
    NoSuchDay { day: u32, month: u32, year: i32 },
    OutOfRange,
}

/// Parses a date written dd/mm/yyyy or d/m/yyyy (also with "-" or "."),
/// yyyy-mm-dd, or as an Excel serial number (days since 1899-12-30, what a
/// date cell becomes when a sheet is saved as CSV without formatting).
/// Only years 1945 to 2100 are accepted.
pub fn parse_date(s: &str) -> Option<Date> {
    parse_date_detail(s).ok()
}

fn parse_date_detail(s: &str) -> Result<Date, DateProblem> {
    let s = s.trim();
    let number = |p: &str| {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let date = if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
        // 5 digits cover the whole accepted range (16438 to 73415).
        let days = s.parse::<u64>().map_err(|_| DateProblem::Format)?;
        Date::from_ymd_opt(1899, 12, 30)
            .and_then(|epoch| epoch.checked_add_days(Days::new(days)))
            .ok_or(DateProblem::OutOfRange)?
    } else {
        let separator = s.chars().find(|c| matches!(c, '/' | '-' | '.')).ok_or(DateProblem::Format)?;
        let parts: Vec<&str> = s.split(separator).collect();
        let [a, b, c] = parts[..] else {
            return Err(DateProblem::Format);
        };
        let (year, month, day) = match (a.len(), b.len(), c.len()) {
            (4, 1..=2, 1..=2) => (a, b, c),
            (1..=2, 1..=2, 4) => (c, b, a),
            _ => return Err(DateProblem::Format),
        };
        let (Some(year), Some(month), Some(day)) = (number(year), number(month), number(day)) else {
            return Err(DateProblem::Format);
        };
        let year = year as i32;
        if !(1..=12).contains(&month) {
            return Err(DateProblem::NoSuchMonth(month));
        }
        Date::from_ymd_opt(year, month, day).ok_or(DateProblem::NoSuchDay { day, month, year })?
    };
    if YEARS.contains(&date.year()) { Ok(date) } else { Err(DateProblem::OutOfRange) }
}

fn parse_date_problem(s: &str) -> Result<Date, Problem> {
    parse_date_detail(s).map_err(|problem| {
        let v = quote(s);
        match problem {
            DateProblem::Format => Problem::new(
                format!("Ngày {v} không đúng định dạng. Hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/01/2020."),
                format!("Date {v} is not in a recognised format. Write it as day/month/year, e.g. 05/01/2020."),
            ),
            DateProblem::NoSuchMonth(month) => Problem::new(
                format!("Ngày {v} không tồn tại: không có tháng {month}. Hãy ghi ngày trước, tháng sau (ngày/tháng/năm)."),
                format!("Date {v} does not exist: there is no month {month}. Write the day first, then the month (day/month/year)."),
            ),
            DateProblem::NoSuchDay { day, month, year } => Problem::new(
                format!("Ngày {v} không tồn tại: tháng {month} năm {year} không có ngày {day}. Hãy kiểm tra lại ngày và tháng."),
                format!("Date {v} does not exist: month {month} of {year} has no day {day}. Check the day and month."),
            ),
            DateProblem::OutOfRange => Problem::new(
                format!("Ngày {v} nằm ngoài khoảng cho phép (từ năm {} đến năm {}). Hãy kiểm tra lại năm.", YEARS.start(), YEARS.end()),
                format!("Date {v} is outside the accepted range (years {} to {}). Check the year.", YEARS.start(), YEARS.end()),
            ),
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::import::read_table;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn date(y: i32, m: u32, d: u32) -> Date {
        Date::from_ymd_opt(y, m, d).unwrap()
    }

    fn table(kind: TemplateKind, rows: &[&[&str]]) -> Table {
        Table {
            headers: kind.columns().iter().map(|c| c.header_vi.to_owned()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| Row { line: i + 4, cells: cells.iter().map(|c| c.to_string()).collect() })
                .collect(),
        }
    }

    fn single_error(kind: TemplateKind, cells: &[&str]) -> RowError {
        let report = parse_rows(kind, &table(kind, &[cells]));
        assert!(report.rows.is_empty());
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        report.errors.into_iter().next().unwrap()
    }

    #[test]
    fn parses_a_good_village() {
        let report = parse_rows(
            TemplateKind::Villages,
            &table(
                TemplateKind::Villages,
                &[&["7210", " Thôn  Đồng Kỵ ", "Thôn", "1.234", "4 321", "https://facebook.com/dongky", "05/01/2020"]],
            ),
        );
        assert_eq!(report.errors, []);
        assert_eq!(
            report.rows,
            [ImportRow {
                line: 4,
                commune_code: "07210".into(),
                name: "Thôn Đồng Kỵ".into(),
                unit_type: Some("Thôn".into()),
                households: Some(1234),
                population: Some(4321),
                tax_code: None,
                enterprise_size: None,
                school_level: None,
                official_page: Some("https://facebook.com/dongky".into()),
                valid_from: Some(date(2020, 1, 5)),
            }]
        );
    }

    #[test]
    fn one_bad_row_among_good_ones_from_a_csv_file() {
        let csv = "Mã xã/phường,Tên doanh nghiệp,Mã số thuế,Quy mô\n\
                   07210,Công ty A,0100109106,Nhỏ\n\
                   07210,Công ty B,0100109106001,medium\n\
                   07210,Công ty C,12345,Rất lớn\n\
                   07210,Công ty D,,SIEU NHO\n";
        let kind = TemplateKind::Enterprises;
        let report = parse_rows(kind, &read_table(csv.as_bytes(), kind.columns()).unwrap());
        let lines: Vec<usize> = report.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 5]);
        assert_eq!(report.rows[1].tax_code.as_deref(), Some("0100109106-001"));
        assert_eq!(report.rows[1].enterprise_size, Some(EnterpriseSize::Medium));
        assert_eq!(report.rows[2].enterprise_size, Some(EnterpriseSize::Micro));
        let columns: Vec<(usize, Option<&str>)> = report.errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(columns, [(4, Some("Mã số thuế")), (4, Some("Quy mô"))]);
        assert!(report.errors[1].message_vi.contains("Siêu nhỏ; Nhỏ; Vừa; Lớn"));
        assert!(report.errors[1].message_en.contains("Vừa (medium)"));
    }

    #[test]
    fn required_fields() {
        let e = single_error(TemplateKind::Agencies, &["07210", "", "", ""]);
        assert_eq!((e.line, e.column.as_deref()), (4, Some("Tên cơ quan")));
        assert_eq!(e.message_vi, "Thiếu Tên cơ quan. Hãy điền Tên cơ quan cho dòng này.");
        let e = single_error(TemplateKind::Schools, &["07210", "Trường THCS Đông Phong", "", "", ""]);
        assert_eq!(e.column.as_deref(), Some("Cấp học"));
        let e = single_error(TemplateKind::Enterprises, &["07210", "Công ty A", "", "", "", ""]);
        assert_eq!(e.column.as_deref(), Some("Quy mô"));
    }

    #[test]
    fn commune_codes() {
        assert_eq!(parse_commune_code("07210").ok(), Some("07210".into()));
        assert_eq!(parse_commune_code("4").ok(), Some("00004".into()));
        assert!(parse_commune_code("072100").is_err());
        assert!(parse_commune_code("7210.5").is_err());
        let e = single_error(TemplateKind::Agencies, &["xã Đông Phong", "UBND xã", "", ""]);
        assert!(e.message_vi.contains("5 chữ số"), "{}", e.message_vi);
        assert!(e.message_en.contains("5 digits"));
    }

    #[test]
    fn counts() {
        let ok = |s| parse_count(s).ok();
        assert_eq!(ok("0"), Some(0));
        assert_eq!(ok("1.234"), Some(1234));
        assert_eq!(ok("1,234,567"), Some(1_234_567));
        assert_eq!(ok("1 234"), Some(1234));
        assert_eq!(ok("1\u{a0}234"), Some(1234));
        assert_eq!(ok("-0"), Some(0));
        for bad in ["-5", "12.5", "1.23", "1.234,5", ",123", "1..234", "abc", "99999999999999999999", "1000000001"] {
            assert_eq!(ok(bad), None, "{bad}");
        }
        assert!(parse_count("-5").err().unwrap().vi.contains("bị âm"));
    }

    #[test]
    fn population_not_below_households() {
        let e = single_error(TemplateKind::Villages, &["07210", "Thôn A", "", "300", "200", "", ""]);
        assert_eq!(e.column.as_deref(), Some("Số nhân khẩu"));
        assert!(e.message_vi.contains("nhỏ hơn số hộ"));
    }

    #[test]
    fn tax_codes() {
        let ok = |s| parse_tax_code(s).ok();
        assert_eq!(ok("0100109106"), Some("0100109106".into()));
        assert_eq!(ok("0100109106-001"), Some("0100109106-001".into()));
        assert_eq!(ok("0100109106 - 001"), Some("0100109106-001".into()));
        assert_eq!(ok("0100109106001"), Some("0100109106-001".into()));
        for bad in ["100109106", "0100109106-01", "01001-09106001", "0100109106-", "abcdefghij", "-0100109106"] {
            assert_eq!(ok(bad), None, "{bad}");
        }
    }

    #[test]
    fn enum_labels_are_matched_loosely() {
        for &size in EnterpriseSize::ALL {
            assert_eq!(parse_enterprise_size(size.as_str()).ok(), Some(size));
            assert_eq!(parse_enterprise_size(&fold(size.label_vi())).ok(), Some(size));
            assert_eq!(parse_enterprise_size(&size.label_vi().to_uppercase()).ok(), Some(size));
        }
        for &level in SchoolLevel::ALL {
            assert_eq!(parse_school_level(level.as_str()).ok(), Some(level));
            assert_eq!(parse_school_level(level.label_vi()).ok(), Some(level));
        }
        assert_eq!(parse_school_level("thcs").ok(), Some(SchoolLevel::LowerSecondary));
        assert_eq!(parse_school_level("THPT").ok(), Some(SchoolLevel::UpperSecondary));
        assert_eq!(parse_school_level("Mẫu giáo").ok(), Some(SchoolLevel::Preschool));
        assert_eq!(parse_school_level("lower secondary").ok(), Some(SchoolLevel::LowerSecondary));
        assert!(parse_school_level("trường làng").is_err());
    }

    #[test]
    fn urls() {
        assert!(parse_url("https://www.facebook.com/x").is_ok());
        assert!(parse_url("HTTP://example.vn").is_ok());
        for bad in ["facebook.com/x", "https://", "https:///x", "https://a b", "ftp://x", "javascript:alert(1)"] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
        assert!(parse_url(&format!("https://x.vn/{}", "a".repeat(500))).is_err());
    }

    #[test]
    fn names_are_limited() {
        let long = "a".repeat(201);
        let e = single_error(TemplateKind::Agencies, &["07210", &long, "", ""]);
        assert!(e.message_vi.contains("201 ký tự"));
        assert!(parse_name(&"ồ".repeat(200)).is_ok());
    }

    #[test]
    fn duplicates_are_reported_on_the_second_line() {
        let kind = TemplateKind::Villages;
        let report = parse_rows(
            kind,
            &table(kind, &[&["07210", "Thôn Đồng Kỵ"], &["07211", "Thôn Đồng Kỵ"], &["7210", "thôn đồng  ky"]]),
        );
        assert_eq!(report.rows.len(), 2);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].line, 6);
        assert!(report.errors[0].message_vi.starts_with("Trùng với dòng 4"));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("05/01/2020"), Some(date(2020, 1, 5)));
        assert_eq!(parse_date("5/1/2020"), Some(date(2020, 1, 5)));
        assert_eq!(parse_date("05-01-2020"), Some(date(2020, 1, 5)));
        assert_eq!(parse_date("05.01.2020"), Some(date(2020, 1, 5)));
        assert_eq!(parse_date("2020-01-05"), Some(date(2020, 1, 5)));
        assert_eq!(parse_date("43835"), Some(date(2020, 1, 5)));
        assert_eq!(parse_date(" 01/01/1945 "), Some(date(1945, 1, 1)));
        assert_eq!(parse_date("31/12/2100"), Some(date(2100, 12, 31)));
        assert_eq!(parse_date("29/02/2024"), Some(date(2024, 2, 29)));
        for bad in [
            "31/12/1944",
            "01/01/2101",
            "31/02/2025",
            "29/02/2025",
            "05/13/2020",
            "2020",
            "5/1/20",
            "05/01-2020",
            "",
            "1/1/1/2020",
            "0/1/2020",
            "99999",
            "05/01/+020",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn date_messages_explain_the_problem() {
        let message = |s| parse_date_problem(s).err().unwrap();
        let p = message("31/02/2025");
        assert!(p.vi.contains("không tồn tại: tháng 2 năm 2025 không có ngày 31"), "{}", p.vi);
        assert!(p.en.contains("month 2 of 2025 has no day 31"));
        assert!(message("12/25/2024").vi.contains("không có tháng 25"));
        assert!(message("01/01/1900").vi.contains("từ năm 1945 đến năm 2100"));
        assert!(message("hôm qua").vi.contains("ví dụ 05/01/2020"));
        let e = single_error(TemplateKind::Agencies, &["07210", "UBND xã", "", "31/02/2025"]);
        assert_eq!(e.column.as_deref(), Some("Ngày thành lập"));
    }

    #[test]
    fn missing_columns_in_the_table_are_empty_cells() {
        let table = Table {
            headers: vec!["Tên cơ quan".into(), "Mã xã/phường".into()],
            rows: vec![Row { line: 2, cells: vec!["UBND xã".into(), "07210".into()] }],
        };
        let report = parse_rows(TemplateKind::Agencies, &table);
        assert_eq!(report.rows[0].commune_code, "07210");
        let report = parse_rows(TemplateKind::Schools, &table);
        let columns: Vec<Option<&str>> = report.errors.iter().map(|e| e.column.as_deref()).collect();
        assert_eq!(columns, [Some("Tên trường"), Some("Cấp học")]);
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[0-9]{1,6}",
            "[0-9]{1,3}([.,][0-9]{3}){0,2}",
            "-?[0-9]{1,4}",
            "[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}",
            "https?://[a-z./]{0,8}",
            "(Nhỏ|Vừa|THCS|medium|Mầm non)",
            "Thôn [A-C]",
            "\\PC{0,30}",
            ".{0,10}",
        ]
    }

    proptest! {
        #[test]
        fn date_round_trips(offset in 0u64..56_978, style in 0usize..4) {
            let d = date(1945, 1, 1).checked_add_days(Days::new(offset)).unwrap();
            let serial = (d - date(1899, 12, 30)).num_days();
            let text = match style {
                0 => d.format("%d/%m/%Y").to_string(),
                1 => d.format("%-d/%-m/%Y").to_string(),
                2 => d.format("%Y-%m-%d").to_string(),
                _ => serial.to_string(),
            };
            prop_assert_eq!(parse_date(&text), Some(d));
        }

        #[test]
        fn every_row_is_accounted_for(
            kind in proptest::sample::select(TemplateKind::ALL),
            rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..9), 0..12),
        ) {
            let table = Table {
                headers: kind.columns().iter().map(|c| c.header_vi.to_owned()).collect(),
                rows: rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, cells)| Row { line: i + 4, cells })
                    .collect(),
            };
            let report = parse_rows(kind, &table);
            let ok: BTreeSet<usize> = report.rows.iter().map(|r| r.line).collect();
            let bad: BTreeSet<usize> = report.errors.iter().map(|e| e.line).collect();
            prop_assert_eq!(ok.len(), report.rows.len());
            prop_assert!(ok.is_disjoint(&bad));
            let all: BTreeSet<usize> = table.rows.iter().map(|r| r.line).collect();
            prop_assert_eq!(ok.union(&bad).copied().collect::<BTreeSet<_>>(), all);
            for e in &report.errors {
                prop_assert!(!e.message_vi.is_empty() && !e.message_en.is_empty());
            }
        }
    }
}
