//! The registry of activities: awareness sessions in villages, page posts,
//! and the units' yearly reports.

use khienmang_core::Date;
use khienmang_core::org::UnitId;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::db::Val;
use crate::org::date;
use crate::targets::FactChange;
use crate::{Result, Store, WriteTx};

use super::shared::{check_year, optional, required, unit_name_of};

/// A dated activity: an awareness session in a village or a page post.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityEntry {
    pub id: i64,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub on: Date,
    pub title: String,
    pub detail: Option<String>,
}

impl Store {
    /// Awareness activities of villages (`posts == false`) or page posts under `root`.
    pub async fn activities_under(&self, root: UnitId, posts: bool) -> Result<Vec<ActivityEntry>> {
        let within = self.subtree_ids(root).await?;
        let sql = if posts {
            format!(
                "SELECT p.id, p.unit_id, {} AS unit_name, p.posted_on AS day, p.title, p.url AS detail \
                 FROM page_posts p WHERE p.voided_at IS NULL ORDER BY p.posted_on DESC, p.id DESC",
                // Qualified: a bare `unit_id` would name the versions table's own column.
                unit_name_of("p.unit_id")
            )
        } else {
            format!(
                "SELECT id, village_id AS unit_id, {} AS unit_name, held_on AS day, title, \
                 CAST(participants AS TEXT) AS detail FROM village_activities WHERE voided_at IS NULL ORDER BY held_on DESC, id DESC",
                unit_name_of("village_id")
            )
        };
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let mut out = Vec::new();
        for r in &rows {
            let unit = UnitId(r.try_get("unit_id")?);
            if within.contains(&unit) {
                out.push(ActivityEntry {
                    id: r.try_get("id")?,
                    unit_id: unit,
                    unit_name: r.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
                    on: date(&r.try_get::<String, _>("day")?)?,
                    title: r.try_get("title")?,
                    detail: r.try_get("detail")?,
                });
            }
        }
        Ok(out)
    }

    /// The years a unit submitted its yearly report.
    pub async fn unit_report_years(&self, unit: UnitId) -> Result<Vec<i32>> {
        let rows: Vec<i64> = sqlx::query_scalar("SELECT year FROM unit_reports WHERE unit_id = $1 ORDER BY year")
            .bind(unit.0)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().filter_map(|y| i32::try_from(y).ok()).collect())
    }
}

impl WriteTx {
    pub async fn add_village_activity(
        &mut self,
        village: UnitId,
        held_on: Date,
        title: &str,
        participants: Option<i64>,
    ) -> Result<i64> {
        let title = required(title, "activity_title")?;
        let id = self
            .insert_returning_id(
                "INSERT INTO village_activities (village_id, held_on, title, participants, created_at) VALUES ($1, $2, $3, $4, $5)",
                vec![
                    Val::I(Some(village.0)),
                    Val::S(Some(held_on.to_string())),
                    Val::S(Some(title)),
                    Val::I(participants.map(|p| p.max(0))),
                    Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        self.audit("activity.create", &format!("activity:{id}"), &json!({"village": village.0})).await?;
        self.facts_changed(FactChange::VillageActivity(id));
        Ok(id)
    }

    pub async fn add_page_post(
        &mut self,
        unit: UnitId,
        posted_on: Date,
        title: &str,
        url: Option<&str>,
    ) -> Result<i64> {
        let title = required(title, "post_title")?;
        let id = self
            .insert_returning_id(
                "INSERT INTO page_posts (unit_id, posted_on, title, url, created_at) VALUES ($1, $2, $3, $4, $5)",
                vec![
                    Val::I(Some(unit.0)),
                    Val::S(Some(posted_on.to_string())),
                    Val::S(Some(title)),
                    Val::S(optional(url)),
                    Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        self.audit("post.create", &format!("post:{id}"), &json!({"unit": unit.0})).await?;
        self.facts_changed(FactChange::PagePost(id));
        Ok(id)
    }

    /// A unit's yearly report: from now on its missing facts read "no".
    pub async fn submit_unit_report(&mut self, unit: UnitId, year: i32) -> Result<()> {
        check_year(year)?;
        sqlx::query("DELETE FROM unit_reports WHERE unit_id = $1 AND year = $2")
            .bind(unit.0)
            .bind(i64::from(year))
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("INSERT INTO unit_reports (unit_id, year, submitted_at, actor) VALUES ($1, $2, $3, $4)")
            .bind(unit.0)
            .bind(i64::from(year))
            .bind(self.stamp())
            .bind(self.actor.clone())
            .execute(&mut *self.tx)
            .await?;
        self.audit("unit.report", &format!("unit:{}", unit.0), &json!({"year": year})).await?;
        self.facts_changed(FactChange::UnitReport(unit, year));
        Ok(())
    }
}
