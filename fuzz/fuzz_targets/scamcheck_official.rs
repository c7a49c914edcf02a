//! Any text as an entry of the official list, of each kind: accepted in one
//! form only (checking the accepted value again gives the same entry), or
//! refused with a Vietnamese message beside a named field.
#![no_main]

use khienmang_core::scamcheck::{OfficialEntry, OfficialKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (value, rest) = text.split_once('\n').unwrap_or((text, ""));
    let (bank, owner) = rest.split_once('\n').unwrap_or((rest, "Chủ sở hữu"));
    for &kind in OfficialKind::ALL {
        match OfficialEntry::check(kind, value, bank, owner) {
            Ok(entry) => {
                let number = entry.value.rsplit(':').next().unwrap_or_default();
                let again = OfficialEntry::check(kind, number, bank, &entry.owner)
                    .expect("an accepted entry is accepted again");
                assert_eq!(again, entry);
            }
            Err(e) => {
                assert!(!e.message_vi().is_empty());
                assert!(["value", "bank", "owner"].contains(&e.field()));
            }
        }
    }
});
