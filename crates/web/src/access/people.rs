//! The people registries' scoped reads: a page of people, trainings or
//! trusted voices under a unit checked to be in the scope; one record,
//! "not found" outside the scope and, once voided, to all but those who may
//! restore it; the people a training may name, kept to the organising
//! unit's subtree; a record's history read through the record itself. And
//! the rule a correction's form is shown by: the registry's write rule,
//! checked before the page opens.

use khienmang_core::auth::Role;
use khienmang_core::movement::RecordKind;
use khienmang_core::org::UnitId;
use khienmang_store::movement::{ListFilter, Paged, PersonEntry, RecordChange, TrainingEntry, VoiceEntry};

use super::{Granted, LEADER_ONLY_LINKED, Within};
use crate::error::{WebError, WebResult};

impl Granted {
    /// Hides a void from all but those who may restore it.
    fn visible<T>(&self, record: T, voided: bool) -> WebResult<T> {
        if voided && !self.may_restore() { Err(WebError::NotFound) } else { Ok(record) }
    }

    /// A person, or NotFound when absent, outside the scope, or voided (but
    /// for the secretariat).
    pub async fn person(&self, id: i64) -> WebResult<PersonEntry> {
        let p = self.store.person(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(p.unit_id).await?;
        let voided = p.voided.is_some();
        self.visible(p, voided)
    }

    /// A training, as [`Granted::person`].
    pub async fn training(&self, id: i64) -> WebResult<TrainingEntry> {
        let t = self.store.training(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(t.unit_id).await?;
        let voided = t.voided.is_some();
        self.visible(t, voided)
    }

    /// A trusted voice, as [`Granted::person`].
    pub async fn voice(&self, id: i64) -> WebResult<VoiceEntry> {
        let v = self.store.voice(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(v.unit_id).await?;
        let voided = v.voided.is_some();
        self.visible(v, voided)
    }

    /// Who attended a training loaded by [`Granted::training`].
    pub async fn training_attendees(&self, t: &TrainingEntry) -> WebResult<Vec<PersonEntry>> {
        let ids = self.store.training_attendees(t.id).await?;
        Ok(self.store.people_by_ids(&ids).await?)
    }

    /// Those of `ids` who are registered (and not voided) within `unit`'s
    /// subtree: the people a training of `unit` may name. Others are left
    /// out, so a posted id is never trusted.
    pub async fn people_within(&self, unit: UnitId, ids: &[i64]) -> WebResult<Vec<PersonEntry>> {
        self.ensure(unit).await?;
        let within = self.store.subtree_ids(unit).await?;
        Ok(self
            .store
            .people_by_ids(ids)
            .await?
            .into_iter()
            .filter(|p| p.voided.is_none() && within.contains(&p.unit_id))
            .collect())
    }

    /// The history of a record loaded by one of the reads above, oldest first.
    pub async fn history_of(&self, kind: RecordKind, id: i64, unit: UnitId) -> WebResult<Vec<RecordChange>> {
        self.ensure(unit).await?;
        Ok(self.store.record_history(kind, &id.to_string()).await?)
    }

    /// Refuses a change of a people registry's record of `unit` as
    /// [`super::Target::Registry`] does: for a form's page, before it is shown.
    pub async fn ensure_registry(&self, unit: UnitId) -> WebResult<()> {
        if self.role == Role::InitiativeLeader {
            return Err(WebError::Refused(LEADER_ONLY_LINKED.into()));
        }
        self.ensure_write(unit).await
    }
}

impl Within<'_> {
    /// The voided records are listed only to those who may restore them.
    fn filter(&self, f: &ListFilter) -> ListFilter {
        ListFilter { voided: f.voided && self.g.may_restore(), ..f.clone() }
    }

    /// A page of the people registered in the unit's subtree.
    pub async fn people_page(&self, f: &ListFilter) -> WebResult<Paged<PersonEntry>> {
        Ok(self.g.store.people_page(self.unit, &self.filter(f)).await?)
    }

    /// A page of the trainings held by units of the subtree.
    pub async fn trainings_page(&self, f: &ListFilter) -> WebResult<Paged<TrainingEntry>> {
        Ok(self.g.store.trainings_page(self.unit, &self.filter(f)).await?)
    }

    /// A page of the trusted voices registered in the subtree.
    pub async fn voices_page(&self, f: &ListFilter) -> WebResult<Paged<VoiceEntry>> {
        Ok(self.g.store.voices_page(self.unit, &self.filter(f)).await?)
    }

    /// How many people, trainings and trusted voices the subtree has.
    pub async fn people_counts(&self) -> WebResult<(i64, i64, i64)> {
        Ok(self.g.store.people_counts(self.unit).await?)
    }
}
