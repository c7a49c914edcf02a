//! The first sheet of an XLSX workbook, read cell by cell within the limits
//! of [`super::MAX_ROWS`] and its neighbours. A workbook can name cell
//! XFD1048576 in a few bytes, claim millions of shared strings or unpack to
//! gigabytes: nothing here allocates what the file only claims.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use super::table::{Budget, RawRow, cell_text, text_len};
use super::{ImportError, MAX_CELLS, MAX_COLUMNS, MAX_UNZIPPED_BYTES};

/// Entries in the archive: a workbook has a few dozen.
const MAX_ZIP_ENTRIES: usize = 10_000;

/// The rows of the first sheet that hold data, numbered as Excel shows them.
pub(super) fn read_first_sheet(bytes: &[u8]) -> Result<Vec<RawRow>, ImportError> {
    check_archive(bytes)?;
    let bad = |e: XlsxError| ImportError::BadXlsx(e.to_string());
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad)?;
    let Some(first) = workbook.sheet_names().first().cloned() else {
        return Err(ImportError::Empty);
    };
    let mut cells = match workbook.worksheet_cells_reader(&first) {
        Ok(cells) => cells,
        // A chart sheet first: there is no table to read.
        Err(XlsxError::NotAWorksheet(_)) => return Err(ImportError::Empty),
        Err(e) => return Err(bad(e)),
    };
    // Cells usually come row by row, but nothing forces a file to: rows are
    // kept by number, each as wide as its last cell with data.
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut budget = Budget::default();
    while let Some(cell) = cells.next_cell().map_err(bad)? {
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) || text_len(value) == Some(0) {
            continue;
        }
        let (row, col) = cell.get_position();
        let col = col as usize;
        if col >= MAX_COLUMNS {
            return Err(ImportError::SheetTooLarge);
        }
        let (new_rows, new_cells) = match rows.get(&row) {
            Some(kept) => (0, (col + 1).saturating_sub(kept.len())),
            None => (1, col + 1),
        };
        // Text is measured before it is copied; a number or a date is
        // printed first (a few hundred bytes at most).
        let text = match text_len(value) {
            Some(len) => {
                budget.take(new_rows, new_cells, len)?;
                cell_text(value)
            }
            None => {
                let text = cell_text(value);
                budget.take(new_rows, new_cells, text.len())?;
                text
            }
        };
        let kept = rows.entry(row).or_default();
        if kept.len() <= col {
            kept.resize(col + 1, String::new());
        }
        if let Some(slot) = kept.get_mut(col) {
            *slot = text;
        }
    }
    Ok(rows.into_iter().map(|(row, cells)| (row as usize + 1, cells)).collect())
}

/// Refuses an archive that unpacks to more than [`MAX_UNZIPPED_BYTES`], or
/// one with a part that makes the reader misbehave (see [`scan_part`]). The
/// sizes are those of the central directory: the zip reader fails on any
/// entry that unpacks to more than its declared size.
fn check_archive(bytes: &[u8]) -> Result<(), ImportError> {
    let bad = |e: zip::result::ZipError| ImportError::BadXlsx(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(ImportError::UnzippedTooLarge);
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        total = total.saturating_add(zip.by_index_data(i).map_err(bad)?.size());
    }
    if total > MAX_UNZIPPED_BYTES {
        return Err(ImportError::UnzippedTooLarge);
    }
    // Every part, whatever its name: the workbook says where its sheets
    // and strings are. A part that cannot be opened cannot be read by the
    // reader either.
    for i in 0..zip.len() {
        if let Ok(part) = zip.by_index(i)
            && let Some(refusal) = scan_part(part)
        {
            return Err(refusal);
        }
    }
    Ok(())
}

/// Looks through a part, as a stream, for the attributes the reader turns
/// into numbers before checking them: a `uniqueCount` of shared strings,
/// for which it reserves room before reading one, and cell references
/// (`r`, and `ref` ranges such as a sheet's dimension) whose letters or
/// digits overflow 32 bits or whose range ends before it starts, which
/// stop a build with overflow checks. Attributes are found by their `=`;
/// a part that breaks off is scanned up to where it breaks.
fn scan_part(mut part: impl Read) -> Option<ImportError> {
    // Room for an attribute's name before its "=", and its value after.
    const BEFORE: usize = 64;
    const AFTER: usize = 64;
    let mut buf = vec![0u8; 64 * 1024];
    let (mut held, mut done) = (0, 0);
    loop {
        let n = part.read(&mut buf[held..]).unwrap_or(0);
        let end = held + n;
        let last = n == 0;
        // An "=" this close to the end waits for the next read.
        let limit = if last { end } else { end.saturating_sub(AFTER) };
        for at in done..limit {
            if buf[at] == b'='
                && let Some(refusal) = check_attribute(&buf[at.saturating_sub(BEFORE)..at], &buf[at + 1..end])
            {
                return Some(refusal);
            }
        }
        if last {
            return None;
        }
        let keep_from = limit.saturating_sub(BEFORE);
        buf.copy_within(keep_from..end, 0);
        held = end - keep_from;
        done = limit - keep_from;
    }
}

/// Checks one `name="value"` found around an "=": `before` ends where the
/// "=" is, `after` starts right after it. The reader takes the key as the
/// whole text before the "=" and needs a quoted value.
fn check_attribute(before: &[u8], after: &[u8]) -> Option<ImportError> {
    let before = before.trim_ascii_end();
    let start = before.iter().rposition(|&b| b.is_ascii_whitespace() || matches!(b, b'<' | b'"' | b'\''));
    let name = &before[start.map_or(0, |i| i + 1)..];
    if !matches!(name, b"uniqueCount" | b"r" | b"ref") {
        return None;
    }
    let after = after.trim_ascii_start();
    let (&quote, rest) = after.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    // A value cut off by the window is longer than any sane one.
    let (value, whole) = match rest.iter().position(|&b| b == quote) {
        Some(close) => (&rest[..close], true),
        None => (rest, false),
    };
    if name == b"uniqueCount" {
        return (!whole || !is_small_count(value)).then_some(ImportError::SheetTooLarge);
    }
    (!is_sane_reference(value, whole))
        .then(|| ImportError::BadXlsx(format!("cell reference \"{}\" is out of range", String::from_utf8_lossy(value))))
}

/// Whether a count of strings is a plain number up to [`MAX_CELLS`].
fn is_small_count(value: &[u8]) -> bool {
    let value = value.trim_ascii();
    value.len() <= 12
        && value.iter().all(u8::is_ascii_digit)
        && std::str::from_utf8(value).ok().and_then(|v| v.parse::<usize>().ok()).is_none_or(|n| n <= MAX_CELLS)
}

/// Whether the reader can turn a reference (`B2`) or range (`A1:C9`) into
/// numbers: the letters (base 26) and digits of each part fit in 32 bits,
/// and a whole range does not end before it starts.
fn is_sane_reference(value: &[u8], whole: bool) -> bool {
    let mut parts = value.split(|&b| b == b':').map(reference_numbers);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Some(start)), Some(Some(end)), None) if whole => end.0 >= start.0 && end.1 >= start.1,
        _ => value.split(|&b| b == b':').all(|part| reference_numbers(part).is_some()),
    }
}

/// A reference's row and column as the reader computes them (letters, then
/// digits, up to the first other byte), or `None` if either passes 32 bits.
fn reference_numbers(part: &[u8]) -> Option<(u64, u64)> {
    let (mut row, mut col) = (0u64, 0u64);
    let mut digits = false;
    for &b in part {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' if !digits => col = col * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1,
            b'0'..=b'9' => {
                digits = true;
                row = row * 10 + u64::from(b - b'0');
            }
            _ => break,
        }
        if row > u64::from(u32::MAX) || col > u64::from(u32::MAX) {
            return None;
        }
    }
    Some((row, col))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use std::io::Write;

    use proptest::prelude::*;
    use rust_xlsxwriter::Workbook;

    use super::*;
    use crate::import::{Column, read_table};

    const COLUMNS: &[Column] = &[
        Column { key: "code", header_vi: "Mã xã/phường", aliases: &[], required: true },
        Column { key: "name", header_vi: "Tên thôn", aliases: &[], required: true },
    ];

    /// A workbook written by hand, part by part, to say what Excel never would.
    fn workbook(sheet_data: &str, dimension: &str, shared: Option<&str>) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        let mut part = |name: &str, body: &str| {
            zip.start_file(name, options).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        };
        part(
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        );
        part(
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        );
        part(
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        );
        part(
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        );
        if let Some(shared) = shared {
            part("xl/sharedStrings.xml", shared);
        }
        part(
            "xl/worksheets/sheet1.xml",
            &format!(
                r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>"#
            ),
        );
        zip.finish().unwrap().into_inner()
    }

    fn inline(cell: &str, text: &str) -> String {
        format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    const HEADINGS: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Mã xã/phường</t></is></c><c r="B1" t="inlineStr"><is><t>Tên thôn</t></is></c></row>"#;

    #[test]
    fn a_hand_made_workbook_reads() {
        let data = format!(r#"{HEADINGS}<row r="2">{}{}</row>"#, inline("A2", "07210"), inline("B2", "Thôn A"));
        let table = read_table(&workbook(&data, "A1:B2", None), COLUMNS).unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.rows[0].cells, ["07210", "Thôn A"]);
    }

    #[test]
    fn a_cell_at_xfd1048576_is_refused_without_allocating_the_range() {
        // The used range is 2^34 cells; read whole, it was 512 GiB.
        let data = format!(r#"{HEADINGS}<row r="1048576">{}</row>"#, inline("XFD1048576", "x"));
        let bytes = workbook(&data, "A1:XFD1048576", None);
        assert_eq!(read_table(&bytes, COLUMNS), Err(ImportError::SheetTooLarge));
    }

    #[test]
    fn a_huge_claimed_dimension_alone_allocates_nothing() {
        // The dimension element is never trusted: the cells decide.
        let data = format!(
            r#"{HEADINGS}<row r="1048576">{}{}</row>"#,
            inline("A1048576", "07210"),
            inline("B1048576", "Thôn Z")
        );
        let table = read_table(&workbook(&data, "A1:XFD1048576", None), COLUMNS).unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].line, 1_048_576);
    }

    #[test]
    fn the_last_column_allowed_is_iv() {
        let data = format!(
            r#"{HEADINGS}<row r="2">{}{}{}</row>"#,
            inline("A2", "07210"),
            inline("B2", "Thôn A"),
            inline("IV2", "ghi chú")
        );
        assert!(read_table(&workbook(&data, "A1:IV2", None), COLUMNS).is_ok());
        let data = format!(
            r#"{HEADINGS}<row r="2">{}{}{}</row>"#,
            inline("A2", "07210"),
            inline("B2", "Thôn A"),
            inline("IW2", "ghi chú")
        );
        assert_eq!(read_table(&workbook(&data, "A1:IW2", None), COLUMNS), Err(ImportError::SheetTooLarge));
    }

    #[test]
    fn one_long_shared_string_in_many_cells_is_refused() {
        // 2 MB of text, referenced by 40 cells in each of 1,000 rows: 80 GB if copied.
        let long = "a".repeat(2 * 1024 * 1024);
        let shared = format!(
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1"><si><t>{long}</t></si></sst>"#
        );
        let row = r#"<c t="s"><v>0</v></c>"#.repeat(40);
        let data: String = (2..1002).map(|r| format!(r#"<row r="{r}">{row}</row>"#)).collect();
        let bytes = workbook(&format!("{HEADINGS}{data}"), "A1:AN1001", Some(&shared));
        assert_eq!(read_table(&bytes, COLUMNS), Err(ImportError::SheetTooLarge));
    }

    #[test]
    fn shared_strings_claiming_too_many_are_refused_before_reading() {
        for count in ["99999999999", "1000001", "+5", "1e9", "&#57;9999999999"] {
            let shared = format!(r#"<sst uniqueCount="{count}"><si><t>Thôn A</t></si></sst>"#);
            let bytes = workbook(HEADINGS, "A1:B1", Some(&shared));
            assert_eq!(read_table(&bytes, COLUMNS), Err(ImportError::SheetTooLarge), "{count}");
        }
        for count in ["1", "1000000", " 12 ", "0007"] {
            let shared = format!(r#"<sst uniqueCount='{count}'><si><t>Thôn A</t></si></sst>"#);
            let bytes = workbook(HEADINGS, "A1:B1", Some(&shared));
            assert!(read_table(&bytes, COLUMNS).is_ok(), "{count}");
        }
    }

    #[test]
    fn attributes_cut_by_the_scan_buffer_are_still_read() {
        for pad in [64 * 1024 - 70, 64 * 1024 - 64, 64 * 1024 - 60, 64 * 1024 - 12, 64 * 1024 - 5, 128 * 1024 - 40] {
            let text = format!("{}<sst uniqueCount = \"99999999999\">", " ".repeat(pad));
            assert_eq!(scan_part(text.as_bytes()), Some(ImportError::SheetTooLarge), "{pad}");
            let text = format!("{}<sst uniqueCount = \"999\">", " ".repeat(pad));
            assert_eq!(scan_part(text.as_bytes()), None, "{pad}");
            let text = format!("{}<c r=\"ZZZZZZZ1\">", " ".repeat(pad));
            assert!(matches!(scan_part(text.as_bytes()), Some(ImportError::BadXlsx(_))), "{pad}");
        }
        // A reader that hands out a few bytes at a time.
        let text = format!("{}<sst uniqueCount=\"99999999999\">", "x".repeat(100));
        assert_eq!(scan_part(SlowReader(text.as_bytes())), Some(ImportError::SheetTooLarge));
    }

    #[test]
    fn references_the_reader_would_overflow_on_are_found() {
        for bad in ["ZZZZZZZ1", "A4294967296", "sheetsr", "B2:A1", "A2:B1", "A1:ZZZZZZZZ9", &"A".repeat(70)] {
            assert!(
                matches!(scan_part(format!("<c r=\"{bad}\"/>").as_bytes()), Some(ImportError::BadXlsx(_))),
                "{bad}"
            );
        }
        for good in
            ["A1", "XFD1048576", "FXSHRXW1", "A4294967295", "A1:XFD1048576", "A1:A1", "1:3", "A:C", "$A$1", "x y"]
        {
            assert_eq!(scan_part(format!("<dimension ref='{good}'/>").as_bytes()), None, "{good}");
        }
        // Other attributes and the text between tags are not references.
        assert_eq!(scan_part(r#"<x sqref="B2:A1" xr:r="ZZZZZZZZ1">r="ZZZZZZZZ1</x>"#.as_bytes()), None);
    }

    #[test]
    fn a_row_number_beyond_32_bits_is_refused_not_a_panic() {
        // Found by the upload_table fuzz target: the reader multiplied past u32.
        let data = "<row r=\"1\"<c r=\"B1\" t=\"s\"><v>0</v><c/></row><row r=\"sheetsr\"><is>></ro\u{7f}>";
        let shared = r#"<sst uniqueCount="1"><si><t>Mã xã/phường</t></si></sst>"#;
        assert!(matches!(read_table(&workbook(data, "A1:C2", Some(shared)), COLUMNS), Err(ImportError::BadXlsx(_))));
    }

    struct SlowReader<'a>(&'a [u8]);

    impl Read for SlowReader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(3).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_zip_bomb_is_refused_by_its_declared_size() {
        // 200 MB of zeros compress to about 200 KB.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
        let zeros = vec![b' '; 1024 * 1024];
        for _ in 0..200 {
            zip.write_all(&zeros).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 2 * 1024 * 1024, "{}", bytes.len());
        assert_eq!(read_table(&bytes, COLUMNS), Err(ImportError::UnzippedTooLarge));
    }

    #[test]
    fn a_part_larger_than_declared_is_not_read_past_its_size() {
        // The sheet's declared size is patched down to 100 bytes in both headers.
        let data = format!(r#"{HEADINGS}<row r="2">{}{}</row>"#, inline("A2", "07210"), inline("B2", "Thôn A"));
        let mut bytes = workbook(&data, "A1:B2", None);
        let name = b"xl/worksheets/sheet1.xml";
        for (signature, size_at) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let header = (0..bytes.len() - 50)
                .find(|&i| {
                    bytes[i..].starts_with(signature) && {
                        let name_at = if signature == b"PK\x03\x04" { i + 30 } else { i + 46 };
                        bytes[name_at..].starts_with(name)
                    }
                })
                .unwrap();
            bytes[header + size_at..header + size_at + 4].copy_from_slice(&100u32.to_le_bytes());
        }
        // The zip reader's own words: without the check it would unpack to the end.
        match read_table(&bytes, COLUMNS) {
            Err(ImportError::BadXlsx(detail)) => assert!(detail.contains("declared uncompressed size"), "{detail}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cells_out_of_order_come_back_in_row_order() {
        let data = format!(
            r#"<row r="3">{}{}</row>{HEADINGS}<row r="2">{}{}</row>"#,
            inline("B3", "Thôn C"),
            inline("A3", "07212"),
            inline("A2", "07211"),
            inline("B2", "Thôn B")
        );
        let table = read_table(&workbook(&data, "A1:B3", None), COLUMNS).unwrap();
        let lines: Vec<_> = table.rows.iter().map(|r| (r.line, r.cells.clone())).collect();
        assert_eq!(
            lines,
            [(2, vec!["07211".to_string(), "Thôn B".into()]), (3, vec!["07212".into(), "Thôn C".into()])]
        );
    }

    #[test]
    fn rows_and_cells_are_counted() {
        let mut budget = Budget::default();
        assert!(budget.take(super::super::MAX_ROWS, 0, 0).is_ok());
        assert_eq!(budget.take(1, 0, 0), Err(ImportError::SheetTooLarge));
        let mut budget = Budget::default();
        assert!(budget.take(1, MAX_CELLS, 0).is_ok());
        assert_eq!(budget.take(0, 1, 0), Err(ImportError::SheetTooLarge));
        let mut budget = Budget::default();
        assert!(budget.take(1, 1, super::super::MAX_TEXT_BYTES).is_ok());
        assert_eq!(budget.take(0, 0, 1), Err(ImportError::SheetTooLarge));
    }

    #[test]
    fn a_workbook_of_many_rows_within_the_limits_reads() {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        sheet.write_string(0, 0, "Mã xã/phường").unwrap();
        sheet.write_string(0, 1, "Tên thôn").unwrap();
        for r in 1..5000u32 {
            sheet.write_string(r, 0, "07210").unwrap();
            sheet.write_string(r, 1, format!("Thôn {r}")).unwrap();
        }
        let table = read_table(&wb.save_to_buffer().unwrap(), COLUMNS).unwrap();
        assert_eq!(table.rows.len(), 4999);
        assert_eq!(table.rows[4998].line, 5000);
    }

    proptest! {
        #[test]
        fn claimed_counts_are_read_wherever_they_fall(
            pad in 0usize..140_000,
            count in 0u64..100_000_000_000,
            spaces in 0usize..4,
        ) {
            let text = format!("{}<sst uniqueCount{s}={s}\"{count}\">", " ".repeat(pad), s = " ".repeat(spaces));
            let refused = scan_part(text.as_bytes()) == Some(ImportError::SheetTooLarge);
            prop_assert_eq!(refused, count > MAX_CELLS as u64);
        }

        #[test]
        fn references_are_refused_exactly_when_they_pass_32_bits(letters in "[A-Z]{1,9}", digits in "[0-9]{1,12}") {
            let col = letters.bytes().fold(0u128, |c, b| c * 26 + u128::from(b - b'A') + 1);
            let row: u128 = digits.parse().unwrap();
            let refused = scan_part(format!("<c r=\"{letters}{digits}\">").as_bytes()).is_some();
            prop_assert_eq!(refused, col > u128::from(u32::MAX) || row > u128::from(u32::MAX));
        }

        #[test]
        fn any_sheet_xml_never_panics(
            cells in proptest::collection::vec((0u32..2_000_000, 0u32..20_000, "[a-zA-Z0-9 ]{0,8}"), 0..40)
        ) {
            let data: String = cells
                .iter()
                .map(|(r, c, t)| format!(r#"<row r="{}"><c r="{}{}" t="inlineStr"><is><t>{t}</t></is></c></row>"#, r + 1, column_name(*c), r + 1))
                .collect();
            let _ = read_table(&workbook(&format!("{HEADINGS}{data}"), "A1:XFD1048576", None), COLUMNS);
        }
    }

    /// "A" for 0, "Z" for 25, "AA" for 26.
    fn column_name(mut c: u32) -> String {
        let mut name = Vec::new();
        loop {
            name.push(b'A' + (c % 26) as u8);
            if c < 26 {
                break;
            }
            c = c / 26 - 1;
        }
        name.reverse();
        String::from_utf8(name).unwrap()
    }
}
