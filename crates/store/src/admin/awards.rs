//! Award nominations and their approval chain; the register is the
//! approved ones with their decision numbers.

use khienmang_core::Date;
use khienmang_core::admin::{Nomination, NominationStatus, RegisterEntry};
use khienmang_core::org::UnitId;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::invalid;
use crate::{Result, Store, StoreError, WriteTx};

/// A stored nomination.
#[derive(Debug, Clone, Serialize)]
pub struct NominationRecord {
    pub id: i64,
    pub nomination: Nomination,
    pub decision_no: Option<String>,
    pub updated_at: String,
}

impl NominationRecord {
    /// Its line in the register, once approved with a decision number.
    pub fn register_entry(&self) -> Option<RegisterEntry> {
        self.nomination.register_entry(self.decision_no.as_deref()?).ok()
    }
}

fn record(r: &AnyRow) -> Result<NominationRecord> {
    let json: String = r.try_get("nomination")?;
    Ok(NominationRecord {
        id: r.try_get("id")?,
        nomination: serde_json::from_str(&json).map_err(|_| invalid("hồ sơ khen thưởng hỏng trong cơ sở dữ liệu"))?,
        decision_no: r.try_get("decision_no")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    /// Nominations of `year` (every year with `None`), newest first.
    pub async fn nominations(&self, year: Option<i32>) -> Result<Vec<NominationRecord>> {
        const SELECT: &str = "SELECT id, nomination, decision_no, updated_at FROM award_nominations";
        let rows = match year {
            Some(y) => {
                let sql = format!("{SELECT} WHERE year = $1 ORDER BY id DESC");
                sqlx::query(&sql).bind(i64::from(y)).fetch_all(self.pool()).await?
            }
            None => sqlx::query(&format!("{SELECT} ORDER BY id DESC")).fetch_all(self.pool()).await?,
        };
        rows.iter().map(record).collect()
    }

    pub async fn nomination(&self, id: i64) -> Result<Option<NominationRecord>> {
        let row = sqlx::query("SELECT id, nomination, decision_no, updated_at FROM award_nominations WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(record).transpose()
    }
}

impl WriteTx {
    /// A unit proposes an award (already checked by `Nomination::draft`) and
    /// sends it on at once.
    pub async fn nominate(&mut self, mut n: Nomination, on: Date) -> Result<i64> {
        let by = n.proposed_by;
        n.step(NominationStatus::Submitted, by, on, None).map_err(|e| invalid(e.message_vi()))?;
        let json = serde_json::to_string(&n).map_err(|e| invalid(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO award_nominations (proposed_by, year, kind, status, nominee_name, nomination, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(by.0)
        .bind(i64::from(n.year))
        .bind(n.kind.as_str())
        .bind(n.status.as_str())
        .bind(n.nominee.name())
        .bind(&json)
        .bind(self.stamp())
        .fetch_one(&mut *self.tx)
        .await?;
        self.audit(
            "award.nominate",
            &format!("nomination:{id}"),
            &json!({
                "nominee": n.nominee.name(), "kind": n.kind.as_str(), "year": n.year
            }),
        )
        .await?;
        Ok(id)
    }

    /// The next step of the chain, taken by `by` (the level that decides);
    /// approving needs the decision number.
    pub async fn step_nomination(
        &mut self,
        id: i64,
        to: NominationStatus,
        by: UnitId,
        on: Date,
        note: Option<String>,
        decision_no: Option<&str>,
    ) -> Result<()> {
        let row = sqlx::query("SELECT id, nomination, decision_no, updated_at FROM award_nominations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        let mut rec = row.as_ref().map(record).transpose()?.ok_or(StoreError::NotFound)?;
        let decision_no = decision_no.map(str::trim).filter(|d| !d.is_empty());
        if to == NominationStatus::Approved && decision_no.is_none() {
            return Err(invalid("Cần ghi số quyết định khen thưởng."));
        }
        rec.nomination.step(to, by, on, note).map_err(|e| invalid(e.message_vi()))?;
        let json = serde_json::to_string(&rec.nomination).map_err(|e| invalid(e.to_string()))?;
        sqlx::query(
            "UPDATE award_nominations SET status = $1, nomination = $2, decision_no = COALESCE($3, decision_no), \
             updated_at = $4 WHERE id = $5",
        )
        .bind(to.as_str())
        .bind(&json)
        .bind(decision_no)
        .bind(self.stamp())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        self.audit("award.step", &format!("nomination:{id}"), &json!({"to": to.as_str(), "decision": decision_no}))
            .await?;
        Ok(())
    }
}
