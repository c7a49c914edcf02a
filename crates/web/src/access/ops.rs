//! Operations: scoped reads and writes.

use khienmang_core::audit::{AuditEntry, ChainError};

use super::AuditRead;
use crate::error::WebResult;

impl AuditRead {
    /// Checks the audit chain: all of it when `full`, else the entries
    /// appended since the last check.
    pub async fn audit_check(&self, full: bool) -> WebResult<Result<i64, ChainError>> {
        let store = &self.0.store;
        Ok(if full { store.audit_verify().await? } else { store.audit_verify_new().await? })
    }

    /// The latest audit entries, optionally of one object (paginated).
    pub async fn audit_recent(&self, object: Option<&str>, limit: i64, offset: i64) -> WebResult<Vec<AuditEntry>> {
        Ok(self.0.store.audit_recent(object, limit, offset).await?)
    }
}
