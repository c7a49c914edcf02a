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

impl super::Vault {
    /// A global task: adds this replica's rate-limit counts to the shared
    /// totals and takes the hour's key shared with the other replicas (at
    /// start, before the first count).
    pub async fn sync_rate_limits(&self, limits: &crate::limit::Limits) -> khienmang_store::Result<()> {
        limits.sync(&self.0).await
    }
}
