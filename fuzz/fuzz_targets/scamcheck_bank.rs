//! Any text as a bank and an account number (split at the first newline):
//! either a Vietnamese error, or an account whose canonical form
//! ("BIN:number") parses back to the same account.
#![no_main]

use khienmang_core::scamcheck::{Bank, BankAccount};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (bank, number) = text.split_once('\n').unwrap_or((text, ""));
    if let Some(found) = Bank::find(bank) {
        assert_eq!(Bank::by_bin(found.bin).map(|b| b.bin), Some(found.bin));
    }
    match BankAccount::parse(bank, number) {
        Ok(account) => {
            assert!(account.number().bytes().all(|b| b.is_ascii_digit()));
            let canonical = account.canonical();
            let (bin, digits) = canonical.split_once(':').expect("BIN:number");
            assert_eq!(BankAccount::parse(bin, digits).as_ref(), Ok(&account));
        }
        Err(e) => assert!(!e.message_vi().is_empty()),
    }
});
