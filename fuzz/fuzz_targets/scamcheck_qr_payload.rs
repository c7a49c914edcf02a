//! Any text as QR content: either an error, or a payload; a VietQR transfer
//! always has a 6-digit BIN and an account.
#![no_main]

use khienmang_core::scamcheck::QrPayload;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(QrPayload::VietQr { bin, account, .. }) = QrPayload::parse(text) {
        assert!(bin.len() == 6 && bin.bytes().all(|b| b.is_ascii_digit()));
        assert!(!account.is_empty());
    }
});
