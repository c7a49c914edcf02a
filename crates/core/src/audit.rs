//! The audit log's hash chain. Each entry's hash covers its own fields and the
//! previous entry's hash, so editing, deleting or reordering a row by hand
//! breaks the chain at that row.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// RFC 3339 UTC timestamp.
    pub at: String,
    /// Who acted: a username, "system", or "citizen".
    pub actor: String,
    /// What happened: "org.rename", "auth.login", "personal_data.view", ...
    pub action: String,
    /// What it happened to: "unit:42", "user:7", ...
    pub object: String,
    /// Details as JSON text.
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry given its fields and the previous hash.
pub fn entry_hash(seq: i64, at: &str, actor: &str, action: &str, object: &str, details: &str, prev: &str) -> String {
    let mut h = Sha256::new();
    // Length-prefix every field so no two different entries hash alike.
    for field in [seq.to_string().as_str(), at, actor, action, object, details, prev] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Why the chain is broken, naming the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("audit entry {seq}: its content does not match its hash (edited by hand?)")]
    Tampered { seq: i64 },
    #[error("audit entry {seq}: it does not follow entry {expected_prev} (deleted or reordered?)")]
    Broken { seq: i64, expected_prev: i64 },
    #[error("audit log ends at entry {last} but the recorded head is entry {head} (entries deleted?)")]
    Truncated { last: i64, head: i64 },
}

/// Checks entries in `seq` order, continuing from `prev` (seq, hash).
/// Returns the last (seq, hash) so the check can run in pages.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
    mut prev: (i64, String),
) -> Result<(i64, String), ChainError> {
    for e in entries {
        if e.seq != prev.0 + 1 || e.prev_hash != prev.1 {
            return Err(ChainError::Broken { seq: e.seq, expected_prev: prev.0 });
        }
        let expected = entry_hash(e.seq, &e.at, &e.actor, &e.action, &e.object, &e.details, &e.prev_hash);
        if expected != e.hash {
            return Err(ChainError::Tampered { seq: e.seq });
        }
        prev = (e.seq, e.hash.clone());
    }
    Ok(prev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let hash = entry_hash(seq, "2026-01-01T00:00:00Z", "admin", "org.rename", "unit:1", "{}", &prev);
                let e = AuditEntry {
                    seq,
                    at: "2026-01-01T00:00:00Z".into(),
                    actor: "admin".into(),
                    action: "org.rename".into(),
                    object: "unit:1".into(),
                    details: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        assert!(verify_chain(&chain(5), (0, GENESIS.into())).is_ok());
    }

    #[test]
    fn edit_delete_and_reorder_are_named() {
        let mut c = chain(5);
        c[2].details = "{\"name\":\"x\"}".into();
        assert_eq!(verify_chain(&c, (0, GENESIS.into())), Err(ChainError::Tampered { seq: 3 }));

        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify_chain(&c, (0, GENESIS.into())), Err(ChainError::Broken { seq: 3, expected_prev: 1 }));

        let mut c = chain(5);
        c.swap(3, 4);
        assert_eq!(verify_chain(&c, (0, GENESIS.into())), Err(ChainError::Broken { seq: 5, expected_prev: 3 }));
    }
}
