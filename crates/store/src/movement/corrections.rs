//! Correct and void, the mechanism every registry shares (issue 18): a
//! correction updates the record, a void marks it (when, by whom, why) and a
//! restore clears the mark, and each of the three writes one row of the
//! record's history (`record_changes`), one audit entry and tells the
//! targets what changed, all in the write's transaction. The registries
//! call [`WriteTx::record_change`] and the marking helpers below, so the
//! history, the audit and the targets' invalidation stay in one place.

use khienmang_core::movement::{ChangeAction, RecordKind, VoidReason};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sqlx::Row;

use crate::targets::FactChange;
use crate::{Result, Store, StoreError, WriteTx};

/// One row of a record's history.
#[derive(Debug, Clone, Serialize)]
pub struct RecordChange {
    pub actor: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    pub action: ChangeAction,
    /// The changed fields, `{"field": [old, new]}`; empty for a void or restore.
    pub changes: Map<String, Value>,
    pub reason: Option<String>,
}

/// A void on a record: when, by whom, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voided {
    pub at: String,
    pub by: String,
    pub reason: String,
}

/// The fields of `new` that differ from `old`, as `{"field": [old, new]}`;
/// both are JSON objects of the same record.
pub fn changed_fields(old: &Value, new: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    if let (Some(old), Some(new)) = (old.as_object(), new.as_object()) {
        for (k, v) in new {
            let before = old.get(k).cloned().unwrap_or(Value::Null);
            if &before != v {
                out.insert(k.clone(), json!([before, v]));
            }
        }
    }
    out
}

/// A void's columns read from a row that selected `voided_at`, `voided_by`
/// and `void_reason`.
pub(crate) fn voided_of(row: &sqlx::any::AnyRow) -> Result<Option<Voided>> {
    let at: Option<String> = row.try_get("voided_at")?;
    Ok(match at {
        Some(at) => Some(Voided {
            at,
            by: row.try_get::<Option<String>, _>("voided_by")?.unwrap_or_default(),
            reason: row.try_get::<Option<String>, _>("void_reason")?.unwrap_or_default(),
        }),
        None => None,
    })
}

impl Store {
    /// A record's history of corrections, voids and restores, oldest first.
    pub async fn record_history(&self, kind: RecordKind, id: &str) -> Result<Vec<RecordChange>> {
        let rows = sqlx::query(
            "SELECT actor, changed_at, action, changes, reason FROM record_changes \
             WHERE record_kind = $1 AND record_id = $2 ORDER BY id",
        )
        .bind(kind.as_str())
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let action: String = r.try_get(2)?;
                let changes: String = r.try_get(3)?;
                Ok(RecordChange {
                    actor: r.try_get(0)?,
                    at: r.try_get(1)?,
                    action: ChangeAction::parse(&action)
                        .ok_or_else(|| StoreError::Invalid("thao tác không hợp lệ trong lịch sử".into()))?,
                    changes: serde_json::from_str::<Map<String, Value>>(&changes).unwrap_or_default(),
                    reason: r.try_get(4)?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    /// The shared tail of every correction, void and restore: one history
    /// row, one audit entry (`<kind>.<action>` on `<kind>:<id>`) and the
    /// targets told what to read again (`fact`: the caller knows which
    /// records its change touched).
    #[allow(clippy::too_many_arguments, reason = "one call shape for every correction, void and restore")]
    pub(crate) async fn record_change(
        &mut self,
        fact: FactChange,
        kind: RecordKind,
        id: &str,
        action: ChangeAction,
        changes: Map<String, Value>,
        reason: Option<&str>,
    ) -> Result<()> {
        self.record_history_row(kind, id, action, changes, reason).await?;
        self.facts_changed(fact);
        Ok(())
    }

    /// The history row and audit entry of a change no target reads (an
    /// evaluation, a nomination, a criteria set): [`WriteTx::record_change`]
    /// without the targets.
    pub(crate) async fn record_history_row(
        &mut self,
        kind: RecordKind,
        id: &str,
        action: ChangeAction,
        changes: Map<String, Value>,
        reason: Option<&str>,
    ) -> Result<()> {
        let changes = Value::Object(changes);
        sqlx::query(
            "INSERT INTO record_changes (record_kind, record_id, actor, changed_at, action, changes, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(kind.as_str())
        .bind(id)
        .bind(self.actor.clone())
        .bind(self.stamp())
        .bind(action.as_str())
        .bind(changes.to_string())
        .bind(reason.map(str::to_string))
        .execute(&mut *self.tx)
        .await?;
        self.audit(
            &format!("{}.{}", kind.as_str(), action.as_str()),
            &format!("{}:{id}", kind.as_str()),
            &json!({"changes": changes, "reason": reason}),
        )
        .await?;
        Ok(())
    }

    /// Marks the rows of `table` matching `filter` (a condition on `$4`, `$5`,
    /// … bound from `keys`) as voided now by this write's actor; rows already
    /// void are left as they are. Returns how many were marked.
    pub(crate) async fn mark_void(
        &mut self,
        table: &str,
        filter: &str,
        keys: &[i64],
        reason: &VoidReason,
    ) -> Result<u64> {
        let sql = format!(
            "UPDATE {table} SET voided_at = $1, voided_by = $2, void_reason = $3 WHERE voided_at IS NULL AND ({filter})"
        );
        let mut q = sqlx::query(&sql).bind(self.stamp()).bind(self.actor.clone()).bind(reason.as_str().to_string());
        for k in keys {
            q = q.bind(*k);
        }
        Ok(q.execute(&mut *self.tx).await?.rows_affected())
    }

    /// Clears the void of the rows of `table` matching `filter` (on `$1`, `$2`,
    /// … bound from `keys`) that were voided with exactly `voided_at`, so a
    /// cascade restores what it voided and nothing voided on its own.
    pub(crate) async fn clear_void(
        &mut self,
        table: &str,
        filter: &str,
        keys: &[i64],
        voided_at: Option<&str>,
    ) -> Result<u64> {
        let at = keys.len() + 1;
        let when = if voided_at.is_some() { format!("voided_at = ${at}") } else { "voided_at IS NOT NULL".into() };
        let sql = format!(
            "UPDATE {table} SET voided_at = NULL, voided_by = NULL, void_reason = NULL WHERE {when} AND ({filter})"
        );
        let mut q = sqlx::query(&sql);
        for k in keys {
            q = q.bind(*k);
        }
        if let Some(v) = voided_at {
            q = q.bind(v.to_string());
        }
        Ok(q.execute(&mut *self.tx).await?.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn only_changed_fields_are_kept_with_old_and_new() {
        let old = json!({"name": "Tổ Zalo", "focus": ["drugs"], "leader_name": null});
        let new = json!({"name": "Tổ Zalo số 1", "focus": ["drugs"], "leader_name": "Bà Lan"});
        let d = changed_fields(&old, &new);
        assert_eq!(d.len(), 2);
        assert_eq!(d["name"], json!(["Tổ Zalo", "Tổ Zalo số 1"]));
        assert_eq!(d["leader_name"], json!([null, "Bà Lan"]));
    }
}
