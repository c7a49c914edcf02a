//! The movement's scoped reads: the registries listed under a unit checked
//! to be in the scope (or the session's home unit), an initiative loaded
//! only when its unit is in the scope and its records read through it, and
//! single records (a person, a voice, a document) that are "not found"
//! outside the scope. Writes go through [`super::Granted::begin`].

use khienmang_core::Date;
use khienmang_core::auth::Capability;
use khienmang_core::movement::RecordKind;
use khienmang_core::org::{UnitId, UnitVersion};
use khienmang_core::targets::PersonRole;
use khienmang_store::auth::User;
use khienmang_store::movement::{
    ActivityEntry, ChannelEntry, DocumentEntry, GroupEntry, Initiative, Member, ParticipantEntry, PersonEntry,
    RecordChange, ReportEntry, StageEntry, TrainingEntry, VillageCount, VoiceEntry,
};

use super::{Granted, Within, today};
use crate::error::{WebError, WebResult};

impl Granted {
    /// Where the session's views start ([`Granted::home_unit`]), as a unit
    /// in the scope by construction.
    pub async fn home(&self, on: Date) -> WebResult<Within<'_>> {
        Ok(Within { g: self, unit: self.home_unit(on).await? })
    }

    /// The initiative, or NotFound when it is absent or owned outside the
    /// scope. A voided one is NotFound to everyone but those who may restore
    /// it (the secretariat), who see it marked void.
    pub async fn initiative(&self, id: i64) -> WebResult<Initiative> {
        let ini = self.store.initiative(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(ini.unit_id).await?;
        if ini.voided.is_some() && !self.may_restore() {
            return Err(WebError::NotFound);
        }
        Ok(ini)
    }

    /// Whether the session may restore a voided record (and so still sees it).
    pub fn may_restore(&self) -> bool {
        self.role.can(Capability::ProgrammeManage)
    }

    /// The records of an initiative loaded by [`Granted::initiative`].
    pub fn of_initiative<'a>(&'a self, ini: &Initiative) -> OfInitiative<'a> {
        OfInitiative { g: self, id: ini.id }
    }

    /// A plan or resolution, or NotFound when it is absent or its unit is
    /// outside the scope; a voided one only for those who may restore it.
    pub async fn document(&self, id: i64) -> WebResult<DocumentEntry> {
        let d = self.store.document(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(d.unit_id).await?;
        self.unless_voided(d.voided.is_some())?;
        Ok(d)
    }

    /// A village activity (`posts == false`) or a page post, as
    /// [`Granted::document`].
    pub async fn activity(&self, id: i64, posts: bool) -> WebResult<ActivityEntry> {
        let a = self.store.activity(id, posts).await?.ok_or(WebError::NotFound)?;
        self.ensure(a.unit_id).await?;
        self.unless_voided(a.voided.is_some())?;
        Ok(a)
    }

    /// A voided record is NotFound to all but those who may restore it.
    fn unless_voided(&self, voided: bool) -> WebResult<()> {
        if voided && !self.may_restore() { Err(WebError::NotFound) } else { Ok(()) }
    }

    /// The unit a person is registered in, if it is in the scope.
    pub async fn person_unit(&self, id: i64) -> WebResult<UnitId> {
        let unit = self.store.person_unit(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(unit).await?;
        Ok(unit)
    }

    /// The unit a trusted voice belongs to, if it is in the scope.
    pub async fn voice_unit(&self, id: i64) -> WebResult<UnitId> {
        let unit = self.store.voice_unit(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(unit).await?;
        Ok(unit)
    }

    /// A document's file (name, type, bytes), if its unit is in the scope.
    pub async fn document_file(&self, id: i64) -> WebResult<(String, String, Vec<u8>)> {
        let (unit, name, kind, bytes) = self.store.document_file(id).await?.ok_or(WebError::NotFound)?;
        self.ensure(unit).await?;
        Ok((name, kind, bytes))
    }

    /// Units with this code on `on` and whether each is in the scope.
    pub async fn units_by_code_scoped(&self, code: &str, on: Date) -> WebResult<Vec<(UnitVersion, bool)>> {
        let mut out = Vec::new();
        for v in self.store.units_by_code(code, on).await? {
            let inside = self.scope.contains(&self.store, v.unit_id).await?;
            out.push((v, inside));
        }
        Ok(out)
    }

    /// The initiative-leader accounts whose scope holds `unit` today and is
    /// itself inside this session's scope today.
    pub async fn leader_accounts_for(&self, unit: UnitId) -> WebResult<Vec<User>> {
        let on = today();
        let mut out = Vec::new();
        for u in self.store.leader_accounts().await? {
            let Some(scope) = u.scope_unit_id else { continue };
            if self.store.is_within_on(scope, unit, on).await? && self.scope.contains_today(&self.store, scope).await? {
                out.push(u);
            }
        }
        Ok(out)
    }

    /// Keeps an uploaded file for its commit, under the session's name.
    pub async fn stage_upload(
        &self,
        batch: &str,
        kind: &str,
        filename: &str,
        bytes: &[u8],
        refused: usize,
    ) -> WebResult<()> {
        self.stage(batch, kind, filename, bytes, refused).await
    }

    /// A file this session staged (NotFound for anyone else's).
    pub async fn staged_upload(&self, batch: &str) -> WebResult<khienmang_store::import::StagedImport> {
        self.store.staged_import(batch, self.user_id).await?.ok_or(WebError::NotFound)
    }

    /// Forgets a staged file once it was written.
    pub async fn drop_upload(&self, batch: &str) -> WebResult<()> {
        Ok(self.store.drop_staged(batch).await?)
    }
}

impl Within<'_> {
    /// The unit's subtree on `on`, parents before children.
    pub async fn subtree_on(&self, on: Date) -> WebResult<Vec<UnitVersion>> {
        Ok(self.g.store.subtree_on(self.unit, on).await?)
    }

    pub async fn initiatives(&self, query: Option<&str>) -> WebResult<Vec<Initiative>> {
        Ok(self.g.store.initiatives_under(self.unit, query).await?)
    }

    pub async fn people(&self, role: Option<PersonRole>) -> WebResult<Vec<PersonEntry>> {
        Ok(self.g.store.people_under(self.unit, role).await?)
    }

    pub async fn trainings(&self) -> WebResult<Vec<TrainingEntry>> {
        Ok(self.g.store.trainings_under(self.unit).await?)
    }

    pub async fn voices(&self) -> WebResult<Vec<VoiceEntry>> {
        Ok(self.g.store.voices_under(self.unit).await?)
    }

    pub async fn documents(&self) -> WebResult<Vec<DocumentEntry>> {
        Ok(self.g.store.documents_under(self.unit).await?)
    }

    /// Village activities, or page posts when `posts`.
    pub async fn activities(&self, posts: bool) -> WebResult<Vec<ActivityEntry>> {
        Ok(self.g.store.activities_under(self.unit, posts).await?)
    }

    /// Runs `f` on the targets' cached snapshot for `today`, to read this
    /// unit's targets and its children's. No query beyond the cache's
    /// refresh: the unit was checked when this was made.
    pub async fn with_targets<T>(
        &self,
        today: Date,
        f: impl FnOnce(&khienmang_store::targets::TargetsSnapshot) -> T,
    ) -> WebResult<T> {
        Ok(self.g.store.with_targets(today, f).await?)
    }

    /// The years the unit sent its movement report for.
    pub async fn report_years(&self) -> WebResult<Vec<i32>> {
        Ok(self.g.store.unit_report_years(self.unit).await?)
    }
}

/// The records of one initiative in the scope.
pub struct OfInitiative<'a> {
    g: &'a Granted,
    id: i64,
}

impl OfInitiative<'_> {
    pub async fn stages(&self) -> WebResult<Vec<StageEntry>> {
        Ok(self.g.store.initiative_stages(self.id).await?)
    }
    pub async fn channels(&self) -> WebResult<Vec<ChannelEntry>> {
        Ok(self.g.store.initiative_channels(self.id).await?)
    }
    pub async fn groups(&self) -> WebResult<Vec<GroupEntry>> {
        Ok(self.g.store.initiative_groups(self.id).await?)
    }
    pub async fn participants(&self) -> WebResult<Vec<ParticipantEntry>> {
        Ok(self.g.store.initiative_participants(self.id).await?)
    }
    pub async fn villages(&self) -> WebResult<Vec<VillageCount>> {
        Ok(self.g.store.initiative_villages(self.id).await?)
    }
    pub async fn reports(&self) -> WebResult<Vec<ReportEntry>> {
        Ok(self.g.store.initiative_reports(self.id).await?)
    }
    pub async fn members(&self) -> WebResult<Vec<Member>> {
        Ok(self.g.store.initiative_members(self.id).await?)
    }
    /// Its history of corrections, voids and restores (its own, its
    /// channels' and its member counts'), oldest first.
    pub async fn history(&self) -> WebResult<Vec<(RecordKind, RecordChange)>> {
        Ok(self.g.store.initiative_history(self.id).await?)
    }
    /// The initiative-leader accounts linked to it.
    pub async fn leaders(&self) -> WebResult<Vec<User>> {
        Ok(self.g.store.initiative_leaders(self.id).await?)
    }
}
