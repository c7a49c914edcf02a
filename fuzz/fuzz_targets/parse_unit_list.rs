//! Any bytes as a national unit list: either an error, or records whose
//! codes have their level's width and whose parent is set unless a province.
#![no_main]

use khienmang_core::import::parse_unit_list;
use khienmang_core::org::Level;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((records, _errors)) = parse_unit_list(data) {
        for r in &records {
            assert!(!r.name.is_empty());
            let width = match r.level {
                Level::Province => 2,
                Level::District => 3,
                _ => 5,
            };
            assert_eq!(r.code.len(), width);
            assert_eq!(r.parent_code.is_none(), r.level == Level::Province);
        }
    }
});
