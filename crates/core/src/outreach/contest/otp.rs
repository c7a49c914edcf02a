//! Phone verification: one-time codes, their text message, and the challenge
//! that checks a typed code without keeping the code itself.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::entrants::PersonKey;

pub const OTP_DIGITS: usize = 6;
/// Long enough for a text message to arrive, short enough that a code read
/// over someone's shoulder is soon useless.
pub const OTP_TTL: Duration = Duration::minutes(5);
/// Wrong guesses allowed per code: 5 in 1,000,000 is a negligible chance.
pub const OTP_MAX_TRIES: u32 = 5;

/// A six-digit code. `Debug` hides it so it cannot leak into logs by
/// accident.
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OneTimeCode(******)")
    }
}

impl OneTimeCode {
    /// A code from 8 random bytes. 2^64 mod 10^6 makes some codes likelier
    /// by about one part in 10^13: nothing a guesser can use.
    pub fn generate(random: [u8; 8]) -> OneTimeCode {
        let n = u64::from_le_bytes(random) % 1_000_000;
        OneTimeCode(format!("{n:06}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The text message carrying a code. Without diacritics: a message with
/// Vietnamese letters is sent as Unicode, which halves what fits in one SMS
/// and is garbled by some older phones.
pub fn otp_sms_text(code: &OneTimeCode) -> String {
    format!(
        "KHIEN MANG: ma xac thuc cua ban la {}, hieu luc {} phut. Khong cung cap ma nay cho bat ky ai.",
        code.as_str(),
        OTP_TTL.num_minutes()
    )
}

/// A code sent to a person and waiting to be typed back. Only a salted
/// hash of the code is kept: someone reading the table during the five
/// minutes cannot just copy codes out. (A million codes can be hashed in
/// a moment, so the expiry and the try limit are the real protection.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpChallenge {
    pub person: PersonKey,
    /// Hex, 16 random bytes chosen when the code was issued.
    pub salt: String,
    /// Hex SHA-256 of salt, person and code.
    pub code_hash: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Wrong or right guesses so far.
    pub tries: u32,
    /// Set by the first correct guess: a code works once.
    pub verified_at: Option<DateTime<Utc>>,
}

/// Why a code typed back is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    #[error("the code is not six digits")]
    Malformed,
    #[error("the code has expired")]
    Expired,
    #[error("too many wrong codes")]
    TooManyTries,
    #[error("the code was already used")]
    AlreadyUsed,
    #[error("wrong code, {tries_left} tries left")]
    Wrong { tries_left: u32 },
}

impl OtpError {
    pub fn message_vi(&self) -> String {
        match self {
            OtpError::Malformed => format!("Mã xác thực gồm {OTP_DIGITS} chữ số."),
            OtpError::Expired => "Mã xác thực đã hết hạn; hãy yêu cầu gửi mã mới.".into(),
            OtpError::TooManyTries => "Bạn đã nhập sai quá nhiều lần; hãy yêu cầu gửi mã mới.".into(),
            OtpError::AlreadyUsed => "Mã xác thực này đã được sử dụng; hãy yêu cầu gửi mã mới.".into(),
            OtpError::Wrong { tries_left } => format!("Mã xác thực không đúng. Bạn còn {tries_left} lần thử."),
        }
    }
}

fn otp_hash(salt_hex: &str, person: &PersonKey, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt_hex.as_bytes());
    h.update(b":");
    h.update(person.as_str().as_bytes());
    h.update(b":");
    h.update(code.as_bytes());
    hex::encode(h.finalize())
}

impl OtpChallenge {
    pub fn issue(person: PersonKey, code: &OneTimeCode, salt: [u8; 16], now: DateTime<Utc>) -> OtpChallenge {
        let salt = hex::encode(salt);
        let code_hash = otp_hash(&salt, &person, code.as_str());
        OtpChallenge {
            person,
            salt,
            code_hash,
            issued_at: now,
            expires_at: now.checked_add_signed(OTP_TTL).unwrap_or(now),
            tries: 0,
            verified_at: None,
        }
    }

    /// Checks a code as typed (spaces allowed). A wrong guess uses up a try,
    /// so the caller stores the challenge again whatever the outcome; a
    /// malformed one does not (it reveals nothing).
    pub fn verify(&mut self, input: &str, now: DateTime<Utc>) -> Result<(), OtpError> {
        if self.verified_at.is_some() {
            return Err(OtpError::AlreadyUsed);
        }
        if now > self.expires_at {
            return Err(OtpError::Expired);
        }
        if self.tries >= OTP_MAX_TRIES {
            return Err(OtpError::TooManyTries);
        }
        let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != OTP_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OtpError::Malformed);
        }
        self.tries += 1;
        let hash = otp_hash(&self.salt, &self.person, &code);
        if crate::secret::same(&self.code_hash, &hash) {
            self.verified_at = Some(now);
            Ok(())
        } else {
            Err(OtpError::Wrong { tries_left: OTP_MAX_TRIES - self.tries })
        }
    }
}
