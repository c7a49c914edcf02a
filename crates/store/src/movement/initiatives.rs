//! The registry of initiatives: their stages, channels, groups, participating
//! units, village counts, members and activity reports.

use khienmang_core::Date;
use khienmang_core::movement::checks::{self, village_count};
use khienmang_core::movement::{
    Channel, CheckedInitiative, ContentKind, Focus, InitiativeFields, LeaderKind, ParticipantKind, Stage,
    check_transition,
};
use khienmang_core::org::UnitId;
use khienmang_core::text::fold;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::{Val, bulk_insert};
use crate::org::date;
use crate::targets::FactChange;
use crate::{Result, Store, StoreError, WriteTx};

use super::corrections::{Voided, voided_of};
use super::shared::{check_year, invalid, optional, required, unit_name_of, village_label_of};

pub use khienmang_core::movement::InitiativeInput;

#[derive(Debug, Clone, Serialize)]
pub struct Initiative {
    pub id: i64,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub name: String,
    pub leader_name: Option<String>,
    pub participant_kind: ParticipantKind,
    pub leader_kind: LeaderKind,
    pub content_kind: ContentKind,
    pub focus: Vec<Focus>,
    pub criteria: [bool; 3],
    pub description: Option<String>,
    pub stage: Stage,
    pub stage_since: Date,
    pub channels: i64,
    pub members: i64,
    /// Set when the initiative was voided (entered by mistake); only the
    /// secretariat still sees it.
    pub voided: Option<Voided>,
}

impl Initiative {
    /// What a correction may change, as it stands.
    pub fn fields(&self) -> InitiativeFields {
        InitiativeFields {
            name: self.name.clone(),
            leader_name: self.leader_name.clone(),
            participant_kind: self.participant_kind,
            leader_kind: self.leader_kind,
            content_kind: self.content_kind,
            focus: self.focus.clone(),
            criteria: self.criteria,
            description: self.description.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StageEntry {
    pub stage: Stage,
    pub effective: Date,
    pub note: Option<String>,
    pub actor: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChannelEntry {
    pub id: i64,
    pub platform: String,
    pub key: String,
    pub url: String,
    pub audience: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupEntry {
    pub id: i64,
    pub name: String,
    pub leader_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VillageCount {
    pub village_id: UnitId,
    pub village_name: String,
    pub year: i32,
    /// Counted members and households (`None` when the village's members are listed instead).
    pub members: i64,
    pub households: i64,
    pub listed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityReport {
    pub period_from: Date,
    pub period_to: Date,
    pub posts: i64,
    pub reach: i64,
    pub reports_received: i64,
    pub note: Option<String>,
}

/// A periodic activity report as listed: its id, to void it by.
#[derive(Debug, Clone)]
pub struct ReportEntry {
    pub id: i64,
    pub report: ActivityReport,
}

/// A listed member, as an import or form gives it.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub village: UnitId,
    pub full_name: String,
    pub household: u64,
    pub joined_year: i32,
    pub left_year: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: i64,
    pub village_id: UnitId,
    pub village_name: String,
    pub full_name: String,
    pub joined_year: i32,
    pub left_year: Option<i32>,
}

/// The guiding unit of a channel already registered.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelOwner {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub unit_name: String,
}

/// A unit taking part in an initiative besides its owner.
#[derive(Debug, Clone, Serialize)]
pub struct ParticipantEntry {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub from_year: i32,
    pub to_year: Option<i32>,
}

fn initiative_from_row(row: &AnyRow) -> Result<Initiative> {
    let parse = |col: &str| -> Result<String> { Ok(row.try_get::<String, _>(col)?) };
    let bad = |what: &str| StoreError::Invalid(format!("giá trị không hợp lệ trong cơ sở dữ liệu: {what}"));
    Ok(Initiative {
        id: row.try_get("id")?,
        unit_id: UnitId(row.try_get("unit_id")?),
        unit_name: row.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
        name: row.try_get("name")?,
        leader_name: row.try_get("leader_name")?,
        participant_kind: ParticipantKind::parse(&parse("participant_kind")?).ok_or_else(|| bad("participant_kind"))?,
        leader_kind: LeaderKind::parse(&parse("leader_kind")?).ok_or_else(|| bad("leader_kind"))?,
        content_kind: ContentKind::parse(&parse("content_kind")?).ok_or_else(|| bad("content_kind"))?,
        focus: parse("focus")?.split(',').filter_map(Focus::parse).collect(),
        criteria: [
            row.try_get::<i64, _>("criterion_1")? != 0,
            row.try_get::<i64, _>("criterion_2")? != 0,
            row.try_get::<i64, _>("criterion_3")? != 0,
        ],
        description: row.try_get("description")?,
        stage: Stage::parse(&parse("stage")?).ok_or_else(|| bad("stage"))?,
        stage_since: date(&parse("stage_since")?)?,
        channels: row.try_get("channels")?,
        members: row.try_get("members")?,
        voided: voided_of(row)?,
    })
}

fn initiative_select() -> String {
    format!(
        "SELECT i.id, i.unit_id, {} AS unit_name, i.name, i.leader_name, i.participant_kind, i.leader_kind, \
         i.content_kind, i.focus, i.criterion_1, i.criterion_2, i.criterion_3, i.description, i.stage, i.stage_since, \
         i.voided_at, i.voided_by, i.void_reason, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM initiative_channels c WHERE c.initiative_id = i.id \
         AND c.voided_at IS NULL) AS channels, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM initiative_members m WHERE m.initiative_id = i.id) AS members \
         FROM initiatives i",
        unit_name_of("i.unit_id")
    )
}

impl Store {
    /// Initiatives owned by units under `root`, newest first; `query` matches
    /// the name ignoring case and diacritics.
    pub async fn initiatives_under(&self, root: UnitId, query: Option<&str>) -> Result<Vec<Initiative>> {
        let within = self.subtree_ids(root).await?;
        let mut sql = initiative_select();
        let folded = query.map(fold).filter(|q| !q.is_empty());
        // A voided initiative leaves every list.
        sql.push_str(" WHERE i.voided_at IS NULL");
        if folded.is_some() {
            sql.push_str(" AND i.name_folded LIKE $1");
        }
        sql.push_str(" ORDER BY i.id DESC");
        let mut q = sqlx::query(&sql);
        if let Some(f) = &folded {
            q = q.bind(format!("%{f}%"));
        }
        let rows = q.fetch_all(self.pool()).await?;
        let mut out = Vec::new();
        for row in &rows {
            let unit = UnitId(row.try_get("unit_id")?);
            if within.contains(&unit) {
                out.push(initiative_from_row(row)?);
            }
        }
        Ok(out)
    }

    /// The initiatives linked to an initiative leader's account (not
    /// voided), by name.
    pub async fn initiatives_led_by(&self, user: i64) -> Result<Vec<Initiative>> {
        let sql = format!(
            "{} JOIN initiative_leaders l ON l.initiative_id = i.id WHERE l.user_id = $1 AND i.voided_at IS NULL \
             ORDER BY i.name, i.id",
            initiative_select()
        );
        let rows = sqlx::query(&sql).bind(user).fetch_all(self.pool()).await?;
        rows.iter().map(initiative_from_row).collect()
    }

    /// One initiative by id, voided or not (the caller decides who sees a void).
    pub async fn initiative(&self, id: i64) -> Result<Option<Initiative>> {
        let sql = format!("{} WHERE i.id = $1", initiative_select());
        let row = sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await?;
        row.as_ref().map(initiative_from_row).transpose()
    }

    pub async fn initiative_stages(&self, id: i64) -> Result<Vec<StageEntry>> {
        let rows = sqlx::query(
            "SELECT stage, effective, note, actor FROM initiative_stages WHERE initiative_id = $1 ORDER BY effective, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let stage: String = r.try_get(0)?;
                Ok(StageEntry {
                    stage: Stage::parse(&stage).ok_or_else(|| invalid("giai đoạn không hợp lệ"))?,
                    effective: date(&r.try_get::<String, _>(1)?)?,
                    note: r.try_get(2)?,
                    actor: r.try_get(3)?,
                })
            })
            .collect()
    }

    pub async fn initiative_channels(&self, id: i64) -> Result<Vec<ChannelEntry>> {
        let rows = sqlx::query(
            "SELECT id, platform, channel_key, url, audience FROM initiative_channels WHERE initiative_id = $1 \
             AND voided_at IS NULL ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ChannelEntry {
                    id: r.try_get(0)?,
                    platform: r.try_get(1)?,
                    key: r.try_get(2)?,
                    url: r.try_get(3)?,
                    audience: r.try_get(4)?,
                })
            })
            .collect()
    }

    pub async fn initiative_groups(&self, id: i64) -> Result<Vec<GroupEntry>> {
        let rows = sqlx::query("SELECT id, name, leader_name FROM initiative_groups WHERE initiative_id = $1 AND voided_at IS NULL ORDER BY id")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok(GroupEntry { id: r.try_get(0)?, name: r.try_get(1)?, leader_name: r.try_get(2)? }))
            .collect()
    }

    /// The initiative's periodic activity reports that count (not voided), newest period first.
    pub async fn initiative_reports(&self, id: i64) -> Result<Vec<ReportEntry>> {
        let rows = sqlx::query(
            "SELECT period_from, period_to, posts, reach, reports_received, note, id FROM initiative_reports \
             WHERE initiative_id = $1 AND voided_at IS NULL ORDER BY period_from DESC, id DESC",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ReportEntry {
                    id: r.try_get(6)?,
                    report: ActivityReport {
                        period_from: date(&r.try_get::<String, _>(0)?)?,
                        period_to: date(&r.try_get::<String, _>(1)?)?,
                        posts: r.try_get(2)?,
                        reach: r.try_get(3)?,
                        reports_received: r.try_get(4)?,
                        note: r.try_get(5)?,
                    },
                })
            })
            .collect()
    }

    /// Members per village and year: counted ones, and listed ones counted here.
    pub async fn initiative_villages(&self, id: i64) -> Result<Vec<VillageCount>> {
        let counted = format!(
            "SELECT village_id, {} AS village_name, year, members, households, 0 AS listed \
             FROM initiative_village_counts WHERE initiative_id = $1 AND voided_at IS NULL",
            village_label_of("village_id")
        );
        let listed = format!(
            "SELECT village_id, {} AS village_name, CAST(MIN(joined_year) AS BIGINT) AS year, \
             CAST(COUNT(*) AS BIGINT) AS members, CAST(COUNT(DISTINCT household_key) AS BIGINT) AS households, \
             1 AS listed FROM initiative_members WHERE initiative_id = $1 GROUP BY village_id",
            village_label_of("village_id")
        );
        let sql = format!("SELECT * FROM ({counted} UNION ALL {listed}) x ORDER BY village_name, year");
        let rows = sqlx::query(&sql).bind(id).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(VillageCount {
                    village_id: UnitId(r.try_get("village_id")?),
                    village_name: r.try_get::<Option<String>, _>("village_name")?.unwrap_or_default(),
                    year: i32::try_from(r.try_get::<i64, _>("year")?).unwrap_or(0),
                    members: r.try_get("members")?,
                    households: r.try_get("households")?,
                    listed: r.try_get::<i64, _>("listed")? != 0,
                })
            })
            .collect()
    }

    /// The listed members of an initiative: personal data, the caller audits the view.
    pub async fn initiative_members(&self, id: i64) -> Result<Vec<Member>> {
        let sql = format!(
            "SELECT id, {} AS village_name, full_name, joined_year, left_year, village_id FROM initiative_members \
             WHERE initiative_id = $1 ORDER BY village_name, full_name, id",
            village_label_of("village_id")
        );
        let rows = sqlx::query(&sql).bind(id).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(Member {
                    id: r.try_get(0)?,
                    village_id: UnitId(r.try_get(5)?),
                    village_name: r.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
                    full_name: r.try_get(2)?,
                    joined_year: i32::try_from(r.try_get::<i64, _>(3)?).unwrap_or(0),
                    left_year: r.try_get::<Option<i64>, _>(4)?.and_then(|y| i32::try_from(y).ok()),
                })
            })
            .collect()
    }

    /// Who already guides a channel, by its canonical key.
    pub async fn channel_owner(&self, key: &str) -> Result<Option<ChannelOwner>> {
        channel_owner(self.pool(), key).await
    }
}

impl Store {
    /// The units taking part in an initiative besides its owner.
    pub async fn initiative_participants(&self, id: i64) -> Result<Vec<ParticipantEntry>> {
        let sql = format!(
            "SELECT p.unit_id, {} AS unit_name, p.from_year, p.to_year FROM initiative_units p \
             WHERE p.initiative_id = $1 AND p.voided_at IS NULL ORDER BY p.from_year, p.unit_id",
            unit_name_of("p.unit_id")
        );
        let rows = sqlx::query(&sql).bind(id).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(ParticipantEntry {
                    unit_id: UnitId(r.try_get(0)?),
                    unit_name: r.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
                    from_year: i32::try_from(r.try_get::<i64, _>(2)?).unwrap_or(0),
                    to_year: r.try_get::<Option<i64>, _>(3)?.and_then(|y| i32::try_from(y).ok()),
                })
            })
            .collect()
    }
}

pub(super) async fn channel_owner<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    exec: E,
    key: &str,
) -> Result<Option<ChannelOwner>> {
    let sql = format!(
        "SELECT i.id, i.name, {} AS unit_name FROM initiative_channels c JOIN initiatives i ON i.id = c.initiative_id \
         WHERE c.channel_key = $1 AND c.voided_at IS NULL",
        unit_name_of("i.unit_id")
    );
    let row = sqlx::query(&sql).bind(key).fetch_optional(exec).await?;
    row.map(|r| {
        Ok(ChannelOwner {
            initiative_id: r.try_get(0)?,
            initiative_name: r.try_get(1)?,
            unit_name: r.try_get::<Option<String>, _>(2)?.unwrap_or_default(),
        })
    })
    .transpose()
}

impl WriteTx {
    /// Registers an initiative checked by [`InitiativeInput::check`].
    pub async fn create_initiative(&mut self, input: &CheckedInitiative) -> Result<i64> {
        let f = input.fields();
        let name = f.name.clone();
        let focus: Vec<&str> = f.focus.iter().map(|f| f.as_str()).collect();
        let now = self.stamp();
        let id = self
            .insert_returning_id(
                "INSERT INTO initiatives (unit_id, name, name_folded, leader_name, participant_kind, leader_kind, \
                 content_kind, focus, criterion_1, criterion_2, criterion_3, description, stage, stage_since, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                vec![
                    Val::I(Some(input.unit().0)),
                    Val::S(Some(name.clone())),
                    Val::S(Some(fold(&name))),
                    Val::S(f.leader_name.clone()),
                    Val::S(Some(f.participant_kind.as_str().into())),
                    Val::S(Some(f.leader_kind.as_str().into())),
                    Val::S(Some(f.content_kind.as_str().into())),
                    Val::S(Some(focus.join(","))),
                    Val::I(Some(i64::from(f.criteria[0]))),
                    Val::I(Some(i64::from(f.criteria[1]))),
                    Val::I(Some(i64::from(f.criteria[2]))),
                    Val::S(f.description.clone()),
                    Val::S(Some(input.stage().as_str().into())),
                    Val::S(Some(input.since().to_string())),
                    Val::S(Some(now.clone())),
                ],
            )
            .await?;
        self.insert_stage(id, input.stage(), input.since(), None).await?;
        self.audit(
            "initiative.create",
            &format!("initiative:{id}"),
            &json!({"unit": input.unit().0, "name": name, "stage": input.stage().as_str()}),
        )
        .await?;
        self.facts_changed(FactChange::Initiative(id));
        Ok(id)
    }

    async fn insert_stage(&mut self, id: i64, stage: Stage, on: Date, note: Option<&str>) -> Result<()> {
        sqlx::query(
            "INSERT INTO initiative_stages (initiative_id, stage, effective, note, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(stage.as_str())
        .bind(on.to_string())
        .bind(optional(note))
        .bind(self.actor.clone())
        .bind(self.stamp())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Moves an initiative to its next stage on a date, checked against its history.
    pub async fn move_initiative(&mut self, id: i64, next: Stage, on: Date, note: Option<&str>) -> Result<()> {
        let rows = sqlx::query(
            "SELECT stage, effective FROM initiative_stages WHERE initiative_id = $1 ORDER BY effective, id",
        )
        .bind(id)
        .fetch_all(&mut *self.tx)
        .await?;
        if rows.is_empty() {
            return Err(StoreError::NotFound);
        }
        let mut history = Vec::new();
        for r in rows {
            let stage: String = r.try_get(0)?;
            let stage = Stage::parse(&stage).ok_or_else(|| invalid("giai đoạn không hợp lệ"))?;
            history.push((stage, date(&r.try_get::<String, _>(1)?)?));
        }
        check_transition(&history, next, on).map_err(|e| StoreError::Invalid(e.message_vi()))?;
        self.insert_stage(id, next, on, note).await?;
        sqlx::query("UPDATE initiatives SET stage = $1, stage_since = $2 WHERE id = $3")
            .bind(next.as_str())
            .bind(on.to_string())
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        self.audit("initiative.stage", &format!("initiative:{id}"), &json!({"stage": next.as_str(), "on": on})).await?;
        self.facts_changed(FactChange::Initiative(id));
        Ok(())
    }

    /// Registers a channel; refused, naming the guiding unit, when the same
    /// channel (however its link is written) is already registered.
    pub async fn add_channel(&mut self, initiative: i64, channel: &Channel, audience: Option<i64>) -> Result<i64> {
        if let Some(owner) = channel_owner(&mut *self.tx, &channel.key).await? {
            return Err(StoreError::Invalid(format!(
                "Kênh này đã được đăng ký: do {} hướng dẫn (mô hình «{}»). Mỗi kênh chỉ có một đơn vị hướng dẫn.",
                owner.unit_name, owner.initiative_name
            )));
        }
        let id = self
            .insert_returning_id(
                "INSERT INTO initiative_channels (initiative_id, platform, channel_key, url, audience, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                vec![
                    Val::I(Some(initiative)),
                    Val::S(Some(channel.platform.as_str().into())),
                    Val::S(Some(channel.key.clone())),
                    Val::S(Some(channel.url.clone())),
                    Val::I(audience.map(|a| a.max(0))),
                    Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        self.audit("initiative.channel", &format!("initiative:{initiative}"), &json!({"channel": channel.key})).await?;
        self.facts_changed(FactChange::Channel(id));
        Ok(id)
    }

    pub async fn add_group(&mut self, initiative: i64, name: &str, leader: Option<&str>) -> Result<()> {
        let name = required(name, "group_name")?;
        sqlx::query(
            "INSERT INTO initiative_groups (initiative_id, name, leader_name, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(initiative)
        .bind(&name)
        .bind(optional(leader))
        .bind(self.stamp())
        .execute(&mut *self.tx)
        .await?;
        self.audit("initiative.group", &format!("initiative:{initiative}"), &json!({"group": name})).await?;
        Ok(())
    }

    /// A unit taking part in an initiative besides its owner (2.9a, 2.9b).
    pub async fn add_participant(&mut self, initiative: i64, unit: UnitId, from: i32, to: Option<i32>) -> Result<()> {
        checks::year_span("from_year", from, "to_year", to)?;
        sqlx::query("DELETE FROM initiative_units WHERE initiative_id = $1 AND unit_id = $2")
            .bind(initiative)
            .bind(unit.0)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "INSERT INTO initiative_units (initiative_id, unit_id, from_year, to_year) VALUES ($1, $2, $3, $4)",
        )
        .bind(initiative)
        .bind(unit.0)
        .bind(i64::from(from))
        .bind(to.map(i64::from))
        .execute(&mut *self.tx)
        .await?;
        self.audit("initiative.participant", &format!("initiative:{initiative}"), &json!({"unit": unit.0})).await?;
        self.facts_changed(FactChange::Initiative(initiative));
        Ok(())
    }

    /// Members counted (not listed) in a village for a year; replaces an earlier count.
    pub async fn set_village_count(
        &mut self,
        initiative: i64,
        village: UnitId,
        year: i32,
        members: i64,
        households: i64,
    ) -> Result<()> {
        check_year(year)?;
        village_count(members, households)?;
        sqlx::query("DELETE FROM initiative_village_counts WHERE initiative_id = $1 AND village_id = $2 AND year = $3")
            .bind(initiative)
            .bind(village.0)
            .bind(i64::from(year))
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "INSERT INTO initiative_village_counts (initiative_id, village_id, year, members, households) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(initiative)
        .bind(village.0)
        .bind(i64::from(year))
        .bind(members)
        .bind(households)
        .execute(&mut *self.tx)
        .await?;
        self.audit(
            "initiative.count",
            &format!("initiative:{initiative}"),
            &json!({"village": village.0, "year": year, "members": members, "households": households}),
        )
        .await?;
        self.facts_changed(FactChange::Villages(vec![village]));
        Ok(())
    }

    /// Lists members; the audit entry records how many, never who.
    pub async fn add_members(&mut self, initiative: i64, members: &[NewMember]) -> Result<usize> {
        let now = self.stamp();
        let mut rows = Vec::with_capacity(members.len());
        let mut villages = Vec::new();
        for m in members {
            let name = required(&m.full_name, "full_name")?;
            checks::year_span("joined_year", m.joined_year, "left_year", m.left_year)?;
            villages.push(m.village);
            rows.push(vec![
                Val::I(Some(initiative)),
                Val::I(Some(m.village.0)),
                Val::S(Some(name)),
                // The key's bits, stored as a signed 64-bit integer.
                Val::I(Some(m.household as i64)),
                Val::I(Some(i64::from(m.joined_year))),
                Val::I(m.left_year.map(i64::from)),
                Val::S(Some(now.clone())),
            ]);
        }
        bulk_insert(
            self,
            "initiative_members",
            &["initiative_id", "village_id", "full_name", "household_key", "joined_year", "left_year", "created_at"],
            rows,
        )
        .await?;
        villages.sort_unstable();
        villages.dedup();
        self.audit(
            "initiative.members",
            &format!("initiative:{initiative}"),
            &json!({"added": members.len(), "villages": villages.len()}),
        )
        .await?;
        self.facts_changed(FactChange::Villages(villages));
        Ok(members.len())
    }

    pub async fn add_initiative_report(&mut self, initiative: i64, report: &ActivityReport) -> Result<()> {
        checks::period(report.period_from, report.period_to)?;
        for n in [report.posts, report.reach, report.reports_received] {
            checks::count("posts", n)?;
        }
        sqlx::query(
            "INSERT INTO initiative_reports (initiative_id, period_from, period_to, posts, reach, reports_received, note, actor, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(initiative)
        .bind(report.period_from.to_string())
        .bind(report.period_to.to_string())
        .bind(report.posts)
        .bind(report.reach)
        .bind(report.reports_received)
        .bind(optional(report.note.as_deref()))
        .bind(self.actor.clone())
        .bind(self.stamp())
        .execute(&mut *self.tx)
        .await?;
        self.audit(
            "initiative.report",
            &format!("initiative:{initiative}"),
            &json!({"from": report.period_from, "to": report.period_to}),
        )
        .await?;
        Ok(())
    }
}
