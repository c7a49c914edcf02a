//! Public warnings: written by the secretariat, published at a time, shown
//! on /warnings and in the Atom and RSS feeds, withdrawn when outdated.
//! A warning is corrected in place (its slug, so every shared link, stays)
//! or voided when it was entered by mistake, and restored by the
//! secretariat, through the registry's shared correction mechanism
//! (history, audit).

use chrono::{DateTime, Utc};
use khienmang_core::movement::{ChangeAction, RecordKind, VoidReason};
use khienmang_core::outreach::{Warning, slugify};
use khienmang_core::reports::Category;
use serde_json::{Map, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::read_instant;
use crate::movement::corrections::{Voided, changed_fields, voided_of};
use crate::targets::FactChange;
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

/// A warning as the secretariat sees it: withdrawn or voided ones too.
#[derive(Debug, Clone)]
pub struct StaffWarning {
    pub warning: Warning,
    pub withdrawn: bool,
    pub voided: Option<Voided>,
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

/// What citizens may see: neither withdrawn nor voided.
const SHOWN: &str = "withdrawn_at IS NULL AND voided_at IS NULL";

impl Store {
    /// Warnings not withdrawn nor voided, newest first (scheduled ones
    /// included: the public views filter with `public_feed`).
    pub async fn warnings(&self, limit: i64) -> Result<Vec<Warning>> {
        let sql = format!("SELECT {COLUMNS} FROM warnings WHERE {SHOWN} ORDER BY published_at DESC, id DESC LIMIT $1");
        let rows = sqlx::query(&sql).bind(limit).fetch_all(self.pool()).await?;
        rows.iter().map(warning).collect()
    }

    pub async fn warning_by_slug(&self, slug: &str) -> Result<Option<Warning>> {
        let sql = format!("SELECT {COLUMNS} FROM warnings WHERE slug = $1 AND {SHOWN}");
        let row = sqlx::query(&sql).bind(slug).fetch_optional(self.pool()).await?;
        row.as_ref().map(warning).transpose()
    }

    /// A warning by its slug whatever its state, for the secretariat.
    pub async fn staff_warning(&self, slug: &str) -> Result<Option<StaffWarning>> {
        let sql =
            format!("SELECT {COLUMNS}, withdrawn_at, voided_at, voided_by, void_reason FROM warnings WHERE slug = $1");
        let row = sqlx::query(&sql).bind(slug).fetch_optional(self.pool()).await?;
        row.as_ref()
            .map(|r| {
                Ok(StaffWarning {
                    warning: warning(r)?,
                    withdrawn: r.try_get::<Option<String>, _>("withdrawn_at")?.is_some(),
                    voided: voided_of(r)?,
                })
            })
            .transpose()
    }

    /// The voided warnings, latest void first (the secretariat may restore them).
    pub async fn voided_warnings(&self, limit: i64) -> Result<Vec<StaffWarning>> {
        let sql = format!(
            "SELECT {COLUMNS}, withdrawn_at, voided_at, voided_by, void_reason FROM warnings \
             WHERE voided_at IS NOT NULL ORDER BY voided_at DESC, id DESC LIMIT $1"
        );
        let rows = sqlx::query(&sql).bind(limit).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(StaffWarning {
                    warning: warning(r)?,
                    withdrawn: r.try_get::<Option<String>, _>("withdrawn_at")?.is_some(),
                    voided: voided_of(r)?,
                })
            })
            .collect()
    }

    /// When a warning was last corrected (RFC 3339, UTC), if ever: the
    /// "updated on" note citizens read.
    pub async fn warning_corrected_at(&self, id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(changed_at) FROM record_changes WHERE record_kind = $1 AND record_id = $2 AND action = $3",
        )
        .bind(RecordKind::Warning.as_str())
        .bind(id.to_string())
        .bind(ChangeAction::Edit.as_str())
        .fetch_one(self.pool())
        .await?)
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
        let done = sqlx::query(
            "UPDATE warnings SET withdrawn_at = $1 WHERE slug = $2 AND withdrawn_at IS NULL AND voided_at IS NULL",
        )
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

    /// Corrects a warning's title, summary, body and category, keeping its
    /// slug (shared links keep working) and its publication time; the feeds
    /// see it updated now. Returns whether anything changed.
    pub async fn edit_warning(&mut self, current: &Warning, new: &WarningInput) -> Result<bool> {
        let now = self.now().utc();
        let corrected = Warning {
            title: new.title.trim().to_owned(),
            summary: new.summary.trim().to_owned(),
            body: new.body.trim().to_owned(),
            category: new.category,
            updated_at: now.max(current.published_at),
            link: String::new(),
            ..current.clone()
        };
        corrected.validate().map_err(|e| StoreError::Invalid(e.message_vi()))?;
        let fields = |w: &Warning| json!({"title": w.title, "summary": w.summary, "body": w.body, "category": w.category.as_str()});
        let changes = changed_fields(&fields(current), &fields(&corrected));
        if changes.is_empty() {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE warnings SET title = $1, summary = $2, body = $3, category = $4, updated_at = $5 \
             WHERE id = $6 AND voided_at IS NULL",
        )
        .bind(&corrected.title)
        .bind(&corrected.summary)
        .bind(&corrected.body)
        .bind(corrected.category.as_str())
        .bind(Timestamp::from(corrected.updated_at).stored())
        .bind(current.id)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.record_change(
            FactChange::Unread,
            RecordKind::Warning,
            &current.id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    /// Voids a warning entered by mistake: it leaves the page and the feeds
    /// at once (a withdrawal is for one that is merely outdated).
    pub async fn void_warning(&mut self, id: i64, reason: &VoidReason) -> Result<()> {
        if self.mark_void("warnings", "id = $4", &[id], reason).await? == 0 {
            return Err(StoreError::Invalid("Cảnh báo này đã bị hủy.".into()));
        }
        self.record_change(
            FactChange::Unread,
            RecordKind::Warning,
            &id.to_string(),
            ChangeAction::Void,
            Map::new(),
            Some(reason.as_str()),
        )
        .await
    }

    /// Restores a voided warning (the secretariat's decision; the caller checks the role).
    pub async fn restore_warning(&mut self, id: i64) -> Result<()> {
        if self.clear_void("warnings", "id = $1", &[id], None).await? == 0 {
            return Err(StoreError::Invalid("Cảnh báo này chưa bị hủy.".into()));
        }
        self.record_change(
            FactChange::Unread,
            RecordKind::Warning,
            &id.to_string(),
            ChangeAction::Restore,
            Map::new(),
            None,
        )
        .await
    }
}
