//! Import of unit lists from CSV and Excel files: pure parsing, no IO.
//!
//! The pipeline is bytes → [`read_table`] (encoding, delimiter and header-row
//! detection) → [`parse_rows`] (per-row validation with bilingual messages).
//! The national administrative lists have their own parsers in [`units`].
//! Whether a commune code exists is the store's business, not checked here.

mod accounts;
mod decode;
mod rows;
mod table;
mod templates;
mod units;
mod xlsx;

pub use accounts::{
    ACCOUNT_COLUMNS, AccountRecord, AccountsReport, MAX_ONBOARDING_BYTES, MAX_ONBOARDING_ROWS, UnitRef,
    accounts_template_xlsx, parse_accounts,
};
pub use decode::decode_text;
pub(crate) use rows::{Cells, Fields, Problem, collapse_whitespace};
pub use rows::{ImportRow, ParseReport, RowError, parse_date, parse_rows};
pub use table::{Column, Row, Table, read_table};
pub use templates::{TemplateKind, template_xlsx};
pub use units::{ReorgRecord, UnitRecord, parse_reorg, parse_unit_list};

/// The largest file accepted for import (also bounds the memory a parse uses).
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

// What a parse may keep in memory, checked cell by cell before the cell is
// stored: a workbook can name any cell up to XFD1048576 in a few bytes, and
// one long shared string can be repeated in every cell.

/// Rows with data (blank rows are not counted).
pub const MAX_ROWS: usize = 100_000;
/// Columns, up to the last one with data (column IV); templates use about ten.
pub const MAX_COLUMNS: usize = 256;
/// Cells kept: each row counts up to its last cell with data.
pub const MAX_CELLS: usize = 1_000_000;
/// Text kept, in bytes, over all cells.
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;
/// The parts of an XLSX file, uncompressed, in bytes (a zip bomb unpacks
/// gigabytes from a few kilobytes).
pub const MAX_UNZIPPED_BYTES: u64 = 100 * 1024 * 1024;

/// A problem with the whole file, as opposed to one row ([`RowError`]).
///
/// `Display` is the English message; [`ImportError::message_vi`] is the one
/// shown to Vietnamese users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error(
        "The file is too large: the limit is {} MB. Split the list into smaller files and import them one by one.",
        .limit / (1024 * 1024)
    )]
    TooLarge { limit: usize },
    #[error(
        "The file contains no data. Check that you chose the right file and that it was saved after filling it in."
    )]
    Empty,
    #[error(
        "The file's content cannot be read: it is not CSV text or uses an unsupported encoding. Save it as \"CSV UTF-8\" or upload the Excel file (.xlsx) instead."
    )]
    BadEncoding,
    #[error(
        "No row of column headings was found in the first 10 rows. Use the template downloaded from the system and keep its heading row unchanged."
    )]
    NotATable,
    #[error("The Excel file cannot be read ({0}). Open it in Excel or LibreOffice, save it again as .xlsx and retry.")]
    BadXlsx(String),
    #[error(
        "Required columns are missing: {}. Add them, named as in the template, and import again.",
        .0.join(", ")
    )]
    MissingColumns(Vec<String>),
    #[error(
        "The sheet is too large: at most {MAX_ROWS} rows, {MAX_COLUMNS} columns and {MAX_CELLS} cells with data are read. Delete unused rows and columns (including stray cells far from the data) or split the list into smaller files."
    )]
    SheetTooLarge,
    #[error(
        "The Excel file unpacks to more than {} MB. Open it in Excel or LibreOffice, delete the sheets and pictures that are not needed, save it and retry.",
        MAX_UNZIPPED_BYTES / (1024 * 1024)
    )]
    UnzippedTooLarge,
    #[error(
        "Excel 97-2003 files (.xls) are not accepted. Open the file in Excel or LibreOffice, save it as .xlsx and retry."
    )]
    OldExcel,
}

impl ImportError {
    /// The message for Vietnamese users: what is wrong and how to fix it.
    pub fn message_vi(&self) -> String {
        match self {
            ImportError::TooLarge { limit } => format!(
                "Tệp quá lớn: dung lượng tối đa là {} MB. Hãy chia danh sách thành nhiều tệp nhỏ hơn rồi nhập lần lượt.",
                limit / (1024 * 1024)
            ),
            ImportError::Empty => "Tệp không có dữ liệu. Hãy kiểm tra lại xem đã chọn đúng tệp chưa và tệp đã được lưu sau khi điền hay chưa.".to_owned(),
            ImportError::BadEncoding => "Không đọc được nội dung tệp: tệp không phải văn bản CSV hoặc dùng bảng mã không được hỗ trợ. Hãy lưu lại tệp dưới dạng \"CSV UTF-8\" hoặc tải lên tệp Excel (.xlsx).".to_owned(),
            ImportError::NotATable => "Không tìm thấy dòng tiêu đề cột trong 10 dòng đầu của tệp. Hãy dùng tệp mẫu tải về từ hệ thống và giữ nguyên dòng tiêu đề.".to_owned(),
            ImportError::BadXlsx(detail) => format!(
                "Không đọc được tệp Excel ({detail}). Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx rồi thử lại."
            ),
            ImportError::MissingColumns(columns) => format!(
                "Tệp thiếu cột bắt buộc: {}. Hãy thêm các cột này (đặt tên đúng như trong tệp mẫu) rồi nhập lại.",
                columns.join(", ")
            ),
            ImportError::SheetTooLarge => format!(
                "Bảng tính quá lớn: hệ thống chỉ đọc tối đa {} dòng, {MAX_COLUMNS} cột và {} ô có dữ liệu. Hãy xóa các dòng, cột không dùng (kể cả những ô lẻ nằm xa vùng dữ liệu) hoặc chia danh sách thành nhiều tệp nhỏ hơn rồi nhập lần lượt.",
                thousands_vi(MAX_ROWS),
                thousands_vi(MAX_CELLS)
            ),
            ImportError::UnzippedTooLarge => format!(
                "Tệp Excel khi giải nén vượt quá {} MB. Hãy mở tệp bằng Excel hoặc LibreOffice, xóa các trang tính và hình ảnh không cần thiết, lưu lại rồi thử lại.",
                MAX_UNZIPPED_BYTES / (1024 * 1024)
            ),
            ImportError::OldExcel => "Hệ thống không nhận tệp Excel 97–2003 (.xls). Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx rồi thử lại.".to_owned(),
        }
    }

    /// The message for English-speaking users (same as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// Refuses oversized input before any work is done on it.
fn check_size(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { limit: MAX_IMPORT_BYTES });
    }
    Ok(())
}

/// A count with dots between thousands, as Vietnamese writes it (100.000).
fn thousands_vi(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(d);
    }
    out
}

/// Normalises an official code made of digits to `width` digits, restoring
/// the leading zeros that Excel drops when a code is typed as a number
/// ("7210" → "07210", "4" → "00004" for Hà Nội's Phường Trúc Bạch).
fn normalize_code(s: &str, width: usize) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.len() > width || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("{s:0>width$}"))
}

/// Shortens a user-supplied value for quoting inside an error message.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        format!("\"{s}\"")
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("\"{head}…\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_bilingual_and_specific() {
        let e = ImportError::MissingColumns(vec!["Mã xã/phường".into(), "Quy mô".into()]);
        assert!(e.message_vi().contains("Mã xã/phường, Quy mô"));
        assert!(e.message_en().contains("Mã xã/phường, Quy mô"));
        let e = ImportError::TooLarge { limit: MAX_IMPORT_BYTES };
        assert!(e.message_vi().contains("20 MB"));
        assert!(e.message_en().contains("20 MB"));
        for e in [
            ImportError::Empty,
            ImportError::BadEncoding,
            ImportError::NotATable,
            ImportError::BadXlsx("x".into()),
            ImportError::SheetTooLarge,
            ImportError::UnzippedTooLarge,
            ImportError::OldExcel,
        ] {
            assert!(!e.message_vi().is_empty() && e.message_vi() != e.message_en());
        }
        assert!(ImportError::SheetTooLarge.message_vi().contains("100.000 dòng, 256 cột và 1.000.000 ô"));
        assert!(ImportError::UnzippedTooLarge.message_vi().contains("100 MB"));
    }

    #[test]
    fn thousands_are_grouped_with_dots() {
        assert_eq!(thousands_vi(7), "7");
        assert_eq!(thousands_vi(256), "256");
        assert_eq!(thousands_vi(1000), "1.000");
        assert_eq!(thousands_vi(1_000_000), "1.000.000");
    }

    #[test]
    fn codes_get_their_zeros_back() {
        assert_eq!(normalize_code("7210", 5).as_deref(), Some("07210"));
        assert_eq!(normalize_code(" 07210 ", 5).as_deref(), Some("07210"));
        assert_eq!(normalize_code("4", 5).as_deref(), Some("00004"));
        assert_eq!(normalize_code("123456", 5), None);
        assert_eq!(normalize_code("72a0", 5), None);
        assert_eq!(normalize_code("", 5), None);
        assert_eq!(normalize_code("-721", 5), None);
    }

    #[test]
    fn quote_truncates_long_values() {
        assert_eq!(quote("abc"), "\"abc\"");
        assert_eq!(quote(&"ồ".repeat(50)).chars().count(), 43);
    }
}
