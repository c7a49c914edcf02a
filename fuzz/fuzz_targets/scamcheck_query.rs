//! Any text in the check box: recognised (its canonical value, checked
//! again, is the same) or refused with a Vietnamese message.
#![no_main]

use khienmang_core::scamcheck::Query;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Query::detect(text) {
        Ok(q) => {
            if let Some(subject) = q.subject {
                // An account at a BIN no bank list knows reads back as nothing,
                // never as something else.
                if let Some(again) = Query::detect(&subject.normalized()).ok().and_then(|q| q.subject) {
                    assert_eq!(again.normalized(), subject.normalized());
                }
            }
        }
        Err(e) => assert!(!e.message_vi().is_empty()),
    }
});
