//! Any bytes: either an error, or NFC text with no NUL and no BOM.
#![no_main]

use khienmang_core::import::decode_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = decode_text(data) {
        assert!(!text.contains('\0'));
        assert!(!text.starts_with('\u{FEFF}'));
    }
});
