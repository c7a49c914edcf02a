//! Any bytes as a link: either an error, or a canonical URL that is its own
//! canonical form and yields lookup expressions for its host.
#![no_main]

use khienmang_core::scamcheck::CanonicalUrl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(url) = CanonicalUrl::parse_bytes(data) {
        let again = CanonicalUrl::parse(url.as_str()).expect("a canonical URL parses");
        assert_eq!(again.as_str(), url.as_str(), "canonicalisation is idempotent");
        let expressions = url.expressions();
        assert!(!expressions.is_empty() && expressions.len() <= 5 * 6);
        assert!(expressions[0].as_str().starts_with(url.host()));
        assert!(url.as_str().bytes().all(|b| b > 0x20 && b < 0x7F));
    }
});
