//! Reading and verifying the audit log. Appending is [`crate::WriteTx::audit`].

use khienmang_core::audit::{AuditEntry, ChainError, GENESIS, verify_chain};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, Store};

const PAGE: i64 = 5_000;

fn entry(row: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        object: row.try_get("object")?,
        details: row.try_get("details")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

const COLUMNS: &str = "seq, at, actor, action, object, details, prev_hash, hash";

/// The last entry this process found the chain sound up to, so that a view
/// of the audit page checks only what was appended since, and how many
/// entries it has hashed in all (what the tests count).
#[derive(Debug)]
pub struct AuditChecked {
    upto: Mutex<(i64, String)>,
    hashed: AtomicU64,
}

impl Default for AuditChecked {
    fn default() -> Self {
        AuditChecked { upto: Mutex::new((0, GENESIS.to_string())), hashed: AtomicU64::new(0) }
    }
}

impl AuditChecked {
    fn get(&self) -> (i64, String) {
        self.upto.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn set(&self, last: (i64, String)) {
        let mut guard = self.upto.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Another view may have got further meanwhile.
        if last.0 > guard.0 {
            *guard = last;
        }
    }
}

impl Store {
    /// How far this process has verified the audit chain.
    fn audit_checked(&self) -> std::sync::Arc<AuditChecked> {
        self.caches().get()
    }

    /// Walks the whole chain. `Ok(n)` is the number of entries checked;
    /// the inner error names the first bad entry.
    pub async fn audit_verify(&self) -> Result<Result<i64, ChainError>> {
        self.audit_verify_from((0, GENESIS.to_string())).await
    }

    /// Checks only the entries appended since the last check this process
    /// made (the whole chain the first time), after making sure the entry
    /// it stopped at still has the hash it had. `Ok(n)` is the last sound seq.
    pub async fn audit_verify_new(&self) -> Result<Result<i64, ChainError>> {
        let from = self.audit_checked().get();
        if from.0 > 0 {
            let hash: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(from.0)
                .fetch_optional(self.pool())
                .await?;
            if hash.as_deref() != Some(from.1.as_str()) {
                // The checked part changed under us: only a full walk can say where.
                return self.audit_verify().await;
            }
        }
        self.audit_verify_from(from).await
    }

    /// How many entries this process has hashed while verifying.
    pub fn audit_entries_hashed(&self) -> u64 {
        self.audit_checked().hashed.load(Ordering::Relaxed)
    }

    async fn audit_verify_from(&self, start: (i64, String)) -> Result<Result<i64, ChainError>> {
        let mut prev = start;
        loop {
            let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"))
                .bind(prev.0)
                .bind(PAGE)
                .fetch_all(self.pool())
                .await?;
            let entries = rows.iter().map(entry).collect::<Result<Vec<_>>>()?;
            self.audit_checked().hashed.fetch_add(entries.len() as u64, Ordering::Relaxed);
            // Rows are read by seq, so a row whose seq was edited shows up as a
            // gap or a wrong link; its content check catches the rest.
            match verify_chain(&entries, prev.clone()) {
                Ok(last) => prev = last,
                Err(e) => return Ok(Err(e)),
            }
            if (entries.len() as i64) < PAGE {
                break;
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(self.pool()).await?;
        let (head_seq, head_hash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
        if head_seq != prev.0 || head_hash != prev.1 {
            return Ok(Err(ChainError::Truncated { last: prev.0, head: head_seq }));
        }
        self.audit_checked().set(prev.clone());
        Ok(Ok(prev.0))
    }

    /// The newest entries first, optionally only those about one object.
    pub async fn audit_recent(&self, object: Option<&str>, limit: i64, offset: i64) -> Result<Vec<AuditEntry>> {
        let rows = match object {
            Some(o) => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM audit_log WHERE object = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3"
                ))
                .bind(o.to_string())
                .bind(limit)
                .bind(offset)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT $1 OFFSET $2"))
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(entry).collect()
    }
}
