//! Public warnings: written by the secretariat, published at a time, shown
//! on /warnings and in the Atom and RSS feeds, withdrawn when outdated.

use chrono::{DateTime, Utc};
use khienmang_core::outreach::{Warning, slugify};
use khienmang_core::reports::Category;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::read_instant;
use crate::{Result, Store, StoreError, WriteTx};
use khienmang_core::time::Timestamp;

/// A new or changed warning; `link` is filled in by the web layer.
#[derive(Debug, Clone)]
pub struct WarningInput {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub category: Category,
    pub published_at: DateTime<Utc>,
}

fn warning(r: &AnyRow) -> Result<Warning> {
    Ok(Warning {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        title: r.try_get("title")?,
        summary: r.try_get("summary")?,
        body: r.try_get("body")?,
        category: Category::parse(&r.try_get::<String, _>("category")?).unwrap_or(Category::Other),
        published_at: read_instant(&r.try_get::<String, _>("published_at")?)?,
        updated_at: read_instant(&r.try_get::<String, _>("updated_at")?)?,
        link: String::new(),
    })
}

const COLUMNS: &str = "id, slug, title, summary, body, category, published_at, updated_at";

impl Store {
    /// Warnings not withdrawn, newest first (scheduled ones included: the
    /// public views filter with `public_feed`).
    pub async fn warnings(&self, limit: i64) -> Result<Vec<Warning>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM warnings WHERE withdrawn_at IS NULL ORDER BY published_at DESC, id DESC LIMIT $1"
        );
        let rows = sqlx::query(&sql).bind(limit).fetch_all(self.pool()).await?;
        rows.iter().map(warning).collect()
    }

    pub async fn warning_by_slug(&self, slug: &str) -> Result<Option<Warning>> {
        let sql = format!("SELECT {COLUMNS} FROM warnings WHERE slug = $1 AND withdrawn_at IS NULL");
        let row = sqlx::query(&sql).bind(slug).fetch_optional(self.pool()).await?;
        row.as_ref().map(warning).transpose()
    }
}

impl WriteTx {
    /// Publishes a warning (checked by core's rules); returns its slug,
    /// made unique with a number when the title's slug is taken.
    pub async fn publish_warning(&mut self, w: &WarningInput) -> Result<String> {
        let base = slugify(&w.title);
        let now = self.now().utc();
        let mut check = Warning {
            id: 0,
            slug: base.clone(),
            title: w.title.trim().to_owned(),
            summary: w.summary.trim().to_owned(),
            body: w.body.trim().to_owned(),
            category: w.category,
            published_at: w.published_at,
            // A scheduled warning counts as changed when it comes out.
            updated_at: now.max(w.published_at),
            link: String::new(),
        };
        let mut n = 1;
        loop {
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM warnings WHERE slug = $1")
                .bind(&check.slug)
                .fetch_optional(&mut *self.tx)
                .await?;
            if taken.is_none() {
                break;
            }
            n += 1;
            check.slug = format!("{base}-{n}");
        }
        check.validate().map_err(|e| StoreError::Invalid(e.message_vi()))?;
        let at = |d: DateTime<Utc>| Timestamp::from(d).stored();
        sqlx::query(
            "INSERT INTO warnings (slug, title, summary, body, category, published_at, updated_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&check.slug)
        .bind(&check.title)
        .bind(&check.summary)
        .bind(&check.body)
        .bind(check.category.as_str())
        .bind(at(check.published_at))
        .bind(at(check.updated_at))
        .bind(&self.actor)
        .execute(&mut *self.tx)
        .await?;
        self.audit("warning.publish", &format!("warning:{}", check.slug), &json!({"title": check.title})).await?;
        Ok(check.slug)
    }

    pub async fn withdraw_warning(&mut self, slug: &str) -> Result<()> {
        let done = sqlx::query("UPDATE warnings SET withdrawn_at = $1 WHERE slug = $2 AND withdrawn_at IS NULL")
            .bind(self.stamp())
            .bind(slug)
            .execute(&mut *self.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit("warning.withdraw", &format!("warning:{slug}"), &json!({})).await?;
        Ok(())
    }
}
