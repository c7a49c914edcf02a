//! Any bytes (CSV in any encoding, or a broken workbook) read as a villages
//! file: either an error, or rows shaped like the expected columns.
#![no_main]

use khienmang_core::import::{TemplateKind, read_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let columns = TemplateKind::Villages.columns();
    if let Ok(table) = read_table(data, columns) {
        assert_eq!(table.headers.len(), columns.len());
        for pair in table.rows.windows(2) {
            assert!(pair[0].line < pair[1].line, "line numbers must increase");
        }
        for row in &table.rows {
            assert_eq!(row.cells.len(), columns.len());
            assert!(
                row.cells.iter().any(|c| !c.is_empty()),
                "blank rows are skipped"
            );
        }
    }
});
