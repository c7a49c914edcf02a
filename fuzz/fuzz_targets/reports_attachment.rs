//! Any bytes as a citizen's attachment: either a refusal with a sentence for
//! the citizen, or a PNG, JPEG or PDF named by its own hash that is accepted
//! again as the same kind. Any bytes as its file name: a safe display name.
#![no_main]

use khienmang_core::reports::attachment::{AttachmentKind, MAX_ATTACHMENT_BYTES, safe_file_name, sanitize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match sanitize(data) {
        Ok(clean) => {
            assert!(!clean.bytes.is_empty());
            assert_eq!(clean.sha256.len(), 64);
            assert!(clean.sha256.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
            if clean.kind == AttachmentKind::Pdf {
                assert_eq!(clean.bytes, data, "a PDF is kept as it is");
            } else if clean.bytes.len() <= MAX_ATTACHMENT_BYTES {
                let again = sanitize(&clean.bytes).map(|c| c.kind);
                assert_eq!(again, Ok(clean.kind), "a cleaned image is accepted again");
            }
        }
        Err(e) => assert!(!e.message_vi().is_empty()),
    }

    let name = safe_file_name(&String::from_utf8_lossy(data));
    assert!(!name.is_empty() && name.chars().count() <= 80);
    assert!(!name.starts_with('.') && !name.contains(".."));
    assert!(!name.contains(['/', '\\']) && !name.chars().any(char::is_control));
});
