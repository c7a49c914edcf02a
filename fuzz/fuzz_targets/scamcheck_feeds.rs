//! Any bytes as every feed format: either a whole-file error, or indicators
//! and problems; never a panic. Whatever is taken re-exports to STIX and
//! reads back as the same values.
#![no_main]

use khienmang_core::scamcheck::feeds::{ExportIndicator, ExportKind, ExportState, FeedFormat, stix_bundle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in FeedFormat::ALL {
        let Ok(import) = format.parse(data) else { continue };
        let entries: Vec<ExportIndicator> = import
            .indicators
            .iter()
            .map(|i| ExportIndicator {
                kind: ExportKind::from_name(i.value.kind()).expect("every value kind exports"),
                value: i.value.canonical(),
                state: ExportState::Suspicious,
                category: i.category.as_str().to_owned(),
                reports: 1,
                first_seen: Default::default(),
                last_seen: Default::default(),
                valid_until: i.valid_until,
            })
            .collect();
        let bundle = stix_bundle(&entries, Default::default()).to_string();
        let again = FeedFormat::Stix.parse(bundle.as_bytes()).expect("an exported bundle reads back");
        assert!(again.skipped.is_empty(), "{:?}", again.skipped);
        let before: Vec<_> = import.indicators.iter().map(|i| &i.value).collect();
        let after: Vec<_> = again.indicators.iter().map(|i| &i.value).collect();
        assert_eq!(before, after);
    }
});
