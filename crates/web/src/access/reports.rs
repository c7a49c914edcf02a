//! Citizens' reports: scoped reads and writes. The queue and the
//! correlations list only reports handled in the scope; a single report is
//! "not found" unless the unit handling it is in the scope, and what hangs
//! off it (identifiers, timeline, attachments, similar reports) is read
//! through [`OfReport`]. A handling action is a write on
//! [`Target::Report`](super::Target::Report), which loads and checks the
//! report before the transaction opens.

use khienmang_core::reports::Identifier;
use khienmang_store::reports::{
    Attachment, Correlation, Likeness, Notification, Report, ReportEvent, ReportFilter, SimilarReport,
};

use khienmang_core::time::Timestamp;

use super::{Granted, ReportRead, now};
use crate::error::{WebError, WebResult};

impl Granted {
    /// The report if the unit handling it is within the scope; NotFound otherwise.
    pub(super) async fn report_in_scope(&self, id: i64) -> WebResult<Report> {
        let report = self.store.report(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(report.unit_id).await?;
        Ok(report)
    }
}

impl ReportRead {
    /// The report if the unit handling it is within the scope; NotFound otherwise.
    pub async fn report(&self, id: i64) -> WebResult<Report> {
        self.0.report_in_scope(id).await
    }

    /// Reports handled in the scope, newest first (paginated).
    /// `now` decides which are overdue.
    pub async fn reports(
        &self,
        filter: &ReportFilter,
        limit: i64,
        offset: i64,
        now: Timestamp,
    ) -> WebResult<Vec<Report>> {
        Ok(self.0.store.reports_within(self.0.scope.root(), filter, limit, offset, now).await?)
    }

    /// How many reports handled in the scope `filter` keeps, all pages.
    pub async fn count(&self, filter: &ReportFilter, now: Timestamp) -> WebResult<i64> {
        Ok(self.0.store.count_reports_within(self.0.scope.root(), filter, now).await?)
    }

    /// The latest notifications of the scope's root (none for the whole country).
    pub async fn notifications(&self, limit: i64) -> WebResult<Vec<Notification>> {
        match self.0.scope.root() {
            Some(unit) => Ok(self.0.store.notifications_for(unit, limit).await?),
            None => Ok(Vec::new()),
        }
    }

    /// Identifiers that several reports handled in the scope share.
    pub async fn correlations(&self, limit: usize) -> WebResult<Vec<Correlation>> {
        Ok(self.0.store.correlations_within(self.0.scope.root(), limit).await?)
    }

    /// An attachment and the report it belongs to, if that report is in the scope.
    pub async fn attachment(&self, id: i64) -> WebResult<(i64, Attachment)> {
        let (report, a) = self.0.store.report_attachment(id).await?.ok_or(WebError::NotFound)?;
        self.report(report).await?;
        Ok((report, a))
    }

    /// What hangs off a report loaded by [`ReportRead::report`].
    pub fn of_report<'a>(&'a self, report: &'a Report) -> OfReport<'a> {
        OfReport { g: &self.0, report }
    }
}

/// The records of one report in the scope.
pub struct OfReport<'a> {
    g: &'a Granted,
    report: &'a Report,
}

impl OfReport<'_> {
    /// The phone numbers, accounts and sites it names.
    pub async fn identifiers(&self) -> WebResult<Vec<Identifier>> {
        Ok(self.g.store.report_identifiers(self.report.id).await?)
    }

    /// How many reports (anywhere) name `identifier`: a count, nothing of them.
    pub async fn naming(&self, identifier: &Identifier) -> WebResult<i64> {
        Ok(self.g.store.reports_naming(identifier).await?)
    }

    /// Reports like it that the session could open itself.
    pub async fn similar(&self, identifiers: &[Identifier], limit: usize) -> WebResult<Vec<SimilarReport>> {
        let r = self.report;
        let like = Likeness { text: &r.description, identifiers, commune: r.commune_id, exclude: Some(r.id) };
        Ok(self.g.store.similar_reports(&like, self.g.scope.root(), limit, now()).await?)
    }

    /// Its timeline.
    pub async fn events(&self) -> WebResult<Vec<ReportEvent>> {
        Ok(self.g.store.report_events(self.report.id).await?)
    }

    /// Its attachments.
    pub async fn attachments(&self) -> WebResult<Vec<Attachment>> {
        Ok(self.g.store.report_attachments(self.report.id).await?)
    }
}
