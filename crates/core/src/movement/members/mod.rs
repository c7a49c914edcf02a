//! Bulk lists for the registries, read by [`crate::import::read_table`]:
//! an initiative's members, counted per village with households
//! de-duplicated by a key (target 2.9c), and people (training attendees,
//! outreach officers, staff) with their role (targets 2.3–2.5).
//!
//! Minimal data: only the columns below are read. Phone numbers, ID-card
//! numbers and birth dates in the same file are never looked at, and a
//! household's description is reduced to a hash.

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet,
    XlsxError,
};
use sha2::{Digest, Sha256};

use crate::import::{Cells, Column, Fields, ImportError, Problem, RowError, Table, collapse_whitespace, quote};
use crate::targets::PersonRole;
use crate::text::fold;

/// Longest accepted name or position, in characters.
const MAX_NAME_CHARS: usize = 200;
/// Longest accepted unit or village code, in characters.
const MAX_CODE_CHARS: usize = 40;
/// Longest accepted household description, in characters.
const MAX_HOUSEHOLD_CHARS: usize = 300;
/// The programme runs 2024–2030; earlier or later years are typing mistakes.
const YEARS: RangeInclusive<i32> = 2000..=2100;

const FULL_NAME: Column = Column {
    key: "full_name",
    header_vi: "Họ và tên",
    aliases: &["họ tên", "họ và tên thành viên", "tên thành viên", "full name", "name"],
    required: true,
};

/// The columns of a member list, in template order.
pub const MEMBER_COLUMNS: &[Column] = &[
    FULL_NAME,
    Column {
        key: "village_code",
        header_vi: "Mã thôn",
        aliases: &["thôn", "mã thôn, tổ dân phố", "mã thôn/tổ dân phố", "mã tổ dân phố", "village code"],
        required: true,
    },
    Column {
        key: "household",
        header_vi: "Hộ gia đình",
        aliases: &["chủ hộ", "địa chỉ hộ", "hộ", "tên chủ hộ", "household"],
        required: true,
    },
    Column {
        key: "joined_year",
        header_vi: "Năm tham gia",
        aliases: &["năm bắt đầu tham gia", "năm vào", "joined"],
        required: true,
    },
    Column {
        key: "left_year", header_vi: "Năm rời", aliases: &["năm rời khỏi", "năm ra", "left"], required: false
    },
];

/// The columns of a people list, in template order.
pub const PEOPLE_COLUMNS: &[Column] = &[
    FULL_NAME,
    Column { key: "unit_code", header_vi: "Mã đơn vị", aliases: &["mã cơ quan", "unit code"], required: true },
    Column { key: "role", header_vi: "Vai trò", aliases: &["vai trò đăng ký", "role"], required: true },
    Column { key: "position", header_vi: "Chức vụ", aliases: &["chức danh", "position"], required: false },
    Column { key: "year", header_vi: "Năm", aliases: &["năm đăng ký", "từ năm", "year"], required: true },
];

/// One valid row of a member list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub line: usize,
    /// As written, inner whitespace collapsed; the store resolves it.
    pub village_code: String,
    pub full_name: String,
    /// [`household_key`] of the village code and the household as written.
    pub household: u64,
    pub joined_year: i32,
    pub left_year: Option<i32>,
}

/// The outcome of [`parse_members`]: each data row is either in `records`
/// or has one or more `errors` (ordered by line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MembersReport {
    pub records: Vec<MemberRecord>,
    pub errors: Vec<RowError>,
    /// Distinct (village, household) pairs among the records.
    pub households: usize,
}

/// One valid row of a people list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub line: usize,
    /// As written, inner whitespace collapsed; the store resolves it.
    pub unit_code: String,
    pub full_name: String,
    pub role: PersonRole,
    pub position: Option<String>,
    /// First year on the registry.
    pub year: i32,
}

/// The outcome of [`parse_people`], as [`MembersReport`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleReport {
    pub records: Vec<PersonRecord>,
    pub errors: Vec<RowError>,
}

/// A household's key: the first 8 bytes (big-endian) of the SHA-256 of the
/// trimmed village code, U+001F, and the household's description folded
/// (case, diacritics) with punctuation and spacing reduced to single spaces.
/// "Nguyễn Văn A, số 12" and "nguyen van a  so 12" are one household.
pub fn household_key(village_code: &str, household: &str) -> u64 {
    let digest = Sha256::new()
        .chain_update(village_code.trim())
        .chain_update("\u{1f}")
        .chain_update(household_words(household))
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The folded words and numbers of a household's description.
fn household_words(household: &str) -> String {
    let folded = fold(household);
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Validates every row of a member list read with [`MEMBER_COLUMNS`].
pub fn parse_members(table: &Table) -> MembersReport {
    let cells = Cells::new(MEMBER_COLUMNS, table);
    let mut report = MembersReport::default();
    let mut seen: HashMap<(String, String, u64), usize> = HashMap::new();
    let mut households: HashSet<(String, u64)> = HashSet::new();
    for row in &table.rows {
        let cell = |key: &str| cells.get(row, key);
        let mut fields = Fields::new(row.line);
        let full_name = fields.get(cell("full_name"), parse_name);
        let village_code = fields.get(cell("village_code"), parse_code);
        let household_text = fields.get(cell("household"), parse_household);
        let joined_year = fields.get(cell("joined_year"), parse_year);
        let left_year = fields.get(cell("left_year"), parse_year);

        if let (Some(joined), Some(left), Some((column, _))) = (joined_year, left_year, cell("left_year"))
            && left < joined
        {
            fields.errors.push(
                Problem::new(
                    format!("Năm rời ({left}) trước năm tham gia ({joined}). Hãy kiểm tra lại hai cột này."),
                    format!("The year left ({left}) is before the year joined ({joined}). Check these two columns."),
                )
                .at(row.line, column),
            );
        }
        let household = village_code.as_deref().zip(household_text.as_deref()).map(|(v, h)| household_key(v, h));
        // Duplicates are reported even if the row has other problems, so the
        // user sees them in the same round of corrections.
        if let (Some(village), Some(name), Some(household), Some((column, _))) =
            (&village_code, &full_name, household, cell("full_name"))
        {
            let first = *seen.entry((village.clone(), fold(name), household)).or_insert(row.line);
            if first != row.line {
                fields.errors.push(
                    Problem::new(
                        format!(
                            "Trùng với dòng {first}: {} cùng hộ, cùng thôn {} đã có trong tệp. Hãy xóa dòng trùng.",
                            quote(name),
                            quote(village)
                        ),
                        format!(
                            "Duplicate of line {first}: {} of the same household in village {} is already in the file. Delete the duplicate row.",
                            quote(name),
                            quote(village)
                        ),
                    )
                    .at(row.line, column),
                );
            }
        }

        match (full_name, village_code, household, joined_year) {
            (Some(full_name), Some(village_code), Some(household), Some(joined_year)) if fields.errors.is_empty() => {
                households.insert((village_code.clone(), household));
                report.records.push(MemberRecord {
                    line: row.line,
                    village_code,
                    full_name,
                    household,
                    joined_year,
                    left_year,
                });
            }
            _ => report.errors.append(&mut fields.errors),
        }
    }
    report.households = households.len();
    report
}

/// Validates every row of a people list read with [`PEOPLE_COLUMNS`].
pub fn parse_people(table: &Table) -> PeopleReport {
    let cells = Cells::new(PEOPLE_COLUMNS, table);
    let mut report = PeopleReport::default();
    let mut seen: HashMap<(String, String, PersonRole), usize> = HashMap::new();
    for row in &table.rows {
        let cell = |key: &str| cells.get(row, key);
        let mut fields = Fields::new(row.line);
        let full_name = fields.get(cell("full_name"), parse_name);
        let unit_code = fields.get(cell("unit_code"), parse_code);
        let role = fields.get(cell("role"), parse_role);
        let position = fields.get(cell("position"), parse_name);
        let year = fields.get(cell("year"), parse_year);

        // Someone with two roles is listed once per role; twice in one role is a mistake.
        if let (Some(unit), Some(name), Some(role), Some((column, _))) =
            (&unit_code, &full_name, role, cell("full_name"))
        {
            let first = *seen.entry((unit.clone(), fold(name), role)).or_insert(row.line);
            if first != row.line {
                fields.errors.push(
                    Problem::new(
                        format!(
                            "Trùng với dòng {first}: {} với vai trò «{}» ở đơn vị {} đã có trong tệp. Hãy xóa dòng trùng.",
                            quote(name),
                            role.label_vi(),
                            quote(unit)
                        ),
                        format!(
                            "Duplicate of line {first}: {} as {} in unit {} is already in the file. Delete the duplicate row.",
                            quote(name),
                            role.as_str(),
                            quote(unit)
                        ),
                    )
                    .at(row.line, column),
                );
            }
        }

        match (full_name, unit_code, role, year) {
            (Some(full_name), Some(unit_code), Some(role), Some(year)) if fields.errors.is_empty() => {
                report.records.push(PersonRecord { line: row.line, unit_code, full_name, role, position, year });
            }
            _ => report.errors.append(&mut fields.errors),
        }
    }
    report
}

/// A person's name or position, inner whitespace collapsed.
fn parse_name(s: &str) -> Result<String, Problem> {
    let name = collapse_whitespace(s);
    let n = name.chars().count();
    if n > MAX_NAME_CHARS {
        return Err(Problem::new(
            format!("Nội dung dài {n} ký tự, vượt quá giới hạn {MAX_NAME_CHARS} ký tự. Hãy rút gọn."),
            format!("The text is {n} characters long, more than the limit of {MAX_NAME_CHARS}. Shorten it."),
        ));
    }
    Ok(name)
}

fn parse_code(s: &str) -> Result<String, Problem> {
    // A template's drop-down offers "code · name"; the code is what counts.
    let code = crate::org::codes::code_of_label(&collapse_whitespace(s)).to_string();
    if code.chars().count() > MAX_CODE_CHARS {
        return Err(Problem::new(
            format!(
                "Mã {} quá dài (tối đa {MAX_CODE_CHARS} ký tự). Hãy ghi mã như trong danh mục đơn vị của hệ thống, không ghi tên.",
                quote(s)
            ),
            format!(
                "Code {} is too long (at most {MAX_CODE_CHARS} characters). Write the code from the system's list of units, not the name.",
                quote(s)
            ),
        ));
    }
    Ok(code)
}

/// A household as written (the key is made from it and the village).
fn parse_household(s: &str) -> Result<String, Problem> {
    if s.chars().count() > MAX_HOUSEHOLD_CHARS {
        return Err(Problem::new(
            format!("Hộ gia đình ghi quá dài (tối đa {MAX_HOUSEHOLD_CHARS} ký tự). Chỉ cần tên chủ hộ và số nhà."),
            format!(
                "The household is too long (at most {MAX_HOUSEHOLD_CHARS} characters). The head of household's name and the house number are enough."
            ),
        ));
    }
    if household_words(s).is_empty() {
        return Err(Problem::new(
            format!(
                "Hộ gia đình {} không có chữ hoặc số. Hãy ghi tên chủ hộ và số nhà, ví dụ «Nguyễn Văn An, số 12».",
                quote(s)
            ),
            format!(
                "Household {} has no letters or digits. Write the head of household's name and the house number, e.g. \"Nguyễn Văn An, số 12\".",
                quote(s)
            ),
        ));
    }
    Ok(s.to_owned())
}

fn parse_year(s: &str) -> Result<i32, Problem> {
    match s.trim().parse::<i32>() {
        Ok(year) if YEARS.contains(&year) => Ok(year),
        _ => Err(Problem::new(
            format!(
                "Năm {} không hợp lệ. Hãy ghi năm bằng 4 chữ số, từ {} đến {}, ví dụ 2025.",
                quote(s),
                YEARS.start(),
                YEARS.end()
            ),
            format!(
                "Year {} is invalid. Write a 4-digit year from {} to {}, e.g. 2025.",
                quote(s),
                YEARS.start(),
                YEARS.end()
            ),
        )),
    }
}

/// A role by its identifier, its Vietnamese label or a usual short name,
/// ignoring case, diacritics and "_" versus " ".
fn parse_role(s: &str) -> Result<PersonRole, Problem> {
    const ALIASES: &[(&str, PersonRole)] = &[
        ("báo cáo viên", PersonRole::LegalReporter),
        ("tuyên truyền viên", PersonRole::LegalPropagandist),
        ("người đứng đầu", PersonRole::InitiativeLeader),
        ("ban quản trị", PersonRole::InitiativeAdmin),
        ("quản trị viên", PersonRole::InitiativeAdmin),
        ("cán bộ chủ chốt xã", PersonRole::CommuneKeyOfficial),
        ("cán bộ chủ chốt thôn", PersonRole::VillageKeyOfficial),
    ];
    let key = |s: &str| fold(&s.replace('_', " "));
    let wanted = key(s);
    let named = PersonRole::ALL.iter().flat_map(|&r| [(r.as_str(), r), (r.label_vi(), r)]);
    named.chain(ALIASES.iter().copied()).find(|(name, _)| key(name) == wanted).map(|(_, role)| role).ok_or_else(|| {
        let labels: Vec<&str> = PersonRole::ALL.iter().map(|r| r.label_vi()).collect();
        let codes: Vec<String> = PersonRole::ALL.iter().map(|r| format!("{} ({})", r.label_vi(), r.as_str())).collect();
        Problem::new(
            format!("Vai trò {} không hợp lệ. Hãy chọn một trong: {}.", quote(s), labels.join("; ")),
            format!("Role {} is not recognised. Use one of: {}.", quote(s), codes.join("; ")),
        )
    })
}

/// Which list a template is for.
#[derive(Clone, Copy)]
enum List {
    Members,
    People,
}

impl List {
    fn columns(self) -> &'static [Column] {
        match self {
            List::Members => MEMBER_COLUMNS,
            List::People => PEOPLE_COLUMNS,
        }
    }

    fn title_vi(self) -> &'static str {
        match self {
            List::Members => "MẪU NHẬP DANH SÁCH THÀNH VIÊN MÔ HÌNH",
            List::People => "MẪU NHẬP DANH SÁCH CÁN BỘ, NGƯỜI ĐƯỢC TẬP HUẤN, BÁO CÁO VIÊN, TUYÊN TRUYỀN VIÊN",
        }
    }

    fn what_vi(self) -> &'static str {
        match self {
            List::Members => "thành viên",
            List::People => "người, với một vai trò",
        }
    }

    /// The example row, which must import cleanly.
    fn example(self) -> [&'static str; 5] {
        match self {
            List::Members => ["Nguyễn Văn An", "07210-001", "Nguyễn Văn An, số 12", "2025", ""],
            List::People => {
                ["Trần Thị Bình", "07210", PersonRole::LegalReporter.label_vi(), "Phó Chủ tịch UBND xã", "2025"]
            }
        }
    }
}

/// Guidance for one column, shown as a note on its heading cell.
fn column_hint_vi(column: &Column) -> String {
    let what = match column.key {
        "full_name" => "Họ và tên đầy đủ, tối đa 200 ký tự.".to_owned(),
        "village_code" => "Mã thôn, tổ dân phố như trong danh mục của hệ thống. \
             Cột đã được định dạng văn bản để giữ số 0 ở đầu."
            .to_owned(),
        "household" => "Tên chủ hộ và số nhà, ví dụ «Nguyễn Văn An, số 12». Các thành viên cùng hộ ghi giống nhau \
             (không phân biệt chữ hoa, dấu, dấu câu) để hệ thống đếm mỗi hộ một lần."
            .to_owned(),
        "joined_year" => "Năm bắt đầu tham gia mô hình, 4 chữ số, ví dụ 2025.".to_owned(),
        "left_year" => "Năm rời mô hình, nếu đã rời; không trước năm tham gia.".to_owned(),
        "unit_code" => {
            "Mã đơn vị (xã, phường, cơ quan, doanh nghiệp, cơ sở giáo dục) như trong danh mục của hệ thống. \
             Cột đã được định dạng văn bản để giữ số 0 ở đầu."
                .to_owned()
        }
        "role" => {
            let labels: Vec<&str> = PersonRole::ALL.iter().map(|r| r.label_vi()).collect();
            format!("Chọn một trong: {}. Người có hai vai trò ghi hai dòng.", labels.join("; "))
        }
        "position" => "Chức vụ hiện tại, ví dụ Trưởng thôn.".to_owned(),
        "year" => "Năm bắt đầu có tên trong danh sách, 4 chữ số, ví dụ 2025.".to_owned(),
        _ => String::new(),
    };
    let required = if column.required { "Bắt buộc." } else { "Không bắt buộc." };
    format!("{required} {what}")
}

/// Where the heading row is (0-based), below the title and the note.
const HEADER_ROW: u32 = 2;
/// The last row that data validation covers (Excel's last row).
const LAST_ROW: u32 = 1_048_575;
/// The hidden sheet holding the drop-down list of roles.
const LISTS_SHEET: &str = "Danh mục";

/// The Excel template of a member list: title, guidance, headings (with a
/// note on how to fill each column) and one example row to overwrite.
pub fn members_template_xlsx() -> Result<Vec<u8>, ImportError> {
    build_template(List::Members, &[]).map_err(|e| ImportError::BadXlsx(e.to_string()))
}

/// A village offered in a member template's drop-down list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateVillage {
    pub code: String,
    pub name: String,
    /// What tells it apart from a village of the same name (the commune it
    /// belonged to before), if anything.
    pub hint: Option<String>,
}

/// The member template of one commune or ward: as [`members_template_xlsx`],
/// with its villages listed (code, name, where each was before) on a second
/// sheet and offered as a drop-down in the village column, the example row
/// naming the first of them.
pub fn members_template_for_xlsx(villages: &[TemplateVillage]) -> Result<Vec<u8>, ImportError> {
    build_template(List::Members, villages).map_err(|e| ImportError::BadXlsx(e.to_string()))
}

/// The Excel template of a people list, as [`members_template_xlsx`], with a
/// drop-down list of roles.
pub fn people_template_xlsx() -> Result<Vec<u8>, ImportError> {
    build_template(List::People, &[]).map_err(|e| ImportError::BadXlsx(e.to_string()))
}

/// The villages on the list sheet under a heading row: code, name, where
/// it was before, and the drop-down label (code · name) in column D.
fn write_villages(sheet: &mut Worksheet, villages: &[TemplateVillage]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    sheet.set_column_width(0, 14)?.set_column_width(1, 30)?.set_column_width(2, 30)?.set_column_width(3, 50)?;
    let heads = ["Mã thôn", "Tên thôn, tổ dân phố", "Trước đây thuộc", "Lựa chọn trong danh sách"];
    for (col, head) in (0u16..).zip(heads) {
        sheet.write_string_with_format(0, col, head, &bold)?;
    }
    for (row, v) in (1u32..).zip(villages) {
        sheet.write_string(row, 0, &v.code)?;
        sheet.write_string(row, 1, &v.name)?;
        sheet.write_string(row, 2, v.hint.as_deref().unwrap_or(""))?;
        sheet.write_string(row, 3, crate::org::codes::village_label(&v.code, &v.name, v.hint.as_deref()))?;
    }
    Ok(())
}

fn build_template(list: List, villages: &[TemplateVillage]) -> Result<Vec<u8>, XlsxError> {
    let columns = list.columns();
    let last_col = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let mut sheet = Worksheet::new();
    sheet.set_name("Danh sách")?;

    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    sheet.merge_range(0, 0, 0, last_col, list.title_vi(), &title)?;
    sheet.set_row_height(0, 28)?;

    let required: Vec<&str> = columns.iter().filter(|c| c.required).map(|c| c.header_vi).collect();
    let note = format!(
        "Hướng dẫn: mỗi dòng, từ dòng {first} trở đi, là một {what}. Dòng {first} là ví dụ: hãy ghi đè hoặc xóa trước \
         khi nhập. Không sửa, không xóa dòng tiêu đề (dòng {header}). Cột bắt buộc: {required}. Không ghi số điện \
         thoại, số CCCD, ngày sinh: hệ thống không dùng các thông tin này.",
        first = HEADER_ROW + 2,
        header = HEADER_ROW + 1,
        what = list.what_vi(),
        required = required.join(", "),
    );
    let italic = Format::new().set_italic().set_text_wrap().set_align(FormatAlign::Top);
    sheet.merge_range(1, 0, 1, last_col, &note, &italic)?;
    sheet.set_row_height(1, 62)?;

    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let example = Format::new().set_italic().set_font_color(Color::RGB(0x595959)).set_num_format("@");
    let mut lists = Worksheet::new();
    lists.set_name(LISTS_SHEET)?;
    // The role list is only a drop-down's source; the village list is also read.
    lists.set_hidden(villages.is_empty());
    let mut has_lists = false;

    let first_village = villages.first().map(|v| crate::org::codes::village_label(&v.code, &v.name, v.hint.as_deref()));
    for ((i, column), value) in columns.iter().enumerate().zip(list.example()) {
        let value = match (&first_village, column.key) {
            (Some(label), "village_code") => label.as_str(),
            _ => value,
        };
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        sheet.write_string_with_format(HEADER_ROW, col, column.header_vi, &heading)?;
        sheet.insert_note(HEADER_ROW, col, &Note::new(column_hint_vi(column)).add_author_prefix(false))?;
        sheet.write_string_with_format(HEADER_ROW + 1, col, value, &example)?;
        let width: u16 = match column.key {
            "full_name" | "household" | "role" | "position" => 36,
            _ => 16,
        };
        sheet.set_column_width(col, width)?;
        // Text format keeps the leading zeros Excel would otherwise drop.
        if matches!(column.key, "village_code" | "unit_code") {
            sheet.set_column_format(col, &text)?;
        }
        let validation = match column.key {
            "role" => {
                for (row, role) in PersonRole::ALL.iter().enumerate() {
                    lists.write_string(u32::try_from(row).unwrap_or(u32::MAX), 0, role.label_vi())?;
                }
                has_lists = true;
                let range = format!("='{LISTS_SHEET}'!$A$1:$A${}", PersonRole::ALL.len());
                Some(
                    DataValidation::new()
                        .allow_list_formula(Formula::new(range))
                        .set_error_title("Giá trị không hợp lệ")?
                        .set_error_message("Hãy chọn một vai trò trong danh sách thả xuống.")?,
                )
            }
            "village_code" if !villages.is_empty() => {
                write_villages(&mut lists, villages)?;
                has_lists = true;
                let range = format!("='{LISTS_SHEET}'!$D$2:$D${}", villages.len() + 1);
                Some(
                    DataValidation::new()
                        .allow_list_formula(Formula::new(range))
                        .ignore_blank(true)
                        .set_error_style(rust_xlsxwriter::DataValidationErrorStyle::Warning)
                        .set_error_title("Mã thôn không có trong danh mục")?
                        .set_error_message("Hãy chọn thôn, tổ dân phố trong danh sách thả xuống.")?,
                )
            }
            "joined_year" | "left_year" | "year" => Some(
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::Between(*YEARS.start(), *YEARS.end()))
                    .set_error_title("Năm không hợp lệ")?
                    .set_error_message("Hãy nhập năm bằng 4 chữ số, ví dụ 2025.")?,
            ),
            _ => None,
        };
        if let Some(validation) = validation {
            sheet.add_data_validation(HEADER_ROW + 1, col, LAST_ROW, col, &validation)?;
        }
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;

    let mut workbook = Workbook::new();
    workbook.push_worksheet(sheet);
    if has_lists {
        workbook.push_worksheet(lists);
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests;
