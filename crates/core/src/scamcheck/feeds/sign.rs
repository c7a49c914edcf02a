//! Signatures on the exported feeds, so that a bank or another platform that
//! takes the list can tell it came from this deployment, unaltered.
//!
//! The format, for anyone verifying without this code:
//!
//! - the signed bytes are the exact body served (the CSV or JSON feed file,
//!   byte for byte; no canonicalisation, no trailing newline added);
//! - the algorithm is Ed25519 (RFC 8032, pure, no pre-hash, no context);
//! - the detached signature is the raw 64-byte signature in standard base64
//!   with padding (88 characters), served beside the body;
//! - the public key is the raw 32-byte key in standard base64 with padding
//!   (44 characters), served as text at `/.well-known/khienmang-feed-key`.
//!
//! For example, in Python with the `cryptography` package:
//! `Ed25519PublicKey.from_public_bytes(b64decode(key)).verify(b64decode(sig), body)`.
//!
//! The private key is kept as its 32-byte seed, in hex (64 characters) or
//! base64; both are read.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The key that signs this deployment's feeds.
#[derive(Clone)]
pub struct FeedSigningKey(SigningKey);

/// The public half, as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedVerifyingKey(VerifyingKey);

/// Why a key or a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedKeyError {
    #[error("The key is not 32 bytes in hex (64 characters) or base64.")]
    BadKeyText,
    #[error("The bytes are not a valid Ed25519 public key.")]
    BadPublicKey,
    #[error("The signature is not 64 bytes in base64.")]
    BadSignatureText,
    #[error("The signature does not match the feed: the file was altered or signed with another key.")]
    Mismatch,
}

impl FeedKeyError {
    /// The message for Vietnamese users: what is wrong and how to fix it.
    pub fn message_vi(&self) -> String {
        match self {
            FeedKeyError::BadKeyText => {
                "Khóa không hợp lệ: cần 32 byte viết dạng hex (64 ký tự) hoặc base64.".to_owned()
            }
            FeedKeyError::BadPublicKey => "Dữ liệu không phải khóa công khai Ed25519 hợp lệ.".to_owned(),
            FeedKeyError::BadSignatureText => "Chữ ký không hợp lệ: cần 64 byte viết dạng base64.".to_owned(),
            FeedKeyError::Mismatch => {
                "Chữ ký không khớp với dữ liệu: tệp đã bị sửa đổi hoặc được ký bằng khóa khác.".to_owned()
            }
        }
    }
}

/// Reads exactly `N` bytes written in hex or in any common base64 alphabet.
fn decode_fixed<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.trim();
    if text.len() == 2 * N
        && let Ok(bytes) = hex::decode(text)
    {
        return bytes.try_into().ok();
    }
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .and_then(|bytes| bytes.try_into().ok())
}

impl FeedSigningKey {
    /// A new key from 32 random bytes, which the caller takes from the
    /// operating system's generator (this crate does no IO).
    pub fn generate(random: [u8; 32]) -> Self {
        Self::from_seed(random)
    }

    pub fn from_seed(seed: [u8; 32]) -> Self {
        FeedSigningKey(SigningKey::from_bytes(&seed))
    }

    /// Reads a seed written by [`FeedSigningKey::seed_hex`] or
    /// [`FeedSigningKey::seed_base64`].
    pub fn from_seed_text(text: &str) -> Result<Self, FeedKeyError> {
        decode_fixed::<32>(text).map(Self::from_seed).ok_or(FeedKeyError::BadKeyText)
    }

    /// The secret seed in lowercase hex; keep it out of logs.
    pub fn seed_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The secret seed in standard base64; keep it out of logs.
    pub fn seed_base64(&self) -> String {
        STANDARD.encode(self.0.to_bytes())
    }

    pub fn verifying_key(&self) -> FeedVerifyingKey {
        FeedVerifyingKey(self.0.verifying_key())
    }
}

impl fmt::Debug for FeedSigningKey {
    // Never the seed, so a key in a struct cannot leak through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeedSigningKey").field("public", &self.verifying_key().to_text()).finish()
    }
}

impl FeedVerifyingKey {
    /// Reads a public key in base64 (as published) or hex.
    pub fn from_text(text: &str) -> Result<Self, FeedKeyError> {
        let bytes = decode_fixed::<32>(text).ok_or(FeedKeyError::BadKeyText)?;
        VerifyingKey::from_bytes(&bytes).map(FeedVerifyingKey).map_err(|_| FeedKeyError::BadPublicKey)
    }

    /// The raw 32 bytes in standard base64, as served at
    /// `/.well-known/khienmang-feed-key`.
    pub fn to_text(&self) -> String {
        STANDARD.encode(self.0.to_bytes())
    }

    /// A short fingerprint to tell keys apart after a rotation: the first 8
    /// bytes of the SHA-256 of the raw key, in hex.
    pub fn fingerprint(&self) -> String {
        hex::encode(&Sha256::digest(self.0.to_bytes())[..8])
    }
}

impl fmt::Display for FeedVerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// The detached signature of `body`: base64 of the raw 64-byte Ed25519
/// signature over exactly these bytes.
pub fn sign(body: &[u8], key: &FeedSigningKey) -> String {
    STANDARD.encode(key.0.sign(body).to_bytes())
}

/// Checks a signature made by [`sign`]. Strict verification: signatures
/// that other implementations would also reject (non-canonical, small-order
/// keys) are refused.
pub fn verify(body: &[u8], signature: &str, key: &FeedVerifyingKey) -> Result<(), FeedKeyError> {
    let bytes = decode_fixed::<64>(signature).ok_or(FeedKeyError::BadSignatureText)?;
    key.0.verify_strict(body, &Signature::from_bytes(&bytes)).map_err(|_| FeedKeyError::Mismatch)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    /// RFC 8032 §7.1, test 2.
    const RFC_SEED: &str = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
    const RFC_PUBLIC: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    const RFC_SIGNATURE: &str = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

    #[test]
    fn matches_rfc_8032() {
        let key = FeedSigningKey::from_seed_text(RFC_SEED).unwrap();
        assert_eq!(hex::encode(STANDARD.decode(key.verifying_key().to_text()).unwrap()), RFC_PUBLIC);
        let signature = sign(&[0x72], &key);
        assert_eq!(hex::encode(STANDARD.decode(&signature).unwrap()), RFC_SIGNATURE);
        assert_eq!(signature.len(), 88);
        assert_eq!(key.verifying_key().to_text().len(), 44);
        let public = FeedVerifyingKey::from_text(RFC_PUBLIC).unwrap();
        assert_eq!(verify(&[0x72], &signature, &public), Ok(()));
        assert_eq!(verify(&[0x72], RFC_SIGNATURE, &public), Ok(()), "hex signatures are read too");
    }

    #[test]
    fn keys_as_text() {
        let key = FeedSigningKey::generate([7; 32]);
        let again = FeedSigningKey::from_seed_text(&key.seed_base64()).unwrap();
        assert_eq!(again.seed_hex(), key.seed_hex());
        assert_eq!(
            FeedSigningKey::from_seed_text(&format!(" {}\n", key.seed_hex())).unwrap().seed_hex(),
            key.seed_hex()
        );
        let public = key.verifying_key();
        assert_eq!(FeedVerifyingKey::from_text(&public.to_text()).unwrap(), public);
        assert_eq!(public.to_string(), public.to_text());
        assert_eq!(public.fingerprint().len(), 16);
        assert!(!format!("{key:?}").contains(&key.seed_hex()));
        for bad in ["", "abc", &"0".repeat(63), &STANDARD.encode([1u8; 31])] {
            assert_eq!(FeedSigningKey::from_seed_text(bad).err(), Some(FeedKeyError::BadKeyText), "{bad}");
            assert_eq!(FeedVerifyingKey::from_text(bad).err(), Some(FeedKeyError::BadKeyText), "{bad}");
        }
        // y = 2 is not on the curve (x² would be a non-square).
        let mut off_curve = [0u8; 32];
        off_curve[0] = 2;
        assert_eq!(FeedVerifyingKey::from_text(&hex::encode(off_curve)).err(), Some(FeedKeyError::BadPublicKey));
        let public = key.verifying_key();
        assert_eq!(verify(b"x", "not base64!", &public), Err(FeedKeyError::BadSignatureText));
        assert_eq!(verify(b"x", &STANDARD.encode([0u8; 63]), &public), Err(FeedKeyError::BadSignatureText));
        for e in [
            FeedKeyError::BadKeyText,
            FeedKeyError::BadPublicKey,
            FeedKeyError::BadSignatureText,
            FeedKeyError::Mismatch,
        ] {
            assert!(!e.message_vi().is_empty() && e.message_vi() != e.to_string());
        }
    }

    #[test]
    fn another_key_does_not_verify() {
        let body = super::super::feed_csv(&[]);
        let signature = sign(body.as_bytes(), &FeedSigningKey::generate([1; 32]));
        let other = FeedSigningKey::generate([2; 32]).verifying_key();
        assert_eq!(verify(body.as_bytes(), &signature, &other), Err(FeedKeyError::Mismatch));
    }

    proptest! {
        #[test]
        fn any_flip_breaks_the_signature(
            seed in any::<[u8; 32]>(),
            body in prop::collection::vec(any::<u8>(), 1..300),
            at in any::<prop::sample::Index>(),
            bit in 0u8..8,
        ) {
            let key = FeedSigningKey::generate(seed);
            let public = key.verifying_key();
            let signature = sign(&body, &key);
            prop_assert_eq!(verify(&body, &signature, &public), Ok(()));
            let mut altered = body.clone();
            altered[at.index(body.len())] ^= 1 << bit;
            prop_assert_eq!(verify(&altered, &signature, &public), Err(FeedKeyError::Mismatch));
            let mut raw = STANDARD.decode(&signature).unwrap();
            raw[at.index(64)] ^= 1 << bit;
            prop_assert_eq!(verify(&body, &STANDARD.encode(&raw), &public), Err(FeedKeyError::Mismatch));
        }
    }
}
