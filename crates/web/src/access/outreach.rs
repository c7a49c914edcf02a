//! Outreach: scoped reads and writes. Campaigns and their shares are read
//! by whoever reads the movement (coverage is counted over the initiatives
//! under a unit checked in scope); a contest or a survey is loaded only when
//! its organiser or area is in the scope ("not found" outside) and its
//! records are read through it. Writes go through [`super::Granted::write`].

use std::collections::BTreeMap;
use std::sync::Arc;

use khienmang_core::Date;
use khienmang_core::org::{OrgHistory, UnitId};
use khienmang_core::outreach::contest::Entry;
use khienmang_core::outreach::{Answers, Campaign, InitiativeRef, ShareConfirmation};
use khienmang_store::Store;
use khienmang_store::outreach::contests::{
    BankQuestion, ContestCounts, ContestRecord, ContestUnit, EntrantKeys, PrizeRecord, StaffRecord,
};
use khienmang_store::outreach::surveys::SurveyRecord;

use super::{Granted, OutreachManage, Within, today};
use crate::error::{WebError, WebResult};

/// The latest names of `units` (a unit never named is left out).
pub(super) async fn names_of(store: &Store, units: &[UnitId]) -> WebResult<BTreeMap<UnitId, String>> {
    let history = store.org_history().await?;
    Ok(units
        .iter()
        .filter_map(|u| history.versions().iter().rev().find(|v| v.unit_id == *u).map(|v| (*u, v.name.clone())))
        .collect())
}

impl Granted {
    /// Every campaign (a record of the whole programme).
    pub async fn campaigns(&self) -> WebResult<Vec<Campaign>> {
        Ok(self.store.campaigns().await?)
    }

    /// A campaign, or NotFound.
    pub async fn campaign(&self, id: i64) -> WebResult<Campaign> {
        self.store.campaign(id).await?.ok_or(WebError::NotFound)
    }

    /// The shares confirmed for a campaign; coverage keeps those of the
    /// initiatives in the scope.
    pub async fn campaign_shares(&self, campaign: i64) -> WebResult<Vec<ShareConfirmation>> {
        Ok(self.store.campaign_shares(campaign).await?)
    }
}

impl Within<'_> {
    /// The initiatives under the unit as coverage sees them on `on`.
    pub async fn initiative_refs(&self, history: &OrgHistory, on: Date) -> WebResult<Vec<InitiativeRef>> {
        Ok(self.g.store.initiative_refs(history, self.unit, on).await?)
    }
}

impl OutreachManage {
    /// The contests organised inside the scope.
    pub async fn contests(&self) -> WebResult<Vec<ContestRecord>> {
        let mut out = Vec::new();
        for c in self.0.store.contests_for_staff().await? {
            if self.0.scope.contains(&self.0.store, c.organiser).await? {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// A contest of the scope, voided or not, or NotFound (outside the
    /// scope looks the same).
    pub async fn contest(&self, id: i64) -> WebResult<ContestRecord> {
        let c = self.0.store.contest_for_staff(id).await?.ok_or(WebError::NotFound)?;
        self.0.ensure(c.organiser).await?;
        Ok(c)
    }

    /// A contest the session may change: its organiser in the subtree today
    /// (a contest of a commune merged away is history, read and never written).
    pub async fn contest_to_change(&self, id: i64) -> WebResult<ContestRecord> {
        let c = self.contest_to_restore(id).await?;
        if c.voided.is_some() {
            return Err(WebError::BadRequest("Cuộc thi này đã bị hủy: hãy khôi phục trước khi sửa.".into()));
        }
        Ok(c)
    }

    /// A contest the session may change, voided or not (to restore it).
    pub async fn contest_to_restore(&self, id: i64) -> WebResult<ContestRecord> {
        let c = self.contest(id).await?;
        self.0.ensure_write(c.organiser).await?;
        Ok(c)
    }

    /// The units matching a search (diacritics ignored) that the session
    /// may write today: what a contest's units are picked from.
    pub async fn pickable_units(&self, query: &str, limit: i64) -> WebResult<Vec<khienmang_core::org::UnitVersion>> {
        let mut out = Vec::new();
        for v in self.0.search_units(query, Some(today()), limit).await? {
            if self.0.unit_writable_today(v.unit_id).await? {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// The records of a contest loaded by [`OutreachManage::contest`].
    pub fn of_contest<'a>(&'a self, c: &'a ContestRecord) -> OfContest<'a> {
        OfContest { g: &self.0, c }
    }

    /// The first unit with this code on `on`, wherever it is (the caller
    /// checks it with [`OutreachManage::writable_unit`]).
    pub async fn unit_by_code(&self, code: &str, on: Date) -> WebResult<Option<UnitId>> {
        Ok(self.0.store.units_by_code(code, on).await?.into_iter().next().map(|v| v.unit_id))
    }

    /// Whether `unit` exists and is in the subtree today.
    pub async fn writable_unit(&self, unit: UnitId) -> WebResult<bool> {
        Ok(self.0.scope.contains_today(&self.0.store, unit).await?
            && !self.0.store.unit_versions(unit).await?.is_empty())
    }

    /// A survey whose area is in the scope (a survey of no area is read
    /// under the session's home unit), or NotFound.
    pub async fn survey(&self, id: i64) -> WebResult<ScopedSurvey<'_>> {
        let record = self.0.store.survey(id).await?.ok_or(WebError::NotFound)?;
        let area = match record.area {
            Some(a) => self.0.within(a).await?,
            None => self.0.home(today()).await?,
        };
        Ok(ScopedSurvey { record, area })
    }
}

/// The records of one contest in the scope.
pub struct OfContest<'a> {
    g: &'a Granted,
    c: &'a ContestRecord,
}

impl OfContest<'_> {
    pub async fn bank(&self) -> WebResult<Vec<BankQuestion>> {
        Ok(self.g.store.contest_bank(self.c).await?)
    }
    pub async fn units(&self) -> WebResult<Vec<ContestUnit>> {
        Ok(self.g.store.contest_units(self.c.id).await?)
    }
    pub async fn prizes(&self) -> WebResult<Vec<PrizeRecord>> {
        Ok(self.g.store.contest_prizes(self.c.id).await?)
    }
    pub async fn counts(&self) -> WebResult<ContestCounts> {
        Ok(self.g.store.contest_counts(self.c.id).await?)
    }
    /// The organising body's staff, who may not enter.
    pub async fn staff(&self) -> WebResult<Vec<StaffRecord>> {
        Ok(self.g.store.contest_staff(self.c.organiser).await?)
    }
    /// Every counted entry, the numbers opened with `keys`.
    pub async fn entries(&self, keys: &EntrantKeys) -> WebResult<Vec<Entry>> {
        Ok(self.g.store.contest_entries(keys, self.c.id).await?)
    }
    /// The latest names of units (the contest's units and its entrants').
    pub async fn unit_names(&self, units: &[UnitId]) -> WebResult<BTreeMap<UnitId, String>> {
        names_of(&self.g.store, units).await
    }
    /// The contest's history and its own questions'.
    pub async fn history(
        &self,
    ) -> WebResult<Vec<(khienmang_core::movement::RecordKind, khienmang_store::movement::RecordChange)>> {
        Ok(self.g.store.contest_history(self.c.id).await?)
    }
    /// The tree's whole history, to find the communes under the organiser.
    pub async fn tree_history(&self) -> WebResult<Arc<OrgHistory>> {
        Ok(self.g.store.org_history().await?)
    }
}

/// A survey loaded by [`OutreachManage::survey`], with its area checked in scope.
pub struct ScopedSurvey<'a> {
    pub record: SurveyRecord,
    pub area: Within<'a>,
}

impl ScopedSurvey<'_> {
    /// The answers given, by the commune they were given for.
    pub async fn answers(&self) -> WebResult<Vec<(UnitId, Answers)>> {
        Ok(self.area.g.store.survey_answers(self.record.id).await?)
    }

    /// How many responses it has: its questions are fixed from the first.
    pub async fn response_count(&self) -> WebResult<i64> {
        Ok(self.area.g.store.survey_response_count(self.record.id).await?)
    }
}

/// Correcting and voiding outreach records (issue 18): the secretariat reads
/// warnings in every state and a record's history through these.
impl Granted {
    /// A warning in any state (voided, withdrawn), or NotFound; the
    /// capability the extractor checked (outreach or the secretariat's) is
    /// the whole rule, a warning being the province's.
    pub async fn staff_warning(&self, slug: &str) -> WebResult<khienmang_store::outreach::warnings::StaffWarning> {
        self.store.staff_warning(slug).await?.ok_or(WebError::NotFound)
    }

    /// The voided warnings, for the secretariat to restore.
    pub async fn voided_warnings(&self) -> WebResult<Vec<khienmang_store::outreach::warnings::StaffWarning>> {
        Ok(self.store.voided_warnings(100).await?)
    }

    /// The history of an outreach or duties record the caller has loaded
    /// through its own scoped read.
    pub async fn record_history(
        &self,
        kind: khienmang_core::movement::RecordKind,
        id: i64,
    ) -> WebResult<Vec<khienmang_store::movement::RecordChange>> {
        Ok(self.store.record_history(kind, &id.to_string()).await?)
    }
}

impl OutreachManage {
    /// The capability on a page anyone may open (the warnings), when the
    /// signed-in session has it; `None` for citizens and other roles.
    pub fn on_public_page(state: &crate::AppState, id: Option<&super::Identity>) -> Option<OutreachManage> {
        id.and_then(|id| super::grant(state, id, khienmang_core::auth::Capability::OutreachManage).ok())
            .map(OutreachManage)
    }
}
