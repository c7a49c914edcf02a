//! The official list the secretariat keeps (banks' and public services'
//! domains, hotlines and accounts, each with its source). Every change raises
//! a generation; each replica's [`LiveIndex`](super::LiveIndex) sees it at its
//! next poll and checks against the new list from then on.

use khienmang_core::scamcheck::{OfficialEntry, OfficialKind, OfficialList};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, Store, StoreError, WriteTx};

/// Raised by every change to `official_entries`.
pub(crate) const OFFICIAL_GENERATION: &str = "scamcheck.official";
/// The longest source kept ("Công văn số … của Ngân hàng …, trang …").
pub const MAX_SOURCE_CHARS: usize = 500;

/// One entry as the secretariat sees it, voided ones included.
#[derive(Debug, Clone, Serialize)]
pub struct OfficialRow {
    pub id: i64,
    pub kind: OfficialKind,
    pub value: String,
    pub owner: String,
    pub source: String,
    pub created_at: String,
    pub created_by: String,
    pub voided_at: Option<String>,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
}

impl OfficialRow {
    pub fn entry(&self) -> OfficialEntry {
        OfficialEntry { kind: self.kind, value: self.value.clone(), owner: self.owner.clone() }
    }
}

const COLUMNS: &str =
    "id, kind, value, owner, source, created_at, created_by, voided_at, voided_by, void_reason FROM official_entries";

fn row(r: &AnyRow) -> Result<OfficialRow> {
    let kind: String = r.try_get("kind")?;
    Ok(OfficialRow {
        id: r.try_get("id")?,
        kind: OfficialKind::parse(&kind).ok_or_else(|| StoreError::Invalid(format!("loại không hợp lệ: {kind}")))?,
        value: r.try_get("value")?,
        owner: r.try_get("owner")?,
        source: r.try_get("source")?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
        voided_at: r.try_get("voided_at")?,
        voided_by: r.try_get("voided_by")?,
        void_reason: r.try_get("void_reason")?,
    })
}

/// The source as typed, trimmed; refused when empty or too long.
pub fn checked_source(source: &str) -> std::result::Result<String, &'static str> {
    let s = source.trim();
    if s.is_empty() {
        return Err("Chưa nhập nguồn xác nhận (trang chính thức, công văn…).");
    }
    if s.chars().count() > MAX_SOURCE_CHARS {
        return Err("Nguồn xác nhận dài quá 500 ký tự.");
    }
    Ok(s.to_owned())
}

impl Store {
    /// Every entry, the ones in force first, then by kind and value.
    pub async fn official_entries(&self) -> Result<Vec<OfficialRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} ORDER BY CASE WHEN voided_at IS NULL THEN 0 ELSE 1 END, kind, value, id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row).collect()
    }

    pub async fn official_entry(&self, id: i64) -> Result<OfficialRow> {
        let r = sqlx::query(&format!("SELECT {COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        row(&r)
    }

    /// The entries in force, as the check reads them.
    pub async fn official_list(&self) -> Result<OfficialList> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} WHERE voided_at IS NULL")).fetch_all(self.pool()).await?;
        let rows: Vec<OfficialRow> = rows.iter().map(row).collect::<Result<_>>()?;
        Ok(OfficialList::new(rows.iter().map(OfficialRow::entry)))
    }

    /// The list's generation: it moves at every change.
    pub async fn official_generation(&self) -> Result<i64> {
        Ok(self.setting(OFFICIAL_GENERATION).await?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }
}

impl WriteTx {
    /// Adds an entry; refused when the same value is already in force.
    pub async fn add_official(&mut self, entry: &OfficialEntry, source: &str) -> Result<i64> {
        self.refuse_duplicate_official(entry, None).await?;
        let created_at = self.stamp();
        let id: i64 = sqlx::query(
            "INSERT INTO official_entries (kind, value, owner, source, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(entry.kind.as_str())
        .bind(&entry.value)
        .bind(&entry.owner)
        .bind(source)
        .bind(created_at)
        .bind(self.actor().to_owned())
        .fetch_one(self.conn())
        .await?
        .try_get(0)?;
        self.bump_generation(OFFICIAL_GENERATION).await?;
        let details =
            json!({"kind": entry.kind.as_str(), "value": entry.value, "owner": entry.owner, "source": source});
        self.audit("official.add", &format!("official:{id}"), &details).await?;
        Ok(id)
    }

    /// Corrects an entry in force; the audit log keeps what it was.
    pub async fn edit_official(&mut self, id: i64, entry: &OfficialEntry, source: &str) -> Result<()> {
        let before = self.official_in_force(id).await?;
        self.refuse_duplicate_official(entry, Some(id)).await?;
        sqlx::query("UPDATE official_entries SET kind = $1, value = $2, owner = $3, source = $4 WHERE id = $5")
            .bind(entry.kind.as_str())
            .bind(&entry.value)
            .bind(&entry.owner)
            .bind(source)
            .bind(id)
            .execute(self.conn())
            .await?;
        self.bump_generation(OFFICIAL_GENERATION).await?;
        let details = json!({
            "before": {"kind": before.kind.as_str(), "value": before.value, "owner": before.owner, "source": before.source},
            "after": {"kind": entry.kind.as_str(), "value": entry.value, "owner": entry.owner, "source": source},
        });
        self.audit("official.edit", &format!("official:{id}"), &details).await?;
        Ok(())
    }

    /// Voids an entry added by mistake: it stops counting at once on every
    /// replica; the row stays, with who voided it and why.
    pub async fn void_official(&mut self, id: i64, reason: &str) -> Result<()> {
        self.official_in_force(id).await?;
        let at = self.stamp();
        sqlx::query("UPDATE official_entries SET voided_at = $1, voided_by = $2, void_reason = $3 WHERE id = $4")
            .bind(at)
            .bind(self.actor().to_owned())
            .bind(reason)
            .bind(id)
            .execute(self.conn())
            .await?;
        self.bump_generation(OFFICIAL_GENERATION).await?;
        self.audit("official.void", &format!("official:{id}"), &json!({"reason": reason})).await?;
        Ok(())
    }

    async fn official_in_force(&mut self, id: i64) -> Result<OfficialRow> {
        let r = sqlx::query(&format!("SELECT {COLUMNS} WHERE id = $1 AND voided_at IS NULL"))
            .bind(id)
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        row(&r)
    }

    async fn refuse_duplicate_official(&mut self, entry: &OfficialEntry, except: Option<i64>) -> Result<()> {
        let other: Option<String> = sqlx::query_scalar(
            "SELECT owner FROM official_entries WHERE kind = $1 AND value = $2 AND voided_at IS NULL AND id <> $3",
        )
        .bind(entry.kind.as_str())
        .bind(&entry.value)
        .bind(except.unwrap_or(0))
        .fetch_optional(self.conn())
        .await?;
        match other {
            Some(owner) => Err(StoreError::Invalid(format!("«{}» đã có trong danh sách (của {owner}).", entry.value))),
            None => Ok(()),
        }
    }
}
