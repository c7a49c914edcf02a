//! The kinds of import file, their columns, and the Excel templates users
//! download and fill in.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign, FormatBorder, Formula,
    Note, Workbook, Worksheet, XlsxError,
};

use super::{Column, ImportError};
use crate::macros::string_enum;
use crate::org::{EnterpriseSize, SchoolLevel};

string_enum!(
    /// What an import file lists.
    TemplateKind {
        Villages = "villages" / "Thôn, tổ dân phố",
        Agencies = "agencies" / "Cơ quan",
        Enterprises = "enterprises" / "Doanh nghiệp",
        Schools = "schools" / "Trường học",
    }
);

const COMMUNE_CODE: Column = Column {
    key: "commune_code",
    header_vi: "Mã xã/phường",
    aliases: &["mã xã", "mã phường", "mã xã, phường", "mã đơn vị hành chính", "commune code"],
    required: true,
};

/// The name column differs by kind in its heading only.
const fn name_column(header_vi: &'static str, aliases: &'static [&'static str]) -> Column {
    Column { key: "name", header_vi, aliases, required: true }
}

const UNIT_TYPE: Column =
    Column {
        key: "unit_type", header_vi: "Loại", aliases: &["loại đơn vị", "type", "unit type"], required: false
    };

const HOUSEHOLDS: Column =
    Column {
        key: "households", header_vi: "Số hộ", aliases: &["số hộ gia đình", "households"], required: false
    };

const POPULATION: Column = Column {
    key: "population",
    header_vi: "Số nhân khẩu",
    aliases: &["nhân khẩu", "dân số", "số dân", "population"],
    required: false,
};

const TAX_CODE: Column =
    Column { key: "tax_code", header_vi: "Mã số thuế", aliases: &["mst", "tax code"], required: false };

const ENTERPRISE_SIZE: Column =
    Column {
        key: "enterprise_size", header_vi: "Quy mô", aliases: &["quy mô doanh nghiệp", "size"], required: true
    };

const SCHOOL_LEVEL: Column = Column {
    key: "school_level",
    header_vi: "Cấp học",
    aliases: &["bậc học", "school level", "level"],
    required: true,
};

const OFFICIAL_PAGE: Column = Column {
    key: "official_page",
    header_vi: "Trang mạng xã hội chính thức",
    aliases: &["trang mạng xã hội", "trang chính thức", "trang web", "website", "fanpage", "official page"],
    required: false,
};

const VALID_FROM: Column = Column {
    key: "valid_from",
    header_vi: "Ngày thành lập",
    aliases: &["ngày hiệu lực", "từ ngày", "valid from"],
    required: false,
};

const VILLAGE_COLUMNS: &[Column] = &[
    COMMUNE_CODE,
    name_column("Tên thôn/tổ dân phố", &["tên thôn", "tên tổ dân phố", "tên thôn, tổ dân phố", "tên", "name"]),
    UNIT_TYPE,
    HOUSEHOLDS,
    POPULATION,
    OFFICIAL_PAGE,
    VALID_FROM,
];

const AGENCY_COLUMNS: &[Column] = &[
    COMMUNE_CODE,
    name_column("Tên cơ quan", &["tên cơ quan, đơn vị", "tên đơn vị", "tên", "name"]),
    OFFICIAL_PAGE,
    VALID_FROM,
];

const ENTERPRISE_COLUMNS: &[Column] = &[
    COMMUNE_CODE,
    name_column("Tên doanh nghiệp", &["tên công ty", "tên", "name"]),
    TAX_CODE,
    ENTERPRISE_SIZE,
    OFFICIAL_PAGE,
    VALID_FROM,
];

const SCHOOL_COLUMNS: &[Column] = &[
    COMMUNE_CODE,
    name_column("Tên trường", &["tên cơ sở giáo dục", "tên", "name"]),
    SCHOOL_LEVEL,
    OFFICIAL_PAGE,
    VALID_FROM,
];

/// Usual words for a village-level unit, offered (not imposed) in templates.
pub(super) const VILLAGE_TYPES: &[&str] = &["Thôn", "Tổ dân phố", "Bản", "Ấp", "Buôn", "Làng", "Khóm", "Khu phố"];

impl TemplateKind {
    /// The columns of this kind of file, in template order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            TemplateKind::Villages => VILLAGE_COLUMNS,
            TemplateKind::Agencies => AGENCY_COLUMNS,
            TemplateKind::Enterprises => ENTERPRISE_COLUMNS,
            TemplateKind::Schools => SCHOOL_COLUMNS,
        }
    }

    fn title_vi(self) -> String {
        format!("MẪU NHẬP DANH SÁCH {}", self.label_vi().to_uppercase())
    }
}

/// Guidance for one column, shown as a note on its heading cell.
fn column_hint_vi(column: &Column) -> String {
    let what = match column.key {
        "commune_code" => "Mã 5 chữ số của xã/phường theo danh mục đơn vị hành chính, ví dụ 07210. \
             Cột đã được định dạng văn bản để giữ số 0 ở đầu."
            .to_owned(),
        "name" => "Tên đầy đủ, tối đa 200 ký tự. Không trùng tên trong cùng xã/phường.".to_owned(),
        "unit_type" => format!("Ví dụ: {}.", VILLAGE_TYPES.join(", ")),
        "households" => "Số nguyên không âm, ví dụ 250.".to_owned(),
        "population" => "Số nguyên không âm, không nhỏ hơn số hộ.".to_owned(),
        "tax_code" => "10 chữ số, hoặc 13 chữ số dạng 0123456789-001.".to_owned(),
        "enterprise_size" => format!("Chọn một trong: {}.", labels(EnterpriseSize::ALL, |s| s.label_vi())),
        "school_level" => format!("Chọn một trong: {}.", labels(SchoolLevel::ALL, |s| s.label_vi())),
        "official_page" => "Địa chỉ đầy đủ, bắt đầu bằng https://, ví dụ https://www.facebook.com/tentrang.".to_owned(),
        "valid_from" => "Ghi theo dạng ngày/tháng/năm, ví dụ 05/01/2020.".to_owned(),
        _ => String::new(),
    };
    let required = if column.required { "Bắt buộc." } else { "Không bắt buộc." };
    format!("{required} {what}")
}

/// Labels joined with ";" because one of them contains a comma.
fn labels<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|&v| label(v)).collect::<Vec<_>>().join("; ")
}

/// Where the heading row is (0-based), below the title and the note.
const HEADER_ROW: u32 = 2;
/// The last row that data validation covers (Excel's last row).
const LAST_ROW: u32 = 1_048_575;
/// The hidden sheet holding the drop-down lists.
const LISTS_SHEET: &str = "Danh mục";

/// Builds the Excel template for `kind`: a merged title, a merged note on
/// how to fill it in, the heading row, and no data, so that an untouched
/// template imports as an empty list. Enumerated columns get drop-down lists.
pub fn template_xlsx(kind: TemplateKind) -> Result<Vec<u8>, ImportError> {
    build_template(kind).map_err(|e| ImportError::BadXlsx(e.to_string()))
}

fn build_template(kind: TemplateKind) -> Result<Vec<u8>, XlsxError> {
    let columns = kind.columns();
    let last_col = columns.len().saturating_sub(1) as u16;
    let mut sheet = Worksheet::new();
    sheet.set_name("Danh sách")?;

    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    sheet.merge_range(0, 0, 0, last_col, &kind.title_vi(), &title)?;
    sheet.set_row_height(0, 28)?;

    let required: Vec<&str> = columns.iter().filter(|c| c.required).map(|c| c.header_vi).collect();
    let note = format!(
        "Hướng dẫn: mỗi dòng, từ dòng {first} trở đi, là một {what}. Không sửa, không xóa dòng tiêu đề (dòng {header}). \
         Cột bắt buộc: {required}. Đưa chuột vào ô tiêu đề để xem cách điền từng cột. \
         Ngày ghi theo dạng ngày/tháng/năm, ví dụ 05/01/2020.",
        first = HEADER_ROW + 2,
        header = HEADER_ROW + 1,
        what = kind.label_vi().to_lowercase(),
        required = required.join(", "),
    );
    let italic = Format::new().set_italic().set_text_wrap().set_align(FormatAlign::Top);
    sheet.merge_range(1, 0, 1, last_col, &note, &italic)?;
    sheet.set_row_height(1, 48)?;

    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let mut lists = Worksheet::new();
    lists.set_name(LISTS_SHEET)?.set_hidden(true);
    let mut list_col = 0u16;

    for (i, column) in columns.iter().enumerate() {
        let col = i as u16;
        sheet.write_string_with_format(HEADER_ROW, col, column.header_vi, &heading)?;
        sheet.insert_note(HEADER_ROW, col, &Note::new(column_hint_vi(column)).add_author_prefix(false))?;
        // Names and addresses are long; other columns fit their heading.
        let width = match column.key {
            "name" | "official_page" => 40,
            _ => column.header_vi.chars().count().clamp(12, 32) + 2,
        };
        sheet.set_column_width(col, width as f64)?;
        // Text format keeps the leading zeros Excel would otherwise drop.
        match column.key {
            "commune_code" | "tax_code" => {
                sheet.set_column_format(col, &text)?;
            }
            "valid_from" => {
                sheet.set_column_format(col, &date)?;
            }
            _ => {}
        }
        let validation = match column.key {
            "enterprise_size" => {
                Some(list_validation(&mut lists, &mut list_col, EnterpriseSize::ALL, |s| s.label_vi())?)
            }
            "school_level" => Some(list_validation(&mut lists, &mut list_col, SchoolLevel::ALL, |s| s.label_vi())?),
            // A suggestion only: other local words (e.g. "Xóm") are fine.
            "unit_type" => Some(
                DataValidation::new()
                    .allow_list_strings(VILLAGE_TYPES)?
                    .set_error_style(DataValidationErrorStyle::Information),
            ),
            "households" | "population" => Some(
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                    .set_error_title("Số không hợp lệ")?
                    .set_error_message("Hãy nhập một số nguyên không âm, ví dụ 250.")?,
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
    if list_col > 0 {
        workbook.push_worksheet(lists);
    }
    workbook.save_to_buffer()
}

/// Writes the Vietnamese labels of an enum into a column of the hidden lists
/// sheet and returns a drop-down validation referring to them. (An inline
/// list cannot hold "Đại học, cao đẳng": Excel splits it at the comma.)
fn list_validation<T: Copy>(
    lists: &mut Worksheet,
    list_col: &mut u16,
    all: &[T],
    label: impl Fn(T) -> &'static str,
) -> Result<DataValidation, XlsxError> {
    let col = *list_col;
    for (row, &value) in all.iter().enumerate() {
        lists.write_string(row as u32, col, label(value))?;
    }
    *list_col += 1;
    let letter = rust_xlsxwriter::column_number_to_name(col);
    let range = format!("='{LISTS_SHEET}'!${letter}$1:${letter}${}", all.len());
    DataValidation::new()
        .allow_list_formula(Formula::new(range))
        .set_error_title("Giá trị không hợp lệ")?
        .set_error_message("Hãy chọn một giá trị trong danh sách thả xuống.")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::import::read_table;

    #[test]
    fn kinds_have_stable_names() {
        for &kind in TemplateKind::ALL {
            assert_eq!(TemplateKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(TemplateKind::Villages.as_str(), "villages");
        assert_eq!(TemplateKind::Schools.as_str(), "schools");
        assert_eq!(TemplateKind::Villages.title_vi(), "MẪU NHẬP DANH SÁCH THÔN, TỔ DÂN PHỐ");
    }

    #[test]
    fn columns_are_well_formed() {
        for &kind in TemplateKind::ALL {
            let columns = kind.columns();
            assert_eq!(columns[0].key, "commune_code");
            assert_eq!(columns[1].key, "name");
            for (i, c) in columns.iter().enumerate() {
                assert!(columns[i + 1..].iter().all(|d| d.key != c.key), "{kind}: {}", c.key);
                assert!(!column_hint_vi(c).ends_with(' '), "{}: no hint", c.key);
            }
        }
        let keys = |k: TemplateKind| k.columns().iter().map(|c| c.key).collect::<Vec<_>>();
        assert_eq!(
            keys(TemplateKind::Villages),
            ["commune_code", "name", "unit_type", "households", "population", "official_page", "valid_from"]
        );
        assert_eq!(keys(TemplateKind::Agencies), ["commune_code", "name", "official_page", "valid_from"]);
        assert_eq!(
            keys(TemplateKind::Enterprises),
            ["commune_code", "name", "tax_code", "enterprise_size", "official_page", "valid_from"]
        );
        assert_eq!(
            keys(TemplateKind::Schools),
            ["commune_code", "name", "school_level", "official_page", "valid_from"]
        );
    }

    #[test]
    fn templates_read_back_empty() {
        for &kind in TemplateKind::ALL {
            let bytes = template_xlsx(kind).unwrap();
            assert!(bytes.starts_with(b"PK\x03\x04"));
            let table = read_table(&bytes, kind.columns()).unwrap();
            let headers: Vec<&str> = kind.columns().iter().map(|c| c.header_vi).collect();
            assert_eq!(table.headers, headers, "{kind}");
            assert!(table.rows.is_empty(), "{kind}: {:?}", table.rows);
        }
    }

    #[test]
    fn filled_template_rows_are_numbered_as_in_excel() {
        // Fill a generated template's first data row the way a user would,
        // by writing a workbook with the same layout.
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.merge_range(0, 0, 0, 3, &TemplateKind::Agencies.title_vi(), &Format::new()).unwrap();
        sheet.merge_range(1, 0, 1, 3, "Hướng dẫn", &Format::new()).unwrap();
        for (i, c) in TemplateKind::Agencies.columns().iter().enumerate() {
            sheet.write_string(HEADER_ROW, i as u16, c.header_vi).unwrap();
        }
        sheet.write_string(3, 0, "07210").unwrap();
        sheet.write_string(3, 1, "UBND xã Đông Phong").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let table = read_table(&bytes, TemplateKind::Agencies.columns()).unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].line, 4);
        assert_eq!(table.rows[0].cells, ["07210", "UBND xã Đông Phong", "", ""]);
    }
}
