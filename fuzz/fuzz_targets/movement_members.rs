//! Any bytes as a member list and as a people list: every data row ends up
//! either accepted or with at least one error, and accepted rows keep the
//! rules (years in range, left not before joined).
#![no_main]

use std::collections::BTreeSet;

use khienmang_core::import::read_table;
use khienmang_core::movement::{MEMBER_COLUMNS, PEOPLE_COLUMNS, parse_members, parse_people};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = read_table(data, MEMBER_COLUMNS) {
        let report = parse_members(&table);
        let ok: BTreeSet<usize> = report.records.iter().map(|r| r.line).collect();
        let bad: BTreeSet<usize> = report.errors.iter().map(|e| e.line).collect();
        let all: BTreeSet<usize> = table.rows.iter().map(|r| r.line).collect();
        assert!(ok.is_disjoint(&bad));
        assert_eq!(ok.union(&bad).copied().collect::<BTreeSet<_>>(), all);
        assert!(report.households <= report.records.len());
        for m in &report.records {
            assert!((2000..=2100).contains(&m.joined_year));
            assert!(m.left_year.is_none_or(|left| left >= m.joined_year));
        }
    }
    if let Ok(table) = read_table(data, PEOPLE_COLUMNS) {
        let report = parse_people(&table);
        let ok: BTreeSet<usize> = report.records.iter().map(|r| r.line).collect();
        let bad: BTreeSet<usize> = report.errors.iter().map(|e| e.line).collect();
        assert!(ok.is_disjoint(&bad));
        assert_eq!(ok.len() + bad.len(), table.rows.len());
    }
});
