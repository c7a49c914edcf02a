//! Correcting, voiding and restoring the people registries' records (issue
//! 18): a person, a training with its attendees added or removed, a trusted
//! voice with the day they consented. Each goes through the shared
//! [`WriteTx::record_change`] with the precise [`FactChange`], so the
//! targets re-read that record and nothing else.

use khienmang_core::movement::{
    ChangeAction, CheckedPersonFields, CheckedTrainingFields, CheckedVoiceFields, RecordKind, VoidReason,
};
use khienmang_core::org::UnitId;
use khienmang_core::text::fold;
use serde_json::{Map, Value, json};
use sqlx::Row;

use super::corrections::changed_fields;
use super::people::{PersonEntry, TrainingEntry, VoiceEntry};
use super::shared::unit_name_of;
use crate::db::{Val, bulk_insert};
use crate::targets::FactChange;
use crate::{Result, StoreError, WriteTx};

/// A registry table, the kind its history is kept under, and what its
/// change tells the targets.
struct Registry {
    table: &'static str,
    kind: RecordKind,
    fact: fn(i64) -> FactChange,
    /// What a restore of a record that is not void says.
    not_void: &'static str,
}

const PEOPLE: Registry = Registry {
    table: "people",
    kind: RecordKind::Person,
    fact: FactChange::Person,
    not_void: "Người này chưa bị hủy.",
};
const TRAININGS: Registry = Registry {
    table: "trainings",
    kind: RecordKind::Training,
    fact: FactChange::Training,
    not_void: "Lớp tập huấn này chưa bị hủy.",
};
const VOICES: Registry = Registry {
    table: "trusted_voices",
    kind: RecordKind::Voice,
    fact: FactChange::Voice,
    not_void: "Người có uy tín này chưa bị hủy.",
};

fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

impl WriteTx {
    /// The current name of a unit, for the history.
    async fn unit_name(&mut self, unit: UnitId) -> Result<String> {
        let name: Option<Option<String>> = sqlx::query_scalar(&format!("SELECT {}", unit_name_of("$1")))
            .bind(unit.0)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(name.flatten().unwrap_or_default())
    }

    /// The unit's part of a correction's before and after: its name, so the
    /// history reads as the user saw it.
    async fn unit_pair(&mut self, before: (UnitId, &str), after: UnitId) -> Result<(String, String)> {
        let new = if after == before.0 { before.1.to_string() } else { self.unit_name(after).await? };
        Ok((before.1.to_string(), new))
    }

    async fn void_record(&mut self, r: &Registry, id: i64, reason: &VoidReason) -> Result<()> {
        if self.mark_void(r.table, "id = $4", &[id], reason).await? == 0 {
            return Err(StoreError::NotFound);
        }
        self.record_change((r.fact)(id), r.kind, &id.to_string(), ChangeAction::Void, Map::new(), Some(reason.as_str()))
            .await
    }

    async fn restore_record(&mut self, r: &Registry, id: i64) -> Result<()> {
        let at: Option<Option<String>> =
            sqlx::query_scalar(&format!("SELECT voided_at FROM {} WHERE id = $1", r.table))
                .bind(id)
                .fetch_optional(&mut *self.tx)
                .await?;
        if at.ok_or(StoreError::NotFound)?.is_none() {
            return Err(StoreError::Invalid(r.not_void.into()));
        }
        self.clear_void(r.table, "id = $1", &[id], None).await?;
        self.record_change((r.fact)(id), r.kind, &id.to_string(), ChangeAction::Restore, Map::new(), None).await
    }

    /// Corrects a person (moved to `unit` if it differs); returns whether
    /// anything changed (an unchanged form writes nothing).
    pub async fn edit_person(
        &mut self,
        current: &PersonEntry,
        unit: UnitId,
        new: &CheckedPersonFields,
    ) -> Result<bool> {
        let (old_unit, new_unit) = self.unit_pair((current.unit_id, &current.unit_name), unit).await?;
        let before = json!({
            "full_name": current.full_name, "role": current.role.label_vi(), "position": current.position,
            "unit": old_unit, "registered_from": current.registered_from, "registered_to": current.registered_to
        });
        let after = json!({
            "full_name": new.full_name, "role": new.role.label_vi(), "position": new.position,
            "unit": new_unit, "registered_from": new.registered_from, "registered_to": new.registered_to
        });
        let mut changes = changed_fields(&before, &after);
        if unit != current.unit_id && !changes.contains_key("unit") {
            // Two units of one name: the move is kept all the same.
            changes.insert("unit".into(), json!([old_unit, new_unit]));
        }
        if changes.is_empty() {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE people SET unit_id = $1, full_name = $2, name_folded = $3, role = $4, position = $5, \
             registered_from = $6, registered_to = $7 WHERE id = $8 AND voided_at IS NULL",
        )
        .bind(unit.0)
        .bind(new.full_name.clone())
        .bind(fold(&new.full_name))
        .bind(new.role.as_str())
        .bind(new.position.clone())
        .bind(i64::from(new.registered_from))
        .bind(new.registered_to.map(i64::from))
        .bind(current.id)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.record_change(
            FactChange::Person(current.id),
            RecordKind::Person,
            &current.id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    /// Voids a person registered by mistake: they leave the lists and targets 2.3–2.5.
    pub async fn void_person(&mut self, id: i64, reason: &VoidReason) -> Result<()> {
        self.void_record(&PEOPLE, id, reason).await
    }

    /// Restores a voided person (the secretariat's decision; the caller checks the role).
    pub async fn restore_person(&mut self, id: i64) -> Result<()> {
        self.restore_record(&PEOPLE, id).await
    }

    /// The names of `ids`, in id order, for the history.
    async fn names_of(&mut self, ids: &[i64]) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&format!("SELECT full_name FROM people WHERE id IN ({}) ORDER BY id", id_list(ids)))
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Corrects a training: its fields, its unit and who attended (the
    /// attendees added and removed are kept in the history by name).
    pub async fn edit_training(
        &mut self,
        current: &TrainingEntry,
        unit: UnitId,
        new: &CheckedTrainingFields,
        attendees: &[i64],
    ) -> Result<bool> {
        let (old_unit, new_unit) = self.unit_pair((current.unit_id, &current.unit_name), unit).await?;
        let before = json!({"title": current.title, "held_on": current.held_on.to_string(), "place": current.place, "unit": old_unit});
        let after =
            json!({"title": new.title, "held_on": new.held_on.to_string(), "place": new.place, "unit": new_unit});
        let mut changes = changed_fields(&before, &after);
        let was: Vec<i64> = sqlx::query_scalar("SELECT person_id FROM training_attendees WHERE training_id = $1")
            .bind(current.id)
            .fetch_all(&mut *self.tx)
            .await?;
        let mut now = attendees.to_vec();
        now.sort_unstable();
        now.dedup();
        let added: Vec<i64> = now.iter().copied().filter(|p| !was.contains(p)).collect();
        let removed: Vec<i64> = was.iter().copied().filter(|p| !now.contains(p)).collect();
        if !added.is_empty() {
            let names = self.names_of(&added).await?;
            changes.insert("attendees_added".into(), json!([Value::Null, names]));
        }
        if !removed.is_empty() {
            let names = self.names_of(&removed).await?;
            changes.insert("attendees_removed".into(), json!([names, Value::Null]));
        }
        if unit != current.unit_id && !changes.contains_key("unit") {
            changes.insert("unit".into(), json!([old_unit, new_unit]));
        }
        if changes.is_empty() {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE trainings SET unit_id = $1, title = $2, title_folded = $3, held_on = $4, place = $5 \
             WHERE id = $6 AND voided_at IS NULL",
        )
        .bind(unit.0)
        .bind(new.title.clone())
        .bind(fold(&new.title))
        .bind(new.held_on.to_string())
        .bind(new.place.clone())
        .bind(current.id)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if !removed.is_empty() {
            sqlx::query(&format!(
                "DELETE FROM training_attendees WHERE training_id = $1 AND person_id IN ({})",
                id_list(&removed)
            ))
            .bind(current.id)
            .execute(&mut *self.tx)
            .await?;
        }
        let rows = added.iter().map(|&p| vec![Val::I(Some(current.id)), Val::I(Some(p))]).collect();
        bulk_insert(self, "training_attendees", &["training_id", "person_id"], rows).await?;
        self.record_change(
            FactChange::Training(current.id),
            RecordKind::Training,
            &current.id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    /// Voids a training entered by mistake: its attendees' years drop from targets 2.3–2.4.
    pub async fn void_training(&mut self, id: i64, reason: &VoidReason) -> Result<()> {
        self.void_record(&TRAININGS, id, reason).await
    }

    pub async fn restore_training(&mut self, id: i64) -> Result<()> {
        self.restore_record(&TRAININGS, id).await
    }

    /// Corrects a trusted voice; a consent given later (or withdrawn) moves
    /// the years target 2.8 counts them for.
    pub async fn edit_voice(&mut self, current: &VoiceEntry, unit: UnitId, new: &CheckedVoiceFields) -> Result<bool> {
        let (old_unit, new_unit) = self.unit_pair((current.unit_id, &current.unit_name), unit).await?;
        let day = |d: Option<khienmang_core::Date>| d.map(|d| d.to_string());
        let before = json!({
            "full_name": current.full_name, "in_province": current.in_province, "channels": current.channels,
            "audience": current.audience, "consent_on": day(current.consent_on),
            "registered_from": current.registered_from, "unit": old_unit
        });
        let after = json!({
            "full_name": new.full_name, "in_province": new.in_province, "channels": new.channels,
            "audience": new.audience, "consent_on": day(new.consent_on),
            "registered_from": new.registered_from, "unit": new_unit
        });
        let mut changes = changed_fields(&before, &after);
        if unit != current.unit_id && !changes.contains_key("unit") {
            changes.insert("unit".into(), json!([old_unit, new_unit]));
        }
        if changes.is_empty() {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE trusted_voices SET unit_id = $1, full_name = $2, name_folded = $3, in_province = $4, channels = $5, \
             audience = $6, consent = $7, consent_on = $8, registered_from = $9 WHERE id = $10 AND voided_at IS NULL",
        )
        .bind(unit.0)
        .bind(new.full_name.clone())
        .bind(fold(&new.full_name))
        .bind(i64::from(new.in_province))
        .bind(new.channels.clone())
        .bind(new.audience)
        .bind(i64::from(new.consent_on.is_some()))
        .bind(day(new.consent_on))
        .bind(i64::from(new.registered_from))
        .bind(current.id)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.record_change(
            FactChange::Voice(current.id),
            RecordKind::Voice,
            &current.id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    /// Voids a trusted voice registered by mistake: they leave target 2.8.
    pub async fn void_voice(&mut self, id: i64, reason: &VoidReason) -> Result<()> {
        self.void_record(&VOICES, id, reason).await
    }

    pub async fn restore_voice(&mut self, id: i64) -> Result<()> {
        self.restore_record(&VOICES, id).await
    }
}
