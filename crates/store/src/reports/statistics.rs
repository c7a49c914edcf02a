//! Public figures on reports: listings of received reports with only their
//! public fields, and counts by commune, category and month.

use std::collections::BTreeMap;

use khienmang_core::org::UnitId;
use khienmang_core::reports::{Category, Status};
use serde::Serialize;
use sqlx::Row;

use crate::{Result, Store};

use super::records::{Report, SELECT, invalid, report_from_row};

/// Counts for the public statistics.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatRow {
    pub key: String,
    pub label: String,
    pub received: i64,
    pub resolved: i64,
    pub closed: i64,
    pub closed_on_time: i64,
}

impl StatRow {
    /// Share of closed reports closed by their deadline, if any closed.
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.closed > 0).then(|| self.closed_on_time as f64 / self.closed as f64)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportStats {
    pub total: StatRow,
    pub by_commune: Vec<StatRow>,
    pub by_category: Vec<StatRow>,
    pub by_month: Vec<StatRow>,
}

impl Store {
    /// Reports received in `[since, until)` (RFC 3339), newest first, for
    /// public listings such as Open311's: callers show only public fields.
    pub async fn reports_received(
        &self,
        since: &str,
        until: &str,
        category: Option<Category>,
        open: Option<bool>,
        limit: i64,
    ) -> Result<Vec<Report>> {
        let mut sql = format!("{SELECT} WHERE r.received_at >= $1 AND r.received_at < $2");
        if let Some(c) = category {
            sql.push_str(&format!(" AND r.category = '{}'", c.as_str()));
        }
        match open {
            Some(true) => sql.push_str(" AND r.closed_at IS NULL"),
            Some(false) => sql.push_str(" AND r.closed_at IS NOT NULL"),
            None => {}
        }
        sql.push_str(&format!(" ORDER BY r.received_at DESC, r.id DESC LIMIT {}", limit.clamp(1, 1000)));
        let rows = sqlx::query(&sql).bind(since).bind(until).fetch_all(self.pool()).await?;
        rows.iter().map(report_from_row).collect()
    }

    /// Received, resolved and on-time counts for reports about places
    /// within `root`, by commune, category and month (Asia/Ho_Chi_Minh).
    pub async fn report_stats(&self, root: Option<UnitId>, year: Option<i32>) -> Result<ReportStats> {
        let rows = sqlx::query(
            "SELECT r.commune_id, r.unit_id, r.category, r.status, r.received_at, r.on_time, \
             (SELECT v.name FROM org_unit_versions v WHERE v.unit_id = COALESCE(r.commune_id, r.unit_id) \
              ORDER BY v.valid_from DESC LIMIT 1) AS place FROM reports r",
        )
        .fetch_all(self.pool())
        .await?;
        let within = match root {
            Some(root) => Some(self.subtree_ids(root).await?),
            None => None,
        };
        let mut stats = ReportStats::default();
        let (mut communes, mut categories, mut months) =
            (BTreeMap::<i64, StatRow>::new(), BTreeMap::<String, StatRow>::new(), BTreeMap::<String, StatRow>::new());
        for row in &rows {
            let place: i64 = row.try_get::<Option<i64>, _>("commune_id")?.unwrap_or(row.try_get("unit_id")?);
            if within.as_ref().is_some_and(|w| !w.contains(&UnitId(place))) {
                continue;
            }
            let received: String = row.try_get("received_at")?;
            let local = chrono::DateTime::parse_from_rfc3339(&received)
                .map(|t| t.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap_or(*t.offset())))
                .map_err(|_| invalid("thời điểm không hợp lệ"))?;
            let month = local.format("%Y-%m").to_string();
            if year.is_some_and(|y| !month.starts_with(&y.to_string())) {
                continue;
            }
            let status = Status::parse(&row.try_get::<String, _>("status")?).unwrap_or(Status::Received);
            let on_time = row.try_get::<Option<i64>, _>("on_time")?;
            let add = |s: &mut StatRow| {
                s.received += 1;
                s.resolved += i64::from(status == Status::Resolved);
                // A duplicate is counted where the original is handled.
                if status.is_closed() && status != Status::Duplicate {
                    s.closed += 1;
                    s.closed_on_time += i64::from(on_time == Some(1));
                }
            };
            add(&mut stats.total);
            let place_name: Option<String> = row.try_get("place")?;
            add(communes.entry(place).or_insert_with(|| StatRow {
                key: place.to_string(),
                label: place_name.unwrap_or_default(),
                ..Default::default()
            }));
            let category = Category::parse(&row.try_get::<String, _>("category")?).unwrap_or(Category::Other);
            add(categories.entry(category.as_str().to_string()).or_insert_with(|| StatRow {
                key: category.as_str().into(),
                label: category.label_vi().into(),
                ..Default::default()
            }));
            add(months.entry(month.clone()).or_insert_with(|| StatRow {
                key: month.clone(),
                label: month.clone(),
                ..Default::default()
            }));
        }
        stats.by_commune = communes.into_values().collect();
        stats.by_commune.sort_by(|a, b| b.received.cmp(&a.received).then(a.label.cmp(&b.label)));
        stats.by_category = categories.into_values().collect();
        stats.by_category.sort_by_key(|c| std::cmp::Reverse(c.received));
        stats.by_month = months.into_values().collect();
        Ok(stats)
    }
}
