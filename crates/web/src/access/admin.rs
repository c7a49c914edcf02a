//! The programme: scoped reads and writes. Evaluations and nominations are
//! listed only for units in the scope; a unit's own evaluation is read
//! through a [`Within`]; the programme-wide records (criteria, budget,
//! duties, the review reports) are reached through the capability the
//! extractor checked. Writes go through [`Granted::write`].

use std::sync::Arc;

use khienmang_core::Date;
use khienmang_core::admin::duties::DutyReport;
use khienmang_core::admin::review::ReviewData;
use khienmang_core::admin::{CriteriaSet, PeriodKind, PeriodReport, ReviewKind, UnitKind};
use khienmang_core::movement::RecordKind;
use khienmang_core::org::{OrgHistory, UnitId};
use khienmang_store::admin::{BudgetRecord, BudgetSummary, EvaluationRecord, NominationRecord, review_data};
use khienmang_store::movement::RecordChange;

use super::{Granted, ProgrammeManage, Scope, Within, today};
use crate::error::{WebError, WebResult};

impl Granted {
    /// The tree's whole history, to name units reached through the scope
    /// and to follow them through reorganisations.
    pub async fn tree_history(&self) -> WebResult<Arc<OrgHistory>> {
        Ok(self.store.org_history().await?)
    }

    /// The unit, checked to be in the subtree today (as for a write); a
    /// unit outside the scope is NotFound, one readable only for its
    /// history is refused.
    pub async fn within_today(&self, unit: UnitId) -> WebResult<Within<'_>> {
        self.ensure_write(unit).await?;
        Ok(Within { g: self, unit })
    }

    /// The units the scope starts from on `on`: its root, or every
    /// top-level unit for the whole country.
    pub async fn scope_roots(&self, on: Date) -> WebResult<Vec<UnitId>> {
        match self.scope {
            Scope::Subtree(root) => Ok(vec![root]),
            Scope::Country => Ok(self.store.roots_on(on).await?.into_iter().map(|v| v.unit_id).collect()),
        }
    }

    /// The evaluations of `year` of units in the scope (ever under its
    /// root), with the tree's history they were filtered against.
    pub async fn evaluations(&self, year: i32) -> WebResult<(Arc<OrgHistory>, Vec<EvaluationRecord>)> {
        let history = self.store.org_history().await?;
        let within = self.scope.root().map(|root| history.within(root));
        let list = self
            .store
            .evaluations(year)
            .await?
            .into_iter()
            .filter(|e| within.as_ref().is_none_or(|w| w.contains(&e.unit)))
            .collect();
        Ok((history, list))
    }

    /// The criteria of `year` for units of `kind` (the whole programme's).
    pub async fn criteria_set(&self, year: i32, kind: UnitKind) -> WebResult<CriteriaSet> {
        Ok(self.store.criteria_set(year, kind).await?)
    }

    /// The set an evaluation was scored against (`version` 0: the default).
    pub async fn criteria_set_version(&self, year: i32, kind: UnitKind, version: i64) -> WebResult<CriteriaSet> {
        Ok(self.store.criteria_set_version(year, kind, version).await?)
    }

    /// How many evaluations sent up keep `version` of the year's set.
    pub async fn evaluations_sent_on(&self, year: i32, kind: UnitKind, version: i64) -> WebResult<i64> {
        Ok(self.store.evaluations_sent_on(year, kind, version).await?)
    }

    /// The history of a programme record (a criteria set, an evaluation or
    /// a nomination) the caller has already checked against the scope.
    pub async fn programme_history(&self, kind: RecordKind, id: &str) -> WebResult<Vec<RecordChange>> {
        Ok(self.store.record_history(kind, id).await?)
    }

    /// Nominations of `year` proposed by a unit in the scope; the voided
    /// ones too for those who may restore them (the secretariat).
    pub async fn nominations(&self, year: i32) -> WebResult<Vec<NominationRecord>> {
        let within = match self.scope.root() {
            Some(root) => Some(self.store.org_history().await?.within(root)),
            None => None,
        };
        let list = if self.role.can(khienmang_core::auth::Capability::ProgrammeManage) {
            self.store.nominations_with_voided(Some(year)).await?
        } else {
            self.store.nominations(Some(year)).await?
        };
        Ok(list.into_iter().filter(|n| within.as_ref().is_none_or(|w| w.contains(&n.nomination.proposed_by))).collect())
    }

    /// A nomination proposed by a unit in the scope, or NotFound. A voided
    /// one is NotFound to everyone but those who may restore it.
    pub async fn nomination(&self, id: i64) -> WebResult<NominationRecord> {
        let record = self.store.nomination(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(record.nomination.proposed_by).await?;
        if record.voided.is_some() && !self.role.can(khienmang_core::auth::Capability::ProgrammeManage) {
            return Err(WebError::NotFound);
        }
        Ok(record)
    }

    /// The duties of Part 3 due within `from..=to` and not yet reported,
    /// as (duty code, due date): the calendar is the programme document's
    /// (in core), the reports received are counted in the database.
    pub async fn duties_due_between(&self, from: Date, to: Date) -> WebResult<Vec<(&'static str, Date)>> {
        let reported: std::collections::HashSet<(String, Date)> =
            self.store.duty_reports_due_between(from, to).await?.into_iter().collect();
        Ok(khienmang_core::admin::DUTIES
            .iter()
            .flat_map(|d| d.due.due_dates(from, to).into_iter().map(move |due| (d.code, due)))
            .filter(|(code, due)| !reported.contains(&(code.to_string(), *due)))
            .collect())
    }

    /// The reports received on the duties of Part 3 (the whole programme's).
    pub async fn duty_reports(&self) -> WebResult<Vec<DutyReport>> {
        Ok(self.store.duty_reports().await?)
    }

    /// The communes' periodic reports of `kind`.
    pub async fn period_reports(&self, kind: PeriodKind) -> WebResult<Vec<PeriodReport>> {
        Ok(self.store.period_reports(kind).await?)
    }

    /// The latest duty reports, voided ones marked (a record of the whole
    /// programme: the capability is the rule).
    pub async fn duty_report_records(&self) -> WebResult<Vec<khienmang_store::admin::DutyReportRecord>> {
        Ok(self.store.duty_report_records().await?)
    }

    /// A duty report, or NotFound.
    pub async fn duty_report_record(&self, id: i64) -> WebResult<khienmang_store::admin::DutyReportRecord> {
        self.store.duty_report_record(id).await?.ok_or(WebError::NotFound)
    }

    /// The latest period reports of units in the scope, voided ones marked.
    pub async fn period_report_records(
        &self,
        units: &[UnitId],
    ) -> WebResult<Vec<khienmang_store::admin::PeriodReportRecord>> {
        let mut mine = Vec::with_capacity(units.len());
        for u in units {
            if self.scope.contains(&self.store, *u).await? {
                mine.push(*u);
            }
        }
        Ok(self.store.period_report_records(&mine).await?)
    }

    /// A period report whose unit is in the scope, or NotFound (outside
    /// looks the same).
    pub async fn period_report_record(&self, id: i64) -> WebResult<khienmang_store::admin::PeriodReportRecord> {
        let r = self.store.period_report_record(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(r.unit).await?;
        Ok(r)
    }
}

impl Within<'_> {
    /// The unit's evaluation of `year`, if it entered one.
    pub async fn evaluation(&self, year: i32) -> WebResult<Option<EvaluationRecord>> {
        Ok(self.g.store.evaluation(self.unit, year).await?)
    }

    /// The unit on `on`, or its latest version if it did not exist then.
    pub async fn on_or_latest(&self, on: Date) -> WebResult<khienmang_core::org::UnitVersion> {
        match self.g.store.unit_on(self.unit, on).await? {
            Some(v) => Ok(v),
            None => self.g.store.unit_versions(self.unit).await?.pop().ok_or(WebError::NotFound),
        }
    }
}

impl ProgrammeManage {
    /// The budget's totals per level and in all.
    pub async fn budget_summary(&self) -> WebResult<BudgetSummary> {
        Ok(self.0.store.budget_summary().await?)
    }

    /// Every budget entry.
    pub async fn budget_entries(&self) -> WebResult<Vec<BudgetRecord>> {
        Ok(self.0.store.budget_entries().await?)
    }

    /// The entries a list shows this session: those of no unit (the
    /// programme's) and those spent by a unit in the scope.
    pub async fn budget_entries_in_scope(&self) -> WebResult<Vec<BudgetRecord>> {
        let mut out = Vec::new();
        for r in self.0.store.budget_entries().await? {
            if let Some(u) = r.unit
                && !self.0.scope.contains(&self.0.store, u).await?
            {
                continue;
            }
            out.push(r);
        }
        Ok(out)
    }

    /// One budget entry, or NotFound when it is absent or spent by a unit
    /// outside the scope. A voided one is shown marked (only the
    /// secretariat, who may restore it, reaches the budget).
    pub async fn budget_entry(&self, id: i64) -> WebResult<BudgetRecord> {
        let r = self.0.store.budget_entry(id).await?.ok_or(WebError::NotFound)?;
        if let Some(u) = r.unit {
            self.0.ensure(u).await?;
        }
        Ok(r)
    }

    /// The history of an entry loaded by [`ProgrammeManage::budget_entry`].
    pub async fn budget_history(&self, r: &BudgetRecord) -> WebResult<Vec<khienmang_store::movement::RecordChange>> {
        Ok(self.0.store.record_history(khienmang_core::movement::RecordKind::BudgetEntry, &r.id.to_string()).await?)
    }
}

impl super::ProgrammeRead {
    /// A review report's data for `unit`'s subtree (checked to be in the
    /// scope), or for the scope's root: a commune's or an agency's own
    /// review, or the province's (the province the system serves for the
    /// whole country).
    pub async fn review_data(
        &self,
        kind: ReviewKind,
        unit: Option<UnitId>,
        on: Date,
        settings: &khienmang_core::admin::ReviewSettings,
    ) -> WebResult<ReviewData> {
        let unit = match (unit, self.0.scope.root()) {
            (Some(u), _) => self.0.within(u).await?.unit(),
            (None, Some(root)) => root,
            (None, None) => self.0.store.reports_province(today()).await?,
        };
        Ok(review_data(&self.0.store, kind, unit, on, settings).await?)
    }
}
