//! Any text as an account written in one piece, the bank's name before or
//! after the number, to `BankAccount::parse_written`: either a Vietnamese
//! error, or an account that reads back the same with its bank's name moved
//! to the other side of the number.
#![no_main]

use khienmang_core::scamcheck::BankAccount;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match BankAccount::parse_written(text) {
        Ok(account) => {
            assert!(account.number().bytes().all(|b| b.is_ascii_digit()));
            let name = account.bank().short_name;
            let before = format!("{name} {}", account.number());
            let after = format!("{} {name}", account.number());
            assert_eq!(BankAccount::parse_written(&before).as_ref(), Ok(&account), "{before}");
            assert_eq!(BankAccount::parse_written(&after).as_ref(), Ok(&account), "{after}");
        }
        Err(e) => assert!(!e.message_vi().is_empty()),
    }
});
