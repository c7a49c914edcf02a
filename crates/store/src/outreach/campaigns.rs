//! Campaigns of the steering committee and the initiatives' confirmations
//! that they shared its content, with the reach they saw. A confirmation of
//! a post on an official page also counts for target 2.7.

use khienmang_core::org::{Level, MAX_DEPTH, OrgHistory, UnitId};
use khienmang_core::outreach::{Campaign, InitiativeRef, ShareConfirmation};
use serde_json::json;
use sqlx::Row;

use crate::db::read_instant;
use crate::{Result, Store, StoreError, WriteTx};
use khienmang_core::time::Timestamp;

impl Store {
    /// Every campaign, newest first.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>> {
        let rows = sqlx::query("SELECT id, campaign FROM campaigns ORDER BY starts_at DESC, id DESC")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let mut c: Campaign = serde_json::from_str(&r.try_get::<String, _>("campaign")?)
                    .map_err(|_| StoreError::Invalid("chiến dịch hỏng trong cơ sở dữ liệu".into()))?;
                c.id = r.try_get("id")?;
                Ok(c)
            })
            .collect()
    }

    pub async fn campaign(&self, id: i64) -> Result<Option<Campaign>> {
        Ok(self.campaigns().await?.into_iter().find(|c| c.id == id))
    }

    pub async fn campaign_shares(&self, campaign: i64) -> Result<Vec<ShareConfirmation>> {
        let rows = sqlx::query(
            "SELECT campaign_id, initiative_id, item_id, confirmed_at, reach FROM campaign_shares \
             WHERE campaign_id = $1 ORDER BY id",
        )
        .bind(campaign)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ShareConfirmation {
                    campaign_id: r.try_get("campaign_id")?,
                    initiative_id: r.try_get("initiative_id")?,
                    item_id: r.try_get("item_id")?,
                    confirmed_at: read_instant(&r.try_get::<String, _>("confirmed_at")?)?,
                    reach: u64::try_from(r.try_get::<i64, _>("reach")?).unwrap_or(0),
                })
            })
            .collect()
    }

    /// The initiatives under `root` as coverage sees them on `on`: unit,
    /// ancestors, commune, themes and whether they are running.
    pub async fn initiative_refs(
        &self,
        history: &OrgHistory,
        root: UnitId,
        on: khienmang_core::Date,
    ) -> Result<Vec<InitiativeRef>> {
        let snapshot = history.snapshot(on);
        let mut out = Vec::new();
        for i in self.initiatives_under(root, None).await? {
            let mut ancestors = Vec::new();
            let mut up = snapshot.get(i.unit_id).and_then(|v| v.parent_id);
            // Bounded, and stopped at a unit met again: a loop in the tree must not hang this.
            while let Some(p) = up.filter(|p| ancestors.len() < MAX_DEPTH && *p != i.unit_id && !ancestors.contains(p))
            {
                ancestors.push(p);
                up = snapshot.get(p).and_then(|v| v.parent_id);
            }
            let commune = std::iter::once(i.unit_id)
                .chain(ancestors.iter().copied())
                .find(|u| snapshot.get(*u).is_some_and(|v| v.level == Level::Commune));
            out.push(InitiativeRef {
                id: i.id,
                unit: i.unit_id,
                ancestors,
                commune,
                focus: i.focus.clone(),
                active: i.stage.is_running(),
            });
        }
        Ok(out)
    }
}

impl WriteTx {
    /// Publishes a campaign (checked by core's rules); returns its id.
    pub async fn create_campaign(&mut self, c: &Campaign) -> Result<i64> {
        c.validate().map_err(|e| StoreError::Invalid(e.message_vi()))?;
        let json = serde_json::to_string(c).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO campaigns (title, campaign, starts_at, ends_at, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&c.title)
        .bind(&json)
        .bind(Timestamp::from(c.schedule.publish_at).stored())
        .bind(c.schedule.end_at.map(|t| Timestamp::from(t).stored()))
        .bind(&self.actor)
        .bind(self.stamp())
        .fetch_one(&mut *self.tx)
        .await?;
        self.audit("campaign.create", &format!("campaign:{id}"), &json!({"title": c.title, "items": c.items.len()}))
            .await?;
        Ok(id)
    }

    /// Stores a corrected campaign (an item added, corrected or voided),
    /// checked by core's rules; audited as `action` with `detail`.
    pub async fn update_campaign(&mut self, c: &Campaign, action: &str, detail: serde_json::Value) -> Result<()> {
        c.validate().map_err(|e| StoreError::Invalid(e.message_vi()))?;
        let json = serde_json::to_string(c).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let changed = sqlx::query("UPDATE campaigns SET title = $1, campaign = $2 WHERE id = $3")
            .bind(&c.title)
            .bind(&json)
            .bind(c.id)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if changed != 1 {
            return Err(StoreError::NotFound);
        }
        self.audit(action, &format!("campaign:{}", c.id), &detail).await?;
        Ok(())
    }

    /// An initiative confirms it shared an item (or the campaign) and how
    /// many people it reached.
    pub async fn confirm_share(
        &mut self,
        campaign: i64,
        item: Option<i64>,
        initiative: i64,
        unit: UnitId,
        reach: u64,
        link: Option<&str>,
    ) -> Result<()> {
        let reach = i64::try_from(reach).map_err(|_| StoreError::Invalid("Số người tiếp cận quá lớn.".into()))?;
        sqlx::query(
            "INSERT INTO campaign_shares (campaign_id, item_id, initiative_id, reach, link, confirmed_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(campaign)
        .bind(item)
        .bind(initiative)
        .bind(reach)
        .bind(link)
        // Milliseconds: a correction made in the same second still comes later.
        .bind(self.now().stored_millis())
        .bind(&self.actor)
        .execute(&mut *self.tx)
        .await?;
        self.audit(
            "campaign.share",
            &format!("campaign:{campaign}"),
            &json!({
                "initiative": initiative, "unit": unit.0, "item": item, "reach": reach
            }),
        )
        .await?;
        Ok(())
    }
}
