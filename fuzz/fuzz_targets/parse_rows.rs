//! Any bytes through the whole import pipeline for every kind of file:
//! every data row ends up either imported or with at least one error.
#![no_main]

use std::collections::BTreeSet;

use khienmang_core::import::{TemplateKind, parse_rows, read_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for &kind in TemplateKind::ALL {
        let Ok(table) = read_table(data, kind.columns()) else {
            continue;
        };
        let report = parse_rows(kind, &table);
        let ok: BTreeSet<usize> = report.rows.iter().map(|r| r.line).collect();
        let bad: BTreeSet<usize> = report.errors.iter().map(|e| e.line).collect();
        let all: BTreeSet<usize> = table.rows.iter().map(|r| r.line).collect();
        assert!(ok.is_disjoint(&bad));
        assert_eq!(ok.union(&bad).copied().collect::<BTreeSet<_>>(), all);
        for row in &report.rows {
            assert_eq!(row.commune_code.len(), 5);
        }
    }
});
