//! Any bytes as the reorganisation links: valid records keep the invariant
//! of exactly one default target per old commune.
#![no_main]

use std::collections::HashMap;

use khienmang_core::import::parse_reorg;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((records, _errors)) = parse_reorg(data) {
        let mut defaults: HashMap<&str, usize> = HashMap::new();
        for r in &records {
            *defaults.entry(r.old_code.as_str()).or_default() += usize::from(r.default_target);
        }
        assert!(defaults.values().all(|&n| n == 1));
    }
});
