//! The scam check: scoped reads and writes. Candidates come from the
//! reports handled within the session's scope; indicators and disputes are
//! records of the whole programme (the capability is the rule), written
//! through [`super::Granted::write`] or, for a feed file, in the analyst's
//! name by the store's own import.

use khienmang_core::audit::AuditEntry;
use khienmang_core::scamcheck::OfficialEntry;
use khienmang_core::scamcheck::feeds::FeedFormat;
use khienmang_store::reports::Correlation;
use khienmang_store::scamcheck::{Dispute, FeedImportReport, Indicator, OfficialRow};

use super::{IndicatorManage, ProgrammeManage, Target, now};
use crate::error::WebResult;

impl IndicatorManage {
    /// Reports sharing a number, account or site, among the reports
    /// handled within the scope.
    pub async fn correlations(&self, limit: usize) -> WebResult<Vec<Correlation>> {
        Ok(self.0.store.correlations_within(self.0.scope.root(), limit).await?)
    }

    /// The indicator listed under `key`, if any.
    pub async fn indicator_by_key(&self, key: &str) -> WebResult<Option<Indicator>> {
        Ok(self.0.store.indicator_by_key(key).await?)
    }

    /// The latest owners' disputes (only the open ones with `open_only`).
    pub async fn disputes(&self, open_only: bool, limit: i64) -> WebResult<Vec<Dispute>> {
        Ok(self.0.store.disputes(open_only, limit).await?)
    }

    /// The latest indicators, whatever their status.
    pub async fn indicators(&self, limit: i64, offset: i64) -> WebResult<Vec<Indicator>> {
        Ok(self.0.store.indicators(None, limit, offset).await?)
    }

    /// Imports a feed file in the session's name.
    pub async fn import_feed(&self, format: FeedFormat, bytes: &[u8]) -> WebResult<FeedImportReport> {
        Ok(self.0.store.import_feed(&self.0.actor, format, bytes, now()).await?)
    }
}

/// The official list is the secretariat's: the check trusts it before any
/// list of scams, so only the programme's managers change it.
impl ProgrammeManage {
    /// Every entry of the official list, voided ones last.
    pub async fn official_entries(&self) -> WebResult<Vec<OfficialRow>> {
        Ok(self.0.store.official_entries().await?)
    }

    /// One entry and its history (newest first), from the audit log.
    pub async fn official_entry(&self, id: i64) -> WebResult<(OfficialRow, Vec<AuditEntry>)> {
        let entry = self.0.store.official_entry(id).await?;
        let history = self.0.store.audit_recent(Some(&format!("official:{id}")), 100, 0).await?;
        Ok((entry, history))
    }

    pub async fn add_official(&self, entry: &OfficialEntry, source: &str) -> WebResult<i64> {
        self.0.write(Target::Programme, async |tx| Ok(tx.add_official(entry, source).await?)).await
    }

    pub async fn edit_official(&self, id: i64, entry: &OfficialEntry, source: &str) -> WebResult<()> {
        self.0.write(Target::Programme, async |tx| Ok(tx.edit_official(id, entry, source).await?)).await
    }

    pub async fn void_official(&self, id: i64, reason: &str) -> WebResult<()> {
        self.0.write(Target::Programme, async |tx| Ok(tx.void_official(id, reason).await?)).await
    }
}
