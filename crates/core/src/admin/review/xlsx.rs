//! The review's annex as an XLSX file: the targets by year, the budget with
//! its one total, and the communes.
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

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{BUDGET_HEADER, NINE, ReviewData, ReviewError, TOTAL, budget_table};

/// The XLSX number format for amounts; see the module documentation.
pub const NUM_FORMAT: &str = "[$-42A]#,##0";

fn header_row(ws: &mut Worksheet, header: &[String], bold: &Format) -> Result<(), XlsxError> {
    for (col, h) in (0u16..).zip(header) {
        ws.write_string_with_format(0, col, h, bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The review annex as an XLSX file: sheets "Chỉ tiêu", "Kinh phí", "Các xã".
pub fn review_annex_xlsx(data: &ReviewData) -> Result<Vec<u8>, ReviewError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_border(FormatBorder::Thin).set_align(FormatAlign::Center);
    let text = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let money = Format::new().set_border(FormatBorder::Thin).set_num_format(NUM_FORMAT);
    let pct = Format::new().set_border(FormatBorder::Thin).set_num_format("0.0");

    let ws = wb.add_worksheet();
    ws.set_name("Chỉ tiêu")?;
    let mut header: Vec<String> =
        ["STT", "Mã", "Chỉ tiêu", "Mục tiêu", "Lộ trình (%)", "Kết quả", "Tỷ lệ (%)", "Đánh giá"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
    header.extend(data.years.iter().map(|y| format!("Năm {y} (%)")));
    header_row(ws, &header, &bold)?;
    for (row, t) in (1u32..).zip(&data.targets) {
        ws.write_number_with_format(row, 0, f64::from(row), &text)?;
        ws.write_string_with_format(row, 1, &t.code, &text)?;
        ws.write_string_with_format(row, 2, &t.title, &text)?;
        ws.write_string_with_format(row, 3, &t.goal_text, &text)?;
        let values = [t.expected, None, t.percent].into_iter().chain(t.by_year.iter().copied());
        for (col, v) in (4u16..).zip(values) {
            match v {
                Some(p) => ws.write_number_with_format(row, col, p, &pct)?,
                None => ws.write_blank(row, col, &pct)?,
            };
        }
        ws.write_string_with_format(row, 5, &t.value_text, &text)?;
        ws.write_string_with_format(row, 7, t.status.label_vi(), &text)?;
    }
    for (col, w) in [(0u16, 5.0), (1, 7.0), (2, 50.0), (3, 14.0), (4, 12.0), (5, 18.0), (6, 10.0), (7, 16.0)] {
        ws.set_column_width(col, w)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("Kinh phí")?;
    header_row(ws, &BUDGET_HEADER.map(str::to_owned), &bold)?;
    let budget = budget_table(&data.budget);
    let total_row = budget.rows.len() as u32 + 1;
    for (row, (label, values)) in (1u32..).zip(&budget.rows) {
        ws.write_string_with_format(row, 0, label, &text)?;
        for (col, v) in (1u16..).zip(values) {
            // Amounts up to 2^53 đồng are exact in a spreadsheet's doubles.
            ws.write_number_with_format(row, col, *v as f64, &money)?;
        }
    }
    let bold_money = money.clone().set_bold();
    ws.write_string_with_format(total_row, 0, TOTAL, &bold)?;
    for (col, sum) in (1u16..).zip(budget.totals()) {
        ws.write_number_with_format(total_row, col, sum as f64, &bold_money)?;
    }
    ws.set_column_width(0, 50.0)?;
    for col in 1u16..5 {
        ws.set_column_width(col, 18.0)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("Các xã")?;
    let mut header = vec!["STT".to_owned(), "Xã, phường".to_owned()];
    header.extend(NINE.iter().map(|c| format!("{c} (%)")));
    header_row(ws, &header, &bold)?;
    for (row, c) in (1u32..).zip(&data.communes) {
        ws.write_number_with_format(row, 0, f64::from(row), &text)?;
        ws.write_string_with_format(row, 1, &c.name, &text)?;
        for (col, v) in (2u16..).zip(&c.values) {
            match v {
                Some(p) => ws.write_number_with_format(row, col, *p, &pct)?,
                None => ws.write_blank(row, col, &pct)?,
            };
        }
    }
    ws.set_column_width(1, 30.0)?;

    Ok(wb.save_to_buffer()?)
}
