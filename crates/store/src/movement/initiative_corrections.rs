//! Correcting and voiding an initiative and what hangs on it (issue 18):
//! its fields corrected, the initiative voided with its channels, member
//! counts, sub-groups and participating units (and restored with them by
//! the secretariat), a channel corrected or voided, a member count voided.
//! Each goes through the shared [`WriteTx::record_change`].

use khienmang_core::movement::{ChangeAction, Channel, CheckedInitiativeFields, RecordKind, VoidReason};
use khienmang_core::org::UnitId;
use khienmang_core::text::fold;
use serde_json::{Map, json};
use sqlx::Row;

use super::corrections::{RecordChange, changed_fields};
use super::initiatives::{Initiative, channel_owner};
use crate::targets::FactChange;
use crate::{Result, Store, StoreError, WriteTx};

/// The tables that hang on an initiative and are voided with it.
const CASCADE: &[&str] = &["initiative_channels", "initiative_village_counts", "initiative_groups", "initiative_units"];

/// A voided channel keeps its link, but its key no longer holds the channel
/// (the key is unique): someone may register the channel correctly.
fn parked_key(id: i64, key: &str) -> String {
    format!("void:{id}:{key}")
}

fn already_guided(owner: &super::initiatives::ChannelOwner) -> StoreError {
    StoreError::Invalid(format!(
        "Kênh này đã được đăng ký: do {} hướng dẫn (mô hình «{}»). Mỗi kênh chỉ có một đơn vị hướng dẫn.",
        owner.unit_name, owner.initiative_name
    ))
}

impl Store {
    /// The history of an initiative, its channels and its member counts, oldest first.
    pub async fn initiative_history(&self, id: i64) -> Result<Vec<(RecordKind, RecordChange)>> {
        let rows = sqlx::query(
            "SELECT record_kind, actor, changed_at, action, changes, reason FROM record_changes \
             WHERE (record_kind = 'initiative' AND record_id = $1) \
             OR (record_kind = 'channel' AND record_id IN \
                 (SELECT CAST(id AS TEXT) FROM initiative_channels WHERE initiative_id = $2)) \
             OR (record_kind = 'group' AND record_id IN \
                 (SELECT CAST(id AS TEXT) FROM initiative_groups WHERE initiative_id = $2)) \
             OR (record_kind IN ('member_count', 'participant', 'initiative_report') AND record_id LIKE $3) ORDER BY id",
        )
        .bind(id.to_string())
        .bind(id)
        .bind(format!("{id}/%"))
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let kind: String = r.try_get(0)?;
            let action: String = r.try_get(3)?;
            let (Some(kind), Some(action)) = (RecordKind::parse(&kind), ChangeAction::parse(&action)) else { continue };
            out.push((
                kind,
                RecordChange {
                    actor: r.try_get(1)?,
                    at: r.try_get(2)?,
                    action,
                    changes: serde_json::from_str::<Map<String, serde_json::Value>>(&r.try_get::<String, _>(4)?)
                        .unwrap_or_default(),
                    reason: r.try_get(5)?,
                },
            ));
        }
        Ok(out)
    }
}

impl WriteTx {
    /// Corrects an initiative's fields; returns whether anything changed
    /// (an unchanged form writes nothing).
    pub async fn edit_initiative(&mut self, current: &Initiative, new: &CheckedInitiativeFields) -> Result<bool> {
        let before = serde_json::to_value(current.fields()).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let after = serde_json::to_value(&**new).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let changes = changed_fields(&before, &after);
        if changes.is_empty() {
            return Ok(false);
        }
        let focus: Vec<&str> = new.focus.iter().map(|f| f.as_str()).collect();
        let done = sqlx::query(
            "UPDATE initiatives SET name = $1, name_folded = $2, leader_name = $3, participant_kind = $4, \
             leader_kind = $5, content_kind = $6, focus = $7, criterion_1 = $8, criterion_2 = $9, criterion_3 = $10, \
             description = $11 WHERE id = $12 AND voided_at IS NULL",
        )
        .bind(new.name.clone())
        .bind(fold(&new.name))
        .bind(new.leader_name.clone())
        .bind(new.participant_kind.as_str())
        .bind(new.leader_kind.as_str())
        .bind(new.content_kind.as_str())
        .bind(focus.join(","))
        .bind(i64::from(new.criteria[0]))
        .bind(i64::from(new.criteria[1]))
        .bind(i64::from(new.criteria[2]))
        .bind(new.description.clone())
        .bind(current.id)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.record_change(
            FactChange::Initiative(current.id),
            RecordKind::Initiative,
            &current.id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    /// Voids an initiative entered by mistake, with its channels, member
    /// counts, sub-groups and participating units (one time stamp for all,
    /// so a restore brings back exactly these).
    pub async fn void_initiative(&mut self, id: i64, reason: &VoidReason) -> Result<()> {
        if self.mark_void("initiatives", "id = $4", &[id], reason).await? == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "UPDATE initiative_channels SET channel_key = 'void:' || CAST(id AS TEXT) || ':' || channel_key \
             WHERE initiative_id = $1 AND voided_at IS NULL",
        )
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        for table in CASCADE {
            self.mark_void(table, "initiative_id = $4", &[id], reason).await?;
        }
        self.record_change(
            FactChange::Initiative(id),
            RecordKind::Initiative,
            &id.to_string(),
            ChangeAction::Void,
            Map::new(),
            Some(reason.as_str()),
        )
        .await
    }

    /// Restores a voided initiative and what was voided with it (the
    /// secretariat's decision; the caller checks the role). Refused when one
    /// of its channels was registered again by someone else meanwhile.
    pub async fn restore_initiative(&mut self, id: i64) -> Result<()> {
        let at: Option<Option<String>> = sqlx::query_scalar("SELECT voided_at FROM initiatives WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        let Some(at) = at.ok_or(StoreError::NotFound)? else {
            return Err(StoreError::Invalid("Mô hình này chưa bị hủy.".into()));
        };
        let channels =
            sqlx::query("SELECT id, channel_key FROM initiative_channels WHERE initiative_id = $1 AND voided_at = $2")
                .bind(id)
                .bind(at.clone())
                .fetch_all(&mut *self.tx)
                .await?;
        for r in channels {
            let cid: i64 = r.try_get(0)?;
            let key: String = r.try_get(1)?;
            self.unpark_channel(cid, &key).await?;
        }
        self.clear_void("initiatives", "id = $1", &[id], Some(&at)).await?;
        for table in CASCADE {
            self.clear_void(table, "initiative_id = $1", &[id], Some(&at)).await?;
        }
        self.record_change(
            FactChange::Initiative(id),
            RecordKind::Initiative,
            &id.to_string(),
            ChangeAction::Restore,
            Map::new(),
            None,
        )
        .await
    }

    async fn unpark_channel(&mut self, cid: i64, key: &str) -> Result<()> {
        let original = key.strip_prefix(&parked_key(cid, "")).unwrap_or(key).to_string();
        if let Some(owner) = channel_owner(&mut *self.tx, &original).await? {
            return Err(already_guided(&owner));
        }
        sqlx::query("UPDATE initiative_channels SET channel_key = $1 WHERE id = $2")
            .bind(original)
            .bind(cid)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Corrects a channel's link and audience; a link that is another
    /// registered channel is refused, naming its guiding unit.
    pub async fn edit_channel(
        &mut self,
        initiative: i64,
        channel_id: i64,
        channel: &Channel,
        audience: Option<i64>,
    ) -> Result<bool> {
        let row = sqlx::query(
            "SELECT platform, channel_key, url, audience FROM initiative_channels \
             WHERE id = $1 AND initiative_id = $2 AND voided_at IS NULL",
        )
        .bind(channel_id)
        .bind(initiative)
        .fetch_optional(&mut *self.tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let (platform, key, url, old_audience): (String, String, String, Option<i64>) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
        if channel.key != key
            && let Some(owner) = channel_owner(&mut *self.tx, &channel.key).await?
        {
            return Err(already_guided(&owner));
        }
        let audience = audience.map(|a| a.max(0));
        let before = json!({"platform": platform, "url": url, "audience": old_audience});
        let after = json!({"platform": channel.platform.as_str(), "url": channel.url, "audience": audience});
        let changes = changed_fields(&before, &after);
        if changes.is_empty() {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE initiative_channels SET platform = $1, channel_key = $2, url = $3, audience = $4 WHERE id = $5",
        )
        .bind(channel.platform.as_str())
        .bind(channel.key.clone())
        .bind(channel.url.clone())
        .bind(audience)
        .bind(channel_id)
        .execute(&mut *self.tx)
        .await?;
        self.record_change(
            FactChange::Channel(channel_id),
            RecordKind::Channel,
            &channel_id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    /// Voids one channel of an initiative; its link may then be registered again.
    pub async fn void_channel(&mut self, initiative: i64, channel_id: i64, reason: &VoidReason) -> Result<()> {
        if self
            .mark_void("initiative_channels", "id = $4 AND initiative_id = $5", &[channel_id, initiative], reason)
            .await?
            == 0
        {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE initiative_channels SET channel_key = 'void:' || CAST(id AS TEXT) || ':' || channel_key WHERE id = $1")
            .bind(channel_id)
            .execute(&mut *self.tx)
            .await?;
        self.record_change(
            FactChange::Channel(channel_id),
            RecordKind::Channel,
            &channel_id.to_string(),
            ChangeAction::Void,
            Map::new(),
            Some(reason.as_str()),
        )
        .await
    }

    /// Voids the members counted in a village for a year.
    pub async fn void_village_count(
        &mut self,
        initiative: i64,
        village: UnitId,
        year: i32,
        reason: &VoidReason,
    ) -> Result<()> {
        let keys = [initiative, village.0, i64::from(year)];
        if self
            .mark_void(
                "initiative_village_counts",
                "initiative_id = $4 AND village_id = $5 AND year = $6",
                &keys,
                reason,
            )
            .await?
            == 0
        {
            return Err(StoreError::NotFound);
        }
        let id = format!("{initiative}/{}/{year}", village.0);
        self.record_change(
            FactChange::Villages(vec![village]),
            RecordKind::MemberCount,
            &id,
            ChangeAction::Void,
            Map::new(),
            Some(reason.as_str()),
        )
        .await
    }

    /// Voids a periodic activity report of an initiative entered by mistake
    /// (a wrong period or count is voided and entered again). No target
    /// reads these reports, so only the history and the audit log change.
    pub async fn void_initiative_report(&mut self, initiative: i64, report: i64, reason: &VoidReason) -> Result<()> {
        let keys = [report, initiative];
        if self.mark_void("initiative_reports", "id = $4 AND initiative_id = $5", &keys, reason).await? == 0 {
            return Err(StoreError::NotFound);
        }
        let id = format!("{initiative}/{report}");
        self.log_change(RecordKind::InitiativeReport, &id, ChangeAction::Void, Map::new(), Some(reason.as_str())).await
    }

    /// Voids a sub-group of an initiative.
    pub async fn void_group(&mut self, initiative: i64, group: i64, reason: &VoidReason) -> Result<()> {
        if self.mark_void("initiative_groups", "id = $4 AND initiative_id = $5", &[group, initiative], reason).await?
            == 0
        {
            return Err(StoreError::NotFound);
        }
        self.record_change(
            FactChange::Initiative(initiative),
            RecordKind::Group,
            &group.to_string(),
            ChangeAction::Void,
            Map::new(),
            Some(reason.as_str()),
        )
        .await
    }

    /// Voids a unit's part in an initiative (it leaves targets 2.9a–b).
    pub async fn void_participant(&mut self, initiative: i64, unit: UnitId, reason: &VoidReason) -> Result<()> {
        let keys = [initiative, unit.0];
        if self.mark_void("initiative_units", "initiative_id = $4 AND unit_id = $5", &keys, reason).await? == 0 {
            return Err(StoreError::NotFound);
        }
        let id = format!("{initiative}/{}", unit.0);
        self.record_change(
            FactChange::Initiative(initiative),
            RecordKind::Participant,
            &id,
            ChangeAction::Void,
            Map::new(),
            Some(reason.as_str()),
        )
        .await
    }
}
