//! The registry of people: trained members with their trainings and yearly
//! updates, and the trusted voices enlisted each year. Registrations here;
//! the paged lists and single records in [`super::people_lists`], the
//! corrections, voids and restores in [`super::people_corrections`]. The
//! checks are core's, the same for a registration and a correction.

use khienmang_core::Date;
use khienmang_core::movement::{PersonFields, TrainingFields, VoiceFields, enlistment};
use khienmang_core::org::UnitId;
use khienmang_core::targets::PersonRole;
use khienmang_core::text::fold;
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::db::{Val, bulk_insert};
use crate::targets::FactChange;
use crate::{Result, StoreError, WriteTx};

use super::corrections::Voided;
use super::shared::check_year;

#[derive(Debug, Clone)]
pub struct PersonInput {
    pub unit: UnitId,
    pub full_name: String,
    pub role: PersonRole,
    pub position: Option<String>,
    pub initiative: Option<i64>,
    pub registered_from: i32,
    pub registered_to: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonEntry {
    pub id: i64,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub full_name: String,
    pub role: PersonRole,
    pub position: Option<String>,
    pub registered_from: i32,
    pub registered_to: Option<i32>,
    /// Years trained (any session) or updated.
    pub years: Vec<i32>,
    /// Set when the person was voided (only the secretariat still sees it).
    pub voided: Option<Voided>,
}

impl PersonEntry {
    /// What a correction may change, as it stands.
    pub fn fields(&self) -> PersonFields {
        PersonFields {
            full_name: self.full_name.clone(),
            role: self.role,
            position: self.position.clone(),
            registered_from: self.registered_from,
            registered_to: self.registered_to,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TrainingEntry {
    pub id: i64,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub title: String,
    pub held_on: Date,
    pub place: Option<String>,
    pub attendees: i64,
    pub voided: Option<Voided>,
}

impl TrainingEntry {
    pub fn fields(&self) -> TrainingFields {
        TrainingFields { title: self.title.clone(), held_on: self.held_on, place: self.place.clone() }
    }
}

#[derive(Debug, Clone)]
pub struct VoiceInput {
    pub unit: UnitId,
    pub full_name: String,
    pub in_province: bool,
    pub channels: Option<String>,
    pub audience: Option<i64>,
    /// The day the voice consented to cooperate; `None` while they have not.
    pub consent_on: Option<Date>,
    pub initiative: Option<i64>,
    pub registered_from: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct VoiceEntry {
    pub id: i64,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub full_name: String,
    pub in_province: bool,
    pub channels: Option<String>,
    pub audience: Option<i64>,
    pub consent: bool,
    pub consent_on: Option<Date>,
    pub initiative_id: Option<i64>,
    pub registered_from: i32,
    pub enlisted_years: Vec<i32>,
    pub voided: Option<Voided>,
}

impl VoiceEntry {
    pub fn fields(&self) -> VoiceFields {
        VoiceFields {
            full_name: self.full_name.clone(),
            in_province: self.in_province,
            channels: self.channels.clone(),
            audience: self.audience,
            consent_on: self.consent_on,
            registered_from: self.registered_from,
        }
    }
}

/// Fills the folded names of the rows stored before they were kept (run
/// once, by the migration that adds the columns).
pub(crate) async fn fold_stored_names(conn: &mut AnyConnection) -> Result<()> {
    for (table, from, to) in [
        ("people", "full_name", "name_folded"),
        ("trusted_voices", "full_name", "name_folded"),
        ("trainings", "title", "title_folded"),
    ] {
        let rows = sqlx::query(&format!("SELECT id, {from} FROM {table}")).fetch_all(&mut *conn).await?;
        for r in rows {
            let (id, text): (i64, String) = (r.try_get(0)?, r.try_get(1)?);
            sqlx::query(&format!("UPDATE {table} SET {to} = $1 WHERE id = $2"))
                .bind(fold(&text))
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

impl WriteTx {
    pub async fn create_person(&mut self, p: &PersonInput) -> Result<i64> {
        let f = PersonFields {
            full_name: p.full_name.clone(),
            role: p.role,
            position: p.position.clone(),
            registered_from: p.registered_from,
            registered_to: p.registered_to,
        }
        .check()?;
        let id = self
            .insert_returning_id(
                "INSERT INTO people (unit_id, full_name, name_folded, role, position, initiative_id, registered_from, \
                 registered_to, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                vec![
                    Val::I(Some(p.unit.0)),
                    Val::S(Some(f.full_name.clone())),
                    Val::S(Some(fold(&f.full_name))),
                    Val::S(Some(f.role.as_str().into())),
                    Val::S(f.position.clone()),
                    Val::I(p.initiative),
                    Val::I(Some(i64::from(f.registered_from))),
                    Val::I(f.registered_to.map(i64::from)),
                    Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        self.audit("person.create", &format!("person:{id}"), &json!({"unit": p.unit.0, "role": p.role.as_str()}))
            .await?;
        self.facts_changed(FactChange::Person(id));
        Ok(id)
    }

    /// A training session and the people who attended it.
    pub async fn create_training(
        &mut self,
        unit: UnitId,
        title: &str,
        held_on: Date,
        place: Option<&str>,
        attendees: &[i64],
    ) -> Result<i64> {
        let f = TrainingFields { title: title.to_string(), held_on, place: place.map(str::to_string) }.check()?;
        let id = self
            .insert_returning_id(
                "INSERT INTO trainings (unit_id, title, title_folded, held_on, place, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                vec![
                    Val::I(Some(unit.0)),
                    Val::S(Some(f.title.clone())),
                    Val::S(Some(fold(&f.title))),
                    Val::S(Some(f.held_on.to_string())),
                    Val::S(f.place.clone()),
                    Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        let mut people: Vec<i64> = attendees.to_vec();
        people.sort_unstable();
        people.dedup();
        let rows = people.iter().map(|&p| vec![Val::I(Some(id)), Val::I(Some(p))]).collect();
        bulk_insert(self, "training_attendees", &["training_id", "person_id"], rows).await?;
        self.audit("training.create", &format!("training:{id}"), &json!({"unit": unit.0, "attendees": people.len()}))
            .await?;
        self.facts_changed(FactChange::Training(id));
        Ok(id)
    }

    /// An outreach officer's (or anyone's) knowledge update for a year.
    pub async fn record_update(&mut self, person: i64, year: i32, note: Option<&str>) -> Result<()> {
        check_year(year)?;
        sqlx::query("DELETE FROM person_updates WHERE person_id = $1 AND year = $2")
            .bind(person)
            .bind(i64::from(year))
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("INSERT INTO person_updates (person_id, year, note) VALUES ($1, $2, $3)")
            .bind(person)
            .bind(i64::from(year))
            .bind(khienmang_core::movement::checks::optional(note))
            .execute(&mut *self.tx)
            .await?;
        self.audit("person.update", &format!("person:{person}"), &json!({"year": year})).await?;
        self.facts_changed(FactChange::Person(person));
        Ok(())
    }

    pub async fn create_voice(&mut self, v: &VoiceInput) -> Result<i64> {
        let f = VoiceFields {
            full_name: v.full_name.clone(),
            in_province: v.in_province,
            channels: v.channels.clone(),
            audience: v.audience,
            consent_on: v.consent_on,
            registered_from: v.registered_from,
        }
        .check()?;
        let id = self
            .insert_returning_id(
                "INSERT INTO trusted_voices (unit_id, full_name, name_folded, in_province, channels, audience, consent, \
                 consent_on, initiative_id, registered_from, registered_to, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11)",
                vec![
                    Val::I(Some(v.unit.0)),
                    Val::S(Some(f.full_name.clone())),
                    Val::S(Some(fold(&f.full_name))),
                    Val::I(Some(i64::from(f.in_province))),
                    Val::S(f.channels.clone()),
                    Val::I(f.audience),
                    Val::I(Some(i64::from(f.consent_on.is_some()))),
                    Val::S(f.consent_on.map(|d| d.to_string())),
                    Val::I(v.initiative),
                    Val::I(Some(i64::from(f.registered_from))),
                    Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        let consent = f.consent_on.map(|d| d.to_string());
        self.audit("voice.create", &format!("voice:{id}"), &json!({"unit": v.unit.0, "consent_on": consent})).await?;
        self.facts_changed(FactChange::Voice(id));
        Ok(id)
    }

    /// A trusted voice enlisted for a year: only with their consent given
    /// by then (core's [`enlistment`]).
    pub async fn enlist_voice(&mut self, voice: i64, year: i32) -> Result<()> {
        let consent: Option<Option<String>> =
            sqlx::query_scalar("SELECT consent_on FROM trusted_voices WHERE id = $1 AND voided_at IS NULL")
                .bind(voice)
                .fetch_optional(&mut *self.tx)
                .await?;
        let consent_on = consent.ok_or(StoreError::NotFound)?.and_then(|d| d.parse::<Date>().ok());
        let year = enlistment(year, consent_on)?;
        sqlx::query("DELETE FROM voice_enlistments WHERE voice_id = $1 AND year = $2")
            .bind(voice)
            .bind(i64::from(year))
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("INSERT INTO voice_enlistments (voice_id, year) VALUES ($1, $2)")
            .bind(voice)
            .bind(i64::from(year))
            .execute(&mut *self.tx)
            .await?;
        self.audit("voice.enlist", &format!("voice:{voice}"), &json!({"year": year})).await?;
        self.facts_changed(FactChange::Voice(voice));
        Ok(())
    }
}
