//! Any bytes through the reader every upload route uses (`read_table`, which
//! the web runs off the request workers), with the columns of each upload:
//! as they come (CSV in any encoding, or a broken workbook), and wrapped in a
//! well-formed XLSX archive as the first sheet's cells or as its shared
//! strings, so that the cell-by-cell reader and its limits are reached.
//! Either a refusal, or rows shaped like the columns and within the limits;
//! `-rss_limit_mb` catches a reader that allocates what a file only claims.
#![no_main]

use std::io::{Cursor, Write};

use khienmang_core::import::{Column, MAX_ROWS, TemplateKind, read_table};
use khienmang_core::movement::{MEMBER_COLUMNS, PEOPLE_COLUMNS};
use khienmang_core::outreach::contest_input::QUESTION_COLUMNS;
use libfuzzer_sys::fuzz_target;

const SHARED: &str = r#"<sst uniqueCount="3"><si><t>Mã xã/phường</t></si><si><t>Tên thôn/tổ dân phố</t></si><si><t>Họ và tên</t></si></sst>"#;
const CELLS: &str = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>12.5</v></c><c r="C2" t="inlineStr"><is><t>x</t></is></c></row>"#;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let bytes = match mode % 3 {
        0 => rest.to_vec(),
        1 => workbook(rest, SHARED.as_bytes()),
        _ => workbook(CELLS.as_bytes(), rest),
    };
    let uploads: [&[Column]; 4] = [TemplateKind::Villages.columns(), MEMBER_COLUMNS, PEOPLE_COLUMNS, QUESTION_COLUMNS];
    let columns = uploads[usize::from(mode / 3) % uploads.len()];
    if let Ok(table) = read_table(&bytes, columns) {
        assert_eq!(table.headers.len(), columns.len());
        assert!(table.rows.len() <= MAX_ROWS);
        for pair in table.rows.windows(2) {
            assert!(pair[0].line < pair[1].line, "line numbers must increase");
        }
        for row in &table.rows {
            assert_eq!(row.cells.len(), columns.len());
            assert!(row.cells.iter().any(|c| !c.is_empty()), "blank rows are skipped");
        }
    }
});

/// A workbook of one sheet whose `<sheetData>` holds `cells` and whose
/// shared-strings part is `shared`, stored uncompressed.
fn workbook(cells: &[u8], shared: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut part = |name: &str, body: &[&[u8]]| {
        zip.start_file(name, options).ok();
        for piece in body {
            zip.write_all(piece).ok();
        }
    };
    part("[Content_Types].xml", &[br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#]);
    part("_rels/.rels", &[br#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#]);
    part("xl/workbook.xml", &[br#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#]);
    part("xl/_rels/workbook.xml.rels", &[br#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#]);
    part("xl/sharedStrings.xml", &[shared]);
    part(
        "xl/worksheets/sheet1.xml",
        &[b"<worksheet><dimension ref=\"A1:C2\"/><sheetData>", cells, b"</sheetData></worksheet>"],
    );
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}
