//! Correcting and voiding a plan or resolution, a village activity and a
//! page post (issue 18): the record's fields corrected (a document's file
//! replaced when a new one is given), the record voided with a reason and
//! restored by the secretariat. Each goes through the shared
//! [`WriteTx::record_change`] with the record's own [`FactChange`], so the
//! targets that read it are patched, not recomputed.

use khienmang_core::movement::{ChangeAction, CheckedActivity, CheckedDocument, CheckedPost, RecordKind, VoidReason};
use khienmang_core::org::UnitId;
use serde_json::{Map, Value, json};

use super::corrections::changed_fields;
use super::{ActivityEntry, DocumentEntry};
use crate::targets::FactChange;
use crate::{Result, StoreError, WriteTx};

/// A replaced attachment: file name, content type, bytes.
pub type Attachment = (String, String, Vec<u8>);

impl WriteTx {
    /// Voids the row `id` of `table` and keeps the step in the record's
    /// history and the audit log; `fact` is what the targets read again
    /// (none for a record no target reads).
    pub(crate) async fn void_row(
        &mut self,
        table: &str,
        kind: RecordKind,
        fact: Option<FactChange>,
        id: i64,
        reason: &VoidReason,
    ) -> Result<()> {
        if self.mark_void(table, "id = $4", &[id], reason).await? == 0 {
            return Err(StoreError::NotFound);
        }
        self.log_change(kind, &id.to_string(), ChangeAction::Void, Map::new(), Some(reason.as_str())).await?;
        if let Some(fact) = fact {
            self.facts_changed(fact);
        }
        Ok(())
    }

    /// Clears the void of the row `id` of `table` (the secretariat's
    /// decision; the caller checks the role). A record not voided is refused.
    pub(crate) async fn restore_row(
        &mut self,
        table: &str,
        kind: RecordKind,
        fact: Option<FactChange>,
        id: i64,
    ) -> Result<()> {
        if self.clear_void(table, "id = $1", &[id], None).await? == 0 {
            return Err(StoreError::Invalid("Bản ghi này chưa bị hủy.".into()));
        }
        self.log_change(kind, &id.to_string(), ChangeAction::Restore, Map::new(), None).await?;
        if let Some(fact) = fact {
            self.facts_changed(fact);
        }
        Ok(())
    }

    /// Corrects a plan or resolution: its unit, kind, number, summary, date
    /// and year, and its file when a new one is given. Returns whether
    /// anything changed (an unchanged form writes nothing).
    pub async fn edit_document(
        &mut self,
        current: &DocumentEntry,
        unit: UnitId,
        new: &CheckedDocument,
        file: Option<&Attachment>,
    ) -> Result<bool> {
        let before = json!({
            "unit": current.unit_id.0, "kind": current.kind.as_str(), "number": current.number,
            "title": current.title, "issued_on": current.issued_on.to_string(), "year": current.year,
            "file": current.file_name,
        });
        let after = json!({
            "unit": unit.0, "kind": new.kind.as_str(), "number": new.number, "title": new.title,
            "issued_on": new.issued_on.to_string(), "year": new.year,
            "file": file.map(|f| f.0.clone()).or_else(|| current.file_name.clone()),
        });
        let mut changes = changed_fields(&before, &after);
        if let Some(f) = file {
            // The same name may carry new bytes: a replaced file is always a change.
            changes.entry("file").or_insert_with(|| json!([current.file_name, f.0]));
        }
        if changes.is_empty() {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE movement_documents SET unit_id = $1, kind = $2, number = $3, title = $4, issued_on = $5, year = $6 \
             WHERE id = $7 AND voided_at IS NULL",
        )
        .bind(unit.0)
        .bind(new.kind.as_str())
        .bind(new.number.clone())
        .bind(new.title.clone())
        .bind(new.issued_on.to_string())
        .bind(i64::from(new.year))
        .bind(current.id)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some((name, kind, bytes)) = file {
            sqlx::query("UPDATE movement_documents SET file_name = $1, file_type = $2, file_data = $3 WHERE id = $4")
                .bind(name.clone())
                .bind(kind.clone())
                .bind(bytes.clone())
                .bind(current.id)
                .execute(&mut *self.tx)
                .await?;
        }
        self.record_change(
            FactChange::Document(current.id),
            RecordKind::Document,
            &current.id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    /// Voids a plan or resolution entered by mistake: it leaves the list
    /// and targets 2.1–2.2.
    pub async fn void_document(&mut self, id: i64, reason: &VoidReason) -> Result<()> {
        self.void_row("movement_documents", RecordKind::Document, Some(FactChange::Document(id)), id, reason).await
    }

    pub async fn restore_document(&mut self, id: i64) -> Result<()> {
        self.restore_row("movement_documents", RecordKind::Document, Some(FactChange::Document(id)), id).await
    }

    /// Corrects a village activity: its village, day, what it was and the
    /// number attending.
    pub async fn edit_village_activity(
        &mut self,
        current: &ActivityEntry,
        village: UnitId,
        new: &CheckedActivity,
    ) -> Result<bool> {
        let before = json!({
            "village": current.unit_id.0, "held_on": current.on.to_string(), "title": current.title,
            "participants": current.participants(),
        });
        let after = json!({
            "village": village.0, "held_on": new.held_on.to_string(), "title": new.title,
            "participants": new.participants,
        });
        let changes = changed_fields(&before, &after);
        if changes.is_empty() {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE village_activities SET village_id = $1, held_on = $2, title = $3, participants = $4 \
             WHERE id = $5 AND voided_at IS NULL",
        )
        .bind(village.0)
        .bind(new.held_on.to_string())
        .bind(new.title.clone())
        .bind(new.participants)
        .bind(current.id)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.record_change(
            FactChange::VillageActivity(current.id),
            RecordKind::Activity,
            &current.id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    pub async fn void_village_activity(&mut self, id: i64, reason: &VoidReason) -> Result<()> {
        let fact = Some(FactChange::VillageActivity(id));
        self.void_row("village_activities", RecordKind::Activity, fact, id, reason).await
    }

    pub async fn restore_village_activity(&mut self, id: i64) -> Result<()> {
        self.restore_row("village_activities", RecordKind::Activity, Some(FactChange::VillageActivity(id)), id).await
    }

    /// Corrects a page post: its unit, day, title and link.
    pub async fn edit_page_post(&mut self, current: &ActivityEntry, unit: UnitId, new: &CheckedPost) -> Result<bool> {
        let before = json!({
            "unit": current.unit_id.0, "posted_on": current.on.to_string(), "title": current.title,
            "url": current.detail,
        });
        let after: Value = json!({
            "unit": unit.0, "posted_on": new.posted_on.to_string(), "title": new.title, "url": new.url,
        });
        let changes = changed_fields(&before, &after);
        if changes.is_empty() {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE page_posts SET unit_id = $1, posted_on = $2, title = $3, url = $4 WHERE id = $5 AND voided_at IS NULL",
        )
        .bind(unit.0)
        .bind(new.posted_on.to_string())
        .bind(new.title.clone())
        .bind(new.url.clone())
        .bind(current.id)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.record_change(
            FactChange::PagePost(current.id),
            RecordKind::Post,
            &current.id.to_string(),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        Ok(true)
    }

    pub async fn void_page_post(&mut self, id: i64, reason: &VoidReason) -> Result<()> {
        self.void_row("page_posts", RecordKind::Post, Some(FactChange::PagePost(id)), id, reason).await
    }

    pub async fn restore_page_post(&mut self, id: i64) -> Result<()> {
        self.restore_row("page_posts", RecordKind::Post, Some(FactChange::PagePost(id)), id).await
    }
}
