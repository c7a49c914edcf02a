//! Secrets a client holds and we keep only as a digest (session tokens,
//! contest attempts' tokens, reporters' secrets, one-time codes): the one
//! digest they are stored as, and the one comparison of what a client sends
//! with what we hold.

use sha2::{Digest, Sha256};

/// What is stored for a token: SHA-256, in lower-case hex. Tokens are
/// random enough to need no slow hash; the format is in databases, so it
/// does not change.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `given` is `expected`, in a time that says nothing about how
/// much of it was right: the two are hashed and every byte of the digests
/// compared, so neither the place of the first wrong byte nor the length
/// shows.
pub fn same(expected: &str, given: &str) -> bool {
    let (a, b) = (Sha256::digest(expected.as_bytes()), Sha256::digest(given.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_the_same_secret_matches() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        assert!(!same("", "a"));
        assert!(same("", ""));
    }

    #[test]
    fn the_stored_format_is_hex_sha256() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    proptest! {
        #[test]
        fn same_is_equality(a in ".{0,40}", b in ".{0,40}") {
            prop_assert!(same(&a, &a));
            prop_assert_eq!(same(&a, &b), a == b);
        }
    }
}
