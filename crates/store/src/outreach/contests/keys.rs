//! What the contest tables share: the keyed hash and seal of an entrant's
//! number, timestamps as stored, token checks and the limits on names and codes.

use khienmang_core::outreach::contest::PersonKey;
use khienmang_core::secret;
use sha2::{Digest, Sha256};

use crate::reports::FieldKey;
use crate::{Result, StoreError};

/// Bumped by every change of the organisers (contests, banks, units,
/// prizes, staff): replicas and the writer reload what they cache.
pub(crate) const GENERATION: &str = "contests.generation";

/// The audit actor of entrants (they have no account).
pub const ENTRANT: &str = "contest-entrant";

/// Codes one number may ask for per hour, all contests together.
pub const CODES_PER_HOUR: i64 = 5;

/// Longest name shown on a leaderboard.
pub const MAX_NAME_CHARS: usize = 80;

pub(super) fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Invalid(message.into())
}

/// What the store keeps of an entrant's number, from the field key: a keyed
/// hash (the same number, however typed, gives the same hash; without the
/// key nobody can test a guess against it), and the sealed number.
#[derive(Clone, Debug)]
pub struct EntrantKeys {
    key: FieldKey,
    hash_key: [u8; 32],
}

impl EntrantKeys {
    pub fn new(key: FieldKey) -> EntrantKeys {
        let hash_key = key.derive("khienmang contest entrant");
        EntrantKeys { key, hash_key }
    }

    /// Hex SHA-256 of the derived key and the E.164 number.
    pub fn hash(&self, person: &PersonKey) -> String {
        hex::encode(Sha256::new().chain_update(self.hash_key).chain_update(person.as_str().as_bytes()).finalize())
    }

    pub fn seal(&self, person: &PersonKey) -> Vec<u8> {
        self.key.seal(person.as_str().as_bytes())
    }

    pub fn open(&self, sealed: &[u8]) -> Result<PersonKey> {
        let plain = self.key.open(sealed)?;
        let text = String::from_utf8(plain).map_err(|_| invalid("số điện thoại đã mã hóa bị hỏng"))?;
        PersonKey::parse(&text).map_err(|e| invalid(e.message_vi()))
    }
}

/// Whether `token` is the one whose hash is stored.
pub fn same_token(token: &str, stored_hash: &str) -> bool {
    secret::same(stored_hash, &secret::token_hash(token))
}

pub(super) fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(super) fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
