//! Field-level encryption of reporters' contact details. The key comes from
//! the configuration, never from the database, so a copied database file
//! reveals no phone number or e-mail address.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::{Result, StoreError};

/// Format version of a sealed value, stored as its first byte.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// A 256-bit key for XChaCha20-Poly1305 (random 192-bit nonces, so any
/// number of values can be sealed under one key).
#[derive(Clone)]
pub struct FieldKey(Key);

impl std::fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldKey(…)")
    }
}

impl FieldKey {
    /// From 64 hex characters (as in `KHIENMANG_FIELD_KEY`).
    pub fn from_hex(text: &str) -> Result<FieldKey> {
        let bytes = hex::decode(text.trim())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| StoreError::Invalid("Khóa mã hóa phải là 64 ký tự hexa (32 byte).".into()))?;
        Ok(FieldKey(*Key::from_slice(&bytes)))
    }

    /// A 32-byte key for another purpose, derived from this one (SHA-256 of
    /// the purpose and the key), so one secret in the configuration serves
    /// both and neither reveals the other.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::new().chain_update(purpose.as_bytes()).chain_update([0]).chain_update(self.0).finalize().into()
    }

    /// A new random key and its hex form, to be kept by the operator.
    pub fn generate() -> (FieldKey, String) {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        (FieldKey(key), hex::encode(key))
    }

    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new(&self.0);
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encryption only fails for inputs longer than the cipher allows (256 GiB).
        let sealed = cipher.encrypt(&nonce, plaintext).unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>> {
        let refused =
            || StoreError::Invalid("Không giải mã được thông tin liên hệ (sai khóa hoặc dữ liệu hỏng).".into());
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != VERSION {
            return Err(refused());
        }
        let nonce = XNonce::from_slice(&sealed[1..1 + NONCE_LEN]);
        XChaCha20Poly1305::new(&self.0).decrypt(nonce, &sealed[1 + NONCE_LEN..]).map_err(|_| refused())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_hide_the_text() {
        let (key, hex) = FieldKey::generate();
        let sealed = key.seal(b"+84912345678");
        assert!(!sealed.windows(12).any(|w| w == b"+84912345678"));
        assert_ne!(sealed, key.seal(b"+84912345678"), "a fresh nonce every time");
        assert_eq!(FieldKey::from_hex(&hex).unwrap().open(&sealed).unwrap(), b"+84912345678");
        let (other, _) = FieldKey::generate();
        assert!(other.open(&sealed).is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(key.open(&tampered).is_err());
        assert!(key.open(&[]).is_err());
        assert!(FieldKey::from_hex("abcd").is_err());
    }
}
