//! Any bytes as an uploaded picture: either an error, or the non-empty list
//! of QR contents found, without duplicates.
#![no_main]

use khienmang_core::scamcheck::decode_qr_image;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(texts) = decode_qr_image(data) {
        assert!(!texts.is_empty());
        for (i, text) in texts.iter().enumerate() {
            assert!(!texts[..i].contains(text), "duplicates are removed");
        }
    }
});
