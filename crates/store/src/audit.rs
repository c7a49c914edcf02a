//! Reading and verifying the audit log. Appending is [`crate::WriteTx::audit`].

use khienmang_core::audit::{AuditEntry, ChainError, GENESIS, verify_chain};
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

impl Store {
    /// Walks the whole chain. `Ok(n)` is the number of entries checked;
    /// the inner error names the first bad entry.
    pub async fn audit_verify(&self) -> Result<Result<i64, ChainError>> {
        let mut prev = (0_i64, GENESIS.to_string());
        loop {
            let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"))
                .bind(prev.0)
                .bind(PAGE)
                .fetch_all(self.pool())
                .await?;
            let entries = rows.iter().map(entry).collect::<Result<Vec<_>>>()?;
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
