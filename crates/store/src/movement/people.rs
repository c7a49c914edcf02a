//! The registry of people: trained members with their trainings and yearly
//! updates, and the trusted voices enlisted each year.

use khienmang_core::Date;
use khienmang_core::org::UnitId;
use khienmang_core::targets::PersonRole;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::db::{Val, bulk_insert};
use crate::org::date;
use crate::targets::FactChange;
use crate::{Result, Store, StoreError, WriteTx};

use khienmang_core::movement::checks;

use super::shared::{check_year, optional, required, unit_name_of};

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
}

#[derive(Debug, Clone)]
pub struct VoiceInput {
    pub unit: UnitId,
    pub full_name: String,
    pub in_province: bool,
    pub channels: Option<String>,
    pub audience: Option<i64>,
    pub consent: bool,
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
    pub registered_from: i32,
    pub enlisted_years: Vec<i32>,
}

impl Store {
    pub async fn people_under(&self, root: UnitId, role: Option<PersonRole>) -> Result<Vec<PersonEntry>> {
        let within = self.subtree_ids(root).await?;
        let sql = format!(
            "SELECT p.id, p.unit_id, {} AS unit_name, p.full_name, p.role, p.position, p.registered_from, \
             p.registered_to FROM people p WHERE p.voided_at IS NULL ORDER BY p.full_name, p.id",
            unit_name_of("p.unit_id")
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let years = self.person_years().await?;
        let mut out = Vec::new();
        for r in &rows {
            let unit = UnitId(r.try_get("unit_id")?);
            let role_code: String = r.try_get("role")?;
            let Some(person_role) = PersonRole::parse(&role_code) else { continue };
            if !within.contains(&unit) || role.is_some_and(|wanted| wanted != person_role) {
                continue;
            }
            let id: i64 = r.try_get("id")?;
            out.push(PersonEntry {
                id,
                unit_id: unit,
                unit_name: r.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
                full_name: r.try_get("full_name")?,
                role: person_role,
                position: r.try_get("position")?,
                registered_from: i32::try_from(r.try_get::<i64, _>("registered_from")?).unwrap_or(0),
                registered_to: r.try_get::<Option<i64>, _>("registered_to")?.and_then(|y| i32::try_from(y).ok()),
                years: years.get(&id).cloned().unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Years each person was trained or updated.
    pub(crate) async fn person_years(&self) -> Result<std::collections::HashMap<i64, Vec<i32>>> {
        let rows = sqlx::query(
            "SELECT a.person_id, t.held_on FROM training_attendees a JOIN trainings t ON t.id = a.training_id WHERE t.voided_at IS NULL \
             UNION ALL SELECT person_id, CAST(year AS TEXT) FROM person_updates",
        )
        .fetch_all(self.pool())
        .await?;
        let mut years: std::collections::HashMap<i64, Vec<i32>> = std::collections::HashMap::new();
        for r in rows {
            let text: String = r.try_get(1)?;
            if let Some(year) = text.get(..4).and_then(|y| y.parse().ok()) {
                years.entry(r.try_get(0)?).or_default().push(year);
            }
        }
        for list in years.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        Ok(years)
    }

    pub async fn trainings_under(&self, root: UnitId) -> Result<Vec<TrainingEntry>> {
        let within = self.subtree_ids(root).await?;
        let sql = format!(
            "SELECT t.id, t.unit_id, {} AS unit_name, t.title, t.held_on, t.place, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM training_attendees a WHERE a.training_id = t.id) AS attendees \
             FROM trainings t WHERE t.voided_at IS NULL ORDER BY t.held_on DESC, t.id DESC",
            unit_name_of("t.unit_id")
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let mut out = Vec::new();
        for r in &rows {
            let unit = UnitId(r.try_get("unit_id")?);
            if within.contains(&unit) {
                out.push(TrainingEntry {
                    id: r.try_get("id")?,
                    unit_id: unit,
                    unit_name: r.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
                    title: r.try_get("title")?,
                    held_on: date(&r.try_get::<String, _>("held_on")?)?,
                    place: r.try_get("place")?,
                    attendees: r.try_get("attendees")?,
                });
            }
        }
        Ok(out)
    }

    pub async fn voices_under(&self, root: UnitId) -> Result<Vec<VoiceEntry>> {
        let within = self.subtree_ids(root).await?;
        let sql = format!(
            "SELECT v.id, v.unit_id, {} AS unit_name, v.full_name, v.in_province, v.channels, v.audience, v.consent, \
             v.registered_from FROM trusted_voices v WHERE v.voided_at IS NULL ORDER BY v.full_name, v.id",
            unit_name_of("v.unit_id")
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let enlisted = sqlx::query("SELECT voice_id, year FROM voice_enlistments ORDER BY year")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, i32::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0))))
            .collect::<Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for r in &rows {
            let unit = UnitId(r.try_get("unit_id")?);
            if !within.contains(&unit) {
                continue;
            }
            let id: i64 = r.try_get("id")?;
            out.push(VoiceEntry {
                id,
                unit_id: unit,
                unit_name: r.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
                full_name: r.try_get("full_name")?,
                in_province: r.try_get::<i64, _>("in_province")? != 0,
                channels: r.try_get("channels")?,
                audience: r.try_get("audience")?,
                consent: r.try_get::<i64, _>("consent")? != 0,
                registered_from: i32::try_from(r.try_get::<i64, _>("registered_from")?).unwrap_or(0),
                enlisted_years: enlisted.iter().filter(|(v, _)| *v == id).map(|(_, y)| *y).collect(),
            });
        }
        Ok(out)
    }
}

impl Store {
    /// The unit a registered person belongs to, so a page can check its scope.
    pub async fn person_unit(&self, id: i64) -> Result<Option<UnitId>> {
        let unit: Option<i64> =
            sqlx::query_scalar("SELECT unit_id FROM people WHERE id = $1").bind(id).fetch_optional(self.pool()).await?;
        Ok(unit.map(UnitId))
    }

    /// The unit a trusted voice is registered with.
    pub async fn voice_unit(&self, id: i64) -> Result<Option<UnitId>> {
        let unit: Option<i64> = sqlx::query_scalar("SELECT unit_id FROM trusted_voices WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(unit.map(UnitId))
    }
}

impl WriteTx {
    pub async fn create_person(&mut self, p: &PersonInput) -> Result<i64> {
        let name = required(&p.full_name, "full_name")?;
        checks::year_span("registered_from", p.registered_from, "registered_to", p.registered_to)?;
        let id = self
            .insert_returning_id(
                "INSERT INTO people (unit_id, full_name, role, position, initiative_id, registered_from, registered_to, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                vec![
                    Val::I(Some(p.unit.0)),
                    Val::S(Some(name)),
                    Val::S(Some(p.role.as_str().into())),
                    Val::S(optional(p.position.as_deref())),
                    Val::I(p.initiative),
                    Val::I(Some(i64::from(p.registered_from))),
                    Val::I(p.registered_to.map(i64::from)),
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
        let title = required(title, "training_title")?;
        let id = self
            .insert_returning_id(
                "INSERT INTO trainings (unit_id, title, held_on, place, created_at) VALUES ($1, $2, $3, $4, $5)",
                vec![
                    Val::I(Some(unit.0)),
                    Val::S(Some(title.clone())),
                    Val::S(Some(held_on.to_string())),
                    Val::S(optional(place)),
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
            .bind(optional(note))
            .execute(&mut *self.tx)
            .await?;
        self.audit("person.update", &format!("person:{person}"), &json!({"year": year})).await?;
        self.facts_changed(FactChange::Person(person));
        Ok(())
    }

    pub async fn create_voice(&mut self, v: &VoiceInput) -> Result<i64> {
        let name = required(&v.full_name, "full_name")?;
        check_year(v.registered_from)?;
        let id = self
            .insert_returning_id(
                "INSERT INTO trusted_voices (unit_id, full_name, in_province, channels, audience, consent, initiative_id, \
                 registered_from, registered_to, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)",
                vec![
                    Val::I(Some(v.unit.0)),
                    Val::S(Some(name)),
                    Val::I(Some(i64::from(v.in_province))),
                    Val::S(optional(v.channels.as_deref())),
                    Val::I(v.audience.map(|a| a.max(0))),
                    Val::I(Some(i64::from(v.consent))),
                    Val::I(v.initiative),
                    Val::I(Some(i64::from(v.registered_from))),
                    Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        self.audit("voice.create", &format!("voice:{id}"), &json!({"unit": v.unit.0, "consent": v.consent})).await?;
        self.facts_changed(FactChange::Voice(id));
        Ok(id)
    }

    /// A trusted voice enlisted for a year; only with their consent on record.
    pub async fn enlist_voice(&mut self, voice: i64, year: i32) -> Result<()> {
        check_year(year)?;
        let consent: Option<i64> = sqlx::query_scalar("SELECT consent FROM trusted_voices WHERE id = $1")
            .bind(voice)
            .fetch_optional(&mut *self.tx)
            .await?;
        match consent {
            None => return Err(StoreError::NotFound),
            Some(given) => checks::consent(given != 0)?,
        }
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
