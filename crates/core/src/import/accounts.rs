//! The onboarding list: many accounts at once (the communes and agencies of
//! a province joining), one per row of a spreadsheet read by
//! [`super::read_table`]. Each row names the account (username, display
//! name, role) and the unit it works within, by the unit's code or by its
//! name with its parent's name, never by an internal id. Whether the unit
//! exists, lies in the creator's subtree and whether the role may be given
//! are the store's and the access layer's business, not checked here.

use std::collections::HashMap;

use rust_xlsxwriter::{
    Color, DataValidation, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet, XlsxError,
};

use super::{Cells, Column, Fields, ImportError, Problem, RowError, Table, collapse_whitespace, quote};
use crate::auth::{Role, check_display_name, check_username};
use crate::text::fold;

/// The largest onboarding file read (a province's communes and agencies
/// fit in a few tens of kilobytes); checked before the file is parsed.
pub const MAX_ONBOARDING_BYTES: usize = 1024 * 1024;
/// Accounts in one file: each gets a password hashed with Argon2 before
/// the one transaction that creates them all, so the list is bounded.
pub const MAX_ONBOARDING_ROWS: usize = 300;
/// Longest accepted unit name, in characters.
const MAX_UNIT_CHARS: usize = 200;
/// Longest accepted unit code, in characters.
const MAX_CODE_CHARS: usize = 40;

/// The columns of an onboarding list, in template order.
pub const ACCOUNT_COLUMNS: &[Column] = &[
    Column {
        key: "username",
        header_vi: "Tên đăng nhập",
        aliases: &["tài khoản", "tên tài khoản", "username"],
        required: true,
    },
    Column {
        key: "display_name",
        header_vi: "Họ tên hiển thị",
        aliases: &["họ tên", "họ và tên", "display name", "display_name"],
        required: true,
    },
    Column { key: "role", header_vi: "Vai trò", aliases: &["role"], required: true },
    Column { key: "unit_code", header_vi: "Mã đơn vị", aliases: &["unit code", "unit_code"], required: false },
    Column {
        key: "unit_name", header_vi: "Tên đơn vị", aliases: &["đơn vị", "unit", "unit_name"], required: false
    },
    Column {
        key: "parent_name",
        header_vi: "Đơn vị cấp trên",
        aliases: &["thuộc", "trực thuộc", "parent", "parent_name"],
        required: false,
    },
];

/// The template's example row; a row left as it is is refused, not created.
pub const EXAMPLE: [&str; 6] = ["xa.vidu", "Nguyễn Văn Ví Dụ", "Cán bộ xã/phường", "07210", "", ""];

/// How a row names its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitRef {
    /// The unit's code, as in the system's list of units.
    Code(String),
    /// The unit's name and its parent's (names repeat: "Tổ dân phố số 1").
    Named { name: String, parent: String },
}

impl UnitRef {
    /// As the user wrote it, for the preview.
    pub fn shown(&self) -> String {
        match self {
            UnitRef::Code(code) => code.clone(),
            UnitRef::Named { name, parent } => format!("{name} · {parent}"),
        }
    }
}

/// One valid row of an onboarding list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub line: usize,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit: UnitRef,
}

/// The outcome of [`parse_accounts`]: each data row is either in `records`
/// or has one or more `errors` (ordered by line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountsReport {
    pub records: Vec<AccountRecord>,
    pub errors: Vec<RowError>,
}

/// Validates every row of an onboarding list read with [`ACCOUNT_COLUMNS`].
pub fn parse_accounts(table: &Table) -> AccountsReport {
    let cells = Cells::new(ACCOUNT_COLUMNS, table);
    let mut report = AccountsReport::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let cell = |key: &str| cells.get(row, key);
        let mut fields = Fields::new(row.line);
        let example =
            ACCOUNT_COLUMNS.iter().zip(EXAMPLE).all(|(c, want)| cell(c.key).map(|(_, v)| v).unwrap_or("") == want);
        if let (true, Some((column, _))) = (example, cell("username")) {
            fields.errors.push(
                Problem::new(
                    "Đây là dòng ví dụ của tệp mẫu: hãy ghi đè bằng tài khoản thật hoặc xóa dòng này.",
                    "This is the template's example row: overwrite it with a real account or delete it.",
                )
                .at(row.line, column),
            );
        }
        let username = fields.get(cell("username"), parse_username);
        let display_name = fields.get(cell("display_name"), parse_display_name);
        let role = fields.get(cell("role"), parse_role);
        let code = fields.get(cell("unit_code"), parse_code);
        let unit_name = fields.get(cell("unit_name"), parse_unit_name);
        let parent = fields.get(cell("parent_name"), parse_unit_name);
        let unit = match (code, unit_name, parent) {
            (Some(code), _, _) => Some(UnitRef::Code(code)),
            (None, Some(name), Some(parent)) => Some(UnitRef::Named { name, parent }),
            (None, name, _) => {
                // Blame the column the row is missing.
                let column = if name.is_some() { "parent_name" } else { "unit_code" };
                if let Some((column, _)) = cell(column) {
                    fields.errors.push(
                        Problem::new(
                            "Chưa rõ đơn vị: hãy ghi mã đơn vị, hoặc ghi tên đơn vị cùng tên đơn vị cấp trên \
                             (tên có thể trùng nhau giữa các nơi).",
                            "Which unit? Write the unit's code, or its name together with its parent's name \
                             (names repeat across places).",
                        )
                        .at(row.line, column),
                    );
                }
                None
            }
        };
        if let (Some(name), Some((column, _))) = (&username, cell("username")) {
            let first = *seen.entry(name.clone()).or_insert(row.line);
            if first != row.line {
                fields.errors.push(
                    Problem::new(
                        format!("Trùng với dòng {first}: tên đăng nhập {} đã có trong tệp.", quote(name)),
                        format!("Duplicate of line {first}: username {} is already in the file.", quote(name)),
                    )
                    .at(row.line, column),
                );
            }
        }
        match (username, display_name, role, unit) {
            (Some(username), Some(display_name), Some(role), Some(unit)) if fields.errors.is_empty() => {
                report.records.push(AccountRecord { line: row.line, username, display_name, role, unit });
            }
            _ => report.errors.append(&mut fields.errors),
        }
    }
    report
}

fn parse_username(s: &str) -> Result<String, Problem> {
    check_username(s).map(str::to_owned).map_err(|_| {
        Problem::new(
            format!(
                "Tên đăng nhập {} không hợp lệ: 3–64 ký tự, chữ thường không dấu (a–z), chữ số, dấu chấm, gạch dưới \
                 hoặc gạch ngang. Ví dụ: xa.dapcau",
                quote(s)
            ),
            format!(
                "Username {} is not valid: 3–64 characters, lowercase letters without accents (a–z), digits, dot, \
                 underscore or hyphen. For example: xa.dapcau",
                quote(s)
            ),
        )
    })
}

fn parse_display_name(s: &str) -> Result<String, Problem> {
    let name = collapse_whitespace(s);
    check_display_name(&name).map(str::to_owned).map_err(|_| {
        Problem::new(
            "Họ tên hiển thị dài quá 200 ký tự. Hãy rút gọn.",
            "The display name is longer than 200 characters. Shorten it.",
        )
    })
}

fn parse_code(s: &str) -> Result<String, Problem> {
    // A drop-down may offer "code · name"; the code is what counts.
    let code = crate::org::codes::code_of_label(&collapse_whitespace(s)).to_string();
    if code.chars().count() > MAX_CODE_CHARS {
        return Err(Problem::new(
            format!(
                "Mã {} quá dài (tối đa {MAX_CODE_CHARS} ký tự). Hãy ghi mã như trong danh mục đơn vị của hệ thống, \
                 hoặc để trống và ghi tên đơn vị cùng đơn vị cấp trên.",
                quote(s)
            ),
            format!(
                "Code {} is too long (at most {MAX_CODE_CHARS} characters). Write the code from the system's list \
                 of units, or leave it empty and write the unit's and its parent's names.",
                quote(s)
            ),
        ));
    }
    Ok(code)
}

fn parse_unit_name(s: &str) -> Result<String, Problem> {
    let name = collapse_whitespace(s);
    let n = name.chars().count();
    if n > MAX_UNIT_CHARS {
        return Err(Problem::new(
            format!("Tên đơn vị dài {n} ký tự, vượt quá giới hạn {MAX_UNIT_CHARS} ký tự."),
            format!("The unit's name is {n} characters long, more than the limit of {MAX_UNIT_CHARS}."),
        ));
    }
    Ok(name)
}

/// A role by its label (as the template's drop-down offers it), its
/// identifier, or a short form officials write; accents and case ignored.
pub fn parse_role(s: &str) -> Result<Role, Problem> {
    const SHORT: &[(&str, Role)] = &[
        ("cán bộ xã", Role::CommuneOfficer),
        ("cán bộ phường", Role::CommuneOfficer),
        ("xã", Role::CommuneOfficer),
        ("phường", Role::CommuneOfficer),
        ("cán bộ cơ quan", Role::UnitOfficer),
        ("cán bộ đơn vị", Role::UnitOfficer),
        ("cơ quan", Role::UnitOfficer),
        ("doanh nghiệp", Role::UnitOfficer),
        ("trường học", Role::UnitOfficer),
        ("thường trực", Role::Secretariat),
        ("người đứng đầu", Role::InitiativeLeader),
        ("phân tích", Role::Analyst),
        ("quản trị", Role::SystemAdmin),
    ];
    let key = |s: &str| fold(&s.replace('_', " "));
    let wanted = key(s);
    let named = Role::ALL.iter().flat_map(|&r| [(r.as_str(), r), (r.label_vi(), r)]);
    named.chain(SHORT.iter().copied()).find(|(name, _)| key(name) == wanted).map(|(_, role)| role).ok_or_else(|| {
        let labels: Vec<&str> = Role::ALL.iter().map(|r| r.label_vi()).collect();
        let codes: Vec<String> = Role::ALL.iter().map(|r| format!("{} ({})", r.label_vi(), r.as_str())).collect();
        Problem::new(
            format!("Vai trò {} không hợp lệ. Hãy chọn một trong: {}.", quote(s), labels.join("; ")),
            format!("Role {} is not recognised. Use one of: {}.", quote(s), codes.join("; ")),
        )
    })
}

/// Where the heading row is (0-based), below the title and the note.
const HEADER_ROW: u32 = 2;
/// The last row that data validation covers.
const LAST_ROW: u32 = 1_048_575;
/// The hidden sheet holding the drop-down list of roles.
const LISTS_SHEET: &str = "Danh mục";

/// Guidance for one column, shown as a note on its heading cell.
fn column_hint_vi(column: &Column, roles: &[Role]) -> String {
    let what = match column.key {
        "username" => "3–64 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang. \
             Ví dụ: xa.dapcau. Mỗi tên chỉ dùng một lần."
            .to_owned(),
        "display_name" => "Họ tên người dùng tài khoản, hoặc tên bộ phận, tối đa 200 ký tự.".to_owned(),
        "role" => {
            let labels: Vec<&str> = roles.iter().map(|r| r.label_vi()).collect();
            format!("Chọn trong danh sách thả xuống: {}.", labels.join("; "))
        }
        "unit_code" => "Mã đơn vị (xã, phường, cơ quan…) như trong danh mục của hệ thống. Cột đã được định dạng \
             văn bản để giữ số 0 ở đầu. Nếu không biết mã, để trống và ghi hai cột sau."
            .to_owned(),
        "unit_name" => "Tên đơn vị, khi không ghi mã.".to_owned(),
        "parent_name" => "Tên đơn vị cấp trên (xã, phường hoặc tỉnh), khi ghi tên đơn vị thay cho mã: \
             tên đơn vị có thể trùng nhau giữa các nơi."
            .to_owned(),
        _ => String::new(),
    };
    let required = if column.required { "Bắt buộc." } else { "Không bắt buộc." };
    format!("{required} {what}")
}

/// The Excel template of an onboarding list: title, guidance, headings
/// (each with a note on how to fill it in), the example row to overwrite,
/// and a drop-down of the `roles` the downloading administrator may give.
pub fn accounts_template_xlsx(roles: &[Role]) -> Result<Vec<u8>, ImportError> {
    build_template(roles).map_err(|e| ImportError::BadXlsx(e.to_string()))
}

fn build_template(roles: &[Role]) -> Result<Vec<u8>, XlsxError> {
    let last_col = u16::try_from(ACCOUNT_COLUMNS.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let mut sheet = Worksheet::new();
    sheet.set_name("Danh sách")?;
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    sheet.merge_range(0, 0, 0, last_col, "MẪU TẠO TÀI KHOẢN HÀNG LOẠT", &title)?;
    sheet.set_row_height(0, 28)?;
    let note = format!(
        "Hướng dẫn: mỗi dòng, từ dòng {first} trở đi, là một tài khoản. Dòng {first} là ví dụ: hãy ghi đè hoặc xóa. \
         Không sửa, không xóa dòng tiêu đề (dòng {header}). Đơn vị ghi bằng mã, hoặc bằng tên cùng tên đơn vị cấp \
         trên. Mật khẩu tạm thời do hệ thống tạo và chỉ hiện một lần, trên phiếu hướng dẫn đăng nhập sau khi tạo.",
        first = HEADER_ROW + 2,
        header = HEADER_ROW + 1,
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
    lists.set_name(LISTS_SHEET)?.set_hidden(true);
    for (i, (column, value)) in ACCOUNT_COLUMNS.iter().zip(EXAMPLE).enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        sheet.write_string_with_format(HEADER_ROW, col, column.header_vi, &heading)?;
        sheet.insert_note(HEADER_ROW, col, &Note::new(column_hint_vi(column, roles)).add_author_prefix(false))?;
        sheet.write_string_with_format(HEADER_ROW + 1, col, value, &example)?;
        sheet.set_column_width(col, if column.key == "unit_code" { 14 } else { 30 })?;
        // Text format keeps the leading zeros Excel would otherwise drop.
        if matches!(column.key, "unit_code" | "username") {
            sheet.set_column_format(col, &text)?;
        }
        if column.key == "role" && !roles.is_empty() {
            for (row, role) in (0u32..).zip(roles) {
                lists.write_string(row, 0, role.label_vi())?;
            }
            let range = format!("='{LISTS_SHEET}'!$A$1:$A${}", roles.len());
            let validation = DataValidation::new()
                .allow_list_formula(Formula::new(range))
                .set_error_title("Giá trị không hợp lệ")?
                .set_error_message("Hãy chọn một vai trò trong danh sách thả xuống.")?;
            sheet.add_data_validation(HEADER_ROW + 1, col, LAST_ROW, col, &validation)?;
        }
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    let mut workbook = Workbook::new();
    workbook.push_worksheet(sheet);
    workbook.push_worksheet(lists);
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::import::read_table;

    fn table(rows: &[[&str; 6]]) -> Table {
        let mut csv = String::from("Tên đăng nhập,Họ tên hiển thị,Vai trò,Mã đơn vị,Tên đơn vị,Đơn vị cấp trên\n");
        for r in rows {
            csv.push_str(&r.join(","));
            csv.push('\n');
        }
        read_table(csv.as_bytes(), ACCOUNT_COLUMNS).unwrap()
    }

    #[test]
    fn rows_name_their_unit_by_code_or_by_name_with_parent() {
        let report = parse_accounts(&table(&[
            ["xa.dapcau", "Cán bộ xã Đáp Cầu", "Cán bộ xã/phường", "07210", "", ""],
            ["to1.dapcau", "Tổ 1", "can bo xa/phuong", "", "Tổ dân phố số 1", "Phường Đáp Cầu"],
            ["ca.tinh", "Công an tỉnh", "secretariat", "", "", ""],
            ["Sai Ten", "A", "Cán bộ xã/phường", "07210", "", ""],
            ["xa.dapcau", "Lặp lại", "Cán bộ xã/phường", "07210", "", ""],
            ["xa.moi", "B", "vua", "07210", "", ""],
            ["xa.thieu", "C", "Cán bộ xã/phường", "", "Phường Đáp Cầu", ""],
        ]));
        let made: Vec<(&str, &UnitRef)> = report.records.iter().map(|r| (r.username.as_str(), &r.unit)).collect();
        assert_eq!(
            made,
            vec![
                ("xa.dapcau", &UnitRef::Code("07210".into())),
                ("to1.dapcau", &UnitRef::Named { name: "Tổ dân phố số 1".into(), parent: "Phường Đáp Cầu".into() }),
            ]
        );
        assert_eq!(report.records[1].role, Role::CommuneOfficer, "the label without accents");
        let lines: Vec<(usize, Option<&str>)> = report.errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(
            lines,
            vec![
                (4, Some("Mã đơn vị")),
                (5, Some("Tên đăng nhập")),
                (6, Some("Tên đăng nhập")),
                (7, Some("Vai trò")),
                (8, Some("Đơn vị cấp trên")),
            ]
        );
        assert!(report.errors[2].message_vi.contains("Trùng với dòng 2"), "{:?}", report.errors[2]);
    }

    #[test]
    fn the_template_reads_back_and_its_example_row_is_refused() {
        let bytes = accounts_template_xlsx(&[Role::CommuneOfficer, Role::UnitOfficer]).unwrap();
        let table = read_table(&bytes, ACCOUNT_COLUMNS).unwrap();
        let report = parse_accounts(&table);
        assert!(report.records.is_empty());
        assert_eq!(report.errors.len(), 1);
        assert!(report.errors[0].message_vi.contains("dòng ví dụ"), "{:?}", report.errors);
        assert_eq!(report.errors[0].line, 4);
    }
}
