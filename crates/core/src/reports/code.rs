//! Tracking codes and secrets. The code is public (it names the report in
//! Open311 and on the phone); the secret proves the reporter is the one who
//! sent it and is stored only as a hash.

/// Crockford's base32: no I, L, O or U, so a code read aloud or copied by
/// hand is not mistaken.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in a secret (128 random bits).
pub const SECRET_LEN: usize = 26;

/// "PA-7K3M9-QX2TR": 50 random bits, so codes are neither guessed in order
/// nor likely to collide; the secret, not the code, protects the report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct TrackingCode(String);

fn base32(bytes: &[u8], chars: usize) -> String {
    let mut bits: u128 = 0;
    // 16 bytes at most: the value must fit the 128 bits.
    for b in bytes.iter().take(16) {
        bits = (bits << 8) | u128::from(*b);
    }
    (0..chars).rev().map(|i| ALPHABET[((bits >> (5 * i)) & 31) as usize] as char).collect()
}

/// Reads a character as Crockford does: case-insensitive, O as 0, I and L as 1.
fn normalise(c: char) -> Option<char> {
    let c = c.to_ascii_uppercase();
    let c = match c {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET.contains(&(c as u8)).then_some(c).filter(char::is_ascii)
}

impl TrackingCode {
    pub fn generate(random: [u8; 7]) -> TrackingCode {
        TrackingCode::generate_with("PA", random)
    }

    /// A code under another two-letter prefix ("KN" for an owner's dispute
    /// of a scam listing): the same length and alphabet.
    pub fn generate_with(prefix: &str, random: [u8; 7]) -> TrackingCode {
        let s = base32(&random, 10);
        TrackingCode(format!("{prefix}-{}-{}", &s[..5], &s[5..]))
    }

    /// Accepts what people type: any case, with or without "PA" and dashes.
    pub fn parse(input: &str) -> Option<TrackingCode> {
        TrackingCode::parse_with("PA", input)
    }

    /// [`TrackingCode::parse`] for codes made by [`TrackingCode::generate_with`].
    pub fn parse_with(prefix: &str, input: &str) -> Option<TrackingCode> {
        let compact: String = input.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        let upper = compact.to_ascii_uppercase();
        let body = upper.strip_prefix(prefix).unwrap_or(&upper);
        if body.chars().count() != 10 {
            return None;
        }
        let s: String = body.chars().map(normalise).collect::<Option<_>>()?;
        Some(TrackingCode(format!("{prefix}-{}-{}", &s[..5], &s[5..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new secret from 16 random bytes.
pub fn new_secret(random: [u8; 16]) -> String {
    base32(&random, SECRET_LEN)
}

/// What is stored for a secret. 128 random bits need no slow hash.
pub fn secret_hash(secret: &str) -> String {
    let normalised: String = secret.trim().chars().filter(|c| *c != '-' && *c != ' ').filter_map(normalise).collect();
    crate::secret::token_hash(&normalised)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_read_back_however_they_are_typed() {
        let code = TrackingCode::generate([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde]);
        assert_eq!(code.as_str().len(), 14);
        assert!(code.as_str().starts_with("PA-"));
        let typed = code.as_str().to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(TrackingCode::parse(&typed), Some(code.clone()));
        assert_eq!(TrackingCode::parse(&code.as_str()[3..]), Some(code));
        assert_eq!(TrackingCode::parse("PA-1234"), None);
        assert_eq!(TrackingCode::parse("PA-UUUUU-UUUUU"), None);
        assert_eq!(TrackingCode::parse("PA-ÀÀÀÀÀ-ÀÀÀÀÀ"), None);
    }

    #[test]
    fn secrets_hash_the_same_however_they_are_typed() {
        let s = new_secret([7; 16]);
        assert_eq!(s.len(), SECRET_LEN);
        assert_eq!(secret_hash(&s), secret_hash(&format!(" {} ", s.to_lowercase())));
        assert_ne!(secret_hash(&s), secret_hash(&new_secret([8; 16])));
    }

    proptest! {
        #[test]
        fn every_generated_code_parses_to_itself(random in any::<[u8; 7]>()) {
            let code = TrackingCode::generate(random);
            prop_assert_eq!(TrackingCode::parse(code.as_str()), Some(code));
        }

        #[test]
        fn parsing_never_panics(input in "\\PC{0,20}") {
            let _ = TrackingCode::parse(&input);
            let _ = secret_hash(&input);
        }
    }
}
