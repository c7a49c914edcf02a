//! The registry of activities: awareness sessions in villages, page posts,
//! and the units' yearly reports.

use khienmang_core::Date;
use khienmang_core::movement::{ActivityFields, PostFields};
use khienmang_core::org::UnitId;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::db::Val;
use crate::org::date;
use crate::targets::FactChange;
use crate::{Result, Store, WriteTx};

use super::corrections::{Voided, voided_of};
use super::shared::{check_year, unit_name_of};

/// A dated activity: an awareness session in a village or a page post.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityEntry {
    pub id: i64,
    /// The village of an activity, the unit of a post.
    pub unit_id: UnitId,
    pub unit_name: String,
    pub on: Date,
    pub title: String,
    /// The number attending an activity (as text), the link of a post.
    pub detail: Option<String>,
    /// Set when the record was voided (lists never hold one).
    pub voided: Option<Voided>,
}

impl ActivityEntry {
    /// An activity's number attending, read back from [`ActivityEntry::detail`].
    pub fn participants(&self) -> Option<i64> {
        self.detail.as_deref().and_then(|d| d.parse().ok())
    }
}

/// The columns of a village activity (`posts == false`) or a page post; `filter` on `p`.
fn activity_sql(posts: bool, filter: &str) -> String {
    if posts {
        format!(
            "SELECT p.id, p.unit_id, {} AS unit_name, p.posted_on AS day, p.title, p.url AS detail, \
             p.voided_at, p.voided_by, p.void_reason FROM page_posts p WHERE {filter}",
            // Qualified: a bare `unit_id` would name the versions table's own column.
            unit_name_of("p.unit_id")
        )
    } else {
        format!(
            "SELECT p.id, p.village_id AS unit_id, {} AS unit_name, p.held_on AS day, p.title, \
             CAST(p.participants AS TEXT) AS detail, p.voided_at, p.voided_by, p.void_reason \
             FROM village_activities p WHERE {filter}",
            unit_name_of("p.village_id")
        )
    }
}

fn activity_of(r: &sqlx::any::AnyRow) -> Result<ActivityEntry> {
    Ok(ActivityEntry {
        id: r.try_get("id")?,
        unit_id: UnitId(r.try_get("unit_id")?),
        unit_name: r.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
        on: date(&r.try_get::<String, _>("day")?)?,
        title: r.try_get("title")?,
        detail: r.try_get("detail")?,
        voided: voided_of(r)?,
    })
}

impl Store {
    /// Awareness activities of villages (`posts == false`) or page posts under `root`.
    pub async fn activities_under(&self, root: UnitId, posts: bool) -> Result<Vec<ActivityEntry>> {
        let within = self.subtree_ids(root).await?;
        let order = if posts { "p.posted_on DESC, p.id DESC" } else { "p.held_on DESC, p.id DESC" };
        let sql = activity_sql(posts, &format!("p.voided_at IS NULL ORDER BY {order}"));
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let mut out = Vec::new();
        for r in &rows {
            let unit = UnitId(r.try_get("unit_id")?);
            if within.contains(&unit) {
                out.push(activity_of(r)?);
            }
        }
        Ok(out)
    }

    /// One village activity (`posts == false`) or page post, voided or not
    /// (the caller decides who sees a void).
    pub async fn activity(&self, id: i64, posts: bool) -> Result<Option<ActivityEntry>> {
        let row = sqlx::query(&activity_sql(posts, "p.id = $1")).bind(id).fetch_optional(self.pool()).await?;
        row.as_ref().map(activity_of).transpose()
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
    /// An awareness activity held in a village, checked by core as its correction is.
    pub async fn add_village_activity(
        &mut self,
        village: UnitId,
        held_on: Date,
        title: &str,
        participants: Option<i64>,
    ) -> Result<i64> {
        let a = ActivityFields { held_on, title: title.to_string(), participants }.check()?;
        let id = self
            .insert_returning_id(
                "INSERT INTO village_activities (village_id, held_on, title, participants, created_at) VALUES ($1, $2, $3, $4, $5)",
                vec![
                    Val::I(Some(village.0)),
                    Val::S(Some(a.held_on.to_string())),
                    Val::S(Some(a.title.clone())),
                    Val::I(a.participants),
                    Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        self.audit("activity.create", &format!("activity:{id}"), &json!({"village": village.0})).await?;
        self.facts_changed(FactChange::VillageActivity(id));
        Ok(id)
    }

    /// A post on a unit's official page, checked by core as its correction is.
    pub async fn add_page_post(
        &mut self,
        unit: UnitId,
        posted_on: Date,
        title: &str,
        url: Option<&str>,
    ) -> Result<i64> {
        let p = PostFields { posted_on, title: title.to_string(), url: url.map(str::to_string) }.check()?;
        let id = self
            .insert_returning_id(
                "INSERT INTO page_posts (unit_id, posted_on, title, url, created_at) VALUES ($1, $2, $3, $4, $5)",
                vec![
                    Val::I(Some(unit.0)),
                    Val::S(Some(p.posted_on.to_string())),
                    Val::S(Some(p.title.clone())),
                    Val::S(p.url.clone()),
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
