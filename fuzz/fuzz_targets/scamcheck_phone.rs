//! Any text as a phone number: either an error, or an E.164 number that
//! parses back to itself.
#![no_main]

use khienmang_core::scamcheck::PhoneNumber;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(number) = PhoneNumber::parse(text) {
        let e164 = number.e164();
        assert!(e164.starts_with('+') && e164[1..].bytes().all(|b| b.is_ascii_digit()));
        assert!(e164.len() <= 16);
        assert_eq!(PhoneNumber::parse(e164).as_ref(), Ok(&number));
        if let Some(national) = number.national() {
            assert_eq!(PhoneNumber::parse(&national).as_ref(), Ok(&number));
        }
    }
});
