//! Any text as a channel link: either an error with a Vietnamese message, or
//! a channel whose key is ASCII, names its platform, and whose shown link
//! reads back to the same key.
#![no_main]

use khienmang_core::movement::Channel;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Channel::parse(text) {
        Ok(channel) => {
            assert!(channel.key.is_ascii(), "keys are ASCII");
            assert!(channel.key.starts_with(&format!("{}:", channel.platform.as_str())));
            assert!(channel.url.starts_with("https://"));
            let again = Channel::parse(&channel.url).expect("a shown link parses");
            assert_eq!(again.key, channel.key, "the shown link is the same channel");
        }
        Err(e) => assert!(!e.message_vi().is_empty()),
    }
});
